// Resolving paths inside the container root without ever leaving it (CVE-2021-30465 class).
#pragma once

namespace tsrun {

enum class Create { None, Dir, File };

// Returns an O_PATH fd for `path` resolved under g.root_fd with
// openat2(RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS): ".." and symlinks (absolute ones too) stay
// inside the root. With Create::Dir/File missing components are made one at a time with
// mkdirat (0755) relative to the already resolved parent fd; the last one is a directory or
// an empty regular file. On failure returns -1 with errno set and *syscall naming the call.
int resolve_in_root(const char* path, Create create, const char** syscall);

// openat2 of an existing path under g.root_fd with the given open flags (no creation).
int open_in_root(const char* path, int flags);
// openat2(dirfd, path, RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS | RESOLVE_NO_XDEV).
int open_beneath(int dirfd, const char* path, int flags);

// Like resolve_in_root, but for the parent of `path`: fills `name` with the last component
// (never "", "." or "..") and creates the missing parents.
int resolve_parent(const char* path, char* name, unsigned name_size, const char** syscall);

// A mount (or mask) onto a path below /proc or /sys must land on procfs or sysfs itself (a
// symlink or an earlier mount in the rootfs could redirect it elsewhere, the CVE-2025-31133 /
// 52565 / 52881 class): fails the step with EPERM otherwise. `fd` is the resolved target.
void check_mount_target(const char* path, int fd);
// The same check before the target is created, on its nearest existing ancestor: a refused mount
// point must not be left behind in the rootfs (nor fail first on mkdirat, e.g. EACCES rootless).
void precheck_mount_target(const char* path);

// "/proc/self/fd/<fd>": the target handed to mount(2) for a resolved fd.
struct FdPath {
  char buf[32];
  explicit FdPath(int fd);
  operator const char*() const { return buf; }
};

}  // namespace tsrun
