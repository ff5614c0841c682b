// Plan → the bytes of MSG_PLAN (wire format in addon/init/protocol.h).
import { PLAN_MAGIC, PLAN_VERSION } from '../process/protocol.js';
import type { PlanArg, PlanStep } from './types.js';

const U64_LIMIT = 2n ** 64n;

function encodeArg(arg: PlanArg): Buffer {
  if (typeof arg === 'string') return Buffer.from(arg, 'utf8');
  if (Buffer.isBuffer(arg)) return arg;
  const buf = Buffer.alloc(8);
  // A JSON number cannot hold 2^64-1: 18446744073709551615 (RLIM_INFINITY as configs write it)
  // parses as 2^64, which BigInt.asUintN would wrap to 0. Only the maximum rounds up to it.
  const n = BigInt(arg);
  buf.writeBigUInt64LE(n >= U64_LIMIT ? U64_LIMIT - 1n : BigInt.asUintN(64, n));
  return buf;
}

export function encodePlan(steps: readonly PlanStep[]): Buffer {
  const parts: Buffer[] = [];
  const header = Buffer.alloc(8);
  header.writeUInt32LE(PLAN_MAGIC, 0);
  header.writeUInt32LE(PLAN_VERSION, 4);
  parts.push(header);
  for (const step of steps) {
    const head = Buffer.alloc(4);
    head.writeUInt16LE(step.op, 0);
    head.writeUInt16LE(step.args.length, 2);
    parts.push(head);
    for (const arg of step.args) {
      const bytes = encodeArg(arg);
      const len = Buffer.alloc(4);
      len.writeUInt32LE(bytes.length, 0);
      parts.push(len, bytes);
    }
  }
  return Buffer.concat(parts);
}
