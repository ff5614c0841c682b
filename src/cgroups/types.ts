// Shared shapes of the cgroup library: what translators return, what the host looks like,
// and the file operations a manager performs (injectable so tests run on a temp directory).
import type { BpfInsn } from './devices/bpf.js';

/** One write into a cgroup interface file, relative to the container's cgroup directory. */
export interface CgroupWrite {
  file: string;
  value: string;
}

/** What a controller translator returns: the writes, in order, and fields it ignored. */
export interface Translation {
  writes: CgroupWrite[];
  warnings: string[];
  /**
   * memory.checkBeforeUpdate (config-linux.md#memory): refuse `limit` when the current
   * usage (read from `usageFile`) is above it.
   */
  checks?: { usageFile: string; limit: number }[];
  /** cgroup v2 devices: the BPF_PROG_TYPE_CGROUP_DEVICE program to attach instead of files. */
  program?: BpfInsn[];
}

export const emptyTranslation = (): Translation => ({ writes: [], warnings: [] });

/** One mounted cgroup hierarchy: its mount point and the hierarchy path mounted there (mountinfo field 4). */
export interface Hierarchy {
  mountpoint: string;
  root: string;
}

/**
 * The cgroup layout of the host, from /proc/self/mountinfo and /proc/self/cgroup.
 * legacy: v1 only; hybrid: v1 controllers + an empty cgroup2 (unified) mount; unified: pure v2.
 */
export interface HostCgroups {
  mode: 'legacy' | 'hybrid' | 'unified';
  /** v1 hierarchies keyed as mounted: 'memory', 'cpu,cpuacct', 'name=systemd'. */
  v1: Record<string, Hierarchy>;
  unified?: Hierarchy;
  /** This process's cgroup per hierarchy key ('unified' for the `0::` line). */
  own: Record<string, string>;
  /** Whether systemd is PID 1 (/run/systemd/system exists, sd_booted(3)). */
  systemdRunning: boolean;
  io?: CgroupIO;
}

/** The file operations a manager needs. The default (io.ts) works on real cgroupfs. */
export interface CgroupIO {
  read(path: string): string;
  /** One write(2) of `value` into an existing file (no O_CREAT). */
  write(path: string, value: string): void;
  exists(path: string): boolean;
  mkdirp(path: string): void;
  /** rmdir(2) on cgroupfs; a test double may remove a whole directory. */
  rmdir(path: string): void;
  /** Names of the subdirectories (child cgroups). */
  subdirs(path: string): string[];
  /** Names of the regular files (interface files). */
  files(path: string): string[];
  writable(path: string): boolean;
  sleep(ms: number): void;
  /** cgroup v2: attach a device program (encoded struct bpf_insn[]) to the cgroup `dir`, replacing the ones attached before. */
  attachDeviceProgram(dir: string, program: Buffer): void;
}

export interface StatsEntry {
  usage: number;
  max: number;
  failcnt: number;
  limit: number;
}

export interface BlkioEntry {
  major: number;
  minor: number;
  op: string;
  value: number;
}

/** The `data` of `runc events --stats` (libcontainer/cgroups stats as runc prints them). */
export interface CgroupStats {
  cpu: {
    usage: { total: number; percpu?: number[]; kernel: number; user: number };
    throttling: { periods: number; throttled_periods: number; throttled_time: number };
  };
  memory: {
    cache: number;
    usage: StatsEntry;
    swap: StatsEntry;
    kernel: StatsEntry;
    kernelTCP: StatsEntry;
    raw: Record<string, number>;
  };
  pids: { current: number; limit: number };
  blkio: {
    ioServiceBytesRecursive: BlkioEntry[];
    ioServicedRecursive: BlkioEntry[];
  };
  hugetlb: Record<string, { usage: number; max: number; failcnt: number }>;
}

/** What `events` watches for `oom` events. */
export interface OomState {
  kills: number;
  /** v1 memory.oom_control under_oom: tasks wait for memory because disableOOMKiller is set. */
  underOom: boolean;
}
