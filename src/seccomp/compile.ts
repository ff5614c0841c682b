// Seccomp policy (config-linux.md#seccomp): OCI names → libseccomp numbers, decided here in
// TypeScript; the addon (addon/seccomp.cc) only runs libseccomp on the result and exports BPF.
import { ConfigError, type ConfigIssue, RuntimeError, SyscallError } from '../errors.js';
import { compileSeccompNative, type NativeSeccompResult } from '../native/index.js';
import { enosysStub, wantsEnosysStub } from './enosys.js';
import type { Seccomp } from '../spec/types.js';
import type { NativeSeccompArg, NativeSeccompRule, NormalizedSeccomp } from './types.js';

const SECTION = 'config-linux.md#seccomp';
/** The library runc, crun and youki use, loaded at run time so that building needs no -dev package. */
export const LIBSECCOMP = 'libseccomp.so.2';
const EPERM = 1;

/** Action values from libseccomp 2.5 <seccomp.h> (SCMP_ACT_*), data bits still clear. */
export const ACTIONS: Readonly<Record<string, number>> = {
  SCMP_ACT_KILL: 0x00000000, // = SCMP_ACT_KILL_THREAD
  SCMP_ACT_KILL_THREAD: 0x00000000,
  SCMP_ACT_KILL_PROCESS: 0x80000000,
  SCMP_ACT_TRAP: 0x00030000,
  SCMP_ACT_ERRNO: 0x00050000, // | (errno & 0xffff)
  SCMP_ACT_TRACE: 0x7ff00000, // | (msg & 0xffff)
  SCMP_ACT_LOG: 0x7ffc0000,
  SCMP_ACT_ALLOW: 0x7fff0000,
  SCMP_ACT_NOTIFY: 0x7fc00000,
};

/** Actions that carry errnoRet / defaultErrnoRet in their low 16 bits. */
const WITH_DATA = new Set(['SCMP_ACT_ERRNO', 'SCMP_ACT_TRACE']);

/** enum scmp_compare. */
export const OPERATORS: Readonly<Record<string, number>> = {
  SCMP_CMP_NE: 1,
  SCMP_CMP_LT: 2,
  SCMP_CMP_LE: 3,
  SCMP_CMP_EQ: 4,
  SCMP_CMP_GE: 5,
  SCMP_CMP_GT: 6,
  SCMP_CMP_MASKED_EQ: 7,
};

/** OCI architecture → the name seccomp_arch_resolve_name() accepts. */
export const ARCHITECTURES: Readonly<Record<string, string>> = {
  SCMP_ARCH_X86: 'x86',
  SCMP_ARCH_X86_64: 'x86_64',
  SCMP_ARCH_X32: 'x32',
  SCMP_ARCH_ARM: 'arm',
  SCMP_ARCH_AARCH64: 'aarch64',
  SCMP_ARCH_MIPS: 'mips',
  SCMP_ARCH_MIPS64: 'mips64',
  SCMP_ARCH_MIPS64N32: 'mips64n32',
  SCMP_ARCH_MIPSEL: 'mipsel',
  SCMP_ARCH_MIPSEL64: 'mipsel64',
  SCMP_ARCH_MIPSEL64N32: 'mipsel64n32',
  SCMP_ARCH_PPC: 'ppc',
  SCMP_ARCH_PPC64: 'ppc64',
  SCMP_ARCH_PPC64LE: 'ppc64le',
  SCMP_ARCH_S390: 's390',
  SCMP_ARCH_S390X: 's390x',
  SCMP_ARCH_PARISC: 'parisc',
  SCMP_ARCH_PARISC64: 'parisc64',
  SCMP_ARCH_RISCV64: 'riscv64',
  SCMP_ARCH_LOONGARCH64: 'loongarch64', // libseccomp >= 2.6
  SCMP_ARCH_M68K: 'm68k', // libseccomp >= 2.6
  SCMP_ARCH_SH: 'sh', // libseccomp >= 2.6
  SCMP_ARCH_SHEB: 'sheb', // libseccomp >= 2.6
};

/** Node's process.arch → libseccomp name, used when the profile lists no architectures. */
const NODE_ARCH: Readonly<Record<string, string>> = {
  x64: 'x86_64',
  ia32: 'x86',
  arm64: 'aarch64',
  arm: 'arm',
  ppc64: 'ppc64le', // Node on Linux ppc64 is little-endian
  s390x: 's390x',
  riscv64: 'riscv64',
  loong64: 'loongarch64',
  mips: 'mips',
  mipsel: 'mipsel',
};

/** seccomp(2) SECCOMP_FILTER_FLAG_* bits. */
export const FILTER_FLAGS: Readonly<Record<string, number>> = {
  SECCOMP_FILTER_FLAG_TSYNC: 1,
  SECCOMP_FILTER_FLAG_LOG: 2,
  SECCOMP_FILTER_FLAG_SPEC_ALLOW: 4,
  SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV: 32,
};
export const SECCOMP_FILTER_FLAG_TSYNC = 1;
export const SECCOMP_FILTER_FLAG_NEW_LISTENER = 8;
export const SECCOMP_FILTER_FLAG_TSYNC_ESRCH = 16;

const U64 = (1n << 64n) - 1n;
const ALL_FLAGS = 0xffffffff;

/**
 * OCI seccomp → the profile the addon compiles (all numbers), plus the load flags and the
 * names dropped by policy. Pure. Every broken field is reported in one ConfigError.
 */
export function normalizeSeccomp(s: Seccomp, arch: string = process.arch, kernelFlags = ALL_FLAGS): NormalizedSeccomp {
  const issues: ConfigIssue[] = [];
  const issue = (pointer: string, rule: string): void => {
    issues.push({ pointer: `/linux/seccomp${pointer}`, rule, section: SECTION });
  };

  // An action name + its errno → a libseccomp action value (undefined when invalid).
  const action = (name: string, errnoRet: number | undefined, pointer: string, errnoPointer: string): number | undefined => {
    const base = ACTIONS[name];
    if (base === undefined) {
      issue(pointer, `unknown action ${String(name)}`);
      return undefined;
    }
    if (!WITH_DATA.has(name)) {
      if (errnoRet !== undefined) issue(errnoPointer, `${name} does not take an errno`);
      return base;
    }
    const ret = errnoRet ?? EPERM;
    if (!Number.isInteger(ret) || ret < 0 || ret > 0xffff) {
      issue(errnoPointer, `errno ${String(ret)} is not an integer in 0..65535`);
      return undefined;
    }
    return (base | ret) >>> 0;
  };

  if (s.defaultAction === 'SCMP_ACT_NOTIFY') issue('/defaultAction', 'SCMP_ACT_NOTIFY cannot be the default action');
  const defaultAction = action(s.defaultAction, s.defaultErrnoRet, '/defaultAction', '/defaultErrnoRet');

  const architectures: string[] = [];
  (s.architectures ?? []).forEach((a, i) => {
    const name = ARCHITECTURES[a];
    if (name === undefined) issue(`/architectures/${i}`, `unknown architecture ${String(a)}`);
    else if (!architectures.includes(name)) architectures.push(name);
  });
  if (architectures.length === 0 && NODE_ARCH[arch] !== undefined) architectures.push(NODE_ARCH[arch]);

  let flags = 0;
  const dropped: string[] = [];
  (s.flags ?? []).forEach((f, i) => {
    const bit = FILTER_FLAGS[f];
    if (bit === undefined) issue(`/flags/${i}`, `unknown flag ${String(f)}`);
    // runc applies only the flags the kernel has (libseccomp's API level decides there).
    else if (!(kernelFlags & bit)) dropped.push(f);
    else flags |= bit;
  });

  const rules: NativeSeccompRule[] = [];
  const skipped: string[] = [];
  let notify = false;
  (s.syscalls ?? []).forEach((sc, i) => {
    const at = `/syscalls/${i}`;
    if (!Array.isArray(sc.names) || sc.names.length === 0) issue(`${at}/names`, 'names must contain at least one entry');
    const act = action(sc.action, sc.errnoRet, `${at}/action`, `${at}/errnoRet`);
    const args: NativeSeccompArg[] = [];
    (sc.args ?? []).forEach((a, j) => {
      const ap = `${at}/args/${j}`;
      const op = OPERATORS[a.op];
      if (op === undefined) issue(`${ap}/op`, `unknown operator ${String(a.op)}`);
      if (!Number.isInteger(a.index) || a.index < 0 || a.index > 5) issue(`${ap}/index`, `argument index ${String(a.index)} is not in 0..5`);
      const value = u64(a.value);
      if (value === undefined) issue(`${ap}/value`, `${String(a.value)} is not a 64-bit integer`);
      const valueTwo = u64(a.valueTwo ?? 0);
      if (valueTwo === undefined) issue(`${ap}/valueTwo`, `${String(a.valueTwo)} is not a 64-bit integer`);
      if (op !== undefined && value !== undefined && valueTwo !== undefined) args.push({ index: a.index, value, valueTwo, op });
    });
    if (act === undefined || defaultAction === undefined || !Array.isArray(sc.names)) return;
    if (act === defaultAction) {
      // libseccomp refuses a rule equal to the default action; runc skips it too.
      for (const n of sc.names) if (!skipped.includes(n)) skipped.push(n);
      return;
    }
    if (sc.action === 'SCMP_ACT_NOTIFY') {
      notify = true;
      // runc's wording: the container's writes would wait on an agent that may need the
      // runtime (its log, its sync socket), which waits on the container: a deadlock.
      sc.names.forEach((n, k) => {
        if (n === 'write') issue(`${at}/names/${k}`, 'SCMP_ACT_NOTIFY cannot be used for the write syscall');
      });
    }
    // One libseccomp rule ANDs its comparisons and refuses two on the same argument; like runc,
    // such a list becomes one rule per comparison (they OR).
    const repeated = new Set(args.map((a) => a.index)).size !== args.length;
    const argSets = repeated ? args.map((a) => [a]) : [args];
    for (const name of sc.names) for (const set of argSets) rules.push({ name, action: act, args: set.map((a) => ({ ...a })) });
  });

  if (notify && !s.listenerPath) issue('/listenerPath', 'listenerPath must be set when SCMP_ACT_NOTIFY is used');
  if (s.listenerMetadata !== undefined && !s.listenerPath) issue('/listenerMetadata', 'listenerMetadata must not be set without listenerPath');
  if (notify) {
    flags |= SECCOMP_FILTER_FLAG_NEW_LISTENER;
    // The kernel refuses TSYNC together with NEW_LISTENER unless TSYNC_ESRCH is set.
    if (flags & SECCOMP_FILTER_FLAG_TSYNC) flags |= SECCOMP_FILTER_FLAG_TSYNC_ESRCH;
  } else if (flags & FILTER_FLAGS.SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV) {
    // It concerns notifications only, and seccomp(2) is EINVAL for it without a listener.
    flags &= ~FILTER_FLAGS.SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV;
  }

  if (issues.length > 0 || defaultAction === undefined) throw new ConfigError('config.json', issues);
  return { defaultAction, architectures, rules, flags, skipped, notify, droppedFlags: dropped };
}

/** A JSON number (or bigint) as u64; negative values wrap as in C. undefined when not an integer. */
function u64(v: unknown): bigint | undefined {
  let b: bigint;
  if (typeof v === 'bigint') b = v;
  else if (typeof v === 'number' && Number.isInteger(v)) b = BigInt(v);
  else return undefined;
  if (b > U64 || b < -(1n << 63n)) return undefined;
  return BigInt.asUintN(64, b);
}

/**
 * Compile an OCI seccomp profile to classic BPF (struct sock_filter[]) for the init to load.
 * `skipped`: names dropped by policy (action = default) and names libseccomp does not know.
 */
export function compileSeccomp(s: Seccomp, opts: { arch?: string; kernelFlags?: number; library?: string } = {}): CompiledSeccomp {
  const n = normalizeSeccomp(s, opts.arch, opts.kernelFlags);
  const library = opts.library ?? LIBSECCOMP;
  const stub = wantsEnosysStub(s);
  const stubArchitectures = stub ? (s.architectures ?? []).map((a) => ARCHITECTURES[a]).filter((a, i, all) => all.indexOf(a) === i) : [];
  const stubNames = stub ? [...new Set((s.syscalls ?? []).flatMap((sc) => sc.names))] : [];
  const profile = { library, defaultAction: n.defaultAction, architectures: n.architectures, rules: n.rules, stubArchitectures, stubNames };
  let out: NativeSeccompResult;
  try {
    out = compileSeccompNative(profile);
  } catch (e) {
    if (e instanceof SyscallError && e.syscall === 'dlopen') {
      throw new RuntimeError(`linux.seccomp needs ${library} (libseccomp, Debian package libseccomp2), which cannot be loaded: ${e.message}`, { cause: e });
    }
    throw e;
  }
  const skipped = [...n.skipped];
  for (const name of out.skipped) if (!skipped.includes(name)) skipped.push(name);
  const bpf = stub ? Buffer.concat([enosysStub(out.lastSyscalls), out.bpf]) : out.bpf;
  return { bpf, flags: n.flags, skipped, droppedFlags: n.droppedFlags, notify: n.notify };
}

export interface CompiledSeccomp {
  /** struct sock_filter[] for OP_SECCOMP. */
  bpf: Buffer;
  /** SECCOMP_FILTER_FLAG_* for the load. */
  flags: number;
  /** Syscall names dropped: rule equal to the default action, or unknown to libseccomp. */
  skipped: string[];
  /** Flags of the profile the kernel lacks, not applied. */
  droppedFlags: string[];
  /** A rule uses SCMP_ACT_NOTIFY: the listener goes to listenerPath. */
  notify: boolean;
}
