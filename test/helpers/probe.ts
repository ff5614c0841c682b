// Reading the output of /bin/probe (test/probe/probe.cc), the test rootfs's report of what the
// container's process sees. `probeArgs()` is the process.args that prints it; `parseProbe()`
// reads it back, with the capability sets as names.
import { CAPABILITIES } from '../../src/plan/constants.js';
import { PROBE } from './rootfs.js';

export { PROBE };

type Limit = number | 'unlimited';
type CapSet = 'bounding' | 'effective' | 'permitted' | 'inheritable' | 'ambient';

export interface ProbeReport {
  uid: { real: number; effective: number; saved: number };
  gid: { real: number; effective: number; saved: number };
  groups: number[];
  /** Capability sets as hex masks, as /proc/self/status shows them. */
  caps: Record<CapSet, string>;
  rlimits: Record<string, { soft: Limit; hard: Limit }>;
  noNewPrivs: number | null;
  /** 0 disabled, 1 strict, 2 filter (/proc/self/status Seccomp). */
  seccomp: number | null;
  seccompFilters: number | null;
  oomScoreAdj: number;
  umask: number;
  personality: number;
  hostname: string;
  domainname: string;
  /** uname -m: i686 under LINUX32 on x86_64. */
  machine: string;
  cpus: number[];
  /** sched_getattr(2): policy number (SCHED_OTHER 0, FIFO 1, RR 2, BATCH 3, IDLE 5, DEADLINE 6). */
  sched: { policy: number; priority: number; nice: number; flags: number; runtime: number; deadline: number; period: number } | null;
  /** ioprio_get(2): class (0 none, 1 RT, 2 BE, 3 IDLE) and level. */
  ioprio: { class: number; priority: number } | null;
  /** get_mempolicy(2): mode (MPOL_DEFAULT 0, PREFERRED 1, BIND 2, INTERLEAVE 3, LOCAL 4, PREFERRED_MANY 5, WEIGHTED_INTERLEAVE 6) with the MPOL_F_* flags OR'd in, and the nodes; errno when the call failed. */
  mempolicy: { mode: number; nodes: number[] } | { errno: number };
}

/** process.args printing the report; with `before`, a shell runs that first (e.g. "cd /tmp && "). */
export function probeArgs(before = ''): string[] {
  return before ? ['sh', '-c', `${before}exec ${PROBE}`] : [PROBE];
}

/** The report in a container's stdout (the last line that is a JSON object). */
export function parseProbe(stdout: string): ProbeReport {
  const line = stdout.trim().split('\n').reverse().find((l) => l.startsWith('{"uid"'));
  if (!line) throw new Error(`no probe report in:\n${stdout}`);
  return JSON.parse(line) as ProbeReport;
}

/** A capability mask (hex, as in the report) → the names of its bits, in kernel order. */
export function capNames(hex: string): string[] {
  const mask = BigInt(`0x${hex}`);
  return CAPABILITIES.filter((_, bit) => (mask >> BigInt(bit)) & 1n);
}

/** `probe syscall NAME ARG...` as process.args; its output is {"ret", "errno"}. */
export function syscallArgs(name: string, ...args: (number | string)[]): string[] {
  return [PROBE, 'syscall', name, ...args.map(String)];
}

export function parseSyscall(stdout: string): { ret: number; errno: number } {
  const line = stdout.trim().split('\n').reverse().find((l) => l.startsWith('{"ret"'));
  if (!line) throw new Error(`no probe syscall result in:\n${stdout}`);
  return JSON.parse(line) as { ret: number; errno: number };
}
