// Compile a normalized seccomp profile to classic BPF with libseccomp, loaded with
// dlopen("libseccomp.so.2") so that building needs no -dev package. Policy (which names,
// which actions) is decided in TypeScript (src/seccomp/); this only executes it.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

namespace tsrun::seccomp {

struct Arg {
  uint32_t index;      // syscall argument number 0..5
  uint64_t value;
  uint64_t valueTwo;
  uint32_t op;         // enum scmp_compare (SCMP_CMP_NE = 1 ... SCMP_CMP_MASKED_EQ = 7)
};

struct Rule {
  std::string name;    // syscall name; unknown names for every arch are reported in skipped
  uint32_t action;     // libseccomp action value (SCMP_ACT_*; ERRNO/TRACE carry their data in the low 16 bits)
  std::vector<Arg> args;
};

constexpr const char* DEFAULT_LIBRARY = "libseccomp.so.2";

struct Profile {
  std::string library = DEFAULT_LIBRARY;  // the soname to dlopen
  uint32_t defaultAction;
  std::vector<std::string> architectures;  // libseccomp names: "x86_64", "x86", "x32", "aarch64", ...
  std::vector<Rule> rules;
  // For runc's -ENOSYS stub (src/seccomp/enosys.ts builds it): the architectures to look the
  // names up in, and every syscall name of the profile.
  std::vector<std::string> stubArchitectures;
  std::vector<std::string> stubNames;
};

struct LastSyscall {
  uint32_t arch;   // libseccomp arch token (SCMP_ARCH_*, the AUDIT_ARCH_* value but for x32)
  int32_t nr;      // the largest number of a stubNames entry on that arch (x32: with bit 30)
};

struct Result {
  std::vector<uint8_t> bpf;               // struct sock_filter[] as exported by seccomp_export_bpf
  std::vector<std::string> skipped;       // syscall names the library does not know
  std::vector<LastSyscall> lastSyscalls;  // per stubArchitectures entry that has any known name
  int err = 0;                            // errno-style code (positive) when compilation failed
  std::string syscall;                    // which call failed: "dlopen", "seccomp_init", "seccomp_rule_add", ...
  std::string detail;                     // e.g. the rule's syscall name or dlerror() text
};

Result compile(const Profile& profile);

// The SECCOMP_FILTER_FLAG_* bits the running kernel accepts (probed without loading anything).
uint32_t kernelFilterFlags();

// The version ("2.5.4") of DEFAULT_LIBRARY, or "" when it cannot be loaded.
std::string libraryVersion();

}  // namespace tsrun::seccomp
