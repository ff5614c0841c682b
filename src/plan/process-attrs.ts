// The per-process attributes of config.md#linux-process and config-linux.md#personality:
// oomScoreAdj, scheduler, ioPriority, personality, execCPUAffinity, apparmorProfile and
// selinuxLabel → plan steps. Validation follows runc's (libcontainer/configs/validate) and
// every broken field is a ConfigError naming its JSON path.
import { ConfigError, type ConfigIssue } from '../errors.js';
import { Op } from '../process/protocol.js';
import type { Linux, Process } from '../spec/types.js';
import type { LsmFacts, PlanStep } from './types.js';

const PROCESS = 'config.md#linux-process';

/** sched(7) policy numbers; SCHED_ISO is in the spec but not in Linux (sched_setattr gives EINVAL). */
const SCHED_POLICY: Record<string, number> = {
  SCHED_OTHER: 0, SCHED_FIFO: 1, SCHED_RR: 2, SCHED_BATCH: 3, SCHED_ISO: 4, SCHED_IDLE: 5, SCHED_DEADLINE: 6,
};
/** linux/sched.h SCHED_FLAG_*. */
const SCHED_FLAG: Record<string, number> = {
  SCHED_FLAG_RESET_ON_FORK: 0x01, SCHED_FLAG_RECLAIM: 0x02, SCHED_FLAG_DL_OVERRUN: 0x04, SCHED_FLAG_KEEP_POLICY: 0x08,
  SCHED_FLAG_KEEP_PARAMS: 0x10, SCHED_FLAG_UTIL_CLAMP_MIN: 0x20, SCHED_FLAG_UTIL_CLAMP_MAX: 0x40,
};
/** linux/ioprio.h classes. */
const IOPRIO_CLASS: Record<string, number> = { IOPRIO_CLASS_RT: 1, IOPRIO_CLASS_BE: 2, IOPRIO_CLASS_IDLE: 3 };
/** personality(2): execution domains and flags (sys/personality.h). */
const PER_DOMAIN: Record<string, number> = { LINUX: 0x0000, LINUX32: 0x0008 };
const PER_FLAG: Record<string, number> = {
  UNAME26: 0x0020000, ADDR_NO_RANDOMIZE: 0x0040000, FDPIC_FUNCPTRS: 0x0080000, MMAP_PAGE_ZERO: 0x0100000,
  ADDR_COMPAT_LAYOUT: 0x0200000, READ_IMPLIES_EXEC: 0x0400000, ADDR_LIMIT_32BIT: 0x0800000, SHORT_INODE: 0x1000000,
  WHOLE_SECONDS: 0x2000000, STICKY_TIMEOUTS: 0x4000000, ADDR_LIMIT_3GB: 0x8000000,
};

/** A cpu list ("0-3,7") → the bytes of a cpu_set_t (bit n = cpu n), or undefined when malformed. */
export function cpuMask(list: string): Buffer | undefined {
  const cpus: number[] = [];
  for (const part of list.split(',')) {
    const m = /^\s*(\d+)(?:-(\d+))?\s*$/.exec(part);
    if (!m) return undefined;
    const [lo, hi] = [Number(m[1]), Number(m[2] ?? m[1])];
    if (hi < lo || hi >= 8192) return undefined;
    for (let c = lo; c <= hi; c++) cpus.push(c);
  }
  const mask = Buffer.alloc(Math.ceil((Math.max(...cpus) + 1) / 64) * 8);
  for (const c of cpus) mask[c >> 3] |= 1 << (c & 7);
  return mask;
}

function names(list: string[] | undefined, table: Record<string, number>, pointer: string, section: string, issues: ConfigIssue[]): number {
  let bits = 0;
  (list ?? []).forEach((name, i) => {
    if (name in table) bits |= table[name];
    else issues.push({ pointer: `${pointer}/${i}`, rule: `unknown flag ${name}`, section });
  });
  return bits;
}

function schedulerStep(p: Process, issues: ConfigIssue[]): PlanStep | undefined {
  const s = p.scheduler;
  if (!s) return undefined;
  const at = '/process/scheduler';
  const issue = (pointer: string, rule: string) => issues.push({ pointer: `${at}${pointer}`, rule, section: PROCESS });
  const nice = s.nice ?? 0;
  const priority = s.priority ?? 0;
  const realtime = s.policy === 'SCHED_FIFO' || s.policy === 'SCHED_RR';
  if (nice < -20 || nice > 19) issue('/nice', `nice ${nice} is not in -20..19`);
  if (priority !== 0 && !realtime) issue('/priority', 'priority can only be set for SCHED_FIFO or SCHED_RR');
  if (realtime && (priority < 1 || priority > 99)) issue('/priority', `priority ${priority} is not in 1..99 (sched(7))`);
  if (s.policy !== 'SCHED_DEADLINE' && (s.runtime || s.deadline || s.period)) issue('', 'runtime, deadline and period can only be set for SCHED_DEADLINE');
  const flags = names(s.flags, SCHED_FLAG, `${at}/flags`, PROCESS, issues);
  return {
    op: Op.SCHEDULER,
    args: [SCHED_POLICY[s.policy], flags, nice, priority, BigInt(s.runtime ?? 0), BigInt(s.deadline ?? 0), BigInt(s.period ?? 0)],
  };
}

function ioPriorityStep(p: Process, issues: ConfigIssue[]): PlanStep | undefined {
  const io = p.ioPriority;
  if (!io) return undefined;
  const cls = IOPRIO_CLASS[io.class];
  if (cls === undefined) issues.push({ pointer: '/process/ioPriority/class', rule: `unknown class ${io.class}`, section: PROCESS });
  if (!Number.isInteger(io.priority) || io.priority < 0 || io.priority > 7) {
    issues.push({ pointer: '/process/ioPriority/priority', rule: `priority ${io.priority} is not in 0..7`, section: PROCESS });
  }
  // IOPRIO_PRIO_VALUE(class, data) = class << 13 | data (linux/ioprio.h).
  return { op: Op.IOPRIO, args: [((cls ?? 0) << 13) | io.priority] };
}

function personalityStep(per: Linux['personality'], issues: ConfigIssue[]): PlanStep | undefined {
  if (!per) return undefined;
  const section = 'config-linux.md#personality';
  const domain = PER_DOMAIN[per.domain];
  if (domain === undefined) issues.push({ pointer: '/linux/personality/domain', rule: `unknown domain ${per.domain}`, section });
  return { op: Op.PERSONALITY, args: [(domain ?? 0) | names(per.flags, PER_FLAG, '/linux/personality/flags', section, issues)] };
}

/** apparmor(7) / selinux: the label applied at the next execve, written where the LSM reads it. */
function lsmSteps(p: Process, lsm: LsmFacts | undefined, issues: ConfigIssue[]): PlanStep[] {
  const steps: PlanStep[] = [];
  if (p.apparmorProfile) {
    // runc: a profile on a host without AppArmor is an error, not a silent no-op.
    if (!lsm?.apparmor) issues.push({ pointer: '/process/apparmorProfile', rule: 'apparmor is not enabled on this host (/sys/module/apparmor/parameters/enabled)', section: PROCESS });
    else steps.push({ op: Op.WRITE_FILE, args: [lsm.apparmorExecAttr, `exec ${p.apparmorProfile}`] });
  }
  if (p.selinuxLabel) {
    if (!lsm?.selinux) issues.push({ pointer: '/process/selinuxLabel', rule: 'selinux label is specified in config, but selinux is disabled or not supported', section: PROCESS });
    else steps.push({ op: Op.WRITE_FILE, args: ['/proc/thread-self/attr/exec', p.selinuxLabel] });
  }
  return steps;
}

function affinity(p: Process, which: 'initial' | 'final', issues: ConfigIssue[]): PlanStep[] {
  const list = p.execCPUAffinity?.[which];
  if (!list) return [];
  const mask = cpuMask(list);
  if (!mask) {
    issues.push({ pointer: `/process/execCPUAffinity/${which}`, rule: `${JSON.stringify(list)} is not a cpu list such as "0-3,7"`, section: PROCESS });
    return [];
  }
  return [{ op: Op.CPU_AFFINITY, args: [mask] }];
}

function check(issues: ConfigIssue[]): void {
  if (issues.length) throw new ConfigError('config.json', issues);
}

/** The affinity of the init from its start, before it joins anything (execCPUAffinity.initial). */
export function initialAffinitySteps(p: Process): PlanStep[] {
  const issues: ConfigIssue[] = [];
  const steps = affinity(p, 'initial', issues);
  check(issues);
  return steps;
}

/** execCPUAffinity.final: applied right before execve, after everything else. */
export function finalAffinitySteps(p: Process): PlanStep[] {
  const issues: ConfigIssue[] = [];
  const steps = affinity(p, 'final', issues);
  check(issues);
  return steps;
}

/**
 * oom_score_adj (`oom`: written through the /proc/self the init sees when it runs, so the caller
 * places it where that is its own: before pivot_root, or after the fork into the pid namespace
 * of an exec) and the scheduler, io priority, personality and LSM label (`rest`: in the container
 * before the start handshake, as runc does, so that a value the kernel refuses fails `create`).
 */
export function processAttrSteps(p: Process, lsm: LsmFacts | undefined, personality?: Linux['personality']): { oom: PlanStep[]; rest: PlanStep[] } {
  const issues: ConfigIssue[] = [];
  const oom: PlanStep[] = [];
  if (p.oomScoreAdj !== undefined) {
    if (p.oomScoreAdj < -1000 || p.oomScoreAdj > 1000) issues.push({ pointer: '/process/oomScoreAdj', rule: `${p.oomScoreAdj} is not in -1000..1000 (proc(5))`, section: PROCESS });
    oom.push({ op: Op.WRITE_FILE, args: ['/proc/self/oom_score_adj', String(p.oomScoreAdj)] });
  }
  const rest: PlanStep[] = [];
  for (const step of [schedulerStep(p, issues), ioPriorityStep(p, issues), personalityStep(personality, issues)]) if (step) rest.push(step);
  rest.push(...lsmSteps(p, lsm, issues));
  check(issues);
  return { oom, rest };
}
