#include "unixfd.h"

#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace tsrun {

constexpr size_t MAX_FDS = 4;

Received recvWithFds(int fd, size_t size) {
  Received r;
  r.data.resize(size);
  alignas(cmsghdr) char control[CMSG_SPACE(sizeof(int) * MAX_FDS)];
  iovec iov = {r.data.data(), size};
  msghdr mh = {};
  mh.msg_iov = &iov;
  mh.msg_iovlen = 1;
  mh.msg_control = control;
  mh.msg_controllen = sizeof control;
  ssize_t n;
  do n = recvmsg(fd, &mh, MSG_CMSG_CLOEXEC);
  while (n < 0 && errno == EINTR);
  if (n < 0) {
    r.err = errno;
    r.data.clear();
    return r;
  }
  r.data.resize(n);
  for (cmsghdr* c = CMSG_FIRSTHDR(&mh); c; c = CMSG_NXTHDR(&mh, c)) {
    if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS) continue;
    size_t count = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
    for (size_t i = 0; i < count; i++) {
      int got;
      memcpy(&got, CMSG_DATA(c) + i * sizeof(int), sizeof got);
      r.fds.push_back(got);
    }
  }
  return r;
}

int sendToUnixSocket(const std::string& path, const std::vector<uint8_t>& data, const std::vector<int>& fds,
                     bool untilClosed, const char** syscall) {
  sockaddr_un addr = {};
  addr.sun_family = AF_UNIX;
  if (path.size() >= sizeof addr.sun_path) return *syscall = "connect", -ENAMETOOLONG;
  memcpy(addr.sun_path, path.c_str(), path.size() + 1);
  if (fds.size() > MAX_FDS) return *syscall = "sendmsg", -EINVAL;
  int sock = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (sock < 0) return *syscall = "socket", -errno;
  int rc = 0;
  if (connect(sock, reinterpret_cast<sockaddr*>(&addr), sizeof addr) < 0) {
    rc = -errno, *syscall = "connect";
  } else {
    alignas(cmsghdr) char control[CMSG_SPACE(sizeof(int) * MAX_FDS)] = {};
    iovec iov = {const_cast<uint8_t*>(data.data()), data.size()};
    msghdr mh = {};
    mh.msg_iov = &iov;
    mh.msg_iovlen = 1;
    if (!fds.empty()) {
      mh.msg_control = control;
      mh.msg_controllen = CMSG_SPACE(sizeof(int) * fds.size());
      cmsghdr* c = CMSG_FIRSTHDR(&mh);
      c->cmsg_level = SOL_SOCKET;
      c->cmsg_type = SCM_RIGHTS;
      c->cmsg_len = CMSG_LEN(sizeof(int) * fds.size());
      memcpy(CMSG_DATA(c), fds.data(), sizeof(int) * fds.size());
    }
    // config-linux.md#containerprocessstate: the descriptors go with the first sendmsg; the rest
    // of a long state follows in plain writes.
    size_t sent = 0;
    while (sent < data.size()) {
      ssize_t n = sent == 0 ? sendmsg(sock, &mh, MSG_NOSIGNAL) : send(sock, data.data() + sent, data.size() - sent, MSG_NOSIGNAL);
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) {
        rc = -errno, *syscall = "sendmsg";
        break;
      }
      sent += n;
    }
    // Reads (and drops) until the peer has closed its end: EOF, or ECONNRESET.
    char buf[64];
    while (rc == 0 && untilClosed) {
      ssize_t n = read(sock, buf, sizeof buf);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) break;
    }
  }
  close(sock);
  return rc;
}

}  // namespace tsrun
