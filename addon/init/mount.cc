// Stage 2 filesystem: the rootfs, mounts, devices, pivot_root, masked and read-only paths.
#include <fcntl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <climits>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "fail.h"
#include "fs.h"
#include "ops.h"

namespace tsrun {

static constexpr unsigned long ATIME_FLAGS = MS_NOATIME | MS_NODIRATIME | MS_RELATIME | MS_STRICTATIME;
static constexpr unsigned long REMOUNT_FLAGS =
    MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC | MS_NOSYMFOLLOW | ATIME_FLAGS;

static int must_resolve(const char* path, Create create) {
  const char* sc;
  int fd = resolve_in_root(path, create, &sc);
  if (fd < 0) fail_errno(sc, path);
  return fd;
}

// The flags statvfs reports for a mount, as mount(2) flags.
static unsigned long mount_flags_of(const struct statvfs& sv) {
  unsigned long f = 0;
  if (sv.f_flag & ST_RDONLY) f |= MS_RDONLY;
  if (sv.f_flag & ST_NOSUID) f |= MS_NOSUID;
  if (sv.f_flag & ST_NODEV) f |= MS_NODEV;
  if (sv.f_flag & ST_NOEXEC) f |= MS_NOEXEC;
  if (sv.f_flag & ST_NOATIME) f |= MS_NOATIME;
  if (sv.f_flag & ST_NODIRATIME) f |= MS_NODIRATIME;
  if (sv.f_flag & ST_RELATIME) f |= MS_RELATIME;
  return f;
}

// Applies flags to the bind mount whose root `fd` is: mount(2) ignores them on the bind itself.
// The exact request is tried first; in a user namespace the kernel refuses (EPERM) to clear a
// flag locked on the source mount (mount_namespaces(7) "locked"), so it is retried with the
// source's flags (statvfs) added, unless the config explicitly cleared one of them ("rw",
// "suid", ...) or asked for another atime mode: then EPERM stands, as in runc.
static void bind_remount(int fd, unsigned long flags, unsigned long cleared, const char* path) {
  FdPath target(fd);
  unsigned long f = MS_REMOUNT | MS_BIND | (flags & REMOUNT_FLAGS);
  if (mount(nullptr, target, nullptr, f, nullptr) == 0) return;
  if (errno != EPERM) fail_errno("mount", path);
  struct statvfs sv;
  if (fstatvfs(fd, &sv) < 0) fail_errno("fstatvfs", path);
  unsigned long locked = mount_flags_of(sv);
  bool atime_conflict = (f & ATIME_FLAGS) && (f & ATIME_FLAGS) != (locked & ATIME_FLAGS);
  if ((locked & cleared) || atime_conflict || (f | locked) == f) fail(EPERM, "mount", path);
  if (mount(nullptr, target, nullptr, f | locked, nullptr) < 0) fail_errno("mount", path);
}

void op_mount_propagation(uint64_t flags) {
  if (mount(nullptr, "/", nullptr, flags, nullptr) < 0) fail_errno("mount", "/");
}

// mountinfo's mount point field with its octal escapes (\040 for a space) decoded in place.
static char* unescape(char* s) {
  char* out = s;
  for (char* in = s; *in; out++) {
    if (in[0] == '\\' && in[1] >= '0' && in[1] <= '3' && in[2] >= '0' && in[2] <= '7' && in[3] >= '0' && in[3] <= '7') {
      *out = static_cast<char>((in[1] - '0') * 64 + (in[2] - '0') * 8 + (in[3] - '0'));
      in += 4;
    } else {
      *out = *in++;
    }
  }
  *out = 0;
  return s;
}

// Whether `mp` is `path` or a directory above it.
static bool is_above(const char* mp, const char* path) {
  size_t n = strlen(mp);
  if (n == 1 && mp[0] == '/') return true;
  return strncmp(mp, path, n) == 0 && (path[n] == 0 || path[n] == '/');
}

// The mount the rootfs is on is made private when it is shared, so the bind below does not
// propagate to other namespaces and pivot_root's check (a shared parent: EINVAL) passes:
// runc's rootfsParentMountPrivate. A slave or private parent stays as it is.
static void rootfs_parent_private(const char* path) {
  int fd = open("/proc/self/mountinfo", O_RDONLY | O_CLOEXEC);
  if (fd < 0) fail_errno("open", "/proc/self/mountinfo");
  static char buf[1 << 16], line[8192], best[PATH_MAX];
  size_t len = 0, best_len = 0;
  bool shared = false, found = false;
  for (;;) {
    ssize_t n = read(fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) fail_errno("read", "/proc/self/mountinfo");
    // At the end (n == 0) a last line without its newline is still read.
    for (ssize_t i = 0; i < n || (n == 0 && len > 0); i++) {
      char c = i < n ? buf[i] : '\n';
      if (c != '\n') {
        if (len < sizeof line - 1) line[len++] = c;
        continue;
      }
      line[len] = 0;
      len = 0;
      // id parent major:minor root mountpoint options [optional fields...] - fstype ...
      char* save = nullptr;
      char* f[6] = {};
      f[0] = strtok_r(line, " ", &save);
      for (int k = 1; k < 6 && f[k - 1]; k++) f[k] = strtok_r(nullptr, " ", &save);
      if (!f[5]) continue;
      char* mp = unescape(f[4]);
      size_t mlen = strlen(mp);
      // The longest mount point above path; of several at one point the last (topmost) one.
      if (!is_above(mp, path) || mlen < best_len || mlen >= sizeof best) continue;
      memcpy(best, mp, mlen + 1);
      best_len = mlen;
      found = true;
      shared = false;
      for (char* o; (o = strtok_r(nullptr, " ", &save)) && strcmp(o, "-") != 0;)
        if (strncmp(o, "shared:", 7) == 0) shared = true;
    }
    if (n == 0) break;
  }
  close(fd);
  if (found && shared && mount(nullptr, best, nullptr, MS_PRIVATE, nullptr) < 0) fail_errno("mount", best);
}

void op_rootfs(const char* path) {
  rootfs_parent_private(path);
  if (mount(path, path, nullptr, MS_BIND | MS_REC, nullptr) < 0) fail_errno("mount", path);
  // Opened after the bind: the fd is the root of the new mount.
  g.root_fd = open(path, O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (g.root_fd < 0) fail_errno("open", path);
  g.rootfs = path;
}

// What follows the mount itself: the bind flags, the propagation. The old fd is the
// directory under the new mount; the path is looked up again to get the mount.
static void finish_mount(const char* dest, uint64_t flags, uint64_t cleared, uint64_t prop, bool bind) {
  bool remount = bind && (flags & REMOUNT_FLAGS);
  if (!remount && !prop) return;
  int fd = must_resolve(dest, Create::None);
  if (remount) bind_remount(fd, flags, cleared, dest);
  if (prop && mount(nullptr, FdPath(fd), nullptr, prop, nullptr) < 0) fail_errno("mount", dest);
  close(fd);
}

// The mode of the directory at dest before anything is mounted on it, or -1 when there is none
// (MOUNT_INHERIT_MODE: runc's mountToRootfs stats a tmpfs destination first and chmods the new
// tmpfs to that mode; a destination it had to create keeps the tmpfs default).
static int existing_dir_mode(const char* dest) {
  const char* sc;
  int fd = resolve_in_root(dest, Create::None, &sc);
  if (fd < 0) return -1;
  struct stat st;
  int mode = fstat(fd, &st) == 0 && S_ISDIR(st.st_mode) ? static_cast<int>(st.st_mode & 07777) : -1;
  close(fd);
  return mode;
}

void op_mount(const char* source, const char* dest, const char* fstype, uint64_t flags, uint64_t prop,
              const char* data, uint64_t mode_arg, uint64_t cleared) {
  uint64_t mode = mode_arg & ~MOUNT_INHERIT_MODE;
  int inherit = mode_arg & MOUNT_INHERIT_MODE ? existing_dir_mode(dest) : -1;
  precheck_mount_target(dest);
  int fd = must_resolve(dest, mode == MOUNT_FILE ? Create::File : Create::Dir);
  check_mount_target(dest, fd);
  // tmpcopyup: the directory under the mount, opened before the mount hides it.
  int below = -1;
  if (mode == MOUNT_COPYUP && (below = openat(fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0)
    fail_errno("openat", dest);
  FdPath target(fd);
  const char* src = *source ? source : nullptr;
  if (flags & MS_BIND) {
    // A bind ignores all flags but MS_REC (mount(2)); the rest needs a remount.
    if (mount(src, target, nullptr, MS_BIND | (flags & MS_REC), nullptr) < 0) fail_errno("mount", dest);
  } else {
    // A read-only tmpfs is mounted writable first and made read-only after the chmod (as runc).
    unsigned long first = inherit >= 0 ? flags & ~MS_RDONLY : flags;
    if (mount(src, target, *fstype ? fstype : nullptr, first, *data ? data : nullptr) < 0)
      fail_errno("mount", dest);
  }
  close(fd);
  if (below >= 0) {
    int above = must_resolve(dest, Create::None);
    copy_up(below, above, dest);
    close(above);
    close(below);
  }
  if (inherit >= 0) {
    int root = must_resolve(dest, Create::None);
    if (fchmodat(AT_FDCWD, FdPath(root), static_cast<mode_t>(inherit), 0) < 0) fail_errno("fchmodat", dest);
    if ((flags & MS_RDONLY) && mount(nullptr, FdPath(root), nullptr, MS_REMOUNT | flags, *data ? data : nullptr) < 0)
      fail_errno("mount", dest);
    close(root);
  }
  finish_mount(dest, flags, cleared, prop, flags & MS_BIND);
}

void op_mount_tree(uint64_t index, const char* dest, uint64_t mode, uint64_t flags, uint64_t cleared, uint64_t prop) {
  attach_tree(take_tree(index), dest, mode, flags, cleared, prop);
}

void attach_tree(int tree, const char* dest, uint64_t mode, uint64_t flags, uint64_t cleared, uint64_t prop) {
  precheck_mount_target(dest);
  int fd = must_resolve(dest, mode == MOUNT_FILE ? Create::File : Create::Dir);
  check_mount_target(dest, fd);
  if (move_mount(tree, "", fd, "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0)
    fail_errno("move_mount", dest);
  close(tree);
  close(fd);
  finish_mount(dest, flags, cleared, prop, true);
}

void op_mount_setattr(const char* dest, uint64_t set, uint64_t clear, uint64_t recursive) {
  int fd = must_resolve(dest, Create::None);
  struct mount_attr attr = {};
  attr.attr_set = set;
  attr.attr_clr = clear;
  if (mount_setattr(fd, "", AT_EMPTY_PATH | (recursive ? AT_RECURSIVE : 0), &attr, sizeof attr) < 0)
    fail_errno("mount_setattr", dest);
  close(fd);
}

void op_mkdir(const char* path) { close(must_resolve(path, Create::Dir)); }

void op_mknod(const char* dest, uint64_t mode, uint64_t major, uint64_t minor, uint64_t uid, uint64_t gid) {
  char name[NAME_MAX + 1];
  const char* sc;
  int dir = resolve_parent(dest, name, sizeof name, &sc);
  if (dir < 0) fail_errno(sc, dest);
  if (mknodat(dir, name, mode, makedev(major, minor)) < 0) {
    if (errno != EEXIST) fail_errno("mknodat", dest);
    // The rootfs brings its own node: kept if it is the requested device, else an error
    // (config-linux.md#devices: "a file ... that does not match the requested device").
    struct stat st;
    if (fstatat(dir, name, &st, AT_SYMLINK_NOFOLLOW) < 0) fail_errno("fstatat", dest);
    bool same = (st.st_mode & S_IFMT) == (mode & S_IFMT) && (S_ISFIFO(st.st_mode) || st.st_rdev == makedev(major, minor));
    if (!same) fail(EEXIST, "mknodat", dest);
    return (void)close(dir);
  }
  // The umask applied to mknodat; the device gets exactly the requested permissions.
  if (fchmodat(dir, name, mode & 07777, 0) < 0) fail_errno("fchmodat", dest);
  if (fchownat(dir, name, uid, gid, AT_SYMLINK_NOFOLLOW) < 0) fail_errno("fchownat", dest);
  close(dir);
}

void op_bind_device(const char* host, const char* dest) {
  int fd = must_resolve(dest, Create::File);
  // What is already there must be the same device, or an empty file (a bind target such as
  // resolve_in_root makes): config-linux.md#devices.
  struct stat have, want;
  if (fstat(fd, &have) < 0) fail_errno("fstat", dest);
  if (stat(host, &want) < 0) fail_errno("stat", host);
  bool device = S_ISCHR(want.st_mode) || S_ISBLK(want.st_mode) || S_ISFIFO(want.st_mode);
  bool placeholder = S_ISREG(have.st_mode) && have.st_size == 0;
  bool same = device && (have.st_mode & S_IFMT) == (want.st_mode & S_IFMT) && have.st_rdev == want.st_rdev;
  if (!placeholder && !same) fail(EEXIST, "mount", dest);
  if (!device) fail(ENODEV, "stat", host);
  if (mount(host, FdPath(fd), nullptr, MS_BIND, nullptr) < 0) fail_errno("mount", dest);
  close(fd);
}

void op_symlink(const char* target, const char* link) {
  char name[NAME_MAX + 1];
  const char* sc;
  int dir = resolve_parent(link, name, sizeof name, &sc);
  if (dir < 0) fail_errno(sc, link);
  if (symlinkat(target, dir, name) < 0 && errno != EEXIST) fail_errno("symlinkat", link);
  close(dir);
}

// runc's reOpenDevNull (rootfs_linux.go): stdio fds on the host's /dev/null are pointed at the
// container's own /dev/null once the root is switched; criu cannot dump an fd of a mount outside
// the container ("Can't lookup mount"), and the container should not hold the host's /dev open.
// A rootfs without /dev/null keeps the fds as they are.
static void reopen_dev_null() {
  int null_fd = open("/dev/null", O_RDWR | O_CLOEXEC);
  if (null_fd < 0) return;
  struct stat null_st;
  if (fstat(null_fd, &null_st) < 0) fail_errno("fstat", "/dev/null");
  for (int fd = 0; fd < 3; fd++) {
    struct stat st;
    if (fstat(fd, &st) < 0 || !S_ISCHR(st.st_mode) || st.st_rdev != null_st.st_rdev) continue;
    if (dup3(null_fd, fd, 0) < 0) fail_errno("dup3", "/dev/null");
  }
  close(null_fd);
}

// The runc way (rootfs_linux.go pivotRoot): pivot_root(".", ".") stacks the old root on top of
// the new one at "/", so no directory for put_old is needed inside the rootfs (pivot_root(2)).
void op_pivot_root() {
  if (g.root_fd < 0) fail(EINVAL, "pivot_root", "no rootfs");
  int oldroot = open("/", O_DIRECTORY | O_RDONLY | O_CLOEXEC);
  if (oldroot < 0) fail_errno("open", "/");
  if (fchdir(g.root_fd) < 0) fail_errno("fchdir", g.rootfs);
  if (syscall(SYS_pivot_root, ".", ".") < 0) fail_errno("pivot_root", g.rootfs);
  if (fchdir(oldroot) < 0) fail_errno("fchdir", "old root");
  // Slave first, or the detach would propagate the unmount to the host (runc does the same).
  if (mount(nullptr, ".", nullptr, MS_SLAVE | MS_REC, nullptr) < 0) fail_errno("mount", "old root");
  if (umount2(".", MNT_DETACH) < 0) fail_errno("umount2", "old root");
  if (chdir("/") < 0) fail_errno("chdir", "/");
  close(oldroot);
  close(g.root_fd);
  g.root_fd = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (g.root_fd < 0) fail_errno("open", "/");
  reopen_dev_null();
}

// mountinfo (proc(5)) escapes space, tab, newline and backslash as \ooo.
static void unescape_octal(char* s) {
  char* out = s;
  for (char* p = s; *p; p++) {
    if (p[0] == '\\' && p[1] >= '0' && p[1] <= '7' && p[2] >= '0' && p[2] <= '7' && p[3] >= '0' && p[3] <= '7') {
      *out++ = static_cast<char>((p[1] - '0') << 6 | (p[2] - '0') << 3 | (p[3] - '0'));
      p += 3;
    } else {
      *out++ = *p;
    }
  }
  *out = 0;
}

static bool under(const char* path, const char* dir) {
  size_t n = strlen(dir);
  return !strncmp(path, dir, n) && (path[n] == 0 || path[n] == '/');
}

// runc's msMoveRoot (libcontainer/rootfs_linux.go, 1.1.5+): under chroot(2) the host's procfs
// and sysfs stay in the mount namespace, and the kernel lets a nested user namespace mount a
// fresh procfs when a full, uncovered one is visible there (fs/namespace.c mount_too_revealing).
// So every full proc or sysfs mount outside the rootfs is made a slave (no umount reaches the
// host) and detached, or, where that is refused, covered with an empty tmpfs.
static void hide_host_pseudo_fs() {
  // mountinfo shows resolved paths; the bundle's root.path may go through symlinks.
  char rootfs[PATH_MAX];
  if (!realpath(g.rootfs, rootfs)) fail_errno("realpath", g.rootfs);
  FILE* f = fopen("/proc/self/mountinfo", "re");
  if (!f) fail_errno("open", "/proc/self/mountinfo");
  char** points = nullptr;
  size_t count = 0;
  char* line = nullptr;
  size_t cap = 0;
  while (getline(&line, &cap, f) > 0) {
    // id parent major:minor root mountpoint options [optional...] - fstype source super
    char root[4096], point[4096];
    if (sscanf(line, "%*s %*s %*s %4095s %4095s", root, point) != 2) continue;
    const char* sep = strstr(line, " - ");
    if (!sep) continue;
    char fstype[32];
    if (sscanf(sep + 3, "%31s", fstype) != 1) continue;
    if (strcmp(root, "/") || (strcmp(fstype, "proc") && strcmp(fstype, "sysfs"))) continue;
    unescape_octal(point);
    if (under(point, rootfs)) continue;
    char** grown = static_cast<char**>(realloc(points, (count + 1) * sizeof(char*)));
    if (!grown) fail(ENOMEM, "malloc", "mountinfo");
    points = grown;
    points[count++] = strdup(point);
  }
  free(line);
  fclose(f);
  // Deepest first: a parent detached first would take its children's paths with it.
  for (size_t i = count; i-- > 0;) {
    const char* p = points[i];
    if (mount(nullptr, p, nullptr, MS_SLAVE | MS_REC, nullptr) < 0) {
      if (errno == ENOENT) continue;  // a parent is gone already
      fail_errno("mount", p);
    }
    if (umount2(p, MNT_DETACH) < 0) {
      if (errno != EINVAL && errno != EPERM) fail_errno("umount2", p);
      if (mount("tmpfs", p, "tmpfs", MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC, nullptr) < 0) fail_errno("mount tmpfs over", p);
    }
    free(points[i]);
  }
  free(points);
}

// The end of both chroot ops: the working directory (the rootfs) becomes "/", and root_fd and
// /dev/null are reopened there.
static void chroot_cwd() {
  if (chroot(".") < 0) fail_errno("chroot", g.rootfs);
  if (chdir("/") < 0) fail_errno("chdir", "/");
  close(g.root_fd);
  g.root_fd = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (g.root_fd < 0) fail_errno("open", "/");
  reopen_dev_null();
}

void op_chroot() {
  if (g.root_fd < 0) fail(EINVAL, "chroot", "no rootfs");
  hide_host_pseudo_fs();
  if (fchdir(g.root_fd) < 0) fail_errno("fchdir", g.rootfs);
  if (mount(".", "/", nullptr, MS_MOVE, nullptr) < 0) fail_errno("mount", g.rootfs);
  chroot_cwd();
}

// runc's chroot() (rootfs_linux.go), taken when the container has no mount namespace of its own:
// the rootfs bind and every mount below it stay where they are, in the runtime's namespace, and
// the init only changes its root. Nothing of the host's is moved or unmounted (op_chroot's
// MS_MOVE onto "/" and detaching /proc would act on the caller's own mounts here).
// An exec'd process takes the container's root by path (/proc/<pid>/root): it has no mount
// namespace to join, which would have given it the root as setns(2) does.
void op_chroot_shared(const char* path) {
  if (*path) {
    if (chroot(path) < 0) fail_errno("chroot", path);
    if (chdir("/") < 0) fail_errno("chdir", "/");
    return;
  }
  if (g.root_fd < 0) fail(EINVAL, "chroot", "no rootfs");
  if (fchdir(g.root_fd) < 0) fail_errno("fchdir", g.rootfs);
  chroot_cwd();
}

// Returns -1 if path does not exist (nothing to do), else the O_PATH fd.
static int resolve_existing(const char* path) {
  const char* sc;
  int fd = resolve_in_root(path, Create::None, &sc);
  if (fd < 0 && errno != ENOENT) fail_errno(sc, path);
  return fd;
}

// The container's /dev/null, checked to be the real 1:3 character device: a container could
// have replaced it with a symlink or another file, and binding that over a masked path would
// unmask it or expose a host file (CVE-2025-31133).
static int dev_null() {
  static int fd = -1;
  if (fd >= 0) return fd;
  // O_NOFOLLOW: a symlink named /dev/null is itself refused, whatever it points to.
  fd = open_in_root("/dev/null", O_PATH | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0) fail_errno("openat2", "/dev/null");
  struct stat st;
  if (fstat(fd, &st) < 0) fail_errno("fstat", "/dev/null");
  if (!S_ISCHR(st.st_mode) || st.st_rdev != makedev(1, 3)) fail(EPERM, "fstat", "/dev/null is not the 1:3 character device");
  return fd;
}

// After pivot_root these ops use only fds and the new mount API (open_tree, fsopen/fsmount,
// move_mount, mount_setattr(2)): no /proc/self/fd path is looked up in the container's /proc,
// which may not be mounted, or be what a racing mount redirected (the CVE-2025-52881 class).
static void attach(int tree, int fd, const char* path) {
  if (move_mount(tree, "", fd, "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0) fail_errno("move_mount", path);
  close(tree);
}

// Sets read-only on the one mount whose root `fd` is, keeping every other flag (as runc's
// remount with the statfs flags does; nothing locked is ever cleared).
static void set_readonly(int fd, const char* path) {
  struct mount_attr attr = {};
  attr.attr_set = MOUNT_ATTR_RDONLY;
  if (mount_setattr(fd, "", AT_EMPTY_PATH, &attr, sizeof attr) < 0) fail_errno("mount_setattr", path);
}

// An empty read-only tmpfs, detached.
static int empty_tmpfs(const char* path) {
  int fs = fsopen("tmpfs", FSOPEN_CLOEXEC);
  if (fs < 0) fail_errno("fsopen", path);
  if (fsconfig(fs, FSCONFIG_SET_FLAG, "ro", nullptr, 0) < 0 || fsconfig(fs, FSCONFIG_CMD_CREATE, nullptr, nullptr, 0) < 0)
    fail_errno("fsconfig", path);
  int tree = fsmount(fs, FSMOUNT_CLOEXEC, MOUNT_ATTR_RDONLY);
  if (tree < 0) fail_errno("fsmount", path);
  close(fs);
  return tree;
}

void op_mask_path(const char* path) {
  int fd = resolve_existing(path);
  if (fd < 0) return;
  check_mount_target(path, fd);
  struct stat st;
  if (fstat(fd, &st) < 0) fail_errno("fstat", path);
  int tree = S_ISDIR(st.st_mode) ? empty_tmpfs(path)
                                 : open_tree(dev_null(), "", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_EMPTY_PATH);
  if (tree < 0) fail_errno("open_tree", "/dev/null");
  attach(tree, fd, path);
  close(fd);
}

void op_readonly_path(const char* path) {
  int fd = resolve_existing(path);
  if (fd < 0) return;
  check_mount_target(path, fd);
  // The bind onto itself, cut as a detached copy so that it is made read-only before it is visible.
  int tree = open_tree(fd, "", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_EMPTY_PATH | AT_RECURSIVE);
  if (tree < 0) fail_errno("open_tree", path);
  set_readonly(tree, path);
  attach(tree, fd, path);
  close(fd);
}

void op_remount_ro(const char* path) {
  int fd = must_resolve(path, Create::None);
  set_readonly(fd, path);
  close(fd);
}

}  // namespace tsrun
