#include "bpf.h"

#include <fcntl.h>
#include <linux/bpf.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <vector>

namespace tsrun {
namespace {

long bpfCall(int cmd, union bpf_attr* attr) { return syscall(SYS_bpf, cmd, attr, sizeof(*attr)); }

// Closes an fd when it goes out of scope.
struct Fd {
  int fd;
  explicit Fd(int f) : fd(f) {}
  ~Fd() {
    if (fd >= 0) close(fd);
  }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
};

BpfResult fail(const char* syscallName, std::string detail = "") {
  BpfResult r;
  r.err = errno;
  r.syscall = syscallName;
  r.detail = std::move(detail);
  return r;
}

// The verifier's explanation, from a second load with a log buffer (the first has none, as
// libbpf does, so that a good program never pays for the log).
std::string verifierLog(const union bpf_attr& load) {
  std::vector<char> log(64 * 1024);
  union bpf_attr again = load;
  again.log_level = 1;
  again.log_buf = reinterpret_cast<uint64_t>(log.data());
  again.log_size = static_cast<uint32_t>(log.size());
  long fd = bpfCall(BPF_PROG_LOAD, &again);
  if (fd >= 0) close(static_cast<int>(fd));
  std::string text(log.data(), strnlen(log.data(), log.size()));
  // The end of the log says why; the start only replays the instructions.
  return text.size() > 1024 ? "..." + text.substr(text.size() - 1024) : text;
}

}  // namespace

BpfResult attachDeviceProgram(const char* cgroupDir, const uint8_t* insns, size_t len) {
  Fd dir(open(cgroupDir, O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (dir.fd < 0) return fail("open", cgroupDir);

  static const char license[] = "Apache-2.0";
  union bpf_attr load;
  memset(&load, 0, sizeof(load));
  load.prog_type = BPF_PROG_TYPE_CGROUP_DEVICE;
  load.insns = reinterpret_cast<uint64_t>(insns);
  load.insn_cnt = static_cast<uint32_t>(len / sizeof(struct bpf_insn));
  load.license = reinterpret_cast<uint64_t>(license);
  // bpf(2): every fd it returns is close-on-exec.
  Fd prog(static_cast<int>(bpfCall(BPF_PROG_LOAD, &load)));
  if (prog.fd < 0) {
    int saved = errno;
    std::string log = verifierLog(load);
    errno = saved;
    return fail("bpf(BPF_PROG_LOAD)", log);
  }

  // The programs attached to this cgroup itself (not inherited ones) before ours.
  std::vector<uint32_t> old(64);
  union bpf_attr query;
  memset(&query, 0, sizeof(query));
  query.query.target_fd = dir.fd;
  query.query.attach_type = BPF_CGROUP_DEVICE;
  query.query.prog_ids = reinterpret_cast<uint64_t>(old.data());
  query.query.prog_cnt = static_cast<uint32_t>(old.size());
  if (bpfCall(BPF_PROG_QUERY, &query) < 0) return fail("bpf(BPF_PROG_QUERY)", cgroupDir);
  old.resize(query.query.prog_cnt);

  union bpf_attr attach;
  memset(&attach, 0, sizeof(attach));
  attach.target_fd = dir.fd;
  attach.attach_bpf_fd = prog.fd;
  attach.attach_type = BPF_CGROUP_DEVICE;
  attach.attach_flags = BPF_F_ALLOW_MULTI;
  if (bpfCall(BPF_PROG_ATTACH, &attach) < 0) return fail("bpf(BPF_PROG_ATTACH)", cgroupDir);

  for (uint32_t id : old) {
    union bpf_attr get;
    memset(&get, 0, sizeof(get));
    get.prog_id = id;
    Fd oldProg(static_cast<int>(bpfCall(BPF_PROG_GET_FD_BY_ID, &get)));
    if (oldProg.fd < 0) {
      if (errno == ENOENT) continue;  // detached and freed meanwhile
      return fail("bpf(BPF_PROG_GET_FD_BY_ID)", std::to_string(id));
    }
    union bpf_attr detach;
    memset(&detach, 0, sizeof(detach));
    detach.target_fd = dir.fd;
    detach.attach_bpf_fd = oldProg.fd;
    detach.attach_type = BPF_CGROUP_DEVICE;
    if (bpfCall(BPF_PROG_DETACH, &detach) < 0 && errno != ENOENT) return fail("bpf(BPF_PROG_DETACH)", cgroupDir);
  }
  return BpfResult{};
}

}  // namespace tsrun
