// Plan → the bytes of MSG_PLAN (wire format in addon/init/protocol.h).
import { PLAN_MAGIC, PLAN_VERSION } from '../process/protocol.js';
import type { PlanArg, PlanStep } from './types.js';

const U64_LIMIT = 2n ** 64n;

/** A number argument as u64. A JSON number cannot hold 2^64-1: 18446744073709551615
 * (RLIM_INFINITY as configs write it) parses as 2^64, which BigInt.asUintN would wrap to 0.
 * Only the maximum rounds up to it. */
function u64(arg: number | bigint): bigint {
  const n = BigInt(arg);
  return n >= U64_LIMIT ? U64_LIMIT - 1n : BigInt.asUintN(64, n);
}

function argLength(arg: PlanArg): number {
  if (typeof arg === 'string') return Buffer.byteLength(arg, 'utf8');
  return Buffer.isBuffer(arg) ? arg.length : 8;
}

// One buffer sized up front: a plan has hundreds of arguments, and a Buffer each costs more
// than the encoding itself.
export function encodePlan(steps: readonly PlanStep[]): Buffer {
  let size = 8;
  for (const step of steps) {
    size += 4;
    for (const arg of step.args) size += 4 + argLength(arg);
  }
  const out = Buffer.alloc(size);
  let at = out.writeUInt32LE(PLAN_MAGIC, 0);
  at = out.writeUInt32LE(PLAN_VERSION, at);
  for (const step of steps) {
    at = out.writeUInt16LE(step.op, at);
    at = out.writeUInt16LE(step.args.length, at);
    for (const arg of step.args) {
      const length = argLength(arg);
      at = out.writeUInt32LE(length, at);
      if (typeof arg === 'string') out.write(arg, at, 'utf8');
      else if (Buffer.isBuffer(arg)) arg.copy(out, at);
      else out.writeBigUInt64LE(u64(arg), at);
      at += length;
    }
  }
  return out;
}
