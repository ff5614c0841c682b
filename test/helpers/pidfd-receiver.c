/*
 * pidfd-receiver SOCKET SIGNAL: the test's end of --pidfd-socket (runc 1.2's protocol, as its
 * tests' pidfd-kill speaks it): listen on SOCKET (mode 0777), accept one connection, receive one
 * fd with SCM_RIGHTS and a short string as the data ("standard" for create/run, "setns" for
 * exec). Prints "data=<data> pid=<Pid: of the fd's fdinfo>" on stdout, then, unless SIGNAL is 0,
 * waits for a line on stdin and sends SIGNAL through the fd with pidfd_send_signal(2), printing
 * "signalled". Exit 0 on success, 2 on a failure (with a message on stderr).
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <unistd.h>

static int die(const char *what) {
  fprintf(stderr, "pidfd-receiver: %s: %s\n", what, strerror(errno));
  return 2;
}

int main(int argc, char **argv) {
  if (argc != 3) return fprintf(stderr, "usage: pidfd-receiver SOCKET SIGNAL\n"), 2;
  int sig = atoi(argv[2]);
  struct sockaddr_un addr = {.sun_family = AF_UNIX};
  snprintf(addr.sun_path, sizeof addr.sun_path, "%s.tmp", argv[1]);
  int ls = socket(AF_UNIX, SOCK_STREAM, 0);
  if (ls < 0) return die("socket");
  unlink(addr.sun_path);
  if (bind(ls, (struct sockaddr *)&addr, sizeof addr) < 0) return die("bind");
  chmod(addr.sun_path, 0777);
  if (listen(ls, 1) < 0) return die("listen");
  if (rename(addr.sun_path, argv[1]) < 0) return die("rename");
  int c = accept(ls, NULL, NULL);
  if (c < 0) return die("accept");
  char data[64] = {0};
  char control[CMSG_SPACE(sizeof(int))];
  struct iovec iov = {.iov_base = data, .iov_len = sizeof data - 1};
  struct msghdr msg = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = control, .msg_controllen = sizeof control};
  if (recvmsg(c, &msg, 0) < 0) return die("recvmsg");
  struct cmsghdr *cm = CMSG_FIRSTHDR(&msg);
  if (!cm || cm->cmsg_type != SCM_RIGHTS) return fprintf(stderr, "pidfd-receiver: no fd received\n"), 2;
  int fd;
  memcpy(&fd, CMSG_DATA(cm), sizeof fd);
  char path[64], info[512] = {0};
  snprintf(path, sizeof path, "/proc/self/fdinfo/%d", fd);
  FILE *f = fopen(path, "r");
  if (!f) return die("fdinfo");
  size_t n = fread(info, 1, sizeof info - 1, f);
  info[n] = 0;
  fclose(f);
  const char *pid = strstr(info, "\nPid:");
  printf("data=%s pid=%d\n", data, pid ? atoi(pid + 5) : -1);
  fflush(stdout);
  if (sig == 0) return 0;
  char line[16];
  if (!fgets(line, sizeof line, stdin)) return fprintf(stderr, "pidfd-receiver: stdin closed\n"), 2;
  if (syscall(SYS_pidfd_send_signal, fd, sig, NULL, 0) < 0) return die("pidfd_send_signal");
  printf("signalled\n");
  return 0;
}
