// cgroup v2 device programs (bpf(2)): load a BPF_PROG_TYPE_CGROUP_DEVICE program built by the
// runtime (src/cgroups/devices/bpf.ts) and attach it to a cgroup directory. Mechanism only:
// which devices are allowed is decided in TypeScript.
#pragma once
#include <cstddef>
#include <cstdint>
#include <string>

namespace tsrun {

struct BpfResult {
  int err = 0;          // errno, 0 on success
  std::string syscall;  // the failing call, e.g. "bpf(BPF_PROG_LOAD)"
  std::string detail;   // the verifier log of a refused program
};

// Loads `insns` (struct bpf_insn[], `len` bytes), attaches it to `cgroupDir` with
// BPF_F_ALLOW_MULTI, then detaches the programs the cgroup had before (so the new rules replace
// the old ones without a moment with no program). Every fd it opens is closed.
BpfResult attachDeviceProgram(const char* cgroupDir, const uint8_t* insns, size_t len);

}  // namespace tsrun
