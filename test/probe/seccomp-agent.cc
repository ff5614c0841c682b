// seccomp-agent SOCKET STATE_FILE VALUE [COUNT]: a minimal seccomp agent for tests of
// SCMP_ACT_NOTIFY (config-linux.md#seccomp, listenerPath). Runs on the host, built by
// test/helpers/seccomp-agent.ts.
//   - listens on SOCKET (mode 0666, so a rootless runtime can connect), prints "ready";
//   - takes COUNT (default 1) connections, each the container process state (JSON, appended to
//     STATE_FILE as one line followed by {"listenerReceived":true|false}) and a listener fd;
//   - answers every notification with return value VALUE (no error); exits 0 once COUNT
//     connections came and no process is left on any of their filters (POLLHUP).
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

// Whether buf[0..len) holds a whole JSON object (braces balanced outside strings).
static bool json_complete(const char* buf, size_t len) {
  int depth = 0;
  bool in_string = false, escaped = false;
  for (size_t i = 0; i < len; i++) {
    char c = buf[i];
    if (in_string) {
      if (escaped) escaped = false;
      else if (c == '\\') escaped = true;
      else if (c == '"') in_string = false;
    } else if (c == '"') {
      in_string = true;
    } else if (c == '{') {
      depth++;
    } else if (c == '}' && --depth == 0) {
      return true;
    }
  }
  return false;
}

// Reads one connection's state (to its end, or to the end of the JSON object: runc 1.1 leaves
// the connection open, fixed in runc 1.3.1, #4796) and the listener that came with it (-1 if none).
static int take_state(int conn, const char* state_file) {
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
    if (n < 0) return die("recvmsg"), -1;
    for (cmsghdr* c = CMSG_FIRSTHDR(&mh); c; c = CMSG_NXTHDR(&mh, c))
      if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS && listener < 0) memcpy(&listener, CMSG_DATA(c), sizeof listener);
    if (n == 0) break;  // the runtime closes after one state (config-linux.md#seccomp)
    len += n;
    if (json_complete(state, len)) break;
  }
  close(conn);
  FILE* out = fopen(state_file, "a");
  if (!out) return die("open state file"), -1;
  fprintf(out, "%.*s\n{\"listenerReceived\":%s}\n", (int)len, state, listener >= 0 ? "true" : "false");
  fclose(out);
  return listener;
}

int main(int argc, char** argv) {
  if (argc != 4 && argc != 5) return fprintf(stderr, "usage: seccomp-agent SOCKET STATE_FILE VALUE [COUNT]\n"), 2;
  long value = strtol(argv[3], nullptr, 0);
  int count = argc == 5 ? atoi(argv[4]) : 1;
  int srv = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_un addr = {};
  addr.sun_family = AF_UNIX;
  snprintf(addr.sun_path, sizeof addr.sun_path, "%s", argv[1]);
  if (srv < 0 || bind(srv, reinterpret_cast<sockaddr*>(&addr), sizeof addr) < 0 || listen(srv, 4) < 0) return die("listen");
  chmod(argv[1], 0666);
  printf("ready\n");
  fflush(stdout);

  pollfd fds[16];
  int nfds = 1, taken = 0;
  fds[0] = {srv, POLLIN, 0};
  while (taken < count || nfds > 1) {
    if (poll(fds, nfds, -1) < 0) {
      if (errno == EINTR) continue;
      return die("poll");
    }
    for (int i = nfds - 1; i >= 1; i--) {
      if (fds[i].revents & POLLHUP) {
        close(fds[i].fd);
        fds[i] = fds[--nfds];
      } else if (fds[i].revents & POLLIN) {
        seccomp_notif req = {};
        if (ioctl(fds[i].fd, SECCOMP_IOCTL_NOTIF_RECV, &req) < 0) {
          if (errno == EINTR || errno == ENOENT) continue;
          return die("SECCOMP_IOCTL_NOTIF_RECV");
        }
        seccomp_notif_resp resp = {};
        resp.id = req.id;
        resp.val = value;
        if (ioctl(fds[i].fd, SECCOMP_IOCTL_NOTIF_SEND, &resp) < 0 && errno != ENOENT) return die("SECCOMP_IOCTL_NOTIF_SEND");
      }
    }
    if (taken < count && (fds[0].revents & POLLIN)) {
      int conn = accept4(srv, nullptr, nullptr, SOCK_CLOEXEC);
      if (conn < 0) return die("accept");
      taken++;
      int listener = take_state(conn, argv[2]);
      if (listener < 0) return fprintf(stderr, "seccomp-agent: no listener fd\n"), 1;
      if (nfds < 16) fds[nfds++] = {listener, POLLIN, 0};
    }
    if (taken == count) fds[0].events = 0;
  }
  return 0;
}
