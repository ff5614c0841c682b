#include "process.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>

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

int unmountDetach(const char* path) { return umount2(path, MNT_DETACH | UMOUNT_NOFOLLOW) < 0 ? -errno : 0; }

int cloexecFrom(int minFd) {
#ifndef CLOSE_RANGE_CLOEXEC
#define CLOSE_RANGE_CLOEXEC (1U << 2)
#endif
  if (syscall(SYS_close_range, static_cast<unsigned>(minFd), ~0U, CLOSE_RANGE_CLOEXEC) == 0) return 0;
  // Before Linux 5.11: each open fd listed in /proc/self/fd.
  DIR* d = opendir("/proc/self/fd");
  if (!d) return -errno;
  int self = dirfd(d);
  while (dirent* e = readdir(d)) {
    int fd = atoi(e->d_name);
    if (e->d_name[0] < '0' || e->d_name[0] > '9' || fd < minFd || fd == self) continue;
    int fl = fcntl(fd, F_GETFD);
    if (fl >= 0 && !(fl & FD_CLOEXEC)) fcntl(fd, F_SETFD, fl | FD_CLOEXEC);
  }
  closedir(d);
  return 0;
}

int setChildSubreaper() { return prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) < 0 ? -errno : 0; }

}  // namespace tsrun
