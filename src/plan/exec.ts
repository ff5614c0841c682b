// (process, container) → the plan of `exec`: join the container's namespaces, fork into its
// pid namespace, and run the same process steps as create, without the start handshake.
import { Op } from '../process/protocol.js';
import type { MemoryPolicy, Process } from '../spec/types.js';
import { cgroupJoinSteps } from './cgroup.js';
import { CLONE_NEW } from './constants.js';
import { cpuTransitionSteps, type CpuTransition } from './cpu-transition.js';
import { nonDumpableSteps } from './dumpable.js';
import { memoryPolicySteps } from './mempolicy.js';
import { sessionKeyringStep } from './keyring.js';
import { checkExecStep, consoleStep, processSteps } from './process.js';
import { initialAffinitySteps, processAttrSteps } from './process-attrs.js';
import type { LsmFacts, Plan, PlanSeccomp, PlanStep } from './types.js';

/** /proc/<pid>/ns/<file> names of the spec's namespace types. */
export const NS_FILE: Record<string, string> = {
  pid: 'pid', network: 'net', mount: 'mnt', ipc: 'ipc', uts: 'uts', user: 'user', cgroup: 'cgroup', time: 'time',
};

export interface ExecTarget {
  /** The container process. */
  pid: number;
  /** Namespace types the container has that differ from the runtime's own (joining your own user namespace is EINVAL). */
  namespaces: string[];
  /** The container has no mount namespace of its own: the process is chroot(2)ed into /proc/<pid>/root instead. */
  sharedMountNs?: boolean;
  capLastCap: number;
  preserveFds: number;
  seccomp?: PlanSeccomp;
  consoleSocket?: string;
  /** The container's session keyring to join (absent when it was created with --no-new-keyring). */
  sessionKeyring?: string;
  lsm?: LsmFacts;
  /** Files the process writes "0" to, to join the container's cgroup (CgroupManager.selfJoinFiles). */
  cgroupJoin?: string[];
  /** The container's linux.memoryPolicy: an exec'd process gets it too, as the container's first process. */
  memoryPolicy?: MemoryPolicy;
  /** runc's isolated-cpu-affinity-transition annotation with the container's cpuset and the host's nohz_full cpus. */
  cpuTransition?: { mode: CpuTransition; cpuset: number[]; isolated: number[] };
}

export function compileExecPlan(process: Process, target: ExecTarget): Plan {
  const warnings: string[] = [];
  const terminal = !!process.terminal && !!target.consoleSocket;
  const join = (type: string): PlanStep => ({ op: Op.SETNS, args: [CLONE_NEW[type], `/proc/${target.pid}/ns/${NS_FILE[type]}`] });
  // The user namespace first, the mount namespace last (it changes root and cwd: setns(2)).
  const order = ['user', 'ipc', 'uts', 'network', 'pid', 'cgroup', 'time', 'mount'].filter((t) => target.namespaces.includes(t));
  // oom_score_adj is written before the joins, through the host's /proc/self (fork keeps it):
  // once non-dumpable, the file belongs to root and a rootless runtime could not write it. The
  // other attributes come after the fork, in the container's pid namespace, whose /proc/self is
  // the process's own.
  const attrs = processAttrSteps(process, target.lsm);
  const ct = target.cpuTransition;
  const transition = cpuTransitionSteps(ct?.mode, ct?.cpuset ?? [], ct?.isolated ?? []);
  const steps: PlanStep[] = [
    { op: Op.LOG, args: ['tsrun:[1:EXEC]'] },
    // runc exec: the process joins the container's cgroup before it runs anything, so its limits apply.
    // The isolated-cpu transition: one eligible cpu while joining the cgroup (its cpuset), then back.
    ...transition.before,
    ...cgroupJoinSteps(target.cgroupJoin),
    ...transition.after,
    ...initialAffinitySteps(process),
    // The socket is a host path: connect before the mount namespace hides it.
    ...(terminal ? [{ op: Op.CONSOLE_CONNECT, args: [target.consoleSocket!] }] : []),
    ...attrs.oom,
    ...order.map(join),
    // Where joining the mount namespace would change root (setns(2)); runc 1.1 leaves the process
    // at the runtime's own root, the host's filesystem, with the container's privileges.
    ...(target.sharedMountNs ? [{ op: Op.CHROOT_SHARED, args: [`/proc/${target.pid}/root`] }] : []),
    ...nonDumpableSteps(order.length > 0),
    { op: Op.FORK, args: [] },
    { op: Op.LOG, args: ['tsrun:[2:EXEC]'] },
    ...attrs.rest,
    ...memoryPolicySteps(target.memoryPolicy),
    ...(target.sessionKeyring ? [sessionKeyringStep(target.sessionKeyring, false, true)] : []),
    ...(terminal ? [consoleStep(process, '')] : []),
    checkExecStep(process),
    ...processSteps({ process, capLastCap: target.capLastCap, preserveFds: target.preserveFds, seccomp: target.seccomp, warnings }),
  ];
  return { steps, warnings };
}
