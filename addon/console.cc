#include "console.h"

#include "unixfd.h"

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
  // The sender writes the pty name as the data and the master as the one descriptor.
  Received r = recvWithFds(c, 256);
  close(c);
  if (r.err) return -r.err;
  for (size_t i = 1; i < r.fds.size(); i++) close(r.fds[i]);
  return r.fds.empty() ? -EPROTO : r.fds[0];
}

int setWinsize(int fd, int rows, int cols) {
  winsize ws = {};
  ws.ws_row = static_cast<unsigned short>(rows);
  ws.ws_col = static_cast<unsigned short>(cols);
  return ioctl(fd, TIOCSWINSZ, &ws) < 0 ? -errno : 0;
}

}  // namespace tsrun
