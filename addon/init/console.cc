// OP_CONSOLE: the container's terminal (runtime.md "console socket", runc's --console-socket).
#include <fcntl.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <termios.h>
#include <unistd.h>

#include <cstdio>
#include <cstring>

#include "fail.h"
#include "fs.h"
#include "ops.h"
#include "sync.h"

namespace tsrun {

static int connect_socket(const char* path) {
  sockaddr_un addr = {};
  addr.sun_family = AF_UNIX;
  if (strlen(path) >= sizeof addr.sun_path) fail(ENAMETOOLONG, "connect", path);
  strcpy(addr.sun_path, path);
  int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) fail_errno("socket", path);
  if (connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) < 0) fail_errno("connect", path);
  return fd;
}

void op_console_connect(const char* socket_path) {
  g.console_sock = connect_socket(socket_path);
}

void op_console(const char* socket_path, uint64_t rows, uint64_t cols) {
  // The socket lives on the host: connect while its path is still reachable (before pivot_root),
  // or use the connection OP_CONSOLE_CONNECT made before exec joined the mount namespace.
  int sock = *socket_path ? connect_socket(socket_path) : g.console_sock;
  if (sock < 0) fail(EBADF, "connect", "no console socket connection");
  if (!*socket_path) socket_path = "console socket";
  // The pty must come from the container's devpts (mounted with newinstance): open its
  // /dev/ptmx through the container root, which also resolves the usual "pts/ptmx" symlink.
  // exec has joined the container's mount namespace, whose root is already the process's root.
  int master = g.root_fd >= 0 ? open_in_root("/dev/ptmx", O_RDWR | O_NOCTTY | O_CLOEXEC)
                              : open("/dev/ptmx", O_RDWR | O_NOCTTY | O_CLOEXEC);
  if (master < 0) fail_errno("openat2", "/dev/ptmx");
  int unlock = 0;
  if (ioctl(master, TIOCSPTLCK, &unlock) < 0) fail_errno("ioctl(TIOCSPTLCK)", "/dev/ptmx");
  unsigned ptn;
  if (ioctl(master, TIOCGPTN, &ptn) < 0) fail_errno("ioctl(TIOCGPTN)", "/dev/ptmx");
  char name[32];
  snprintf(name, sizeof name, "/dev/pts/%u", ptn);
  // TIOCGPTPEER opens the slave from the master without a path lookup (ioctl_tty(2)),
  // so no path in the container can redirect it.
  int slave = ioctl(master, TIOCGPTPEER, O_RDWR | O_NOCTTY);
  if (slave < 0) fail_errno("ioctl(TIOCGPTPEER)", name);
  if (rows || cols) {
    winsize ws = {};
    ws.ws_row = static_cast<unsigned short>(rows);
    ws.ws_col = static_cast<unsigned short>(cols);
    if (ioctl(master, TIOCSWINSZ, &ws) < 0) fail_errno("ioctl(TIOCSWINSZ)", name);
  }
  // The data is the pty name, as runc sends it.
  send_with_fd_or_fail(sock, name, strlen(name), master, socket_path);
  close(master);
  close(sock);
  g.console_sock = -1;
  // A controlling terminal needs a session leader without one (credentials(7)): op_fork made
  // stage 2 one, as runc's nsexec.c does.
  if (getsid(0) != getpid() && setsid() < 0) fail_errno("setsid", name);
  if (ioctl(slave, TIOCSCTTY, 0) < 0) fail_errno("ioctl(TIOCSCTTY)", name);
  for (int fd = 0; fd < 3; fd++)
    if (dup2(slave, fd) < 0) fail_errno("dup2", name);
  if (slave > 2) close(slave);
}

}  // namespace tsrun
