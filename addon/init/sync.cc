#include "sync.h"

#include <cstdio>
#include <cstdlib>
#include <sys/socket.h>
#include <sys/uio.h>

#include "fail.h"
#include "protocol.h"

namespace tsrun {

bool send_msg(uint32_t type, const void* payload, size_t len) {
  iovec iov[2] = {{&type, 4}, {const_cast<void*>(payload), len}};
  msghdr mh = {};
  mh.msg_iov = iov;
  mh.msg_iovlen = len ? 2 : 1;
  ssize_t n;
  do n = sendmsg(sync_fd(), &mh, MSG_NOSIGNAL);
  while (n < 0 && errno == EINTR);
  return n == static_cast<ssize_t>(4 + len);
}

void send_or_fail(uint32_t type, const void* payload, size_t len) {
  if (!send_msg(type, payload, len)) fail_errno("sendmsg", "sync socket");
}

void send_with_fd_or_fail(int sock, const void* data, size_t len, int fd, const char* what) {
  iovec iov = {const_cast<void*>(data), len};
  alignas(cmsghdr) char control[CMSG_SPACE(sizeof(int))] = {};
  msghdr mh = {};
  mh.msg_iov = &iov;
  mh.msg_iovlen = 1;
  mh.msg_control = control;
  mh.msg_controllen = sizeof control;
  cmsghdr* c = CMSG_FIRSTHDR(&mh);
  c->cmsg_level = SOL_SOCKET;
  c->cmsg_type = SCM_RIGHTS;
  c->cmsg_len = CMSG_LEN(sizeof(int));
  __builtin_memcpy(CMSG_DATA(c), &fd, sizeof fd);
  ssize_t n;
  do n = sendmsg(sock, &mh, MSG_NOSIGNAL);
  while (n < 0 && errno == EINTR);
  if (n != static_cast<ssize_t>(len)) fail(n < 0 ? errno : EIO, "sendmsg", what);
}

void send_fd_or_fail(uint32_t type, int fd) { send_with_fd_or_fail(sync_fd(), &type, 4, fd, "sync socket (fd)"); }

void expect_msg(uint32_t type, Message* m) {
  int fd = sync_fd();
  // MSG_PEEK|MSG_TRUNC returns the real size of the next packet (unix(7), recv(2)),
  // so the buffer is exactly as large as the message.
  ssize_t size;
  do size = recv(fd, nullptr, 0, MSG_PEEK | MSG_TRUNC);
  while (size < 0 && errno == EINTR);
  if (size < 0) fail_errno("recv", "sync socket");
  if (size == 0) fail(ECONNRESET, "recv", "sync socket closed by the runtime");
  if (size < 4 || static_cast<size_t>(size) > MAX_MESSAGE) fail(EMSGSIZE, "recv", "sync message size");
  uint8_t* buf = static_cast<uint8_t*>(malloc(size));
  if (!buf) fail(ENOMEM, "malloc", "sync message");
  ssize_t n;
  do n = recv(fd, buf, size, 0);
  while (n < 0 && errno == EINTR);
  if (n != size) fail(n < 0 ? errno : EPROTO, "recv", "sync socket");
  uint32_t got;
  __builtin_memcpy(&got, buf, 4);
  if (got != type) {
    char detail[64];
    snprintf(detail, sizeof detail, "expected message %u, got %u", type, got);
    fail(EPROTO, "recv", detail);
  }
  m->type = got;
  m->len = size - 4;
  __builtin_memmove(buf, buf + 4, m->len);
  m->payload = buf;
}

}  // namespace tsrun
