// Plan → the bytes of MSG_PLAN (wire format in addon/init/protocol.h).
import { PLAN_MAGIC, PLAN_VERSION } from '../process/protocol.js';
import type { PlanArg, PlanStep } from './types.js';

const U64_LIMIT = 2n ** 64n;

function encodeArg(arg: PlanArg): Uint8Array {
  if (typeof arg === 'string') return Buffer.from(arg, 'utf8');
  if (arg instanceof Uint8Array) return arg;
  const buf = new Uint8Array(8);
  // A JSON number cannot hold 2^64-1: 18446744073709551615 (RLIM_INFINITY as configs write it)
  // parses as 2^64, which BigInt.asUintN would wrap to 0. Only the maximum rounds up to it.
  const n = BigInt(arg);
  new DataView(buf.buffer).setBigUint64(0, n >= U64_LIMIT ? U64_LIMIT - 1n : BigInt.asUintN(64, n), true);
  return buf;
}

// One buffer written through a DataView: a Buffer per field, Buffer's writers and concat were
// ~1.3 ms of a create (hundreds of calls into code that runs once per process, so cold).
export function encodePlan(steps: readonly PlanStep[]): Uint8Array {
  const args = steps.map((step) => step.args.map(encodeArg));
  let size = 8;
  for (const a of args) size += 4 + a.reduce((n, bytes) => n + 4 + bytes.length, 0);
  const out = new Uint8Array(size);
  const view = new DataView(out.buffer, out.byteOffset, out.byteLength);
  view.setUint32(0, PLAN_MAGIC, true);
  view.setUint32(4, PLAN_VERSION, true);
  let at = 8;
  steps.forEach((step, i) => {
    // DataView wraps where Buffer's writers threw: keep the throw for a field that does not fit.
    if (step.op > 0xffff || step.args.length > 0xffff) throw new RangeError(`plan step ${step.op} with ${step.args.length} arguments does not fit the wire format`);
    view.setUint16(at, step.op, true);
    view.setUint16(at + 2, step.args.length, true);
    at += 4;
    for (const bytes of args[i] ?? []) {
      view.setUint32(at, bytes.length, true);
      out.set(bytes, at + 4);
      at += 4 + bytes.length;
    }
  });
  return out;
}
