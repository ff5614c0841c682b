// OP_SESSION_KEYRING: a new session keyring per container, as runc gives one (its
// standard_init_linux.go and setns_init_linux.go), so the container does not share the
// runtime's session keyring (keyrings(7), session-keyring(7)).
#include <linux/keyctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>

#include "fail.h"
#include "ops.h"

namespace tsrun {

static long keyctl(int op, unsigned long a2, unsigned long a3 = 0, unsigned long a4 = 0) {
  return syscall(SYS_keyctl, op, a2, a3, a4, 0);
}

void op_session_keyring(const char* name, uint64_t add_perm) {
  long key = keyctl(KEYCTL_JOIN_SESSION_KEYRING, reinterpret_cast<unsigned long>(name));
  if (key < 0) {
    // A kernel without keyrings: the keyring is defence in depth only, runc goes on as well.
    if (errno == ENOSYS) return;
    fail_errno("keyctl(KEYCTL_JOIN_SESSION_KEYRING)", name);
  }
  if (!add_perm) return;
  // The description is "type;uid;gid;perm;name" with perm in hex (keyctl_describe(3)).
  char desc[256];
  long n = keyctl(KEYCTL_DESCRIBE, static_cast<unsigned long>(key), reinterpret_cast<unsigned long>(desc), sizeof desc - 1);
  if (n < 0) fail_errno("keyctl(KEYCTL_DESCRIBE)", name);
  desc[n < static_cast<long>(sizeof desc) ? n : static_cast<long>(sizeof desc) - 1] = 0;
  unsigned long perm = 0;
  if (sscanf(desc, "%*[^;];%*[^;];%*[^;];%lx", &perm) != 1) fail(EINVAL, "keyctl(KEYCTL_DESCRIBE)", desc);
  if (keyctl(KEYCTL_SETPERM, static_cast<unsigned long>(key), perm | add_perm) < 0) fail_errno("keyctl(KEYCTL_SETPERM)", name);
}

}  // namespace tsrun
