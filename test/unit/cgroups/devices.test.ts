// The device list as the kernel's v1 devices controller computes it, and the v2 BPF program
// compiled from it: run by a small interpreter of the instructions it uses, the program must
// give the list's verdict for every device and access.
import { describe, expect, it } from 'vitest';
import { type BpfInsn, deviceProgram, encodeProgram } from '../../../src/cgroups/devices/bpf.js';
import { ACC, allowed, DEV, deviceList, listLines } from '../../../src/cgroups/devices/list.js';
import type { DeviceRule } from '../../../src/spec/types.js';

/** Executes the opcodes deviceProgram emits, on a bpf_cgroup_dev_ctx. */
function run(prog: readonly BpfInsn[], ctx: { accessType: number; major: number; minor: number }): number {
  const r = new Array<bigint>(11).fill(0n);
  const mask64 = (v: bigint): bigint => BigInt.asUintN(64, v);
  const imm = (i: BpfInsn): bigint => mask64(BigInt(i.imm)); // sign-extended
  const field = [ctx.accessType, ctx.major, ctx.minor];
  for (let pc = 0, steps = 0; pc < prog.length && steps < 10_000; pc++, steps++) {
    const i = prog[pc];
    switch (i.code) {
      case 0x61: r[i.dst] = BigInt(field[i.off / 4]); break; // ldxw dst, [r1+off]
      case 0xbf: r[i.dst] = r[i.src]; break;
      case 0xb7: r[i.dst] = imm(i); break;
      case 0x57: r[i.dst] &= imm(i); break;
      case 0x77: r[i.dst] >>= BigInt(i.imm); break;
      case 0x56: if (BigInt.asUintN(32, r[i.dst]) !== BigInt.asUintN(32, BigInt(i.imm))) pc += i.off; break; // jne32
      case 0x55: if (r[i.dst] !== imm(i)) pc += i.off; break;
      case 0x15: if (r[i.dst] === imm(i)) pc += i.off; break;
      case 0x95: return Number(r[0]);
      default: throw new Error(`opcode ${i.code.toString(16)} at ${pc}`);
    }
  }
  throw new Error('program fell off its end');
}

const RULE_SETS: Record<string, DeviceRule[]> = {
  'deny all, allow some': [{ allow: false, access: 'rwm' }, { allow: true, type: 'c', major: 1, minor: 3, access: 'rwm' }, { allow: true, type: 'c', major: 136, access: 'rw' }, { allow: true, type: 'b', minor: 0, access: 'r' }],
  'allow all, deny some': [{ allow: true, type: 'c', major: 1, minor: 3, access: 'w' }, { allow: false, type: 'c', major: 1, minor: 3, access: 'w' }, { allow: false, type: 'b', major: 8, access: 'm' }],
  'no rules': [],
  'deny then re-allow part': [{ allow: false, type: 'c', major: 1, minor: 5, access: 'rwm' }, { allow: true, type: 'c', major: 1, minor: 5, access: 'r' }],
  'deny all, allow r and w separately': [{ allow: false }, { allow: true, type: 'c', major: 1, minor: 9, access: 'r' }, { allow: true, type: 'c', major: 1, minor: 9, access: 'w' }, { allow: false, type: 'c', major: 1, minor: 9, access: 'm' }],
  'a later "a" resets': [{ allow: false, type: 'c', major: 1, minor: 3 }, { allow: false, access: 'rwm' }, { allow: true, type: 'a' }],
};

describe('device list (kernel v1 semantics)', () => {
  it('deny all + allow exceptions', () => {
    const l = deviceList(RULE_SETS['deny all, allow some']);
    expect(l.defaultAllow).toBe(false);
    expect(listLines(l)).toEqual(['c 1:3 rwm', 'c 136:* rw', 'b *:0 r']);
    expect(allowed(l, 'c', 1, 3, ACC.r | ACC.w)).toBe(true);
    expect(allowed(l, 'c', 136, 4, ACC.r | ACC.w)).toBe(true);
    expect(allowed(l, 'c', 136, 4, ACC.m)).toBe(false); // needs all of the access
    expect(allowed(l, 'c', 1, 5, ACC.r)).toBe(false);
    expect(allowed(l, 'b', 8, 0, ACC.r)).toBe(true);
    expect(allowed(l, 'c', 8, 0, ACC.r)).toBe(false); // the type must match
  });
  it('allow all + deny exceptions; an allow removes access from a deny', () => {
    const l = deviceList(RULE_SETS['allow all, deny some']);
    expect(l).toEqual({ defaultAllow: true, exceptions: [{ type: 'c', major: 1, minor: 3, access: ACC.w }, { type: 'b', major: 8, minor: undefined, access: ACC.m }] });
    expect(allowed(l, 'c', 1, 3, ACC.r)).toBe(true);
    expect(allowed(l, 'c', 1, 3, ACC.r | ACC.w)).toBe(false); // any overlap denies
    expect(allowed(l, 'b', 8, 1, ACC.m)).toBe(false);
    expect(listLines(l)).toEqual(['a *:* rwm']);
  });
  it('an allow in allow-all mode and a deny in deny-all mode take access out; same-device exceptions merge', () => {
    expect(listLines(deviceList(RULE_SETS['deny then re-allow part']))).toEqual(['a *:* rwm']);
    expect(deviceList(RULE_SETS['deny then re-allow part']).exceptions).toEqual([{ type: 'c', major: 1, minor: 5, access: ACC.w | ACC.m }]);
    expect(listLines(deviceList(RULE_SETS['deny all, allow r and w separately']))).toEqual(['c 1:9 rw']);
    expect(deviceList(RULE_SETS['a later "a" resets'])).toEqual({ defaultAllow: true, exceptions: [] });
  });
  it('rejects bad types and access strings', () => {
    expect(() => deviceList([{ allow: true, type: 'x' }])).toThrow(/devices\[\]\.type = "x": must be a, b or c/);
    expect(() => deviceList([{ allow: true, type: 'c', access: 'rx' }])).toThrow(/must be a combination of r, w, m/);
  });
});

describe('BPF_PROG_TYPE_CGROUP_DEVICE program', () => {
  const devices: [type: 'b' | 'c', major: number, minor: number][] = [['c', 1, 3], ['c', 1, 5], ['c', 1, 9], ['c', 136, 4], ['c', 5, 1], ['b', 8, 0], ['b', 8, 1], ['c', 8, 0], ['b', 7, 0], ['c', 4294967295, 2147483648]];
  for (const [name, rules] of Object.entries(RULE_SETS)) {
    it(`gives the list's verdict for every device and access: ${name}`, () => {
      const list = deviceList(rules);
      const prog = deviceProgram(list);
      for (const [type, major, minor] of devices) {
        for (let access = 1; access <= 7; access++) {
          const got = run(prog, { accessType: (access << 16) | DEV[type], major, minor });
          expect(got, `${type} ${major}:${minor} access ${access}`).toBe(allowed(list, type, major, minor, access) ? 1 : 0);
        }
      }
    });
  }
  it('the instructions of "deny all, allow c 1:3 rw"', () => {
    const prog = deviceProgram(deviceList([{ allow: false }, { allow: true, type: 'c', major: 1, minor: 3, access: 'rw' }]));
    const asm = prog.map((i) => [i.code.toString(16), i.dst, i.src, i.off, i.imm].join(' '));
    expect(asm).toEqual([
      '61 2 1 0 0', // r2 = ctx->access_type
      'bf 3 2 0 0', // r3 = r2
      '57 2 0 0 65535', // r2 &= 0xffff: the type
      '77 3 0 0 16', // r3 >>= 16: the access
      '61 4 1 4 0', // r4 = ctx->major
      '61 5 1 8 0', // r5 = ctx->minor
      '56 2 0 7 2', // if w2 != char goto next
      '56 4 0 6 1', // if w4 != 1 goto next
      '56 5 0 5 3', // if w5 != 3 goto next
      'bf 6 3 0 0', // r6 = access
      '57 6 0 0 -7', // r6 &= ~(r|w)
      '55 6 0 2 0', // if r6 != 0 goto next: asks for more than the exception
      'b7 0 0 0 1', // return 1
      '95 0 0 0 0',
      'b7 0 0 0 0', // next: the default, deny
      '95 0 0 0 0',
    ]);
    const bytes = encodeProgram(prog);
    expect(bytes.length).toBe(prog.length * 8);
    expect([...bytes.subarray(0, 8)]).toEqual([0x61, 0x12, 0, 0, 0, 0, 0, 0]); // src r1 in the high nibble, dst r2 low
    expect(bytes.readInt32LE(10 * 8 + 4)).toBe(-7);
  });
});
