#include "spawn.h"

#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <spawn.h>
#include <sys/mman.h>
#include <sys/sendfile.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>

namespace tsrun {
namespace {

struct Fail {
  int err;
  const char* syscall;
};

// memfd_create(2) + F_ADD_SEALS: a write-sealed copy that exec'ing through /proc/self/fd/N
// makes /proc/<pid>/exe point at; no process can ever open it for writing.
int sealedCopy(const std::string& path, Fail* fail) {
  int src = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (src < 0) return *fail = {errno, "open"}, -1;
  struct stat st;
  if (fstat(src, &st) < 0) {
    *fail = {errno, "fstat"};
    close(src);
    return -1;
  }
  int mem = memfd_create("tsrun-init", MFD_CLOEXEC | MFD_ALLOW_SEALING);
  if (mem < 0) {
    *fail = {errno, "memfd_create"};
    close(src);
    return -1;
  }
  off_t left = st.st_size;
  while (left > 0) {
    ssize_t n = sendfile(mem, src, nullptr, static_cast<size_t>(left));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      *fail = {n < 0 ? errno : EIO, "sendfile"};
      close(src);
      close(mem);
      return -1;
    }
    left -= n;
  }
  close(src);
  if (fchmod(mem, 0555) < 0 ||
      fcntl(mem, F_ADD_SEALS, F_SEAL_SEAL | F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE) < 0) {
    *fail = {errno, "fcntl(F_ADD_SEALS)"};
    close(mem);
    return -1;
  }
  return mem;
}

}  // namespace

SpawnResult spawnInit(const std::string& initPath, int preserveFds, const int stdio[3]) {
  SpawnResult r;
  Fail fail{0, ""};
  int mem = sealedCopy(initPath, &fail);
  if (mem < 0) return r.err = fail.err, r.syscall = fail.syscall, r;

  int sv[2];
  if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0) {
    r.err = errno, r.syscall = "socketpair";
    close(mem);
    return r;
  }
  // The whole plan is one SOCK_SEQPACKET message, bounded by the sender's buffer (unix(7)):
  // raise it toward MAX_MESSAGE (protocol.h, 1 MiB); the kernel caps it at net.core.wmem_max,
  // and a plan that still does not fit fails with EMSGSIZE, reported as too large.
  int sndbuf = 2 << 20;
  setsockopt(sv[0], SOL_SOCKET, SO_SNDBUF, &sndbuf, sizeof sndbuf);
  const int childFd = 3 + preserveFds;
  char fdArg[16], exePath[40];
  snprintf(fdArg, sizeof fdArg, "%d", childFd);
  snprintf(exePath, sizeof exePath, "/proc/self/fd/%d", mem);
  char argv0[] = "tsrun-init";
  char* argv[] = {argv0, fdArg, nullptr};
  char* envp[] = {nullptr};

  posix_spawn_file_actions_t actions;
  posix_spawnattr_t attr;
  posix_spawn_file_actions_init(&actions);
  posix_spawnattr_init(&attr);
  // dup2 onto the same number clears FD_CLOEXEC (POSIX 2008 TC2, glibc >= 2.29), as wanted:
  // Node marks its own stdio close-on-exec, yet stdio and the preserved fds 3..3+N-1 are the
  // container's. An fd that is not open stays closed.
  // stdio[n] >= 0 replaces fd n (the library's pipes, src/lib/stdio.ts); -1 keeps the runtime's.
  for (int fd = 0; fd < childFd; fd++) {
    int from = fd < 3 && stdio[fd] >= 0 ? stdio[fd] : fd;
    if (fcntl(from, F_GETFD) >= 0) posix_spawn_file_actions_adddup2(&actions, from, fd);
  }
  posix_spawn_file_actions_adddup2(&actions, sv[1], childFd);
  // Node blocks and handles signals; the init starts with none blocked and all default.
  sigset_t none, all;
  sigemptyset(&none);
  sigfillset(&all);
  posix_spawnattr_setsigmask(&attr, &none);
  posix_spawnattr_setsigdefault(&attr, &all);
  posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);

  pid_t pid;
  int rc = posix_spawn(&pid, exePath, &actions, &attr, argv, envp);
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attr);
  close(sv[1]);
  close(mem);
  if (rc != 0) {
    close(sv[0]);
    return r.err = rc, r.syscall = "posix_spawn", r;
  }
  r.pid = pid;
  r.syncFd = sv[0];
  return r;
}

struct PendingSpawn {
  std::string initPath;
  int preserveFds;
  int stdio[3];
  bool done = false;      // spawnInit has returned (under spawnLock)
  bool finished = false;  // finishSpawn has handed out the result
  SpawnResult result;
  PendingSpawn* next = nullptr;
};

namespace {
// One thread starts every init and lives as long as the process: stage 1's PR_SET_PDEATHSIG
// (init/main.cc) fires when the *thread* that forked it ends (prctl(2)), so a thread per spawn
// would kill its init as soon as it returned. Plain pthread objects: nothing to destroy at exit
// while the thread waits.
pthread_mutex_t spawnLock = PTHREAD_MUTEX_INITIALIZER;
pthread_cond_t spawnQueued = PTHREAD_COND_INITIALIZER;
pthread_cond_t spawnDone = PTHREAD_COND_INITIALIZER;
PendingSpawn* queueHead = nullptr;
PendingSpawn* queueTail = nullptr;
bool spawnerRunning = false;

void* runSpawner(void*) {
  pthread_mutex_lock(&spawnLock);
  for (;;) {
    while (!queueHead) pthread_cond_wait(&spawnQueued, &spawnLock);
    PendingSpawn* p = queueHead;
    queueHead = p->next;
    if (!queueHead) queueTail = nullptr;
    pthread_mutex_unlock(&spawnLock);
    SpawnResult r = spawnInit(p->initPath, p->preserveFds, p->stdio);
    pthread_mutex_lock(&spawnLock);
    p->result = r;
    p->done = true;
    pthread_cond_broadcast(&spawnDone);
  }
  return nullptr;
}
}  // namespace

PendingSpawn* startSpawn(const std::string& initPath, int preserveFds, const int stdio[3], int* err) {
  auto* p = new PendingSpawn{initPath, preserveFds, {stdio[0], stdio[1], stdio[2]}, false, false, {}, nullptr};
  pthread_mutex_lock(&spawnLock);
  if (!spawnerRunning) {
    pthread_t thread;
    int rc = pthread_create(&thread, nullptr, runSpawner, nullptr);
    if (rc != 0) {
      pthread_mutex_unlock(&spawnLock);
      delete p;
      *err = rc;
      return nullptr;
    }
    pthread_detach(thread);
    spawnerRunning = true;
  }
  (queueTail ? queueTail->next : queueHead) = p;
  queueTail = p;
  pthread_cond_signal(&spawnQueued);
  pthread_mutex_unlock(&spawnLock);
  return p;
}

bool finishSpawn(PendingSpawn* p, SpawnResult* out) {
  pthread_mutex_lock(&spawnLock);
  while (!p->done) pthread_cond_wait(&spawnDone, &spawnLock);
  bool first = !p->finished;
  p->finished = true;
  pthread_mutex_unlock(&spawnLock);
  if (first) *out = p->result;
  return first;
}

void freeSpawn(PendingSpawn* p) {
  SpawnResult r;
  // Never finished (its JS handle was dropped): the init sees EOF on its sync socket and exits.
  if (finishSpawn(p, &r) && r.syncFd >= 0) close(r.syncFd);
  delete p;
}

}  // namespace tsrun
