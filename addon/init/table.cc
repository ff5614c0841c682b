// `tsrun-init --protocol`: the numbers of protocol.h, compared with src/process/protocol.ts by a unit test.
#include <cstdio>

#include "protocol.h"
#include "table.h"

namespace tsrun {

#define MSG(n) {"msg", #n, MSG_##n}
#define OP(n) {"op", #n, OP_##n}
#define HOOK(n) {"hook", #n, HOOK_##n}

static const struct {
  const char* kind;
  const char* name;
  unsigned value;
} TABLE[] = {
    MSG(PLAN), MSG(USERNS_READY), MSG(MAPS_DONE), MSG(PID), MSG(CREATED), MSG(ERROR), MSG(HOOKS), MSG(HOOKS_DONE),
    MSG(SECCOMP_FD), MSG(SECCOMP_DONE), MSG(CREATED_ACK), MSG(TIMESTAMP),
    HOOK(CREATE_RUNTIME),
    OP(SETNS), OP(UNSHARE_USER), OP(SETRESID), OP(UNSHARE), OP(WRITE_FILE), OP(FORK), OP(DUMPABLE),
    OP(MOUNT_PROPAGATION), OP(ROOTFS), OP(MOUNT), OP(MKNOD), OP(BIND_DEVICE), OP(SYMLINK), OP(OPEN_FIFO),
    OP(PIVOT_ROOT), OP(CHROOT), OP(CHROOT_SHARED),
    OP(MASK_PATH), OP(READONLY_PATH), OP(REMOUNT_RO), OP(SETHOSTNAME), OP(SETDOMAINNAME), OP(CONSOLE),
    OP(SYSCTL), OP(HOOKS_SYNC), OP(RUN_HOOK),
    OP(CHECK_EXEC), OP(CREATED),
    OP(RLIMIT), OP(NO_NEW_PRIVS), OP(USER), OP(CAPS), OP(UMASK), OP(CWD), OP(SECCOMP), OP(PRESERVE_FDS), OP(EXEC),
    OP(CAPS_BOUNDING), OP(SCHEDULER), OP(IOPRIO), OP(PERSONALITY), OP(CPU_AFFINITY), OP(LOOPBACK_UP), OP(DEFAULT_HOME), OP(MKDIR),
    OP(LOG), OP(TIMESTAMP),
    OP(SESSION_KEYRING), OP(CONSOLE_CONNECT),
    OP(MOUNT_SETATTR), OP(IDMAP_TREE), OP(MOUNT_TREE), OP(BIND_SOURCE), OP(MOUNT_SOURCE),
    OP(MEMPOLICY),
};

void print_protocol() {
  for (const auto& e : TABLE) printf("%s %s %u\n", e.kind, e.name, e.value);
  printf("plan magic %u\nplan version %u\n", PLAN_MAGIC, PLAN_VERSION);
}

const char* hook_point_name(uint64_t point) {
  return point == HOOK_CREATE_RUNTIME ? "createRuntime" : "unknown";
}

}  // namespace tsrun
