import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { RuntimeError, SyscallError } from '../../src/errors.js';
import { seccompFilterFlags, seccompVersion } from '../../src/native/index.js';
import { compileSeccomp } from '../../src/seccomp/compile.js';
import type { Seccomp } from '../../src/spec/types.js';

const denyMkdir: Seccomp = {
  defaultAction: 'SCMP_ACT_ALLOW',
  architectures: ['SCMP_ARCH_X86_64', 'SCMP_ARCH_X86', 'SCMP_ARCH_X32', 'SCMP_ARCH_AARCH64'],
  syscalls: [
    { names: ['mkdir', 'mkdirat'], action: 'SCMP_ACT_ERRNO' },
    { names: ['personality'], action: 'SCMP_ACT_ERRNO', errnoRet: 22, args: [{ index: 0, value: 0xffff, valueTwo: 8, op: 'SCMP_CMP_MASKED_EQ' }] },
  ],
};

describe('seccomp compile (libseccomp via dlopen)', () => {
  it('reports the library version', () => {
    expect(seccompVersion()).toMatch(/^2\.\d+\.\d+$/);
  });

  it('compiles a profile to struct sock_filter[]', () => {
    const { bpf, flags, skipped } = compileSeccomp(denyMkdir);
    expect(bpf.length).toBeGreaterThan(0);
    expect(bpf.length % 8).toBe(0);
    expect(flags).toBe(0);
    expect(skipped).toEqual([]);
    // First instruction: BPF_LD|BPF_W|BPF_ABS (0x20) of seccomp_data.arch (offset 4).
    expect(bpf.readUInt16LE(0)).toBe(0x20);
    expect(bpf.readUInt32LE(4)).toBe(4);
  });

  it('skips a syscall name libseccomp does not know, leaving the filter unchanged', () => {
    const withUnknown: Seccomp = { ...denyMkdir, syscalls: [...denyMkdir.syscalls!, { names: ['no_such_syscall_tsrun'], action: 'SCMP_ACT_ERRNO' }] };
    const a = compileSeccomp(withUnknown);
    expect(a.skipped).toEqual(['no_such_syscall_tsrun']);
    expect(a.bpf.equals(compileSeccomp(denyMkdir).bpf)).toBe(true);
  });

  it('reports rules equal to the default action as skipped', () => {
    const r = compileSeccomp({ defaultAction: 'SCMP_ACT_ERRNO', syscalls: [{ names: ['read', 'write', 'exit_group'], action: 'SCMP_ACT_ALLOW' }, { names: ['mkdir'], action: 'SCMP_ACT_ERRNO' }] });
    expect(r.skipped).toEqual(['mkdir']);
    expect(r.bpf.length % 8).toBe(0);
  });

  it('throws a SyscallError when libseccomp refuses the profile', () => {
    // LoongArch is in the spec list but only known to libseccomp >= 2.6.
    const v = seccompVersion().split('.').map(Number);
    const old = v[0]! < 2 || (v[0] === 2 && v[1]! < 6);
    const fn = (): unknown => compileSeccomp({ defaultAction: 'SCMP_ACT_ALLOW', architectures: ['SCMP_ARCH_LOONGARCH64'] });
    if (old) {
      expect(fn).toThrow(SyscallError);
      try {
        fn();
      } catch (e) {
        expect((e as SyscallError).syscall).toBe('seccomp_arch_resolve_name');
        expect((e as SyscallError).code).toBe('EINVAL');
      }
    } else {
      expect((fn() as { bpf: Buffer }).bpf.length % 8).toBe(0);
    }
  });

  it('without libseccomp (here: a soname that does not exist) a profile is a clear error naming the library', () => {
    const fn = () => compileSeccomp(denyMkdir, { library: 'libseccomp-tsrun-missing.so.0' });
    expect(fn).toThrow(RuntimeError);
    expect(fn).toThrow(/^linux\.seccomp needs libseccomp-tsrun-missing\.so\.0 \(libseccomp, Debian package libseccomp2\), which cannot be loaded: .*dlopen .*cannot open shared object file/);
  });

  it('probes the filter flags of the running kernel without loading a filter', () => {
    const filters = () => /^Seccomp_filters:\s+(\d+)$/m.exec(readFileSync('/proc/self/status', 'utf8'))?.[1];
    const before = filters();
    const flags = seccompFilterFlags();
    expect(filters()).toBe(before);
    // TSYNC (3.17) and NEW_LISTENER (5.0) are in every kernel tsrun supports.
    expect(flags & 1).toBe(1);
    expect(flags & 8).toBe(8);
  });
});
