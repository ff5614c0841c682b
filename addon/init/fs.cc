#include "fs.h"

#include <fcntl.h>
#include <linux/magic.h>
#include <linux/openat2.h>
#include <sys/vfs.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "fail.h"
#include "ops.h"

#ifndef SYS_openat2
#define SYS_openat2 437
#endif

namespace tsrun {

FdPath::FdPath(int fd) { snprintf(buf, sizeof buf, "/proc/self/fd/%d", fd); }

static int open_in(int dirfd, const char* path, uint64_t flags, uint64_t mode, uint64_t resolve) {
  open_how how = {};
  how.flags = flags;
  how.mode = mode;
  how.resolve = resolve;
  long r;
  do r = syscall(SYS_openat2, dirfd, path, &how, sizeof how);
  while (r < 0 && (errno == EINTR || errno == EAGAIN));  // EAGAIN: a rename raced the lookup (openat2(2))
  return static_cast<int>(r);
}

static int open_in_root(const char* path) { return open_in_root(path, O_PATH | O_CLOEXEC); }

int open_beneath(int dirfd, const char* path, int flags) {
  return open_in(dirfd, path, flags, 0, RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS | RESOLVE_NO_XDEV);
}

int open_in_root(const char* path, int flags) {
  if (g.root_fd < 0) return errno = EINVAL, -1;
  return open_in(g.root_fd, path, flags, 0, RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS);
}

// Walks `path` component by component: each prefix is resolved from the root (so ".." and
// symlinks keep their meaning) and a missing component is created inside the fd of its resolved
// parent. A dangling symlink is followed by rewriting the path to its target (still resolved
// in the root), as filepath-securejoin's MkdirAll does for runc; `links` bounds the loops.
static int walk(const char* path, Create create, const char** syscall, int links) {
  char prefix[PATH_MAX];
  size_t plen = 0;
  int parent = -1;  // -1 = the root itself
  const char* p = path;
  while (*p) {
    while (*p == '/') p++;
    if (!*p) break;
    const char* end = strchrnul(p, '/');
    size_t clen = end - p;
    if (clen > NAME_MAX || plen + 1 + clen + 1 > sizeof prefix) return errno = ENAMETOOLONG, -1;
    size_t parent_len = plen;
    prefix[plen++] = '/';
    memcpy(prefix + plen, p, clen);
    plen += clen;
    prefix[plen] = 0;
    const char* name = prefix + parent_len + 1;
    p = end;
    bool last = !p[strspn(p, "/")];

    int next = open_in_root(prefix);
    if (next < 0 && errno == ENOENT) {
      int dirfd = parent < 0 ? g.root_fd : parent;
      int r;
      if (last && create == Create::File) {
        *syscall = "mknodat";
        r = mknodat(dirfd, name, S_IFREG | 0644, 0);
      } else {
        *syscall = "mkdirat";
        r = mkdirat(dirfd, name, 0755);
      }
      if (r < 0 && errno != EEXIST) {
        int e = errno;
        if (parent >= 0) close(parent);
        return errno = e, -1;
      }
      *syscall = "openat2";
      next = open_in_root(prefix);
      int open_errno = errno;
      char target[PATH_MAX];
      ssize_t tlen;
      if (next < 0 && errno == ENOENT && (tlen = readlinkat(dirfd, name, target, sizeof target - 1)) > 0) {
        // EEXIST above came from a dangling symlink: continue at its target.
        if (parent >= 0) close(parent);
        if (links >= 40) return errno = ELOOP, -1;
        target[tlen] = 0;
        char* again = static_cast<char*>(malloc(PATH_MAX));
        if (!again) return errno = ENOMEM, -1;
        prefix[parent_len] = 0;
        int n = snprintf(again, PATH_MAX, "%s/%s/%s", target[0] == '/' ? "" : prefix, target, p);
        int fd = n > 0 && n < PATH_MAX ? walk(again, create, syscall, links + 1) : (errno = ENAMETOOLONG, -1);
        int e = errno;
        free(again);
        return errno = e, fd;
      }
      errno = open_errno;
    }
    int e = errno;
    if (parent >= 0) close(parent);
    if (next < 0) return errno = e, -1;
    parent = next;
  }
  if (parent < 0) return open_in_root("/");
  return parent;
}

int resolve_in_root(const char* path, Create create, const char** syscall) {
  *syscall = "openat2";
  if (g.root_fd < 0) return errno = EINVAL, -1;  // no OP_ROOTFS before this op
  int fd = open_in_root(path);
  if (fd >= 0 || errno != ENOENT || create == Create::None) return fd;
  return walk(path, create, syscall, 0);
}

int resolve_parent(const char* path, char* name, unsigned name_size, const char** syscall) {
  char dir[PATH_MAX];
  size_t len = strlen(path);
  while (len > 1 && path[len - 1] == '/') len--;
  if (len >= sizeof dir) return *syscall = "openat2", errno = ENAMETOOLONG, -1;
  memcpy(dir, path, len);
  dir[len] = 0;
  char* slash = strrchr(dir, '/');
  const char* base = slash ? slash + 1 : dir;
  if (!*base || !strcmp(base, ".") || !strcmp(base, "..") || strlen(base) >= name_size)
    return *syscall = "openat2", errno = EINVAL, -1;
  strcpy(name, base);
  if (slash) slash[1] = 0;
  else strcpy(dir, "/");
  return resolve_in_root(dir, Create::Dir, syscall);
}

// True if `path` names `top` ("proc", "sys/fs/cgroup") itself (when `self`) or something below it.
static bool under(const char* path, const char* top, bool self) {
  while (*path == '/') path++;
  size_t n = strlen(top);
  if (strncmp(path, top, n) || (path[n] != '/' && path[n] != 0)) return false;
  path += n;
  while (*path == '/' || (path[0] == '.' && (path[1] == '/' || !path[1]))) path++;
  return self || *path != 0;
}
static bool below(const char* path, const char* top) { return under(path, top, false); }

void check_mount_target(const char* path, int fd) {
  bool proc = below(path, "proc"), sys = below(path, "sys");
  if (!proc && !sys) return;
  struct statfs sf;
  if (fstatfs(fd, &sf) < 0) fail_errno("fstatfs", path);
  unsigned long t = static_cast<unsigned long>(sf.f_type);
  if (proc && t == PROC_SUPER_MAGIC) return;
  if (sys && t == SYSFS_MAGIC) return;
  // The cgroup mount of a v1 host is a tmpfs with one cgroup hierarchy per directory.
  if (sys && under(path, "sys/fs/cgroup", true) && (t == TMPFS_MAGIC || t == CGROUP_SUPER_MAGIC || t == CGROUP2_SUPER_MAGIC))
    return;
  static char why[PATH_MAX + 64];
  snprintf(why, sizeof why, "%s: target is not on %s (f_type 0x%lx)", path, proc ? "procfs" : "sysfs", t);
  fail(EPERM, "fstatfs", why);
}

void precheck_mount_target(const char* path) {
  if (!below(path, "proc") && !below(path, "sys")) return;
  char p[PATH_MAX];
  if (snprintf(p, sizeof p, "%s", path) >= static_cast<int>(sizeof p)) return;  // must_resolve reports it
  for (;;) {
    const char* sc;
    int fd = resolve_in_root(p, Create::None, &sc);
    if (fd >= 0) {
      check_mount_target(path, fd);
      close(fd);
      return;
    }
    char* slash = strrchr(p, '/');
    if (errno != ENOENT || !slash || slash == p) return;
    *slash = 0;
  }
}

}  // namespace tsrun
