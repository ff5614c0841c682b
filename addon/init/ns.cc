// Stage 1: namespaces, id maps, the fork into stage 2; plus the small per-namespace settings.
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <linux/magic.h>
#include <net/if.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/vfs.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "fail.h"
#include "fs.h"
#include "ops.h"
#include "protocol.h"
#include "sync.h"

namespace tsrun {

void op_setns(uint64_t nstype, const char* path) {
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) fail_errno("open", path);
  if (setns(fd, static_cast<int>(nstype)) < 0) fail_errno("setns", path);
  close(fd);
}

void op_unshare_user() {
  if (unshare(CLONE_NEWUSER) < 0) fail_errno("unshare", "CLONE_NEWUSER");
  send_or_fail(MSG_USERNS_READY, nullptr, 0);
  Message m;
  expect_msg(MSG_MAPS_DONE, &m);
  free(m.payload);
}

void op_setresid(uint64_t uid, uint64_t gid) {
  char detail[64];
  snprintf(detail, sizeof detail, "uid %llu gid %llu", (unsigned long long)uid, (unsigned long long)gid);
  if (setresgid(gid, gid, gid) < 0) fail_errno("setresgid", detail);
  if (setresuid(uid, uid, uid) < 0) fail_errno("setresuid", detail);
}

void op_unshare(uint64_t flags) {
  char detail[32];
  snprintf(detail, sizeof detail, "flags 0x%llx", (unsigned long long)flags);
  if (unshare(static_cast<int>(flags)) < 0) fail_errno("unshare", detail);
}

static void write_all(int fd, const char* path, const char* data, uint32_t len) {
  while (len) {
    ssize_t n = write(fd, data, len);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) fail(n < 0 ? errno : EIO, "write", path);
    data += n;
    len -= n;
  }
  close(fd);
}

void op_write_file(const char* path, const char* data, uint32_t len) {
  int fd = open(path, O_WRONLY | O_CLOEXEC);
  if (fd < 0) fail_errno("open", path);
  write_all(fd, path, data, len);
}

void op_dumpable(uint64_t dumpable) {
  if (prctl(PR_SET_DUMPABLE, dumpable, 0, 0, 0) < 0) fail_errno("prctl", "PR_SET_DUMPABLE");
}

void op_fork() {
  // The child waits for this pipe's EOF, so MSG_PID always reaches the runtime before any
  // message of stage 2 (e.g. its MSG_ERROR).
  int gate[2];
  if (pipe2(gate, O_CLOEXEC) < 0) fail_errno("pipe2", "fork gate");
  pid_t pid = fork();
  if (pid < 0) fail_errno("fork", "stage 2");
  if (pid > 0) {
    int32_t p = pid;  // fork() returns the pid in our (the runtime's) pid namespace
    if (!send_msg(MSG_PID, &p, 4)) {
      kill(pid, SIGKILL);
      fail_errno("sendmsg", "pid");
    }
    // Released now, not by _exit: the child would otherwise wait for this process's whole exit
    // (its address space torn down, its namespaces put) before exit_files closes the pipe.
    close(gate[1]);
    _exit(0);
  }
  close(gate[1]);
  char c;
  while (read(gate[0], &c, 1) < 0 && errno == EINTR) {
  }
  close(gate[0]);
  // Every container process leads its own session and process group, as runc's nsexec.c does
  // (setsid in STAGE_INIT): getpgrp() then names a group inside the container's pid namespace.
  // A fork child is never a group leader, so setsid(2) cannot fail here.
  if (setsid() < 0) fail_errno("setsid", "stage 2");
  // Stage 2 outlives the runtime (it exits after create): no parent-death signal.
  // (fork(2) already clears it for the child; explicit for the reader.)
  prctl(PR_SET_PDEATHSIG, 0);
}

// runc (specconv: a new network namespace gets the "loopback" network) brings lo up:
// SIOCSIFFLAGS with IFF_UP on any socket of the namespace (netdevice(7)).
void op_loopback_up() {
  int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (s < 0) fail_errno("socket", "AF_INET");
  ifreq ifr = {};
  memcpy(ifr.ifr_name, "lo", 3);
  if (ioctl(s, SIOCGIFFLAGS, &ifr) < 0) fail_errno("ioctl(SIOCGIFFLAGS)", "lo");
  ifr.ifr_flags |= IFF_UP;
  if (ioctl(s, SIOCSIFFLAGS, &ifr) < 0) fail_errno("ioctl(SIOCSIFFLAGS)", "lo");
  close(s);
}

void op_open_fifo(const char* path) {
  // Not a fifo: a listening unix socket (runc's name kept). A fifo's fd, even O_PATH, can be
  // reopened for writing through /proc/1/fd/N by anything in the container that may ptrace-read
  // the waiting init, and the write would start it; a socket cannot be opened there (ENXIO),
  // and connect(2) needs the path, which is in the state directory, outside the container.
  // Bound through /proc/self/fd/<dir> so that a long --root fits in sun_path.
  const char* slash = strrchr(path, '/');
  if (!slash || slash == path) fail(EINVAL, "bind", path);
  char dir[4096];
  snprintf(dir, sizeof dir, "%.*s", static_cast<int>(slash - path), path);
  int dfd = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (dfd < 0) fail_errno("open", dir);
  sockaddr_un addr = {};
  addr.sun_family = AF_UNIX;
  int n = snprintf(addr.sun_path, sizeof addr.sun_path, "/proc/self/fd/%d/%s", dfd, slash + 1);
  if (n < 0 || static_cast<size_t>(n) >= sizeof addr.sun_path) fail(ENAMETOOLONG, "bind", path);
  g.fifo_fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (g.fifo_fd < 0) fail_errno("socket", path);
  if (bind(g.fifo_fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) < 0) fail_errno("bind", path);
  if (listen(g.fifo_fd, 1) < 0) fail_errno("listen", path);
  close(dfd);
}

void op_sethostname(const char* name, bool domain) {
  int r = domain ? setdomainname(name, strlen(name)) : sethostname(name, strlen(name));
  if (r < 0) fail_errno(domain ? "setdomainname" : "sethostname", name);
}

void op_sysctl(const char* key, const char* value) {
  // "net.ipv4.ip_forward" -> /proc/sys/net/ipv4/ip_forward; a '/' in a key (interface
  // names such as "eth0.100" are written with '/') becomes '.', as sysctl(8) does.
  char path[512];
  int n = snprintf(path, sizeof path, "/proc/sys/%s", key);
  if (n < 0 || static_cast<size_t>(n) >= sizeof path) fail(ENAMETOOLONG, "open", key);
  for (char* p = path + 10; *p; p++) *p = *p == '.' ? '/' : *p == '/' ? '.' : *p;
  // The file must be procfs's own: without a proc mount, or with something mounted over
  // /proc/sys, the write would land elsewhere (the CVE-2025-52881 class). Resolved beneath
  // /proc/sys with no symlink or ".." escaping it (openat2(2) RESOLVE_BENEATH; the compiler
  // already refused "." and ".." components: issue 13 item 2).
  int dfd = open("/proc/sys", O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (dfd < 0) fail_errno("open", "/proc/sys");
  struct statfs sf;
  if (fstatfs(dfd, &sf) < 0) fail_errno("fstatfs", "/proc/sys");
  if (sf.f_type != PROC_SUPER_MAGIC) fail(EPERM, "fstatfs", "/proc/sys");
  int fd = open_beneath(dfd, path + 10, O_WRONLY | O_CLOEXEC);
  if (fd < 0) fail_errno("openat2", path);
  close(dfd);
  if (fstatfs(fd, &sf) < 0) fail_errno("fstatfs", path);
  if (sf.f_type != PROC_SUPER_MAGIC) fail(EPERM, "fstatfs", path);
  write_all(fd, path, value, strlen(value));
}

}  // namespace tsrun
