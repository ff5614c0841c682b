import { describe, expect, it } from 'vitest';
import { enosysStub, wantsEnosysStub } from '../../../src/seccomp/enosys.js';

/** A classic BPF interpreter for the stub's few opcodes: the return value, or 'filter' when it falls into libseccomp's program. */
function run(prog: Buffer, arch: number, nr: number): number | 'filter' {
  const n = prog.length / 8;
  let a = 0;
  for (let pc = 0; pc < n; pc++) {
    const code = prog.readUInt16LE(pc * 8), jt = prog[pc * 8 + 2], jf = prog[pc * 8 + 3], k = prog.readUInt32LE(pc * 8 + 4);
    if (code === 0x20) a = k === 4 ? arch : nr;
    else if (code === 0x05) pc += k;
    else if (code === 0x15) pc += a === k ? jt : jf;
    else if (code === 0x25) pc += a > k ? jt : jf;
    else if (code === 0x45) pc += (a & k) !== 0 ? jt : jf;
    else if (code === 0x06) return k;
    else throw new Error(`opcode ${code}`);
  }
  return 'filter';
}

const X86_64 = 0xc000003e, X32 = 0x4000003e, I386 = 0x40000003, AARCH64 = 0xc00000b7;
const ENOSYS_RET = 0x00050026;

describe('runc\'s -ENOSYS stub (patchbpf)', () => {
  it('per architecture: above the last named number is ENOSYS, the rest goes to the filter; x32 numbers carry bit 30', () => {
    const stub = enosysStub([{ arch: X86_64, nr: 435 }, { arch: X32, nr: 0x40000000 + 400 }, { arch: I386, nr: 300 }]);
    expect(run(stub, X86_64, 436)).toBe(ENOSYS_RET);
    expect(run(stub, X86_64, 435)).toBe('filter');
    expect(run(stub, X86_64, 0x40000000 + 401)).toBe(ENOSYS_RET);
    expect(run(stub, X86_64, 0x40000000 + 399)).toBe('filter');
    expect(run(stub, I386, 301)).toBe(ENOSYS_RET);
    expect(run(stub, I386, 2)).toBe('filter');
    expect(run(stub, AARCH64, 9999)).toBe('filter');
  });

  it('x86_64 alone leaves x32 numbers to the filter; no architecture, no stub', () => {
    const stub = enosysStub([{ arch: X86_64, nr: 100 }]);
    expect(run(stub, X86_64, 0x40000000 + 5)).toBe('filter');
    expect(run(stub, X86_64, 101)).toBe(ENOSYS_RET);
    expect(enosysStub([]).length).toBe(0);
  });

  it('not for a permissive default action nor a default errno of ENOSYS', () => {
    expect(wantsEnosysStub({ defaultAction: 'SCMP_ACT_ERRNO' })).toBe(true);
    expect(wantsEnosysStub({ defaultAction: 'SCMP_ACT_KILL' })).toBe(true);
    expect(wantsEnosysStub({ defaultAction: 'SCMP_ACT_ERRNO', defaultErrnoRet: 38 })).toBe(false);
    for (const a of ['SCMP_ACT_ALLOW', 'SCMP_ACT_LOG', 'SCMP_ACT_TRACE']) expect(wantsEnosysStub({ defaultAction: a })).toBe(false);
  });
});
