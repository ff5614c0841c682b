// Compile a normalized seccomp profile to classic BPF with libseccomp, resolved at run time
// with dlopen("libseccomp.so.2"): seccomp.h is NOT included, the few declarations we use are
// written below (they are part of libseccomp's stable v2 ABI).
#include "seccomp.h"

#include <dlfcn.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <map>
#include <set>

namespace tsrun::seccomp {
namespace {

// ---- libseccomp v2 ABI (mirrors <seccomp.h>) ----
using scmp_filter_ctx = void*;
struct scmp_arg_cmp {
  unsigned int arg;  // argument number, 0..5
  int op;            // enum scmp_compare
  uint64_t datum_a;  // value; the mask for SCMP_CMP_MASKED_EQ
  uint64_t datum_b;  // the expected value for SCMP_CMP_MASKED_EQ
};
struct scmp_version {
  unsigned int major, minor, micro;
};
constexpr int SCMP_FLTATR_CTL_NNP = 3;  // set NO_NEW_PRIVS on seccomp_load (we never load here)
constexpr int NR_SCMP_ERROR = -1;  // __NR_SCMP_ERROR: name unknown to the library

struct Lib {
  void* handle = nullptr;
  std::string error;  // dlerror() or the missing symbol
  scmp_filter_ctx (*init)(uint32_t) = nullptr;
  void (*release)(scmp_filter_ctx) = nullptr;
  uint32_t (*arch_resolve_name)(const char*) = nullptr;
  int (*arch_add)(scmp_filter_ctx, uint32_t) = nullptr;
  int (*syscall_resolve_name)(const char*) = nullptr;
  int (*syscall_resolve_name_arch)(uint32_t, const char*) = nullptr;
  int (*rule_add_array)(scmp_filter_ctx, uint32_t, int, unsigned int, const scmp_arg_cmp*) = nullptr;
  int (*attr_set)(scmp_filter_ctx, int, uint32_t) = nullptr;
  int (*export_bpf)(const scmp_filter_ctx, int) = nullptr;
  const scmp_version* (*version)() = nullptr;
};

template <typename F>
bool bind(Lib& lib, F& fn, const char* name) {
  fn = reinterpret_cast<F>(dlsym(lib.handle, name));
  if (fn == nullptr && lib.error.empty()) lib.error = std::string("missing symbol ") + name;
  return fn != nullptr;
}

Lib load(const std::string& name) {
  Lib l;
  l.handle = dlopen(name.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (l.handle == nullptr) {
    const char* e = dlerror();
    l.error = e ? e : name + ": cannot be loaded";
    return l;
  }
  bool ok = bind(l, l.init, "seccomp_init") & bind(l, l.release, "seccomp_release") &
            bind(l, l.arch_resolve_name, "seccomp_arch_resolve_name") &
            bind(l, l.arch_add, "seccomp_arch_add") &
            bind(l, l.syscall_resolve_name, "seccomp_syscall_resolve_name") &
            bind(l, l.syscall_resolve_name_arch, "seccomp_syscall_resolve_name_arch") &
            bind(l, l.rule_add_array, "seccomp_rule_add_array") & bind(l, l.attr_set, "seccomp_attr_set") &
            bind(l, l.export_bpf, "seccomp_export_bpf") & bind(l, l.version, "seccomp_version");
  if (!ok) {
    dlclose(l.handle);
    l.handle = nullptr;
  }
  return l;
}

// Each name is loaded once and never unloaded (the runtime is a short-lived process).
const Lib& library(const std::string& name) {
  static std::map<std::string, Lib> loaded;
  auto it = loaded.find(name);
  if (it == loaded.end()) it = loaded.emplace(name, load(name)).first;
  return it->second;
}

Result fail(Result& r, int rc, const char* syscall, std::string detail) {
  r.err = rc < 0 ? -rc : (rc > 0 ? rc : EINVAL);
  r.syscall = syscall;
  r.detail = std::move(detail);
  r.bpf.clear();
  return std::move(r);
}

// Read the whole content of fd from offset 0.
int readAll(int fd, std::vector<uint8_t>& out) {
  if (lseek(fd, 0, SEEK_SET) < 0) return -errno;
  uint8_t buf[4096];
  for (;;) {
    ssize_t n = read(fd, buf, sizeof buf);
    if (n < 0) {
      if (errno == EINTR) continue;
      return -errno;
    }
    if (n == 0) return 0;
    out.insert(out.end(), buf, buf + n);
  }
}

}  // namespace

Result compile(const Profile& profile) {
  Result r;
  const Lib& lib = library(profile.library);
  if (lib.handle == nullptr) return fail(r, ENOSYS, "dlopen", lib.error);

  // Resolve the architecture tokens first: an unknown name is an error, not a skip.
  std::vector<uint32_t> arches;
  for (const auto& name : profile.architectures) {
    uint32_t token = lib.arch_resolve_name(name.c_str());
    if (token == 0) return fail(r, EINVAL, "seccomp_arch_resolve_name", name);
    arches.push_back(token);
  }

  scmp_filter_ctx ctx = lib.init(profile.defaultAction);
  if (ctx == nullptr) return fail(r, EINVAL, "seccomp_init", "default action " + std::to_string(profile.defaultAction));
  struct Release {
    const Lib& lib;
    scmp_filter_ctx ctx;
    ~Release() { lib.release(ctx); }
  } release{lib, ctx};

  int rc = lib.attr_set(ctx, SCMP_FLTATR_CTL_NNP, 0);  // no_new_privs is the init's business
  if (rc < 0) return fail(r, rc, "seccomp_attr_set", "SCMP_FLTATR_CTL_NNP");

  // seccomp_init has added the native arch, and it stays, as in runc (InitSeccomp adds the listed
  // ones to libseccomp's NewFilter): a profile listing only x86 and x32 must not kill every
  // native syscall with the "bad arch" action.
  for (size_t i = 0; i < arches.size(); i++) {
    rc = lib.arch_add(ctx, arches[i]);
    if (rc < 0 && rc != -EEXIST) return fail(r, rc, "seccomp_arch_add", profile.architectures[i]);
  }

  std::set<std::string> skipped;
  for (const auto& rule : profile.rules) {
    if (rule.action == profile.defaultAction) continue;  // libseccomp refuses it (EACCES); runc skips it too
    int nr = lib.syscall_resolve_name(rule.name.c_str());
    // A name known to libseccomp but absent on the native arch resolves to a negative pseudo
    // number that libseccomp maps per listed arch; only names it does not know at all are skipped.
    if (nr == NR_SCMP_ERROR) {
      if (skipped.insert(rule.name).second) r.skipped.push_back(rule.name);
      continue;
    }
    std::vector<scmp_arg_cmp> cmps;
    cmps.reserve(rule.args.size());
    for (const auto& a : rule.args) cmps.push_back(scmp_arg_cmp{a.index, static_cast<int>(a.op), a.value, a.valueTwo});
    rc = lib.rule_add_array(ctx, rule.action, nr, static_cast<unsigned int>(cmps.size()),
                            cmps.empty() ? nullptr : cmps.data());
    if (rc < 0) return fail(r, rc, "seccomp_rule_add", rule.name);
  }

  // runc's findLastSyscalls (libcontainer/seccomp/patchbpf): the largest number any name of the
  // profile has on each architecture; pseudo numbers (negative: absent there) do not count.
  for (const auto& name : profile.stubArchitectures) {
    uint32_t token = lib.arch_resolve_name(name.c_str());
    if (token == 0) return fail(r, EINVAL, "seccomp_arch_resolve_name", name);
    int32_t last = 0;
    for (const auto& sc : profile.stubNames) {
      int nr = lib.syscall_resolve_name_arch(token, sc.c_str());
      if (nr > last) last = nr;
    }
    if (last > 0) r.lastSyscalls.push_back({token, last});
  }

  int fd = memfd_create("tsrun-seccomp-bpf", MFD_CLOEXEC);
  if (fd < 0) return fail(r, -errno, "memfd_create", "");
  rc = lib.export_bpf(ctx, fd);
  if (rc < 0) {
    close(fd);
    return fail(r, rc, "seccomp_export_bpf", "");
  }
  rc = readAll(fd, r.bpf);
  close(fd);
  if (rc < 0) return fail(r, rc, "read", "exported bpf");
  if (r.bpf.empty() || r.bpf.size() % 8 != 0)
    return fail(r, EIO, "seccomp_export_bpf", "bad length " + std::to_string(r.bpf.size()));
  return r;
}

uint32_t kernelFilterFlags() {
  // seccomp(2) checks the flags before it reads the program: a NULL program is EFAULT for a
  // known flag and EINVAL for an unknown one, and nothing is ever loaded.
  // WAIT_KILLABLE_RECV is only valid with NEW_LISTENER, so it is probed with it.
  constexpr uint32_t NEW_LISTENER = 8, WAIT_KILLABLE_RECV = 32;
  uint32_t supported = 0;
  for (uint32_t flag = 1; flag <= WAIT_KILLABLE_RECV; flag <<= 1) {
    uint32_t probe = flag == WAIT_KILLABLE_RECV ? flag | NEW_LISTENER : flag;
    if (syscall(SYS_seccomp, 1 /* SECCOMP_SET_MODE_FILTER */, probe, nullptr) < 0 && errno == EFAULT) supported |= flag;
  }
  return supported;
}

std::string libraryVersion() {
  const Lib& lib = library(DEFAULT_LIBRARY);
  if (lib.handle == nullptr) return "";
  const scmp_version* v = lib.version();
  if (v == nullptr) return "";
  return std::to_string(v->major) + "." + std::to_string(v->minor) + "." + std::to_string(v->micro);
}

}  // namespace tsrun::seccomp
