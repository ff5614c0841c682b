/*
 * console-receiver SOCKET [INPUT]: the test's end of --console-socket (runc's protocol, as
 * conmon and containerd's shim speak it): listen on SOCKET (mode 0777, so a rootless
 * container's init may connect), accept one connection, receive one fd with SCM_RIGHTS and
 * the pty's name as the data. Prints "name=<name> ptn=<n> rows=<r> cols=<c>" on stderr, writes
 * INPUT to the master, then copies everything the master yields to stdout until the last
 * slave fd closes (EIO). Exit 0 on success, 2 on a protocol failure (with a message).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

static int die(const char *what) {
  fprintf(stderr, "console-receiver: %s: %s\n", what, strerror(errno));
  return 2;
}

int main(int argc, char **argv) {
  if (argc < 2) return fprintf(stderr, "usage: console-receiver SOCKET [INPUT]\n"), 2;
  struct sockaddr_un addr = {.sun_family = AF_UNIX};
  /* Bound and listening under a temporary name, then renamed: once SOCKET exists, connect works. */
  snprintf(addr.sun_path, sizeof addr.sun_path, "%s.tmp", argv[1]);
  int ls = socket(AF_UNIX, SOCK_STREAM, 0);
  if (ls < 0) return die("socket");
  unlink(addr.sun_path);
  if (bind(ls, (struct sockaddr *)&addr, sizeof addr) < 0) return die("bind");
  if (chmod(addr.sun_path, 0777) < 0) return die("chmod");
  if (listen(ls, 1) < 0) return die("listen");
  if (rename(addr.sun_path, argv[1]) < 0) return die("rename");
  int c = accept(ls, NULL, NULL);
  if (c < 0) return die("accept");

  char name[256] = {0}, control[CMSG_SPACE(sizeof(int))];
  struct iovec iov = {name, sizeof name - 1};
  struct msghdr mh = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = control, .msg_controllen = sizeof control};
  ssize_t n = recvmsg(c, &mh, 0);
  if (n < 0) return die("recvmsg");
  struct cmsghdr *cm = CMSG_FIRSTHDR(&mh);
  if (!cm || cm->cmsg_level != SOL_SOCKET || cm->cmsg_type != SCM_RIGHTS) {
    fprintf(stderr, "console-receiver: no SCM_RIGHTS fd in the message (%zd data bytes)\n", n);
    return 2;
  }
  int master;
  memcpy(&master, CMSG_DATA(cm), sizeof master);
  unsigned ptn;
  if (ioctl(master, TIOCGPTN, &ptn) < 0) return die("ioctl(TIOCGPTN): the fd is not a pty master");
  struct winsize ws;
  if (ioctl(master, TIOCGWINSZ, &ws) < 0) return die("ioctl(TIOCGWINSZ)");
  fprintf(stderr, "name=%s ptn=%u rows=%u cols=%u\n", name, ptn, ws.ws_row, ws.ws_col);
  close(c);
  close(ls);
  if (argc > 2 && write(master, argv[2], strlen(argv[2])) < 0) return die("write");
  char buf[4096];
  for (;;) {
    n = read(master, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break; /* EIO: every slave fd is closed */
    if (write(1, buf, (size_t)n) < 0) return die("write stdout");
  }
  return 0;
}
