// Process and file syscalls the runtime needs and Node does not offer. Each returns
// -errno on failure, so binding.cc can attach the syscall name.
#pragma once
#include <sys/types.h>

namespace tsrun {

struct WaitStatus {
  pid_t pid;      // 0 when WNOHANG and nothing changed
  int exitCode;   // -1 when killed by a signal
  int signal;     // 0 when exited
};

int pidfdOpen(pid_t pid);                       // pidfd_open(2)
int pidfdSendSignal(int pidfd, int sig);        // pidfd_send_signal(2)
int waitPid(pid_t pid, bool noHang, WaitStatus* out);  // waitpid(2), EINTR retried
int flockFd(int fd, int op);                    // flock(2)
int makeFifo(const char* path, mode_t mode);    // mkfifo(3)
int unmountDetach(const char* path);             // umount2(path, MNT_DETACH | UMOUNT_NOFOLLOW)
int setChildSubreaper();                        // prctl(PR_SET_CHILD_SUBREAPER, 1)
int cloexecFrom(int minFd);                     // FD_CLOEXEC on every fd >= minFd (close_range(2) CLOSE_RANGE_CLOEXEC)

}  // namespace tsrun
