// The contract between the runtime (TypeScript, src/process/protocol.ts) and tsrun-init.
// Both files must list the same numbers; test/unit/protocol.test.ts checks them against
// `tsrun-init --protocol`, which prints this table.
//
// Process shape (see ../../ARCHITECTURE notes in README):
//
//   tsrun (node)                         tsrun-init stage 1              tsrun-init stage 2 (container)
//   ------------                         ------------------              ------------------------------
//   posix_spawn(memfd copy) ----------->  argv: tsrun-init <syncfd>
//   [cgroup v2: write init pid]
//   MSG_PLAN (encoded plan) ----------->  decode, run stage-1 ops
//                                         (cgroup v1: OP_WRITE_FILE <dir>/tasks "0" first)
//                                         OP_UNSHARE(user) ...
//                       <-----------------MSG_USERNS_READY
//   write uid_map/gid_map
//   (or newuidmap/newgidmap)
//   MSG_MAPS_DONE ---------------------->
//                                         OP_FORK: clone -------------->  (pid 1 in new pid ns)
//                       <-----------------MSG_PID {host pid of stage 2}
//                                         _exit(0)
//                                                                         stage-2 ops: mounts, pivot_root,
//                                                                         devices, hostname, ...,
//                                                                         rlimits, user, caps, nnp,
//                                                                         seccomp, close fds
//                       <-------------------------------------------------MSG_CREATED
//   pid file, write state "created"
//   MSG_CREATED_ACK -------------------------------------------------------> block in accept(exec.fifo)
//   exit                                                                   ...
//   tsrun start: connect to exec.fifo, write 1 byte --------------------->  startContainer hooks,
//                                                                         final affinity, execve
//
// Any failure while the sync socket is open is sent as MSG_ERROR and the init exits 1.
// After MSG_CREATED the sync socket is closed; later failures go to stderr as one line
// "tsrun-init: <step>: <syscall>: <strerror> (errno N)" and the init exits 127.
// An exec plan (tsrun exec) has OP_SETNS..., OP_FORK, then the process ops with no OP_CREATED:
// the socket stays open (CLOEXEC) until execve succeeds, so an execve failure is a MSG_ERROR,
// and the runtime takes EOF after MSG_PID as success.
//
// Wire format (all integers little-endian):
//   the sync socket is SOCK_SEQPACKET, one message per packet (max 1 MiB):
//     u32 type, then the payload.
//   MSG_PLAN payload = the plan:
//     u32 magic 'TSRP' (0x50525354), u32 version (PLAN_VERSION), then records until the end:
//       u16 op, u16 argc, then argc args, each: u32 len, len bytes.
//     An argument is either a string (bytes, no NUL terminator on the wire) or an integer
//     (exactly 8 bytes, u64 little-endian; signed values are two's complement).
//     Which args are strings and which integers is fixed per op (listed below).
//   MSG_ERROR payload: i32 errno, then three strings each u32 len + bytes: syscall, step, detail.
//   MSG_PID payload: i32 pid (as seen in the runtime's pid namespace).
//   MSG_USERNS_READY, MSG_MAPS_DONE, MSG_CREATED, MSG_CREATED_ACK: no payload.
#pragma once
#include <cstdint>

namespace tsrun {

constexpr uint32_t PLAN_MAGIC = 0x50525354;  // "TSRP"
constexpr uint32_t PLAN_VERSION = 1;
constexpr uint32_t MAX_MESSAGE = 1 << 20;

enum MsgType : uint32_t {
  MSG_PLAN = 1,          // runtime -> init: the encoded plan
  MSG_USERNS_READY = 2,  // init -> runtime: new user namespace exists, write my id maps
  MSG_MAPS_DONE = 3,     // runtime -> init: maps written
  MSG_PID = 4,           // init -> runtime: host pid of the process that will exec the container
  MSG_CREATED = 5,       // init -> runtime: everything before the start handshake is done
  MSG_ERROR = 6,         // init -> runtime: {errno, syscall, step, detail}; the init then exits
  MSG_HOOKS = 7,         // init -> runtime: run the hooks named by the u32 payload (HookPoint), reply MSG_HOOKS_DONE
  MSG_HOOKS_DONE = 8,    // runtime -> init: payload i32 0 on success (else an errno to fail with), then the
                         //   container's state JSON with status "creating", a NUL, and the state with status
                         //   "created" (to the end of the message), kept for OP_RUN_HOOK (createContainer
                         //   hooks get the first, startContainer hooks the second)
  MSG_SECCOMP_FD = 10,   // init -> runtime: no payload, the seccomp listener fd in SCM_RIGHTS; the runtime
                         //   sends it with the container process state to linux.seccomp.listenerPath
  MSG_SECCOMP_DONE = 11, // runtime -> init: i32 0 when the listener was delivered, else the errno to fail with
  MSG_CREATED_ACK = 30,  // runtime -> init: the container's pid is in state.json; only now may the init close
                         //   the socket and wait on exec.fifo. Until then a runtime killed mid-create leaves
                         //   an init that sees EOF and exits, never one that nobody knows about.
  MSG_TIMESTAMP = 50,    // init -> runtime: u64 CLOCK_MONOTONIC ns, then the label (to the end); no reply.
                         //   Sent by OP_TIMESTAMP, only in --debug plans: the init path's timings
};

enum HookPoint : uint32_t {
  HOOK_CREATE_RUNTIME = 1,  // + prestart: in the runtime namespace, after namespaces exist, before pivot_root
};

// Ops. "s" = string argument, "i" = integer argument. Stage 1 runs in the spawned process;
// OP_FORK splits stage 1 from stage 2; the compiler always emits exactly one OP_FORK.
enum Op : uint16_t {
  // ---- stage 1 ----
  OP_SETNS = 1,          // (i nstype CLONE_NEW*, s path)   join an existing namespace: open + setns(2)
  OP_UNSHARE_USER = 2,   // ()  unshare(CLONE_NEWUSER), send MSG_USERNS_READY, wait MSG_MAPS_DONE
  OP_SETRESID = 3,       // (i uid, i gid)  setresgid then setresuid inside the new user namespace (become its root)
  OP_UNSHARE = 4,        // (i flags)  unshare(2) of the other CLONE_NEW* namespaces, flags OR'd
  OP_WRITE_FILE = 5,     // (s path, s content)  open O_WRONLY|O_CLOEXEC, write all (e.g. /proc/self/timens_offsets)
  OP_FORK = 6,           // ()  fork; parent sends MSG_PID(child) and _exit(0); child continues as stage 2
  OP_DUMPABLE = 7,       // (i dumpable)  prctl(PR_SET_DUMPABLE); fork keeps it, execve resets it
  // ---- stage 2: filesystem (paths named "in rootfs" are resolved under the rootfs with
  //      openat2(RESOLVE_IN_ROOT) and never escape it; missing parents are created 0755) ----
  OP_MOUNT_PROPAGATION = 10,  // (i flags)  mount(NULL, "/", NULL, flags, NULL), e.g. MS_REC|MS_SLAVE
  OP_ROOTFS = 11,        // (s abs host path)  bind the rootfs onto itself (MS_BIND|MS_REC), remember it
  OP_MOUNT = 12,         // (s source, s dest in rootfs, s fstype, i flags, i propagation flags, s data, i mode,
                         //   i cleared flags)
                         //   mode: 0 = dest is a directory (mkdir), 1 = dest is a file (create empty file,
                         //   for binds of non-directories), 2 = a directory whose contents are copied into
                         //   the new mount (tmpcopyup); | 4 = the new mount's root takes the mode of the
                         //   directory that was at dest, if one was (a tmpfs without mode=, as runc). flags are MS_* for mount(2); when flags has
                         //   MS_BIND and any of MS_RDONLY|MS_NOSUID|MS_NODEV|MS_NOEXEC|MS_NOSYMFOLLOW|atime
                         //   flags, a second mount(MS_REMOUNT|MS_BIND|flags) applies them; on EPERM it is
                         //   retried OR'ing in the flags the kernel has locked on the source (statvfs
                         //   f_flag), unless one of them is in `cleared` (the config asked for "rw",
                         //   "suid", ...) or another atime mode was asked for. A dest below /proc or /sys
                         //   must resolve onto procfs / sysfs (fstatfs), else EPERM.
                         //   propagation flags (MS_SHARED|MS_SLAVE|MS_PRIVATE|MS_UNBINDABLE, maybe |MS_REC)
                         //   are applied with a third mount(NULL, dest, NULL, prop, NULL) when non-zero.
                         //   The mount is made on the /proc/self/fd/N of the resolved destination.
  OP_MKNOD = 13,         // (s dest in rootfs, i mode (S_IFCHR|S_IFBLK|S_IFIFO | perm), i major, i minor, i uid, i gid)
  OP_BIND_DEVICE = 14,   // (s host path, s dest in rootfs)  create empty file + bind mount (userns devices)
  OP_SYMLINK = 15,       // (s target, s link path in rootfs)  symlinkat; EEXIST is not an error
  OP_OPEN_FIFO = 16,     // (s host path of exec.fifo)  bind a SOCK_STREAM unix socket there (through
                         //   /proc/self/fd/<dir>: any length), listen, keep the fd (CLOEXEC, across OP_FORK).
                         //   A socket, not a fifo: /proc/1/fd/N of a socket cannot be opened (ENXIO), so
                         //   nothing in the container can start it. The compiler emits it FIRST, in stage 1,
                         //   before any namespace op: the state dir (0700) is not the container root's.
  OP_PIVOT_ROOT = 17,    // ()  chdir(rootfs); pivot_root(".", "."); umount2(".", MNT_DETACH); chdir("/")
  OP_CHROOT = 18,        // ()  --no-pivot: chdir(rootfs); mount(rootfs, "/", MS_MOVE); chroot("."); chdir("/")
  OP_CHROOT_SHARED = 19, // (s path or "")  no mount namespace of its own (runc's chroot()): "" after OP_ROOTFS:
                         //   chdir(rootfs); chroot("."); chdir("/"); nothing is moved or unmounted (the mount
                         //   namespace is the runtime's). A path (exec: /proc/<pid>/root): chroot(path); chdir("/")
  // ---- stage 2: after pivot_root, paths are container paths ----
  //   OP_MASK_PATH, OP_READONLY_PATH, OP_REMOUNT_RO use only fds (open_tree, fsmount, move_mount,
  //   mount_setattr), never /proc/self/fd; a path below /proc or /sys must resolve onto procfs / sysfs.
  OP_MASK_PATH = 20,     // (s path)  a clone of /dev/null (refused unless the 1:3 char device, not a symlink) over
                         //   a file, or an empty ro tmpfs on a directory; ENOENT ignored
  OP_READONLY_PATH = 21, // (s path)  a recursive clone of the path, made MOUNT_ATTR_RDONLY, moved onto it; ENOENT ignored
  OP_REMOUNT_RO = 22,    // (s path)  MOUNT_ATTR_RDONLY on the mount at path, other flags kept; "/" with root.readonly
  OP_SETHOSTNAME = 23,   // (s name)
  OP_SETDOMAINNAME = 24, // (s name)
  OP_CONSOLE = 25,       // (s console socket path or "" after OP_CONSOLE_CONNECT, i rows, i cols)  open a pty, send the master over the
                         //   unix socket with SCM_RIGHTS, make the slave the controlling terminal and fds 0-2
  OP_SYSCTL = 26,        // (s key with dots, s value)  write /proc/sys/<key with / for .>
  OP_HOOKS_SYNC = 27,    // (i HookPoint)  send MSG_HOOKS, wait for MSG_HOOKS_DONE; non-zero status fails the step
                         //   "<point> hooks"; keep the state JSON it carries for OP_RUN_HOOK
  OP_RUN_HOOK = 28,      // (s hook kind e.g. "createContainer", s path, s argv NUL-separated, s env NUL-separated,
                         //   i timeout seconds (0 = none))  fork; child: stdin = pipe with the kept state JSON,
                         //   execve(path, argv, env); parent: wait, SIGKILL it after the timeout; a non-zero exit,
                         //   a signal or the timeout fails the step "<kind> hook <path>" (config.md#posix-platform-hooks).
                         //   createContainer hooks come before OP_PIVOT_ROOT (path resolved in the runtime's mount
                         //   namespace), startContainer hooks after OP_CREATED (path resolved in the container,
                         //   run with the container process's credentials, as runc runs them).
  // ---- the handshake ----
  OP_CHECK_EXEC = 30,    // (s file, s PATH value, s cwd)  resolve file as execvp would (in the container, relative
                         //   to cwd); fail now (errno ENOENT/EACCES, syscall "execve", step "exec lookup") if it
                         //   cannot be executed, so that create fails instead of start
  OP_CREATED = 31,       // ()  send MSG_CREATED, wait for MSG_CREATED_ACK (EOF: the runtime died, exit 1),
                         //   close the sync socket, accept one connection on exec.fifo, read 1 byte
                         //   opened by OP_OPEN_FIFO; EOF or error -> exit 1 without exec
  // ---- stage 2: the process (in this order; in a create plan all before OP_CREATED but the final
  //      OP_CPU_AFFINITY and OP_EXEC: the waiting init holds only the container's privileges) ----
  OP_RLIMIT = 40,        // (i resource, i soft, i hard)  setrlimit (prlimit64)
  OP_NO_NEW_PRIVS = 41,  // ()  prctl(PR_SET_NO_NEW_PRIVS, 1)
  OP_USER = 42,          // (i uid, i gid, s additional gids as a list of u32 LE, i keep caps 0|1)
                         //   setgroups(additional) (skipped when the list is empty and setgroups is denied);
                         //   if keep caps: prctl(PR_SET_KEEPCAPS, 1); setresgid(gid); setresuid(uid)
                         //   (keep caps must be 1 when uid != 0 and OP_CAPS follows: OP_CAPS needs the
                         //   permitted set to still hold CAP_SETPCAP to drop from the bounding set)
  OP_CAPS = 43,          // (i effective, i permitted, i inheritable, i ambient)  each a 64-bit mask, after OP_USER:
                         //   capset(effective, permitted, inheritable), then clear and raise the ambient set;
                         //   PR_SET_KEEPCAPS back to 0 (capabilities(7): bounding drop, keep caps across the
                         //   uid switch, capset, ambient raise, in that order)
  OP_UMASK = 44,         // (i mask)
  OP_CWD = 45,           // (s path)  chdir; emitted before and after OP_USER: EACCES/EPERM before the user
                         //   switch is retried by the second (runc finalizeNamespace); once entered, a no-op
  OP_SECCOMP = 46,       // (s BPF program: struct sock_filter[] bytes, i flags SECCOMP_FILTER_FLAG_*)
                         //   seccomp(SECCOMP_SET_MODE_FILTER); if flags has NEW_LISTENER: send the listener
                         //   fd in MSG_SECCOMP_FD, wait for MSG_SECCOMP_DONE, close it (the sync socket
                         //   is still open: every filter loads before OP_CREATED)
  OP_PRESERVE_FDS = 47,  // (i count)  fds 3 .. 3+count-1 survive; everything else >= 3 is closed but the
                         //   init's own CLOEXEC sync socket and exec.fifo
  OP_EXEC = 48,          // (i argc, s argv..., s env...)  execvpe-like: argv[0] looked up in env's PATH
  OP_CAPS_BOUNDING = 49, // (i bounding mask)  before OP_USER, while CAP_SETPCAP is effective: PR_CAPBSET_DROP
                         //   of every cap not in the mask, up to the kernel's last cap
  OP_SCHEDULER = 50,     // (i policy, i SCHED_FLAG_*, i nice (signed), i priority, i runtime, i deadline, i period)
                         //   sched_setattr(2) on the calling process
  OP_IOPRIO = 51,        // (i IOPRIO_PRIO_VALUE(class, level))  ioprio_set(IOPRIO_WHO_PROCESS, 0, value)
  OP_PERSONALITY = 52,   // (i persona)  personality(2): domain | flags
  OP_CPU_AFFINITY = 53,  // (b cpu mask, bit n = cpu n, a whole number of longs)  sched_setaffinity(0, len, mask)
  OP_LOOPBACK_UP = 54,   // ()  in a new network namespace: SIOCSIFFLAGS IFF_UP on "lo" (runc's loopback network)
  OP_DEFAULT_HOME = 55,  // (i uid)  process.env has no (or an empty) HOME: before OP_USER, read the container's
                         //   /etc/passwd; OP_EXEC sets HOME to uid's home there, "/" without one (runc setupUser)
  // ---- engines (issue 5) ----
  OP_SESSION_KEYRING = 80,  // (s name, i permission bits to add)  keyctl(KEYCTL_JOIN_SESSION_KEYRING, name): a new
                            //   session keyring (ENOSYS ignored, as runc does); then, if the bits are non-zero,
                            //   KEYCTL_SETPERM(current perm | bits) so the container's user can search it
  OP_CONSOLE_CONNECT = 81,  // (s console socket path)  connect now, in stage 1 with the runtime's credentials,
                            //   before any namespace op (as runc connects in the runtime): the container's root
                            //   may not reach the socket, and exec's mount namespace hides the host path; a
                            //   later OP_CONSOLE with an empty path uses this connection
  // ---- filesystem, continued ----
  OP_MOUNT_SETATTR = 70, // (s dest in rootfs, i MOUNT_ATTR_* to set, i MOUNT_ATTR_* to clear, i recursive 0|1)
                         //   mount_setattr(2) on the mount at dest (AT_RECURSIVE: the r* options of config.md)
  OP_IDMAP_TREE = 71,    // stage 1, before any namespace op: (s source host path, s uid_map text, s gid_map
                         //   text, i rbind 0|1, i ridmap 0|1, i propagation MS_* (MS_REC: every mount of the
                         //   tree))  a user namespace holding the maps (a child unshares, the maps are
                         //   written, its ns fd kept), open_tree(OPEN_TREE_CLONE, AT_RECURSIVE if rbind),
                         //   mount_setattr(propagation), mount_setattr(MOUNT_ATTR_IDMAP, AT_RECURSIVE if ridmap);
                         //   the detached tree is kept, numbered from 0 in plan order
  OP_MOUNT_TREE = 72,    // (i tree number, s dest in rootfs, i mode, i flags, i cleared flags, i propagation)
                         //   move_mount the tree onto dest, then flags and propagation as OP_MOUNT does
  OP_MKDIR = 73,         // (s path in rootfs)  create the directory and its missing parents 0755 (process.cwd,
                         //   as runc's MkdirAll of the cwd in the rootfs before pivot_root)
  OP_BIND_SOURCE = 74,   // stage 1, after OP_UNSHARE and before OP_SETRESID: (s source host path)  open(O_PATH) in
                         //   the container's mount namespace with the runtime's uid and gids (a new user
                         //   namespace's root may not search the path); the fd is kept, numbered from 0
  OP_MOUNT_SOURCE = 75,  // (i source number, s dest in rootfs, i mode, i flags, i cleared flags, i propagation)
                         //   open_tree(fd, OPEN_TREE_CLONE, AT_RECURSIVE if MS_REC) of that fd, closed, then
                         //   as OP_MOUNT_TREE
  // ---- spec 1.3 fields (issue 15) ----
  OP_MEMPOLICY = 90,     // (i mode | MPOL_F_* flags, b node mask (bit n = node n, whole longs; empty = NULL),
                         //   i maxnode (mask bits + 1, 0 with no mask))  set_mempolicy(2) on the calling thread;
                         //   fork and execve keep it (config-linux.md#memory-policy)
  // ---- diagnostics ----
  OP_LOG = 60,           // (s stage name)  name the process (prctl PR_SET_NAME "tsrun:[N:NAME]")
  OP_TIMESTAMP = 110,    // (s label)  send MSG_TIMESTAMP {CLOCK_MONOTONIC now, label}; never fails the plan
                         //   (the runtime compares it with its own monotonic clock: --debug init timings)
};

}  // namespace tsrun
