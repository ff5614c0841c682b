// linux.resources.blockIO (config-linux.md#block-io).
// v1: cgroup-v1/blkio-controller.rst (CFQ files blkio.weight*, gone since 5.0, or BFQ's
// blkio.bfq.weight*); v2: cgroup-v2.rst "IO Interface Files" (io.weight, io.bfq.weight, io.max).
import type { LinuxResources, ThrottleDevice } from '../../spec/types.js';
import type { Translation } from '../types.js';
import { translation } from './util.js';

/** Which weight files the cgroup has: BFQ's (`*.bfq.weight`) or the plain ones. */
export interface BlkioContext {
  bfq: boolean;
}

/** runc's mapping of blkio weight [10, 1000] onto io.weight [1, 10000]. */
export function blkioWeightToIOWeight(weight: number): number {
  if (weight === 0) return 0;
  return Math.trunc(1 + ((weight - 10) * 9999) / 990);
}

const dev = (d: { major: number; minor: number }): string => `${d.major}:${d.minor}`;

export function blkioV1(r: LinuxResources, ctx: BlkioContext): Translation {
  const t = translation();
  const b = r.blockIO;
  if (!b) return t;
  const weightFile = ctx.bfq ? 'blkio.bfq.weight' : 'blkio.weight';
  if (b.weight !== undefined && b.weight !== 0) t.writes.push({ file: weightFile, value: String(b.weight) });
  const leafIgnored = 'linux.resources.blockIO.leafWeight is ignored: BFQ has no leaf weights';
  if (b.leafWeight !== undefined && b.leafWeight !== 0) {
    if (ctx.bfq) t.warnings.push(leafIgnored);
    else t.writes.push({ file: 'blkio.leaf_weight', value: String(b.leafWeight) });
  }
  for (const d of b.weightDevice ?? []) {
    if (d.weight !== undefined && d.weight !== 0) t.writes.push({ file: `${weightFile}_device`, value: `${dev(d)} ${d.weight}` });
    if (d.leafWeight !== undefined && d.leafWeight !== 0) {
      if (ctx.bfq) t.warnings.push(leafIgnored);
      else t.writes.push({ file: 'blkio.leaf_weight_device', value: `${dev(d)} ${d.leafWeight}` });
    }
  }
  const throttle = (list: ThrottleDevice[] | undefined, file: string): void => {
    for (const d of list ?? []) t.writes.push({ file, value: `${dev(d)} ${d.rate}` });
  };
  throttle(b.throttleReadBpsDevice, 'blkio.throttle.read_bps_device');
  throttle(b.throttleWriteBpsDevice, 'blkio.throttle.write_bps_device');
  throttle(b.throttleReadIOPSDevice, 'blkio.throttle.read_iops_device');
  throttle(b.throttleWriteIOPSDevice, 'blkio.throttle.write_iops_device');
  return t;
}

export function ioV2(r: LinuxResources, ctx: BlkioContext): Translation {
  const t = translation();
  const b = r.blockIO;
  if (!b) return t;
  // io.bfq.weight takes the blkio range [1, 1000] as is; io.weight needs the conversion.
  const weight = (w: number): string => String(ctx.bfq ? w : blkioWeightToIOWeight(w));
  const file = ctx.bfq ? 'io.bfq.weight' : 'io.weight';
  if (b.weight !== undefined && b.weight !== 0) t.writes.push({ file, value: weight(b.weight) });
  if ((b.leafWeight ?? 0) !== 0 || (b.weightDevice ?? []).some((d) => (d.leafWeight ?? 0) !== 0)) {
    t.warnings.push('linux.resources.blockIO.leafWeight is ignored on cgroup v2');
  }
  for (const d of b.weightDevice ?? []) {
    if (d.weight !== undefined && d.weight !== 0) t.writes.push({ file, value: `${dev(d)} ${weight(d.weight)}` });
  }
  // io.max: "MAJ:MIN key=value"; a rate of 0 removes the limit ("max"), as 0 does in v1.
  const throttle = (list: ThrottleDevice[] | undefined, key: string): void => {
    for (const d of list ?? []) t.writes.push({ file: 'io.max', value: `${dev(d)} ${key}=${d.rate === 0 ? 'max' : d.rate}` });
  };
  throttle(b.throttleReadBpsDevice, 'rbps');
  throttle(b.throttleWriteBpsDevice, 'wbps');
  throttle(b.throttleReadIOPSDevice, 'riops');
  throttle(b.throttleWriteIOPSDevice, 'wiops');
  return t;
}
