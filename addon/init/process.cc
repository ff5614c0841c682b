// The start handshake and the container process: rlimits, user, caps, seccomp, fds, execve.
#include <dirent.h>
#include <fcntl.h>
#include <grp.h>
#include <linux/capability.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <climits>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "fail.h"
#include "ops.h"
#include "protocol.h"
#include "sync.h"

namespace tsrun {

static const char DEFAULT_PATH[] = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

// 0 if `path` is a regular file we may execute, else an errno.
static int executable(const char* path) {
  struct stat st;
  if (stat(path, &st) < 0) return errno;
  if (!S_ISREG(st.st_mode)) return EACCES;
  if (faccessat(AT_FDCWD, path, X_OK, AT_EACCESS) < 0) return errno;
  return 0;
}

// Joins `dir` (relative to `cwd` unless absolute) and `file` into out; false when too long.
static bool join(char* out, size_t size, const char* cwd, const char* dir, size_t dlen, const char* file) {
  int n;
  if (dlen == 0) dir = ".", dlen = 1;  // an empty PATH entry is the current directory (execvp(3))
  if (dir[0] != '/' && cwd && *cwd)
    n = snprintf(out, size, "%s/%.*s/%s", cwd, (int)dlen, dir, file);
  else
    n = snprintf(out, size, "%.*s/%s", (int)dlen, dir, file);
  return n >= 0 && static_cast<size_t>(n) < size;
}

// execvp(3)'s search: a name with '/' is used as is; else each PATH entry in order, the first
// executable wins; EACCES if some candidate existed but none could run, else ENOENT.
static int lookup(const char* file, const char* path_value, const char* cwd, char** out) {
  char buf[PATH_MAX];
  if (!*file) return ENOENT;
  if (strchr(file, '/')) {
    if (file[0] == '/' || !cwd || !*cwd) snprintf(buf, sizeof buf, "%s", file);
    else if (!join(buf, sizeof buf, cwd, "", 0, file)) return ENAMETOOLONG;
    int err = executable(buf);
    if (!err) *out = strdup(buf);
    return err;
  }
  if (!path_value || !*path_value) path_value = DEFAULT_PATH;
  int seen = ENOENT;
  for (const char* p = path_value;; ) {
    const char* end = strchrnul(p, ':');
    if (join(buf, sizeof buf, cwd, p, end - p, file)) {
      int err = executable(buf);
      if (!err) return *out = strdup(buf), 0;
      if (err == EACCES) seen = EACCES;
    }
    if (!*end) break;
    p = end + 1;
  }
  return seen;
}

void op_check_exec(const char* file, const char* path_value, const char* cwd) {
  int err = lookup(file, path_value, cwd, &g.exec_path);
  if (err) fail(err, "execve", file);
}

// Exits as a signal's default action would. As PID 1 of its pid namespace the waiting init gets
// only the signals it has a handler for (pid_namespaces(7)), so without these `kill <id> TERM` of
// a created container did nothing. runc's waiting init is Go, whose runtime dies of exactly these
// (the _SigKill, _SigThrow and _SigPanic entries of its sigtable) and ignores the rest: seen with
// runc 1.1.5 here. execve(2) resets handled signals to SIG_DFL: the container process keeps none.
static void die_of_signal(int sig) { _exit(128 + sig); }

static void die_on_signals_runc_dies_of() {
  static const int kFatal[] = {SIGHUP, SIGINT, SIGQUIT, SIGILL, SIGTRAP, SIGABRT, SIGBUS, SIGFPE, SIGSEGV, SIGTERM, SIGSTKFLT, SIGSYS};
  for (int sig : kFatal) signal(sig, die_of_signal);
}

void op_created() {
  if (g.fifo_fd < 0) fail(EBADF, "read", "no exec.fifo (OP_OPEN_FIFO missing)");
  die_on_signals_runc_dies_of();
  send_or_fail(MSG_CREATED, nullptr, 0);
  // Wait until the runtime has recorded our pid (protocol.h, MSG_CREATED_ACK): if it dies first,
  // this recv sees EOF and we exit instead of waiting on the fifo forever, unknown to anyone.
  Message ack;
  expect_msg(MSG_CREATED_ACK, &ack);
  free(ack.payload);
  close(sync_fd());
  set_sync_fd(-1);
  // Blocks until `tsrun start` connects and writes one byte; an error (or EOF first) means no
  // start: exit without exec. Only the connection is read: anyone who reaches the path may
  // connect, and the state directory is the runtime's own (0700).
  int conn;
  do conn = accept4(g.fifo_fd, nullptr, nullptr, SOCK_CLOEXEC);
  while (conn < 0 && errno == EINTR);
  if (conn < 0) _exit(1);
  char c;
  ssize_t n;
  do n = read(conn, &c, 1);
  while (n < 0 && errno == EINTR);
  if (n != 1) _exit(1);
  // The connection stays open (CLOEXEC) until our execve or death closes it: `tsrun start` waits
  // for that EOF instead of polling /proc for the exec (runtime/wait-exec.ts).
  close(g.fifo_fd);
  g.fifo_fd = conn;
}

void op_rlimit(uint64_t resource, uint64_t soft, uint64_t hard) {
  struct rlimit64 rl = {soft, hard};
  if (prlimit64(0, static_cast<__rlimit_resource>(resource), &rl, nullptr) < 0) {
    char detail[64];
    snprintf(detail, sizeof detail, "resource %llu soft %llu hard %llu", (unsigned long long)resource,
             (unsigned long long)soft, (unsigned long long)hard);
    fail_errno("prlimit64", detail);
  }
}

void op_no_new_privs() {
  if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0) fail_errno("prctl", "PR_SET_NO_NEW_PRIVS");
}

void op_user(uint64_t uid, uint64_t gid, const Arg& gids, uint64_t keep_caps) {
  char detail[64];
  snprintf(detail, sizeof detail, "uid %llu gid %llu", (unsigned long long)uid, (unsigned long long)gid);
  if (gids.len % 4) fail(EINVAL, "setgroups", "additional gids length");
  size_t n = gids.len / 4;
  gid_t* list = static_cast<gid_t*>(malloc((n ? n : 1) * sizeof(gid_t)));
  if (!list) fail(ENOMEM, "malloc", "gids");
  for (size_t i = 0; i < n; i++) memcpy(&list[i], gids.str + 4 * i, 4);
  // In a user namespace with /proc/<pid>/setgroups "deny" setgroups(2) is EPERM; with no
  // additional gids there is nothing to set, so that is fine.
  if (setgroups(n, list) < 0 && !(n == 0 && errno == EPERM)) fail_errno("setgroups", detail);
  free(list);
  // Without keep caps, leaving uid 0 clears the permitted set (capabilities(7)).
  if (keep_caps && prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) < 0) fail_errno("prctl", "PR_SET_KEEPCAPS");
  if (setresgid(gid, gid, gid) < 0) fail_errno("setresgid", detail);
  if (setresuid(uid, uid, uid) < 0) fail_errno("setresuid", detail);
}

void op_caps_bounding(uint64_t bounding) {
  // PR_CAPBSET_READ is EINVAL past cap_last_cap: the loop stops at the kernel's last cap.
  for (int cap = 0; cap < 64; cap++) {
    int r = prctl(PR_CAPBSET_READ, cap, 0, 0, 0);
    if (r < 0) break;
    if (r == 1 && !(bounding >> cap & 1) && prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) < 0) {
      char detail[32];
      snprintf(detail, sizeof detail, "cap %d", cap);
      fail_errno("prctl(PR_CAPBSET_DROP)", detail);
    }
  }
}

void op_caps(uint64_t effective, uint64_t permitted, uint64_t inheritable, uint64_t ambient) {
  // OP_USER kept the permitted set across the uid switch (PR_SET_KEEPCAPS); capset may shrink it
  // and pick any effective subset without privilege (capset(2)).
  __user_cap_header_struct hdr = {_LINUX_CAPABILITY_VERSION_3, 0};
  __user_cap_data_struct data[2] = {};
  for (int i = 0; i < 2; i++) {
    data[i].effective = static_cast<uint32_t>(effective >> (32 * i));
    data[i].permitted = static_cast<uint32_t>(permitted >> (32 * i));
    data[i].inheritable = static_cast<uint32_t>(inheritable >> (32 * i));
  }
  if (syscall(SYS_capset, &hdr, data) < 0) fail_errno("capset", "effective/permitted/inheritable");
  if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) < 0) fail_errno("prctl", "PR_CAP_AMBIENT_CLEAR_ALL");
  for (int cap = 0; cap < 64; cap++) {
    // An ambient cap must be permitted and inheritable (capabilities(7)), else EPERM; the
    // compiler only sends those.
    if ((ambient >> cap & 1) && prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, cap, 0, 0) < 0) {
      char detail[32];
      snprintf(detail, sizeof detail, "cap %d", cap);
      fail_errno("prctl(PR_CAP_AMBIENT_RAISE)", detail);
    }
  }
  if (prctl(PR_SET_KEEPCAPS, 0, 0, 0, 0) < 0) fail_errno("prctl", "PR_SET_KEEPCAPS");
}

void op_umask(uint64_t mask) { umask(static_cast<mode_t>(mask & 0777)); }

// runc's finalizeNamespace: the cwd is entered before the user switch, and if that is refused
// (EACCES/EPERM: a directory only the container's user may enter, e.g. on NFS or FUSE), once
// more after it; the compiler emits OP_CWD on both sides of OP_USER.
void op_cwd(const char* path) {
  if (g.cwd_done) return;
  if (chdir(path) == 0) {
    g.cwd_done = true;
    return;
  }
  if ((errno == EACCES || errno == EPERM) && !g.cwd_pending) {
    g.cwd_pending = path;
    return;
  }
  fail_errno("chdir", path);
}

// The home directory of `uid` in the container's /etc/passwd (passwd(5): name:password:uid:
// gid:gecos:dir:shell), "/" when there is no such file or entry: runc's setupUser
// (moby/sys/user GetExecUser, whose default Home is "/"). Read before the user switch, as runc.
void op_default_home(uint64_t uid) {
  static char buf[1 << 16];
  const char* home = "/";
  size_t homelen = 1;
  int fd = open("/etc/passwd", O_RDONLY | O_CLOEXEC);
  size_t len = 0;
  if (fd >= 0) {
    ssize_t n;
    while (len < sizeof buf - 1 && ((n = read(fd, buf + len, sizeof buf - 1 - len)) > 0 || (n < 0 && errno == EINTR)))
      if (n > 0) len += static_cast<size_t>(n);
    close(fd);
  }
  buf[len] = 0;
  for (char* line = buf; line < buf + len;) {
    char* eol = strchrnul(line, '\n');
    const char* field[7] = {};
    size_t flen[7] = {};
    int nf = 0;
    for (char* p = line; nf < 7;) {
      char* colon = static_cast<char*>(memchr(p, ':', eol - p));
      field[nf] = p;
      flen[nf++] = (colon ? colon : eol) - p;
      if (!colon) break;
      p = colon + 1;
    }
    char* end = nullptr;
    unsigned long long id = nf > 2 && flen[2] ? strtoull(field[2], &end, 10) : 0;
    if (nf >= 6 && end == field[2] + flen[2] && id == uid) {
      home = field[5];
      homelen = flen[5];
      break;
    }
    line = *eol ? eol + 1 : eol;
  }
  free(g.home);
  g.home = static_cast<char*>(malloc(homelen + 6));
  if (!g.home) fail(ENOMEM, "malloc", "HOME");
  memcpy(g.home, "HOME=", 5);
  memcpy(g.home + 5, home, homelen);
  g.home[5 + homelen] = 0;
}

void op_seccomp(const Arg& program, uint64_t flags) {
  if (program.len == 0 || program.len % sizeof(sock_filter) || program.len / sizeof(sock_filter) > BPF_MAXINSNS)
    fail(EINVAL, "seccomp", "program length");
  // The copy is aligned for sock_filter; the arena string may not be.
  sock_filter* insns = static_cast<sock_filter*>(malloc(program.len));
  if (!insns) fail(ENOMEM, "malloc", "seccomp program");
  memcpy(insns, program.str, program.len);
  sock_fprog prog = {static_cast<unsigned short>(program.len / sizeof(sock_filter)), insns};
  long r = syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, static_cast<unsigned>(flags), &prog);
  if (r < 0) fail_errno("seccomp", "SECCOMP_SET_MODE_FILTER");
  free(insns);
  if (!(flags & SECCOMP_FILTER_FLAG_NEW_LISTENER)) return;
  // r is the listener: the runtime hands it to the agent at listenerPath (config-linux.md#seccomp).
  int listener = static_cast<int>(r);
  if (sync_fd() < 0) fail(EBADF, "sendmsg", "seccomp listener: the sync socket is closed");
  send_fd_or_fail(MSG_SECCOMP_FD, listener);
  close(listener);
  Message m;
  expect_msg(MSG_SECCOMP_DONE, &m);
  int32_t status = 0;
  if (m.len >= 4) memcpy(&status, m.payload, 4);
  free(m.payload);
  if (status) fail(status, "sendmsg", "seccomp listener to listenerPath");
}

// Closes fds [from, to]; close_range(2) may be missing or refused by a seccomp profile,
// so fall back to /proc/self/fd and then to a plain loop.
static void close_fds(unsigned from, unsigned to) {
  if (from > to) return;
  if (syscall(SYS_close_range, from, to, 0) == 0) return;
  int dfd = open("/proc/self/fd", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dfd >= 0) {
    DIR* d = fdopendir(dfd);
    if (d) {
      // Collect first: closing while reading would disturb the listing.
      int fds[256];
      for (;;) {
        size_t n = 0;
        while (dirent* e = readdir(d)) {
          long fd = strtol(e->d_name, nullptr, 10);
          if (e->d_name[0] < '0' || e->d_name[0] > '9' || fd == dfd) continue;
          if (static_cast<unsigned long>(fd) >= from && static_cast<unsigned long>(fd) <= to && n < 256)
            fds[n++] = static_cast<int>(fd);
        }
        for (size_t i = 0; i < n; i++) close(fds[i]);
        if (n < 256) break;
        rewinddir(d);
      }
      closedir(d);
      return;
    }
    close(dfd);
  }
  struct rlimit rl;
  unsigned max = getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < 1u << 20 ? rl.rlim_cur : 1u << 20;
  for (unsigned fd = from; fd <= to && fd < max; fd++) close(fd);
}

void op_preserve_fds(uint64_t count) {
  if (count > INT_MAX - 3) fail(EINVAL, "close_range", "preserve fds count");
  unsigned first = 3 + static_cast<unsigned>(count);
  // The init's own fds stay until execve (both CLOEXEC): the sync socket (an exec plan reports
  // an execve failure on it; a create plan closes it at the handshake) and exec.fifo.
  int keep[2] = {sync_fd(), g.fifo_fd};
  if (keep[0] > keep[1]) keep[0] = g.fifo_fd, keep[1] = sync_fd();
  unsigned from = first;
  for (int fd : keep) {
    if (fd < 0) continue;
    if (static_cast<unsigned>(fd) < first) fail(EINVAL, "close_range", "an fd of the init is among the preserved fds");
    close_fds(from, fd - 1);
    from = fd + 1;
  }
  close_fds(from, ~0U);
  for (unsigned fd = 3; fd < first; fd++) {
    int fl = fcntl(fd, F_GETFD);
    if (fl >= 0 && (fl & FD_CLOEXEC)) fcntl(fd, F_SETFD, fl & ~FD_CLOEXEC);
  }
}

void op_exec(const Record& r) {
  size_t argc = r.args[0].num;
  size_t envc = r.argc - 1 - argc;
  char** argv = static_cast<char**>(calloc(argc + 1, sizeof(char*)));
  char** envp = static_cast<char**>(calloc(envc + 2, sizeof(char*)));
  if (!argv || !envp) fail(ENOMEM, "malloc", "argv");
  for (size_t i = 0; i < argc; i++) argv[i] = const_cast<char*>(r.args[1 + i].str);
  const char* path_value = nullptr;
  size_t k = 0;
  for (size_t i = 0; i < envc; i++) {
    char* e = const_cast<char*>(r.args[1 + argc + i].str);
    if (!strncmp(e, "PATH=", 5)) path_value = e + 5;
    // An empty HOME counts as unset (runc: os.Getenv("HOME") == ""): OP_DEFAULT_HOME's wins.
    if (g.home && !strncmp(e, "HOME=", 5)) continue;
    envp[k++] = e;
  }
  if (g.home) envp[k++] = g.home;
  if (g.cwd_pending && !g.cwd_done) fail(EACCES, "chdir", g.cwd_pending);
  if (!g.exec_path) {
    set_step("exec lookup");
    int err = lookup(argv[0], path_value, nullptr, &g.exec_path);
    if (err) fail(err, "execve", argv[0]);
  }
  set_step("exec %s", argv[0]);
  execve(g.exec_path, argv, envp);
  fail_errno("execve", g.exec_path);
}

}  // namespace tsrun
