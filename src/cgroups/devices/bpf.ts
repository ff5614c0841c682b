// A BPF_PROG_TYPE_CGROUP_DEVICE program giving the verdicts of a device list (list.ts).
// The kernel runs it on every open/mknod of a device node by a task of the cgroup with
// struct bpf_cgroup_dev_ctx { u32 access_type /* access << 16 | type */; u32 major; u32 minor; }
// and allows the access when it returns 1 (include/uapi/linux/bpf.h, BPF_CGROUP_DEVICE; the
// kernel's example is tools/testing/selftests/bpf/progs/dev_cgroup.c).
import type { DeviceList } from './list.js';
import { DEV } from './list.js';

/** struct bpf_insn, before encoding. */
export interface BpfInsn {
  code: number;
  dst: number;
  src: number;
  off: number;
  imm: number;
}

// Opcodes (include/uapi/linux/bpf_common.h, bpf.h): class | op | source.
const LDX_MEM_W = 0x01 | 0x60 | 0x00;
const ALU64_AND_K = 0x07 | 0x50;
const ALU64_RSH_K = 0x07 | 0x70;
const ALU64_MOV_K = 0x07 | 0xb0;
const ALU64_MOV_X = 0x07 | 0xb0 | 0x08;
/** JMP32: compares the low 32 bits, so every u32 major/minor fits the signed 32-bit imm. */
const JMP32_JNE_K = 0x06 | 0x50;
const JMP_JEQ_K = 0x05 | 0x10;
const JMP_JNE_K = 0x05 | 0x50;
const JMP_EXIT = 0x05 | 0x90;

// Registers: r1 the context, r2 device type, r3 access, r4 major, r5 minor, r6 scratch, r0 the verdict.
const [R0, R1, R2, R3, R4, R5, R6] = [0, 1, 2, 3, 4, 5, 6];

const insn = (code: number, dst: number, src: number, off: number, imm: number): BpfInsn => ({ code, dst, src, off, imm: imm | 0 });

/** Offsets in a block are filled in once its length is known: jumps skip to the next block. */
type Pending = BpfInsn & { toEnd?: true };

function verdict(allow: boolean): BpfInsn[] {
  return [insn(ALU64_MOV_K, R0, 0, 0, allow ? 1 : 0), insn(JMP_EXIT, 0, 0, 0, 0)];
}

/** The program: first exception that matches decides (all exceptions have the same verdict), else the default. */
export function deviceProgram(list: DeviceList): BpfInsn[] {
  const prog: BpfInsn[] = [
    insn(LDX_MEM_W, R2, R1, 0, 0),
    insn(ALU64_MOV_X, R3, R2, 0, 0),
    insn(ALU64_AND_K, R2, 0, 0, 0xffff),
    insn(ALU64_RSH_K, R3, 0, 0, 16),
    insn(LDX_MEM_W, R4, R1, 4, 0),
    insn(LDX_MEM_W, R5, R1, 8, 0),
  ];
  for (const e of list.exceptions) {
    const block: Pending[] = [{ ...insn(JMP32_JNE_K, R2, 0, 0, DEV[e.type]), toEnd: true }];
    if (e.major !== undefined) block.push({ ...insn(JMP32_JNE_K, R4, 0, 0, e.major), toEnd: true });
    if (e.minor !== undefined) block.push({ ...insn(JMP32_JNE_K, R5, 0, 0, e.minor), toEnd: true });
    block.push(insn(ALU64_MOV_X, R6, R3, 0, 0));
    if (list.defaultAllow) {
      // A deny exception matches when the access overlaps it (match_exception_partial).
      block.push(insn(ALU64_AND_K, R6, 0, 0, e.access), { ...insn(JMP_JEQ_K, R6, 0, 0, 0), toEnd: true });
    } else {
      // An allow exception matches when it covers all of the access (match_exception).
      block.push(insn(ALU64_AND_K, R6, 0, 0, ~e.access), { ...insn(JMP_JNE_K, R6, 0, 0, 0), toEnd: true });
    }
    block.push(...verdict(!list.defaultAllow));
    block.forEach((ins, i) => {
      const { toEnd, ...plain } = ins;
      prog.push(toEnd ? { ...plain, off: block.length - i - 1 } : plain);
    });
  }
  prog.push(...verdict(list.defaultAllow));
  return prog;
}

/** struct bpf_insn as the kernel reads it: u8 code, u8 dst:4 src:4, s16 off, s32 imm (little-endian hosts). */
export function encodeProgram(prog: readonly BpfInsn[]): Buffer {
  const buf = Buffer.alloc(prog.length * 8);
  prog.forEach((p, i) => {
    buf.writeUInt8(p.code, i * 8);
    buf.writeUInt8((p.src << 4) | p.dst, i * 8 + 1);
    buf.writeInt16LE(p.off, i * 8 + 2);
    buf.writeInt32LE(p.imm, i * 8 + 4);
  });
  return buf;
}
