// linux.memoryPolicy (config-linux.md#memory-policy): set_mempolicy(2) on the calling thread.
// The policy is kept across fork(2) and execve(2), so the container process inherits it. The
// compiler (src/plan/mempolicy.ts) checks mode, flags and nodes; this only makes the call.
#include <sys/syscall.h>
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "fail.h"
#include "ops.h"

namespace tsrun {

void op_mempolicy(uint64_t mode, const Arg& mask, uint64_t maxnode) {
  // The mask travels as bytes; the kernel reads whole longs, so copy it to aligned memory.
  if (mask.len % sizeof(unsigned long) || (mask.len == 0) != (maxnode == 0)) fail(EINVAL, "set_mempolicy", "node mask length");
  unsigned long* nodes = nullptr;
  if (mask.len) {
    nodes = static_cast<unsigned long*>(malloc(mask.len));
    if (!nodes) fail(ENOMEM, "malloc", "node mask");
    memcpy(nodes, mask.str, mask.len);
  }
  if (syscall(SYS_set_mempolicy, static_cast<int>(mode), nodes, static_cast<unsigned long>(maxnode)) < 0) {
    char detail[64];
    snprintf(detail, sizeof detail, "mode 0x%llx maxnode %llu", (unsigned long long)mode, (unsigned long long)maxnode);
    fail_errno("set_mempolicy", detail);
  }
  free(nodes);
}

}  // namespace tsrun
