#include "console.h"

#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <termios.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace tsrun {

int consoleListen(const char* path) {
  sockaddr_un addr = {};
  addr.sun_family = AF_UNIX;
  if (strlen(path) >= sizeof addr.sun_path) return -ENAMETOOLONG;
  strcpy(addr.sun_path, path);
  int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return -errno;
  if (bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) < 0 || listen(fd, 1) < 0) {
    int err = errno;
    close(fd);
    return -err;
  }
  return fd;
}

int consoleReceive(int listenFd) {
  int c;
  do c = accept4(listenFd, nullptr, nullptr, SOCK_CLOEXEC);
  while (c < 0 && errno == EINTR);
  if (c < 0) return -errno;
  char name[256], control[CMSG_SPACE(sizeof(int))] = {};
  iovec iov = {name, sizeof name};
  msghdr mh = {};
  mh.msg_iov = &iov;
  mh.msg_iovlen = 1;
  mh.msg_control = control;
  mh.msg_controllen = sizeof control;
  ssize_t n;
  do n = recvmsg(c, &mh, MSG_CMSG_CLOEXEC);
  while (n < 0 && errno == EINTR);
  int err = n < 0 ? errno : 0;
  close(c);
  if (err) return -err;
  cmsghdr* cm = CMSG_FIRSTHDR(&mh);
  if (!cm || cm->cmsg_level != SOL_SOCKET || cm->cmsg_type != SCM_RIGHTS) return -EPROTO;
  int fd;
  memcpy(&fd, CMSG_DATA(cm), sizeof fd);
  return fd;
}

int setWinsize(int fd, int rows, int cols) {
  winsize ws = {};
  ws.ws_row = static_cast<unsigned short>(rows);
  ws.ws_col = static_cast<unsigned short>(cols);
  return ioctl(fd, TIOCSWINSZ, &ws) < 0 ? -errno : 0;
}

}  // namespace tsrun
