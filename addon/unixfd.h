// File descriptors over unix sockets (unix(7) SCM_RIGHTS), for the runtime: receiving the seccomp
// listener from tsrun-init and handing it to the agent at linux.seccomp.listenerPath.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

namespace tsrun {

struct Received {
  std::vector<uint8_t> data;  // the message (one SOCK_SEQPACKET packet), empty at end of file
  std::vector<int> fds;       // descriptors that came with it, O_CLOEXEC
  int err = 0;                // errno of recvmsg
};

// One recvmsg(2) of at most `size` bytes on `fd`, with room for a few SCM_RIGHTS descriptors.
Received recvWithFds(int fd, size_t size);

// connect(2) to the SOCK_STREAM socket at `path`, one sendmsg(2) of `data` carrying `fds`, then
// with untilClosed read(2) until the peer closes its end, close. 0, or a negative errno with
// *syscall naming the call that failed.
int sendToUnixSocket(const std::string& path, const std::vector<uint8_t>& data, const std::vector<int>& fds,
                     bool untilClosed, const char** syscall);

}  // namespace tsrun
