#include "process.h"

#include <sys/file.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>

namespace tsrun {

int pidfdOpen(pid_t pid) {
  long fd = syscall(SYS_pidfd_open, pid, 0);
  return fd < 0 ? -errno : static_cast<int>(fd);
}

int pidfdSendSignal(int pidfd, int sig) {
  return syscall(SYS_pidfd_send_signal, pidfd, sig, nullptr, 0) < 0 ? -errno : 0;
}

int waitPid(pid_t pid, bool noHang, WaitStatus* out) {
  int status = 0;
  pid_t r;
  do {
    r = waitpid(pid, &status, noHang ? WNOHANG : 0);
  } while (r < 0 && errno == EINTR);
  if (r < 0) return -errno;
  out->pid = r;
  out->exitCode = r > 0 && WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  out->signal = r > 0 && WIFSIGNALED(status) ? WTERMSIG(status) : 0;
  return 0;
}

int flockFd(int fd, int op) {
  int r;
  do {
    r = flock(fd, op);
  } while (r < 0 && errno == EINTR);
  return r < 0 ? -errno : 0;
}

int makeFifo(const char* path, mode_t mode) { return mkfifo(path, mode) < 0 ? -errno : 0; }

int setChildSubreaper() { return prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) < 0 ? -errno : 0; }

}  // namespace tsrun
