// Scheduling and execution attributes of the container process (config.md#linux-process,
// config-linux.md#personality): each op is one system call on the calling process.
#include <sched.h>
#include <sys/personality.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "fail.h"
#include "ops.h"

namespace tsrun {

// struct sched_attr of sched_setattr(2) (SCHED_ATTR_SIZE_VER0 plus the util clamps).
struct SchedAttr {
  uint32_t size, policy;
  uint64_t flags;
  int32_t nice;
  uint32_t priority;
  uint64_t runtime, deadline, period;
  uint32_t util_min, util_max;
};

void op_scheduler(uint64_t policy, uint64_t flags, uint64_t nice, uint64_t priority, uint64_t runtime,
                  uint64_t deadline, uint64_t period) {
  SchedAttr a = {};
  a.size = sizeof a;
  a.policy = static_cast<uint32_t>(policy);
  a.flags = flags;
  a.nice = static_cast<int32_t>(nice);
  a.priority = static_cast<uint32_t>(priority);
  a.runtime = runtime;
  a.deadline = deadline;
  a.period = period;
  if (syscall(SYS_sched_setattr, 0, &a, 0) < 0) {
    char detail[96];
    snprintf(detail, sizeof detail, "policy %u priority %u nice %d", a.policy, a.priority, a.nice);
    fail_errno("sched_setattr", detail);
  }
}

void op_ioprio(uint64_t value) {
  constexpr int IOPRIO_WHO_PROCESS = 1;  // linux/ioprio.h
  if (syscall(SYS_ioprio_set, IOPRIO_WHO_PROCESS, 0, static_cast<int>(value)) < 0) {
    char detail[48];
    snprintf(detail, sizeof detail, "class %llu level %llu", (unsigned long long)(value >> 13),
             (unsigned long long)(value & 0x1fff));
    fail_errno("ioprio_set", detail);
  }
}

void op_personality(uint64_t persona) {
  // personality(2) returns the previous persona; -1 with errno on failure.
  if (personality(static_cast<unsigned long>(persona)) == -1) {
    char detail[32];
    snprintf(detail, sizeof detail, "0x%llx", (unsigned long long)persona);
    fail_errno("personality", detail);
  }
}

void op_cpu_affinity(const Arg& mask) {
  // The kernel takes a mask of any length in whole longs (sched_setaffinity(2)); the compiler
  // sends one just long enough for the highest cpu, so copy it to aligned memory as it is.
  if (mask.len == 0 || mask.len % sizeof(unsigned long)) fail(EINVAL, "sched_setaffinity", "mask length");
  cpu_set_t* set = static_cast<cpu_set_t*>(malloc(mask.len));
  if (!set) fail(ENOMEM, "malloc", "cpu mask");
  memcpy(set, mask.str, mask.len);
  if (sched_setaffinity(0, mask.len, set) < 0) fail_errno("sched_setaffinity", "execCPUAffinity");
  free(set);
}

}  // namespace tsrun
