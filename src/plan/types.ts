import type { OpCode } from '../process/protocol.js';

/** One argument of a plan step: integers are sent as u64, strings and buffers as bytes. */
export type PlanArg = number | bigint | string | Uint8Array;

export interface PlanStep {
  /** What tsrun-init executes (addon/init/protocol.h). */
  op: OpCode;
  /** Arguments, in the order protocol.h lists them. */
  args: PlanArg[];
}

/** A compiled seccomp filter for OP_SECCOMP. */
export interface PlanSeccomp {
  bpf: Buffer;
  flags: number;
  /** SCMP_ACT_NOTIFY is used: the filter must load while the runtime can take the listener. */
  notify?: unknown;
}

export interface IdMap {
  containerID: number;
  hostID: number;
  size: number;
}

/** Everything create needs to run a container, decided before any process exists. */
export interface Plan {
  /** The steps tsrun-init executes, in order. */
  steps: PlanStep[];
  /** Set when the init creates a user namespace: the maps the runtime writes for it. */
  userns?: { uidMappings: IdMap[]; gidMappings: IdMap[]; denySetgroups: boolean };
  /** Warnings to print (deprecated but accepted fields, skipped capabilities ...). */
  warnings: string[];
}

/** Linux security modules of the host (apparmorProfile / selinuxLabel need theirs). */
export interface LsmFacts {
  apparmor: boolean;
  selinux: boolean;
  /** Where AppArmor reads the next exec's profile: /proc/self/attr/apparmor/exec, or attr/exec on old kernels. */
  apparmorExecAttr: string;
}

/** What the plan compiler may know about the host; collected by src/process/hostfacts.ts. */
export interface HostFacts {
  /** The runtime's effective uid and gid. */
  euid: number;
  egid: number;
  /** The runtime itself runs in a non-initial user namespace (rootless podman): devices are bound, not made. */
  inUserNs?: boolean;
  /** Absolute bundle directory. */
  bundle: string;
  /** Path of exec.fifo in the state directory. */
  fifoPath: string;
  /** Highest capability number of the running kernel (/proc/sys/kernel/cap_last_cap). */
  capLastCap: number;
  /** The runtime's own bounding set (/proc/self/status CapBnd): all the init can hold without a new user namespace. */
  capBounding?: bigint;
  /** --no-pivot */
  noPivot: boolean;
  /** --preserve-fds */
  preserveFds: number;
  /** --console-socket */
  consoleSocket?: string;
  /** Name of the container's new session keyring; absent with --no-new-keyring. */
  sessionKeyring?: string;
  /** Kind of a host path used as a bind source: decides between a directory and a file mount point. */
  sourceKind(path: string): 'directory' | 'file' | 'missing';
  /** Host directories to bind under a "cgroup" mount: subdirectory name → host cgroup directory. */
  cgroupBinds: { name: string; hostPath: string }[];
  /** True on a unified (v2-only) host: a "cgroup" mount is a cgroup2 mount. */
  cgroupUnified: boolean;
  /** Files the init writes "0" to before anything else, to enter the container's cgroup (CgroupManager.selfJoinFiles). */
  cgroupJoin?: string[];
  /** Enabled LSMs; absent means none. */
  lsm?: LsmFacts;
}
