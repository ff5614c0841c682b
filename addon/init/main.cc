// tsrun-init <syncfd>: receives a plan on the sync socket and executes it (protocol.h).
// tsrun-init --protocol: prints the protocol numbers.
#include <signal.h>
#include <fcntl.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "fail.h"
#include "ops.h"
#include "plan.h"
#include "protocol.h"
#include "sync.h"
#include "table.h"

namespace tsrun {

State g;

static void run(const Record& r) {
  const Arg* a = r.args;
  switch (r.op) {
    case OP_SETNS: set_step("setns %s", a[1].str); return op_setns(a[0].num, a[1].str);
    case OP_UNSHARE_USER: set_step("user namespace"); return op_unshare_user();
    case OP_SETRESID: set_step("setresid"); return op_setresid(a[0].num, a[1].num);
    case OP_UNSHARE: set_step("unshare"); return op_unshare(a[0].num);
    case OP_WRITE_FILE: set_step("write %s", a[0].str); return op_write_file(a[0].str, a[1].str, a[1].len);
    case OP_FORK: set_step("fork"); return op_fork();
    case OP_DUMPABLE: set_step("dumpable"); return op_dumpable(a[0].num);
    case OP_MOUNT_PROPAGATION: set_step("rootfs propagation"); return op_mount_propagation(a[0].num);
    case OP_ROOTFS: set_step("bind rootfs %s", a[0].str); return op_rootfs(a[0].str);
    case OP_MOUNT:
      set_step("mount %s", a[1].str);
      return op_mount(a[0].str, a[1].str, a[2].str, a[3].num, a[4].num, a[5].str, a[6].num, a[7].num);
    case OP_MKNOD:
      set_step("mknod %s", a[0].str);
      return op_mknod(a[0].str, a[1].num, a[2].num, a[3].num, a[4].num, a[5].num);
    case OP_BIND_DEVICE: set_step("bind device %s", a[1].str); return op_bind_device(a[0].str, a[1].str);
    case OP_SYMLINK: set_step("symlink %s", a[1].str); return op_symlink(a[0].str, a[1].str);
    case OP_OPEN_FIFO: set_step("open exec.fifo"); return op_open_fifo(a[0].str);
    case OP_PIVOT_ROOT: set_step("pivot_root"); return op_pivot_root();
    case OP_CHROOT: set_step("chroot"); return op_chroot();
    case OP_CHROOT_SHARED: set_step("chroot"); return op_chroot_shared(a[0].str);
    case OP_MASK_PATH: set_step("mask %s", a[0].str); return op_mask_path(a[0].str);
    case OP_READONLY_PATH: set_step("readonly %s", a[0].str); return op_readonly_path(a[0].str);
    case OP_REMOUNT_RO: set_step("remount read-only %s", a[0].str); return op_remount_ro(a[0].str);
    case OP_SETHOSTNAME: set_step("sethostname"); return op_sethostname(a[0].str, false);
    case OP_SETDOMAINNAME: set_step("setdomainname"); return op_sethostname(a[0].str, true);
    case OP_CONSOLE: set_step("console"); return op_console(a[0].str, a[1].num, a[2].num);
    case OP_SYSCTL: set_step("sysctl %s", a[0].str); return op_sysctl(a[0].str, a[1].str);
    case OP_HOOKS_SYNC: set_step("%s hooks", hook_point_name(a[0].num)); return op_hooks_sync(a[0].num);
    case OP_RUN_HOOK:
      set_step("%s hook %s", a[0].str, a[1].str);
      return op_run_hook(a[0].str, a[1].str, a[2], a[3], a[4].num);
    case OP_CHECK_EXEC: set_step("exec lookup"); return op_check_exec(a[0].str, a[1].str, a[2].str);
    case OP_CREATED: set_step("start handshake"); return op_created();
    case OP_RLIMIT: set_step("rlimit %llu", (unsigned long long)a[0].num); return op_rlimit(a[0].num, a[1].num, a[2].num);
    case OP_NO_NEW_PRIVS: set_step("no_new_privs"); return op_no_new_privs();
    case OP_USER: set_step("user"); return op_user(a[0].num, a[1].num, a[2], a[3].num);
    case OP_CAPS: set_step("capabilities"); return op_caps(a[0].num, a[1].num, a[2].num, a[3].num);
    case OP_UMASK: set_step("umask"); return op_umask(a[0].num);
    case OP_CWD: set_step("cwd %s", a[0].str); return op_cwd(a[0].str);
    case OP_SECCOMP: set_step("seccomp"); return op_seccomp(a[0], a[1].num);
    case OP_PRESERVE_FDS: set_step("close fds"); return op_preserve_fds(a[0].num);
    case OP_EXEC: set_step("exec"); return op_exec(r);
    case OP_SESSION_KEYRING: set_step("session keyring %s", a[0].str); return op_session_keyring(a[0].str, a[1].num);
    case OP_CONSOLE_CONNECT: set_step("console socket %s", a[0].str); return op_console_connect(a[0].str);
    case OP_CAPS_BOUNDING: set_step("bounding set"); return op_caps_bounding(a[0].num);
    case OP_SCHEDULER:
      set_step("scheduler");
      return op_scheduler(a[0].num, a[1].num, a[2].num, a[3].num, a[4].num, a[5].num, a[6].num);
    case OP_IOPRIO: set_step("io priority"); return op_ioprio(a[0].num);
    case OP_PERSONALITY: set_step("personality"); return op_personality(a[0].num);
    case OP_CPU_AFFINITY: set_step("cpu affinity"); return op_cpu_affinity(a[0]);
    case OP_LOOPBACK_UP: set_step("loopback"); return op_loopback_up();
    case OP_DEFAULT_HOME: set_step("HOME from /etc/passwd"); return op_default_home(a[0].num);
    case OP_MKDIR: set_step("create cwd %s", a[0].str); return op_mkdir(a[0].str);
    case OP_MEMPOLICY: set_step("memory policy"); return op_mempolicy(a[0].num, a[1], a[2].num);
    case OP_MOUNT_SETATTR: set_step("mount_setattr %s", a[0].str); return op_mount_setattr(a[0].str, a[1].num, a[2].num, a[3].num);
    case OP_IDMAP_TREE: set_step("idmapped tree %s", a[0].str); return op_idmap_tree(a[0].str, a[1].str, a[2].str, a[3].num, a[4].num, a[5].num);
    case OP_MOUNT_TREE:
      set_step("mount %s", a[1].str);
      return op_mount_tree(a[0].num, a[1].str, a[2].num, a[3].num, a[4].num, a[5].num);
    case OP_BIND_SOURCE: set_step("bind source %s", a[0].str); return op_bind_source(a[0].str);
    case OP_MOUNT_SOURCE:
      set_step("mount %s", a[1].str);
      return op_mount_source(a[0].num, a[1].str, a[2].num, a[3].num, a[4].num, a[5].num);
    case OP_LOG:
      set_step("name process");
      prctl(PR_SET_NAME, a[0].str, 0, 0, 0);  // cosmetic: never fails the plan
      return;
    case OP_TIMESTAMP: return op_timestamp(a[0].str, a[0].len);
  }
  fail(EINVAL, "plan", "unknown op");  // unreachable: the decoder checked every op
}

// exec(2) keeps ignored signals and the signal mask; the container must get neither from the runtime.
static void reset_signals() {
  sigset_t none;
  sigemptyset(&none);
  sigprocmask(SIG_SETMASK, &none, nullptr);
  for (int sig = 1; sig < NSIG; sig++) {
    struct sigaction sa;
    if (sigaction(sig, nullptr, &sa) == 0 && sa.sa_handler == SIG_IGN) signal(sig, SIG_DFL);
  }
}

static int start(int syncfd) {
  // Nothing of the runtime's above the sync socket reaches the container (CVE-2024-21626 class).
  if (syscall(SYS_close_range, syncfd + 1, ~0U, 0) < 0)
    for (int fd = syncfd + 1; fd < 1024; fd++) close(fd);
  if (fcntl(syncfd, F_SETFD, FD_CLOEXEC) < 0) {
    dprintf(2, "tsrun-init: sync fd %d: %s\n", syncfd, strerror(errno));
    return 1;
  }
  set_sync_fd(syncfd);
  reset_signals();
  // Stage 1 dies with the runtime; if the runtime is already gone, recv below sees EOF.
  prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);

  set_step("receive plan");
  Message m;
  expect_msg(MSG_PLAN, &m);
  Plan plan;
  char why[160];
  int err = decode_plan(m.payload, m.len, &plan, why, sizeof why);
  free(m.payload);
  if (err) fail(err, "decode", why);
  for (size_t i = 0; i < plan.count; i++) run(plan.records[i]);
  set_step("plan end");
  fail(EINVAL, "plan", "the plan ended without OP_EXEC");
}

}  // namespace tsrun

int main(int argc, char** argv) {
  if (argc == 2 && !strcmp(argv[1], "--protocol")) {
    tsrun::print_protocol();
    return 0;
  }
  char* end = nullptr;
  long fd = argc == 2 ? strtol(argv[1], &end, 10) : -1;
  if (argc != 2 || !*argv[1] || *end || fd < 3 || fd > 1 << 20) {
    dprintf(2, "usage: tsrun-init <syncfd> | tsrun-init --protocol\n");
    return 1;
  }
  return tsrun::start(static_cast<int>(fd));
}
