// Idmapped mounts (config.md#posix-platform-mounts uidMappings/gidMappings, options idmap and
// ridmap): made in stage 1, while the init still has the runtime's credentials and mount
// namespace, as a detached tree (open_tree(OPEN_TREE_CLONE)) carrying MOUNT_ATTR_IDMAP
// (mount_setattr(2)); stage 2 moves it into the rootfs (op_mount_tree). runc does the same
// from its parent process and passes the fds to the container's init.
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <sys/mount.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

#include "fail.h"
#include "ops.h"

namespace tsrun {

static constexpr int MAX_TREES = 64;
static int trees[MAX_TREES];
static int ntrees = 0;

static void write_proc(pid_t pid, const char* file, const char* data) {
  char path[64];
  snprintf(path, sizeof path, "/proc/%d/%s", pid, file);
  int fd = open(path, O_WRONLY | O_CLOEXEC);
  if (fd < 0) fail_errno("open", path);
  size_t len = strlen(data);
  if (write(fd, data, len) != static_cast<ssize_t>(len)) fail_errno("write", path);
  close(fd);
}

// A user namespace that holds only the mapping: a child unshares it and waits, the maps are
// written from here (user_namespaces(7)), its ns fd is kept, the child is ended.
static int mapping_userns(const char* uid_map, const char* gid_map) {
  int ready[2], gate[2];
  if (pipe2(ready, O_CLOEXEC) < 0 || pipe2(gate, O_CLOEXEC) < 0) fail_errno("pipe2", "idmap user namespace");
  pid_t pid = fork();
  if (pid < 0) fail_errno("fork", "idmap user namespace");
  if (pid == 0) {
    close(ready[0]);
    close(gate[1]);
    char c = unshare(CLONE_NEWUSER) == 0 ? 1 : 0;
    (void)!write(ready[1], &c, 1);
    while (read(gate[0], &c, 1) < 0 && errno == EINTR) {
    }
    _exit(0);
  }
  close(ready[1]);
  close(gate[0]);
  char ok = 0;
  if (read(ready[0], &ok, 1) != 1 || !ok) fail(EPERM, "unshare", "idmap user namespace");
  close(ready[0]);
  write_proc(pid, "uid_map", uid_map);
  // Never entered, so denying setgroups costs nothing and lets an unprivileged writer map gids.
  write_proc(pid, "setgroups", "deny");
  write_proc(pid, "gid_map", gid_map);
  char path[64];
  snprintf(path, sizeof path, "/proc/%d/ns/user", pid);
  int ns = open(path, O_RDONLY | O_CLOEXEC);
  if (ns < 0) fail_errno("open", path);
  close(gate[1]);
  while (waitpid(pid, nullptr, 0) < 0 && errno == EINTR) {
  }
  return ns;
}

void op_idmap_tree(const char* source, const char* uid_map, const char* gid_map, uint64_t rbind, uint64_t ridmap,
                   uint64_t propagation) {
  if (ntrees >= MAX_TREES) fail(E2BIG, "open_tree", source);
  int ns = mapping_userns(uid_map, gid_map);
  int tree = open_tree(AT_FDCWD, source, OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | (rbind ? AT_RECURSIVE : 0));
  if (tree < 0) fail_errno("open_tree", source);
  // The clone of a shared mount is in its peer group (mount_namespaces(7)): it takes the
  // propagation the container's "/" gets before its binds, as a bind made there would.
  struct mount_attr prop = {};
  prop.propagation = propagation & (MS_SHARED | MS_SLAVE | MS_PRIVATE | MS_UNBINDABLE);
  if (prop.propagation &&
      mount_setattr(tree, "", AT_EMPTY_PATH | (propagation & MS_REC ? AT_RECURSIVE : 0), &prop, sizeof prop) < 0)
    fail_errno("mount_setattr", source);
  struct mount_attr attr = {};
  attr.attr_set = MOUNT_ATTR_IDMAP;
  attr.userns_fd = static_cast<uint64_t>(ns);
  if (mount_setattr(tree, "", AT_EMPTY_PATH | (ridmap ? AT_RECURSIVE : 0), &attr, sizeof attr) < 0)
    fail_errno("mount_setattr", source);
  close(ns);
  trees[ntrees++] = tree;
}

int take_tree(uint64_t index) {
  if (index >= static_cast<uint64_t>(ntrees) || trees[index] < 0) fail(EBADF, "move_mount", "no such idmapped tree");
  int fd = trees[index];
  trees[index] = -1;
  return fd;
}

}  // namespace tsrun
