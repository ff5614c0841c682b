// tmpcopyup (config.md#mounts): the contents of the directory a tmpfs is mounted on are copied
// into the new tmpfs, keeping type, mode and owner, as runc does. Both sides are fds: the
// source was opened before the mount hid it, so no path is ever looked up again.
#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <cerrno>
#include <climits>

#include "fail.h"
#include "ops.h"

namespace tsrun {

static void copy_data(int from, int to, const char* what) {
  char buf[16384];
  for (;;) {
    ssize_t n = read(from, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) fail_errno("read", what);
    if (n == 0) return;
    for (ssize_t off = 0; off < n;) {
      ssize_t w = write(to, buf + off, n - off);
      if (w < 0 && errno == EINTR) continue;
      if (w < 0) fail_errno("write", what);
      off += w;
    }
  }
}

// Owner and mode of a copied entry. An owner that is not mapped in the container's user
// namespace reads as the overflow id and cannot be set (EINVAL): the copy keeps its creator.
static void copy_attrs(int dir, const char* name, const struct stat& st, const char* what) {
  if (fchownat(dir, name, st.st_uid, st.st_gid, AT_SYMLINK_NOFOLLOW) < 0 && errno != EINVAL)
    fail_errno("fchownat", what);
  if (!S_ISLNK(st.st_mode) && fchmodat(dir, name, st.st_mode & 07777, 0) < 0) fail_errno("fchmodat", what);
}

static void copy_tree(int from, int to, const char* what, int depth) {
  if (depth > 64) fail(ELOOP, "copy", what);
  int dup_from = openat(from, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dup_from < 0) fail_errno("openat", what);
  DIR* d = fdopendir(dup_from);
  if (!d) fail_errno("fdopendir", what);
  while (struct dirent* e = readdir(d)) {
    const char* name = e->d_name;
    if (name[0] == '.' && (!name[1] || (name[1] == '.' && !name[2]))) continue;
    struct stat st;
    if (fstatat(from, name, &st, AT_SYMLINK_NOFOLLOW) < 0) fail_errno("fstatat", what);
    if (S_ISDIR(st.st_mode)) {
      if (mkdirat(to, name, 0700) < 0) fail_errno("mkdirat", what);
      int sub_from = openat(from, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
      int sub_to = openat(to, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
      if (sub_from < 0 || sub_to < 0) fail_errno("openat", what);
      copy_tree(sub_from, sub_to, what, depth + 1);
      close(sub_from);
      close(sub_to);
    } else if (S_ISREG(st.st_mode)) {
      int in = openat(from, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
      if (in < 0) fail_errno("openat", what);
      int out = openat(to, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
      if (out < 0) fail_errno("openat", what);
      copy_data(in, out, what);
      close(in);
      close(out);
    } else if (S_ISLNK(st.st_mode)) {
      char target[PATH_MAX];
      ssize_t n = readlinkat(from, name, target, sizeof target - 1);
      if (n < 0) fail_errno("readlinkat", what);
      target[n] = 0;
      if (symlinkat(target, to, name) < 0) fail_errno("symlinkat", what);
    } else if (mknodat(to, name, st.st_mode & (S_IFMT | 0600), st.st_rdev) < 0) {
      fail_errno("mknodat", what);
    }
    copy_attrs(to, name, st, what);
  }
  closedir(d);
}

void copy_up(int from, int to, const char* what) { copy_tree(from, to, what, 0); }

}  // namespace tsrun
