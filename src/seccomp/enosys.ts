// runc's -ENOSYS stub (runc 1.1 libcontainer/seccomp/patchbpf/enosys_linux.go), put in front of
// libseccomp's filter: a syscall whose number is above every syscall the profile names, on an
// architecture the profile lists, returns -ENOSYS instead of the default action. A syscall newer
// than the profile is then "not implemented", and glibc falls back to the older one (clone3 →
// clone, faccessat2 → faccessat) instead of failing on EPERM or being killed.
import type { Seccomp } from '../spec/types.js';

/** libseccomp's numbers for the stub: the largest number the profile names, per arch token. */
export interface LastSyscall {
  /** SCMP_ARCH_* token: the AUDIT_ARCH_* value, but for x32. */
  arch: number;
  nr: number;
}

const ENOSYS = 38;
const SCMP_ARCH_X32 = 0x4000003e;
const AUDIT_ARCH_X86_64 = 0xc000003e;
/** __X32_SYSCALL_BIT: an x32 process's syscall numbers have it; AUDIT_ARCH is x86_64's. */
const X32_BIT = 0x40000000;

// <linux/filter.h> classic BPF opcodes.
const LD_W_ABS = 0x20;
const JA = 0x05;
const JEQ_K = 0x15;
const JGT_K = 0x25;
const JSET_K = 0x45;
const RET_K = 0x06;
/** seccomp_data: nr at offset 0, arch at 4. */
const NR = 0;
const ARCH = 4;
const RET_ERRNO_ENOSYS = (0x00050000 | ENOSYS) >>> 0;

/**
 * Whether runc adds the stub: not when the default action lets syscalls through (runc's
 * isAllowAction: SCMP_ACT_ALLOW, SCMP_ACT_LOG, SCMP_ACT_TRACE), nor when defaultErrnoRet is ENOSYS already.
 */
export function wantsEnosysStub(s: Seccomp): boolean {
  if (s.defaultErrnoRet === ENOSYS) return false;
  return !['SCMP_ACT_ALLOW', 'SCMP_ACT_LOG', 'SCMP_ACT_TRACE'].includes(s.defaultAction);
}

type Target = number | string;
interface Insn {
  code: number;
  k: number | string;
  jt?: Target;
  jf?: Target;
  label?: string;
}

/** struct sock_filter is in the host's byte order (the kernel reads it as u16, u8, u8, u32). */
const LE = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** Label resolution: jt/jf/ja targets are relative to the next instruction. */
function assemble(insns: Insn[]): Buffer {
  const at = new Map<string, number>();
  insns.forEach((i, n) => i.label && at.set(i.label, n));
  at.set('filter', insns.length);
  const rel = (n: number, t: Target | undefined): number => (t === undefined ? 0 : typeof t === 'number' ? t : at.get(t)! - n - 1);
  const out = Buffer.alloc(insns.length * 8);
  insns.forEach((i, n) => {
    const jt = rel(n, i.jt);
    const jf = rel(n, i.jf);
    if (jt > 255 || jf > 255) throw new RangeError('seccomp stub: conditional jump beyond 255 instructions');
    if (LE) out.writeUInt16LE(i.code, n * 8);
    else out.writeUInt16BE(i.code, n * 8);
    out.writeUInt8(jt, n * 8 + 2);
    out.writeUInt8(jf, n * 8 + 3);
    const k = typeof i.k === 'string' ? rel(n, i.k) : i.k >>> 0;
    if (LE) out.writeUInt32LE(k, n * 8 + 4);
    else out.writeUInt32BE(k, n * 8 + 4);
  });
  return out;
}

/** The stub's struct sock_filter[] (empty when no listed architecture has a named syscall). */
export function enosysStub(last: readonly LastSyscall[]): Buffer {
  // One section per audit architecture; x86_64 and x32 share AUDIT_ARCH_X86_64.
  const groups = new Map<number, { native?: number; x32?: number }>();
  for (const l of last) {
    const audit = l.arch === SCMP_ARCH_X32 ? AUDIT_ARCH_X86_64 : l.arch >>> 0;
    const g = groups.get(audit) ?? {};
    if (l.arch === SCMP_ARCH_X32) g.x32 = l.nr;
    else g.native = l.nr;
    groups.set(audit, g);
  }
  if (groups.size === 0) return Buffer.alloc(0);
  const head: Insn[] = [{ code: LD_W_ABS, k: ARCH }];
  const sections: Insn[] = [];
  let n = 0;
  for (const [audit, g] of groups) {
    const label = `arch${n++}`;
    head.push({ code: JEQ_K, k: audit, jt: label });
    sections.push({ code: LD_W_ABS, k: NR, label });
    const check = (max: number, next: Target = 'filter'): Insn => ({ code: JGT_K, k: max, jt: 'enosys', jf: next });
    if (audit !== AUDIT_ARCH_X86_64) sections.push(check(g.native!));
    else if (g.native !== undefined && g.x32 !== undefined) sections.push({ code: JSET_K, k: X32_BIT, jt: 1 }, check(g.native), check(g.x32));
    else if (g.native !== undefined) sections.push({ code: JSET_K, k: X32_BIT, jt: 'filter' }, check(g.native));
    else sections.push({ code: JSET_K, k: X32_BIT, jf: 'filter' }, check(g.x32!));
  }
  head.push({ code: JA, k: 'filter' });
  return assemble([...head, ...sections, { code: RET_K, k: RET_ERRNO_ENOSYS, label: 'enosys' }]);
}
