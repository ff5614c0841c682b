// Start tsrun-init from a sealed memfd copy of its executable (CVE-2019-5736: the container can
// never reach a writable host binary through /proc/<pid>/exe), with a SOCK_SEQPACKET sync socket.
#pragma once
#include <string>
#include <sys/types.h>

namespace tsrun {

struct SpawnResult {
  pid_t pid = -1;
  int syncFd = -1;      // the runtime's end of the sync socket (CLOEXEC)
  int err = 0;          // errno of the failed call, 0 on success
  const char* syscall = "";
};

// The child gets fds 0..2 as they are, 3..3+preserveFds-1 as they are, and its end of the
// sync socket at 3+preserveFds; argv is {"tsrun-init", "<that fd>"}, the environment is empty.
// stdio: the fds that become the init's (and the container's) 0, 1, 2; -1 for the runtime's own.
SpawnResult spawnInit(const std::string& initPath, int preserveFds, const int stdio[3]);

// spawnInit on the addon's spawning thread, so that the copy and the exec overlap the runtime's
// work (validation, plan compilation). finishSpawn waits for it and returns its result, once; a
// PendingSpawn is freed by freeSpawn, which first waits and ends (closes the sync socket of)
// one never finished. startSpawn returns nullptr with *err set when that thread cannot start.
struct PendingSpawn;
PendingSpawn* startSpawn(const std::string& initPath, int preserveFds, const int stdio[3], int* err);
// false when this spawn was finished before.
bool finishSpawn(PendingSpawn* p, SpawnResult* out);
void freeSpawn(PendingSpawn* p);

}  // namespace tsrun
