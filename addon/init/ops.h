// The steps of a plan, one function per op (protocol.h lists the arguments and semantics).
// Each function fails the current step itself (fail.h); returning means success.
#pragma once
#include <cstdint>

#include "plan.h"

namespace tsrun {

// What earlier ops leave for later ones.
struct State {
  int root_fd = -1;               // O_PATH fd of the container root: the rootfs, "/" after pivot_root
  const char* rootfs = nullptr;   // host path given to OP_ROOTFS
  int fifo_fd = -1;               // exec.fifo: the listening socket bound by OP_OPEN_FIFO, then start's connection
  char* exec_path = nullptr;      // resolved by OP_CHECK_EXEC
  uint8_t* hook_state = nullptr;  // the container state JSON from MSG_HOOKS_DONE
  uint32_t hook_state_len = 0;
  int console_sock = -1;          // connected by OP_CONSOLE_CONNECT, used by OP_CONSOLE
  const char* cwd_pending = nullptr;  // OP_CWD refused before the user switch, to retry after it
  bool cwd_done = false;              // OP_CWD entered the directory
  char* home = nullptr;           // "HOME=..." from OP_DEFAULT_HOME, added to the env by OP_EXEC
};
extern State g;

// ns.cc: namespaces and stage 1
void op_setns(uint64_t nstype, const char* path);
void op_unshare_user();
void op_setresid(uint64_t uid, uint64_t gid);
void op_unshare(uint64_t flags);
void op_write_file(const char* path, const char* data, uint32_t len);
void op_fork();
void op_dumpable(uint64_t dumpable);
void op_open_fifo(const char* path);
void op_loopback_up();
void op_sethostname(const char* name, bool domain);
void op_sysctl(const char* key, const char* value);

// mount.cc: the filesystem
void op_mount_propagation(uint64_t flags);
void op_rootfs(const char* path);
// OP_MOUNT mode argument
constexpr uint64_t MOUNT_DIR = 0, MOUNT_FILE = 1, MOUNT_COPYUP = 2;
// OR'd into the mode: the new mount's root takes the mode of the directory it covers (tmpfs)
constexpr uint64_t MOUNT_INHERIT_MODE = 4;
void op_mount(const char* source, const char* dest, const char* fstype, uint64_t flags, uint64_t prop,
              const char* data, uint64_t mode, uint64_t cleared);
void op_mount_tree(uint64_t index, const char* dest, uint64_t mode, uint64_t flags, uint64_t cleared, uint64_t prop);
// Moves the detached tree onto dest (resolved in the rootfs), closes it, then flags and propagation.
void attach_tree(int tree, const char* dest, uint64_t mode, uint64_t flags, uint64_t cleared, uint64_t prop);
void op_mount_setattr(const char* dest, uint64_t set, uint64_t clear, uint64_t recursive);
void op_mkdir(const char* path);
void op_mknod(const char* dest, uint64_t mode, uint64_t major, uint64_t minor, uint64_t uid, uint64_t gid);
void op_bind_device(const char* host, const char* dest);
void op_symlink(const char* target, const char* link);
void op_pivot_root();
void op_chroot();
void op_chroot_shared(const char* path);
void op_mask_path(const char* path);
void op_readonly_path(const char* path);
void op_remount_ro(const char* path);

// copyup.cc: copy the tree under directory fd `from` into directory fd `to` (tmpcopyup)
void copy_up(int from, int to, const char* what);

// idmap.cc: stage-1 idmapped trees, taken by index in stage 2
void op_idmap_tree(const char* source, const char* uid_map, const char* gid_map, uint64_t rbind, uint64_t ridmap,
                   uint64_t propagation);
int take_tree(uint64_t index);

// sources.cc: stage-1 bind sources, mounted by index in stage 2
void op_bind_source(const char* source);
void op_mount_source(uint64_t index, const char* dest, uint64_t mode, uint64_t flags, uint64_t cleared, uint64_t prop);

// console.cc
void op_console(const char* socket_path, uint64_t rows, uint64_t cols);
void op_console_connect(const char* socket_path);

// keyring.cc
void op_session_keyring(const char* name, uint64_t add_perm);

// hooks.cc
void op_hooks_sync(uint64_t point);
void op_run_hook(const char* kind, const char* path, const Arg& argv, const Arg& env, uint64_t timeout);

// process.cc: the start handshake and the process
void op_check_exec(const char* file, const char* path_value, const char* cwd);
void op_created();
void op_rlimit(uint64_t resource, uint64_t soft, uint64_t hard);
void op_no_new_privs();
void op_user(uint64_t uid, uint64_t gid, const Arg& gids, uint64_t keep_caps);
void op_caps_bounding(uint64_t bounding);
void op_caps(uint64_t effective, uint64_t permitted, uint64_t inheritable, uint64_t ambient);
void op_umask(uint64_t mask);
void op_cwd(const char* path);
void op_default_home(uint64_t uid);
void op_seccomp(const Arg& program, uint64_t flags);
void op_preserve_fds(uint64_t count);
[[noreturn]] void op_exec(const Record& r);

// attrs.cc: scheduling and execution attributes of the process
void op_scheduler(uint64_t policy, uint64_t flags, uint64_t nice, uint64_t priority, uint64_t runtime,
                  uint64_t deadline, uint64_t period);
void op_ioprio(uint64_t value);
void op_personality(uint64_t persona);
void op_cpu_affinity(const Arg& mask);

// mempolicy.cc: linux.memoryPolicy (issue 15)
void op_mempolicy(uint64_t mode, const Arg& mask, uint64_t maxnode);

// timestamp.cc: --debug timings of the init path
void op_timestamp(const char* label, uint32_t len);

}  // namespace tsrun
