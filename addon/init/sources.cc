// Bind sources opened in stage 1 (OP_BIND_SOURCE) when the init creates a user namespace: in the
// container's mount namespace, but with the runtime's uid and gids, before OP_SETRESID makes the
// init the container's root, which may be a host uid that cannot search the source's directories
// (runc 1.1 opens them in its parent for the same reason: libcontainer mountFds). Stage 2 clones
// each one (OP_MOUNT_SOURCE): open_tree on an fd checks no path permission, only CAP_SYS_ADMIN
// over the mount namespace, and the destination is resolved in the rootfs as for any mount.
#include <fcntl.h>
#include <sys/mount.h>
#include <unistd.h>

#include <cerrno>

#include "fail.h"
#include "ops.h"

namespace tsrun {

static constexpr int MAX_SOURCES = 256;
static int sources[MAX_SOURCES];
static int nsources = 0;

void op_bind_source(const char* source) {
  if (nsources >= MAX_SOURCES) fail(E2BIG, "open", source);
  // O_PATH follows symlinks as mount(MS_BIND) of the path would; CLOEXEC, and closed once mounted.
  int fd = open(source, O_PATH | O_CLOEXEC);
  if (fd < 0) fail_errno("open", source);
  sources[nsources++] = fd;
}

void op_mount_source(uint64_t index, const char* dest, uint64_t mode, uint64_t flags, uint64_t cleared, uint64_t prop) {
  if (index >= static_cast<uint64_t>(nsources) || sources[index] < 0) fail(EBADF, "open_tree", "no such bind source");
  int fd = sources[index];
  sources[index] = -1;
  // A bind ignores all flags but MS_REC (mount(2)): AT_RECURSIVE is rbind.
  int tree = open_tree(fd, "", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_EMPTY_PATH | (flags & MS_REC ? AT_RECURSIVE : 0));
  if (tree < 0) fail_errno("open_tree", dest);
  close(fd);
  attach_tree(tree, dest, mode, flags, cleared, prop);
}

}  // namespace tsrun
