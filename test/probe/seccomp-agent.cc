// seccomp-agent SOCKET STATE_FILE VALUE: a minimal seccomp agent for tests of SCMP_ACT_NOTIFY
// (config-linux.md#seccomp, listenerPath). Runs on the host, built by test/helpers/seccomp-agent.ts.
//   - listens on SOCKET (mode 0666, so a rootless runtime can connect), prints "ready";
//   - takes one connection: the container process state (JSON, written to STATE_FILE) and the
//     listener fd (SCM_RIGHTS);
//   - answers every notification with return value VALUE (no error) until no process is left on
//     the filter (POLLHUP), then exits 0.
#include <linux/seccomp.h>
#include <poll.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>

static int die(const char* what) {
  fprintf(stderr, "seccomp-agent: %s: %s\n", what, strerror(errno));
  return 1;
}

int main(int argc, char** argv) {
  if (argc != 4) return fprintf(stderr, "usage: seccomp-agent SOCKET STATE_FILE VALUE\n"), 2;
  long value = strtol(argv[3], nullptr, 0);
  int srv = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_un addr = {};
  addr.sun_family = AF_UNIX;
  snprintf(addr.sun_path, sizeof addr.sun_path, "%s", argv[1]);
  if (srv < 0 || bind(srv, reinterpret_cast<sockaddr*>(&addr), sizeof addr) < 0 || listen(srv, 1) < 0) return die("listen");
  chmod(argv[1], 0666);
  printf("ready\n");
  fflush(stdout);

  int conn = accept4(srv, nullptr, nullptr, SOCK_CLOEXEC);
  if (conn < 0) return die("accept");
  static char state[65536];
  size_t len = 0;
  int listener = -1;
  for (;;) {
    alignas(cmsghdr) char control[CMSG_SPACE(sizeof(int) * 4)];
    iovec iov = {state + len, sizeof state - 1 - len};
    msghdr mh = {};
    mh.msg_iov = &iov;
    mh.msg_iovlen = 1;
    mh.msg_control = control;
    mh.msg_controllen = sizeof control;
    ssize_t n = recvmsg(conn, &mh, MSG_CMSG_CLOEXEC);
    if (n < 0) return die("recvmsg");
    for (cmsghdr* c = CMSG_FIRSTHDR(&mh); c; c = CMSG_NXTHDR(&mh, c))
      if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS && listener < 0) memcpy(&listener, CMSG_DATA(c), sizeof listener);
    if (n == 0) break;  // the runtime closes after one state (config-linux.md#seccomp)
    len += n;
  }
  FILE* out = fopen(argv[2], "w");
  if (!out) return die("open state file");
  fprintf(out, "%.*s\n{\"listenerReceived\":%s}\n", (int)len, state, listener >= 0 ? "true" : "false");
  fclose(out);
  if (listener < 0) return fprintf(stderr, "seccomp-agent: no listener fd\n"), 1;

  for (;;) {
    pollfd p = {listener, POLLIN, 0};
    if (poll(&p, 1, -1) < 0) {
      if (errno == EINTR) continue;
      return die("poll");
    }
    if (p.revents & POLLHUP) return 0;
    seccomp_notif req = {};
    if (ioctl(listener, SECCOMP_IOCTL_NOTIF_RECV, &req) < 0) {
      if (errno == EINTR || errno == ENOENT) continue;
      return die("SECCOMP_IOCTL_NOTIF_RECV");
    }
    seccomp_notif_resp resp = {};
    resp.id = req.id;
    resp.val = value;
    if (ioctl(listener, SECCOMP_IOCTL_NOTIF_SEND, &resp) < 0 && errno != ENOENT) return die("SECCOMP_IOCTL_NOTIF_SEND");
  }
}
