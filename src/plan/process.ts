// The process steps of a plan, in the order the kernel needs: rlimits, credentials (no_new_privs,
// umask, cwd, bounding set, user, capabilities, seccomp) then exec (fds, final affinity, execve).
// In a create plan all but the final affinity and execve come before the start handshake.
import { ConfigError } from '../errors.js';
import { Op } from '../process/protocol.js';
import type { Capabilities, Process, Rlimit } from '../spec/types.js';
import { CAPABILITIES, RLIMIT } from './constants.js';
import { finalAffinitySteps } from './process-attrs.js';
import type { PlanSeccomp, PlanStep } from './types.js';

const CAP_SETS = ['bounding', 'effective', 'permitted', 'inheritable', 'ambient'] as const;
const CAP_SYS_ADMIN = BigInt(CAPABILITIES.indexOf('CAP_SYS_ADMIN'));

export type CapMasks = Record<(typeof CAP_SETS)[number], bigint>;

/**
 * Capability names → one 64-bit mask per set. A name tsrun does not know, or one past
 * cap_last_cap, is a warning and is skipped: config.md#linux-process says a value that "cannot be
 * mapped to a relevant kernel interface" MUST be logged as a warning, and runtimes SHOULD NOT fail
 * (runc 1.1: "ignoring unknown or unavailable capabilities").
 */
export function capabilityMasks(caps: Capabilities, capLastCap: number, warnings: string[]): CapMasks {
  const masks = CAP_SETS.map((set) => {
    let mask = 0n;
    (caps[set] ?? []).forEach((name, i) => {
      const bit = (CAPABILITIES as readonly string[]).indexOf(name);
      if (bit < 0) {
        warnings.push(`ignoring unknown capability ${name} (/process/capabilities/${set}/${i}, config.md#linux-process)`);
        return;
      }
      if (bit > capLastCap) {
        warnings.push(`capability ${name} is not known to this kernel (cap_last_cap ${capLastCap}); skipped`);
        return;
      }
      mask |= 1n << BigInt(bit);
    });
    return mask;
  });
  // The kernel raises an ambient cap only if it is permitted and inheritable (capabilities(7));
  // runc skips the others (its default spec has ambient without inheritable): so do we, aloud.
  const [, , permitted, inheritable, ambient] = masks;
  const raisable = ambient & permitted & inheritable;
  if (raisable !== ambient) {
    const skipped = CAPABILITIES.filter((_, bit) => ((ambient & ~raisable) >> BigInt(bit)) & 1n);
    warnings.push(`ambient capabilities not in both permitted and inheritable are not raised: ${skipped.join(', ')}`);
  }
  return { bounding: masks[0], effective: masks[1], permitted, inheritable, ambient: raisable };
}

/**
 * Without a new user namespace the init holds at most the runtime's bounding set, and capset(2)
 * cannot raise a capability outside it (EPERM): refuse such a config at create, as runc's create
 * fails ("unable to apply caps"), rather than after start in the container's own stderr.
 * Docker's --privileged asks for every capability it knows, whatever the daemon holds.
 */
export function requireHeldCapabilities(caps: Capabilities, bounding: bigint): void {
  for (const set of ['permitted', 'effective', 'inheritable', 'ambient'] as const) {
    (caps[set] ?? []).forEach((name, i) => {
      const bit = (CAPABILITIES as readonly string[]).indexOf(name);
      if (bit >= 0 && !((bounding >> BigInt(bit)) & 1n)) {
        throw new ConfigError('config.json', [{ pointer: `/process/capabilities/${set}/${i}`, rule: `${name} is not in the runtime's own bounding set (/proc/self/status CapBnd): capset(2) cannot raise it without a new user namespace`, section: 'config.md#linux-process' }]);
      }
    });
  }
}

/**
 * config.md#posix-process: a known RLIMIT_* name, each type once, soft <= hard (setrlimit(2) refuses
 * more). config.json was checked when loaded; this also covers `exec --process`.
 */
function checkRlimits(rlimits: Rlimit[]): void {
  const section = 'config.md#posix-process';
  const requireRlimit = (ok: boolean, pointer: string, rule: string) => {
    if (!ok) throw new ConfigError('config.json', [{ pointer, rule, section }]);
  };
  rlimits.forEach((r, i) => {
    requireRlimit(r.type in RLIMIT, `/process/rlimits/${i}/type`, `unknown rlimit ${r.type}`);
    requireRlimit(rlimits.findIndex((o) => o.type === r.type) === i, `/process/rlimits/${i}/type`, `duplicate rlimit ${r.type}`);
    requireRlimit(BigInt(r.soft) <= BigInt(r.hard), `/process/rlimits/${i}/soft`, `soft limit ${r.soft} must not exceed hard limit ${r.hard}`);
  });
}

function gidList(gids: readonly number[]): Uint8Array {
  const bytes = new Uint8Array(gids.length * 4);
  const view = new DataView(bytes.buffer);
  gids.forEach((g, i) => view.setUint32(i * 4, g, true));
  return bytes;
}

/** The PATH a lookup of args[0] uses: the container's own, or the default of execvp(3). */
export function pathOf(env: readonly string[]): string {
  const entry = env.find((e) => e.startsWith('PATH='));
  return entry ? entry.slice(5) : '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';
}

export interface ProcessStepsInput {
  process: Process;
  capLastCap: number;
  preserveFds: number;
  /** Compiled seccomp filter, if any: placed before the user switch or right before exec (see below). */
  seccomp?: PlanSeccomp;
  warnings: string[];
}

/** Connects to the console socket before pivot_root; the pty comes from the container's devpts. */
export function consoleStep(process: Process, socketPath: string): PlanStep {
  return { op: Op.CONSOLE, args: [socketPath, process.consoleSize?.height ?? 0, process.consoleSize?.width ?? 0] };
}

export function checkExecStep(process: Process): PlanStep {
  const env = process.env ?? [];
  return { op: Op.CHECK_EXEC, args: [process.args![0], pathOf(env), process.cwd] };
}

/**
 * setrlimit of each process.rlimits entry. Placed before the start handshake, as runc sets them
 * in its init: a limit the kernel refuses (a hard limit raised without CAP_SYS_RESOURCE) fails
 * `create`, and startContainer hooks run under them too.
 */
export function rlimitSteps(p: Process): PlanStep[] {
  checkRlimits(p.rlimits ?? []);
  return (p.rlimits ?? []).map((r) => ({ op: Op.RLIMIT, args: [RLIMIT[r.type], BigInt(r.soft), BigInt(r.hard)] }));
}

/** no_new_privs, umask, cwd, bounding set, user, capabilities and the seccomp filter. */
export function credentialSteps(input: ProcessStepsInput): PlanStep[] {
  const { process: p, warnings } = input;
  const steps: PlanStep[] = [];
  // runc's setupUser: without a (non-empty) HOME the process gets its user's home from the
  // container's /etc/passwd, or "/"; the last HOME entry is the one that counts (os.Setenv).
  const home = (p.env ?? []).filter((e) => e.startsWith('HOME=')).pop();
  if (!home || home === 'HOME=') steps.push({ op: Op.DEFAULT_HOME, args: [p.user.uid] });
  // No process.capabilities is no capability at all: config.md gives no default, and runc (its
  // finalizeNamespace with an empty Capabilities) and crun drop every one; keeping the runtime's
  // own would hand a hand-written config the full root set.
  const caps = capabilityMasks(p.capabilities ?? {}, input.capLastCap, warnings);
  if (p.noNewPrivileges) steps.push({ op: Op.NO_NEW_PRIVS, args: [] });
  // Loading a filter needs no_new_privs or CAP_SYS_ADMIN (seccomp(2)). Load it last, so that no
  // setup syscall of ours is filtered, when one of them is still there after the user switch:
  // no_new_privs or a kept CAP_SYS_ADMIN; else before the switch, while still privileged (as runc).
  const late = p.noNewPrivileges || ((caps.effective >> CAP_SYS_ADMIN) & 1n) === 1n;
  if (input.seccomp && !late) steps.push({ op: Op.SECCOMP, args: [input.seccomp.bpf, input.seccomp.flags] });
  // Without process.user.umask runc sets 0022 rather than leaving the runtime's own.
  steps.push({ op: Op.UMASK, args: [p.user.umask ?? 0o022] });
  steps.push({ op: Op.CWD, args: [p.cwd] });
  // capabilities(7): drop from the bounding set while CAP_SETPCAP is still effective, keep the
  // permitted set across the uid switch, then capset and raise the ambient set.
  steps.push({ op: Op.CAPS_BOUNDING, args: [caps.bounding] });
  steps.push({ op: Op.USER, args: [p.user.uid, p.user.gid, gidList(p.user.additionalGids ?? []), 1] });
  // runc: a cwd root may not enter (only the container's user can) is entered after the switch.
  steps.push({ op: Op.CWD, args: [p.cwd] });
  steps.push({ op: Op.CAPS, args: [caps.effective, caps.permitted, caps.inheritable, caps.ambient] });
  if (input.seccomp && late) steps.push({ op: Op.SECCOMP, args: [input.seccomp.bpf, input.seccomp.flags] });
  return steps;
}

/** Closes every fd that is not the container's (the init keeps its own CLOEXEC ones until execve). */
export function preserveFdsStep(input: ProcessStepsInput): PlanStep {
  return { op: Op.PRESERVE_FDS, args: [input.preserveFds] };
}

/** The final cpu affinity and execve. */
export function finalExecSteps(p: Process): PlanStep[] {
  const args = p.args ?? [];
  return [...finalAffinitySteps(p), { op: Op.EXEC, args: [args.length, ...args, ...(p.env ?? [])] }];
}

/** The last steps: close every fd that is not the container's, final cpu affinity, execve. */
export function execSteps(input: ProcessStepsInput): PlanStep[] {
  return [preserveFdsStep(input), ...finalExecSteps(input.process)];
}

export function processSteps(input: ProcessStepsInput): PlanStep[] {
  return [...rlimitSteps(input.process), ...credentialSteps(input), ...execSteps(input)];
}
