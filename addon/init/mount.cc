// Stage 2 filesystem: the rootfs, mounts, devices, pivot_root, masked and read-only paths.
#include <fcntl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <climits>
#include <cstring>

#include "fail.h"
#include "fs.h"
#include "ops.h"

namespace tsrun {

static constexpr unsigned long ATIME_FLAGS = MS_NOATIME | MS_NODIRATIME | MS_RELATIME | MS_STRICTATIME;
static constexpr unsigned long REMOUNT_FLAGS = MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC | ATIME_FLAGS;

static int must_resolve(const char* path, Create create) {
  const char* sc;
  int fd = resolve_in_root(path, create, &sc);
  if (fd < 0) fail_errno(sc, path);
  return fd;
}

// Applies flags to the bind mount whose root `fd` is. In a user namespace the kernel refuses
// to clear flags locked on the source mount (mount(2) EPERM, mount_namespaces(7) "locked"),
// so the flags statvfs reports for it are kept; a locked read-only is kept only on EPERM,
// so that real root can still make a writable bind of a read-only mount.
static void bind_remount(int fd, unsigned long flags, const char* path) {
  struct statvfs sv;
  if (fstatvfs(fd, &sv) < 0) fail_errno("fstatvfs", path);
  unsigned long f = MS_REMOUNT | MS_BIND | (flags & REMOUNT_FLAGS);
  if (sv.f_flag & ST_NOSUID) f |= MS_NOSUID;
  if (sv.f_flag & ST_NODEV) f |= MS_NODEV;
  if (sv.f_flag & ST_NOEXEC) f |= MS_NOEXEC;
  if (!(flags & ATIME_FLAGS)) {
    if (sv.f_flag & ST_NOATIME) f |= MS_NOATIME;
    if (sv.f_flag & ST_NODIRATIME) f |= MS_NODIRATIME;
    if (sv.f_flag & ST_RELATIME) f |= MS_RELATIME;
  }
  FdPath target(fd);
  if (mount(nullptr, target, nullptr, f, nullptr) == 0) return;
  if (errno == EPERM && (sv.f_flag & ST_RDONLY) && !(f & MS_RDONLY) &&
      mount(nullptr, target, nullptr, f | MS_RDONLY, nullptr) == 0)
    return;
  fail_errno("mount", path);
}

void op_mount_propagation(uint64_t flags) {
  if (mount(nullptr, "/", nullptr, flags, nullptr) < 0) fail_errno("mount", "/");
}

void op_rootfs(const char* path) {
  if (mount(path, path, nullptr, MS_BIND | MS_REC, nullptr) < 0) fail_errno("mount", path);
  // Opened after the bind: the fd is the root of the new mount.
  g.root_fd = open(path, O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (g.root_fd < 0) fail_errno("open", path);
  g.rootfs = path;
}

void op_mount(const char* source, const char* dest, const char* fstype, uint64_t flags, uint64_t prop,
              const char* data, uint64_t mode) {
  int fd = must_resolve(dest, mode == 1 ? Create::File : Create::Dir);
  FdPath target(fd);
  const char* src = *source ? source : nullptr;
  if (flags & MS_BIND) {
    // A bind ignores all flags but MS_REC (mount(2)); the rest needs a remount.
    if (mount(src, target, nullptr, MS_BIND | (flags & MS_REC), nullptr) < 0) fail_errno("mount", dest);
  } else {
    if (mount(src, target, *fstype ? fstype : nullptr, flags, *data ? data : nullptr) < 0)
      fail_errno("mount", dest);
  }
  close(fd);
  bool remount = (flags & MS_BIND) && (flags & REMOUNT_FLAGS);
  if (!remount && !prop) return;
  // The old fd is the directory under the new mount; look the path up again to get the mount.
  fd = must_resolve(dest, Create::None);
  if (remount) bind_remount(fd, flags, dest);
  if (prop && mount(nullptr, FdPath(fd), nullptr, prop, nullptr) < 0) fail_errno("mount", dest);
  close(fd);
}

void op_mknod(const char* dest, uint64_t mode, uint64_t major, uint64_t minor, uint64_t uid, uint64_t gid) {
  char name[NAME_MAX + 1];
  const char* sc;
  int dir = resolve_parent(dest, name, sizeof name, &sc);
  if (dir < 0) fail_errno(sc, dest);
  if (mknodat(dir, name, mode, makedev(major, minor)) < 0) {
    if (errno == EEXIST) return (void)close(dir);  // the rootfs brings its own node: keep it, as runc does
    fail_errno("mknodat", dest);
  }
  // The umask applied to mknodat; the device gets exactly the requested permissions.
  if (fchmodat(dir, name, mode & 07777, 0) < 0) fail_errno("fchmodat", dest);
  if (fchownat(dir, name, uid, gid, AT_SYMLINK_NOFOLLOW) < 0) fail_errno("fchownat", dest);
  close(dir);
}

void op_bind_device(const char* host, const char* dest) {
  int fd = must_resolve(dest, Create::File);
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
}

void op_chroot() {
  if (g.root_fd < 0) fail(EINVAL, "chroot", "no rootfs");
  if (fchdir(g.root_fd) < 0) fail_errno("fchdir", g.rootfs);
  if (mount(".", "/", nullptr, MS_MOVE, nullptr) < 0) fail_errno("mount", g.rootfs);
  if (chroot(".") < 0) fail_errno("chroot", g.rootfs);
  if (chdir("/") < 0) fail_errno("chdir", "/");
  close(g.root_fd);
  g.root_fd = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (g.root_fd < 0) fail_errno("open", "/");
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
  const char* sc;
  fd = resolve_in_root("/dev/null", Create::None, &sc);
  if (fd < 0) fail_errno(sc, "/dev/null");
  struct stat st;
  if (fstat(fd, &st) < 0) fail_errno("fstat", "/dev/null");
  if (!S_ISCHR(st.st_mode) || st.st_rdev != makedev(1, 3)) fail(EPERM, "fstat", "/dev/null is not the 1:3 device");
  return fd;
}

void op_mask_path(const char* path) {
  int fd = resolve_existing(path);
  if (fd < 0) return;
  struct stat st;
  if (fstat(fd, &st) < 0) fail_errno("fstat", path);
  int r = S_ISDIR(st.st_mode) ? mount("tmpfs", FdPath(fd), "tmpfs", MS_RDONLY, nullptr)
                              : mount(FdPath(dev_null()), FdPath(fd), nullptr, MS_BIND, nullptr);
  if (r < 0) fail_errno("mount", path);
  close(fd);
}

void op_readonly_path(const char* path) {
  int fd = resolve_existing(path);
  if (fd < 0) return;
  if (mount(FdPath(fd), FdPath(fd), nullptr, MS_BIND | MS_REC, nullptr) < 0) fail_errno("mount", path);
  close(fd);
  fd = resolve_existing(path);
  if (fd < 0) fail(ENOENT, "openat2", path);
  bind_remount(fd, MS_RDONLY, path);
  close(fd);
}

void op_remount_ro(const char* path) {
  int fd = must_resolve(path, Create::None);
  bind_remount(fd, MS_RDONLY, path);
  close(fd);
}

}  // namespace tsrun
