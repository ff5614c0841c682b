// The runtime's own end of a console socket, for a foreground run/exec with a terminal and no
// --console-socket (runc relays between its terminal and the pty then). Each returns -errno.
#pragma once

namespace tsrun {

int consoleListen(const char* path);            // socket + bind + listen, CLOEXEC
int consoleReceive(int listenFd);               // accept one connection, recvmsg one SCM_RIGHTS fd
int setWinsize(int fd, int rows, int cols);     // ioctl(TIOCSWINSZ)

}  // namespace tsrun
