// linux.resources.cpu without cpus/mems (config-linux.md#cpu).
// v1: Documentation/scheduler/sched-bwc.rst, sched-rt-group.rst; v2: cgroup-v2.rst "CPU".
import { NotSupportedError } from '../../errors.js';
import type { LinuxResources } from '../../spec/types.js';
import type { Translation } from '../types.js';
import { ResourceError, translation } from './util.js';

/** runc's mapping of v1 shares [2, 262144] onto v2 weight [1, 10000]. */
export function sharesToWeight(shares: number): number {
  if (shares === 0) return 0;
  return Math.trunc(1 + ((shares - 2) * 9999) / 262142);
}

export function cpuV1(r: LinuxResources): Translation {
  const t = translation();
  const c = r.cpu;
  if (!c) return t;
  if (c.shares !== undefined && c.shares !== 0) t.writes.push({ file: 'cpu.shares', value: String(c.shares) });
  // Period before quota: the kernel checks quota against the current period.
  if (c.period !== undefined && c.period !== 0) t.writes.push({ file: 'cpu.cfs_period_us', value: String(c.period) });
  if (c.quota !== undefined && c.quota !== 0) t.writes.push({ file: 'cpu.cfs_quota_us', value: String(c.quota) });
  if (c.burst !== undefined) t.writes.push({ file: 'cpu.cfs_burst_us', value: String(c.burst) });
  if (c.realtimePeriod !== undefined && c.realtimePeriod !== 0) t.writes.push({ file: 'cpu.rt_period_us', value: String(c.realtimePeriod) });
  if (c.realtimeRuntime !== undefined && c.realtimeRuntime !== 0) t.writes.push({ file: 'cpu.rt_runtime_us', value: String(c.realtimeRuntime) });
  if (c.idle !== undefined) t.writes.push({ file: 'cpu.idle', value: String(c.idle) });
  return t;
}

export function cpuV2(r: LinuxResources): Translation {
  const t = translation();
  const c = r.cpu;
  if (!c) return t;
  if (c.realtimePeriod || c.realtimeRuntime) throw new NotSupportedError('linux.resources.cpu.realtimeRuntime/realtimePeriod on cgroup v2', 'the kernel has no rt bandwidth files in cgroup v2');
  if (c.shares !== undefined && c.shares !== 0) {
    if (c.shares < 2 || c.shares > 262144) throw new ResourceError('cpu.shares', c.shares, 'must be 2..262144');
    t.writes.push({ file: 'cpu.weight', value: String(sharesToWeight(c.shares)) });
  }
  // cpu.max is "$MAX $PERIOD"; the kernel default period is 100000us.
  if ((c.quota !== undefined && c.quota !== 0) || (c.period !== undefined && c.period !== 0)) {
    const quota = c.quota !== undefined && c.quota > 0 ? String(c.quota) : 'max';
    const period = c.period !== undefined && c.period !== 0 ? c.period : 100000;
    t.writes.push({ file: 'cpu.max', value: `${quota} ${period}` });
  }
  if (c.burst !== undefined) t.writes.push({ file: 'cpu.max.burst', value: String(c.burst) });
  if (c.idle !== undefined) t.writes.push({ file: 'cpu.idle', value: String(c.idle) });
  return t;
}
