// The sync protocol and plan op numbers shared with tsrun-init.
// The diagram, wire format and per-op arguments are documented once, in addon/init/protocol.h;
// test/unit/protocol.test.ts checks that these numbers match `tsrun-init --protocol`.

export const PLAN_MAGIC = 0x50525354; // "TSRP"
export const PLAN_VERSION = 1;
export const MAX_MESSAGE = 1 << 20;

export const Msg = {
  PLAN: 1,
  USERNS_READY: 2,
  MAPS_DONE: 3,
  PID: 4,
  CREATED: 5,
  ERROR: 6,
  HOOKS: 7,
  HOOKS_DONE: 8,
  SECCOMP_FD: 10,
  SECCOMP_DONE: 11,
  CREATED_ACK: 30,
  TIMESTAMP: 50,
} as const;
export type MsgType = (typeof Msg)[keyof typeof Msg];

export const HookPoint = {
  CREATE_RUNTIME: 1,
} as const;

export const Op = {
  SETNS: 1,
  UNSHARE_USER: 2,
  SETRESID: 3,
  UNSHARE: 4,
  WRITE_FILE: 5,
  FORK: 6,
  DUMPABLE: 7,
  MOUNT_PROPAGATION: 10,
  ROOTFS: 11,
  MOUNT: 12,
  MKNOD: 13,
  BIND_DEVICE: 14,
  SYMLINK: 15,
  OPEN_FIFO: 16,
  PIVOT_ROOT: 17,
  CHROOT: 18,
  CHROOT_SHARED: 19,
  MASK_PATH: 20,
  READONLY_PATH: 21,
  REMOUNT_RO: 22,
  SETHOSTNAME: 23,
  SETDOMAINNAME: 24,
  CONSOLE: 25,
  SYSCTL: 26,
  HOOKS_SYNC: 27,
  RUN_HOOK: 28,
  CHECK_EXEC: 30,
  CREATED: 31,
  RLIMIT: 40,
  NO_NEW_PRIVS: 41,
  USER: 42,
  CAPS: 43,
  UMASK: 44,
  CWD: 45,
  SECCOMP: 46,
  PRESERVE_FDS: 47,
  EXEC: 48,
  CAPS_BOUNDING: 49,
  SCHEDULER: 50,
  IOPRIO: 51,
  PERSONALITY: 52,
  CPU_AFFINITY: 53,
  LOOPBACK_UP: 54,
  DEFAULT_HOME: 55,
  LOG: 60,
  MOUNT_SETATTR: 70,
  IDMAP_TREE: 71,
  MOUNT_TREE: 72,
  MKDIR: 73,
  BIND_SOURCE: 74,
  MOUNT_SOURCE: 75,
  SESSION_KEYRING: 80,
  CONSOLE_CONNECT: 81,
  MEMPOLICY: 90,
  TIMESTAMP: 110,
} as const;
export type OpCode = (typeof Op)[keyof typeof Op];
