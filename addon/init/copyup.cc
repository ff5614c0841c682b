// tmpcopyup (runc's mount extension, podman --read-only): a tmpfs mounted over a directory of
// the image starts with a copy of what that directory held. OP_COPYUP_SOURCE opens the
// directory before the mount hides it; OP_COPYUP copies from that fd into the new tmpfs.
#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <climits>
#include <cstring>

#include "fail.h"
#include "fs.h"
#include "ops.h"

namespace tsrun {

static int g_copyup_fd = -1;

void op_copyup_source(const char* dest) {
  // Nothing to copy when the destination does not exist yet (OP_MOUNT creates it) or is no directory.
  g_copyup_fd = open_in_root(dest, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (g_copyup_fd < 0 && errno != ENOENT && errno != ENOTDIR) fail_errno("openat2", dest);
}

// Owner and times are kept; an owner the user namespace does not map stays the mounter's
// (fchownat EINVAL), as a copy made by that user would.
static void keep_owner(int dir, const char* name, const struct stat& st, const char* what) {
  if (fchownat(dir, name, st.st_uid, st.st_gid, AT_SYMLINK_NOFOLLOW) < 0 && errno != EINVAL) fail_errno("fchownat", what);
}

static void copy_file(int sdir, int ddir, const char* name, const struct stat& st) {
  int in = openat(sdir, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
  if (in < 0) fail_errno("openat", name);
  int out = openat(ddir, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, st.st_mode & 07777);
  if (out < 0) fail_errno("openat", name);
  char buf[16384];
  for (;;) {
    ssize_t n = read(in, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) fail_errno("read", name);
    if (n == 0) break;
    for (ssize_t off = 0; off < n;) {
      ssize_t w = write(out, buf + off, static_cast<size_t>(n - off));
      if (w < 0 && errno == EINTR) continue;
      if (w < 0) fail_errno("write", name);
      off += w;
    }
  }
  close(in);
  close(out);
}

static void copy_tree(int sdir, int ddir, int depth) {
  if (depth > 64) fail(ELOOP, "copyup", "directory tree too deep");
  int scan = dup(sdir);
  if (scan < 0) fail_errno("dup", "copyup");
  DIR* d = fdopendir(scan);
  if (!d) fail_errno("fdopendir", "copyup");
  while (dirent* e = readdir(d)) {
    const char* name = e->d_name;
    if (!strcmp(name, ".") || !strcmp(name, "..")) continue;
    struct stat st;
    if (fstatat(sdir, name, &st, AT_SYMLINK_NOFOLLOW) < 0) fail_errno("fstatat", name);
    if (S_ISDIR(st.st_mode)) {
      if (mkdirat(ddir, name, st.st_mode & 07777) < 0) fail_errno("mkdirat", name);
      int s2 = openat(sdir, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
      int d2 = openat(ddir, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
      if (s2 < 0 || d2 < 0) fail_errno("openat", name);
      copy_tree(s2, d2, depth + 1);
      close(s2);
      close(d2);
    } else if (S_ISREG(st.st_mode)) {
      copy_file(sdir, ddir, name, st);
    } else if (S_ISLNK(st.st_mode)) {
      char target[PATH_MAX];
      ssize_t n = readlinkat(sdir, name, target, sizeof target - 1);
      if (n < 0) fail_errno("readlinkat", name);
      target[n] = 0;
      if (symlinkat(target, ddir, name) < 0) fail_errno("symlinkat", name);
    } else if (mknodat(ddir, name, st.st_mode, st.st_rdev) < 0) {
      fail_errno("mknodat", name);
    }
    keep_owner(ddir, name, st, name);
  }
  closedir(d);
}

void op_copyup(const char* dest) {
  if (g_copyup_fd < 0) return;
  int to = open_in_root(dest, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (to < 0) fail_errno("openat2", dest);
  copy_tree(g_copyup_fd, to, 0);
  close(to);
  close(g_copyup_fd);
  g_copyup_fd = -1;
}

}  // namespace tsrun
