// Realtime bandwidth along the path to a v1 cpu cgroup (Documentation/scheduler/sched-rt-group.rst).
// A new cgroup gets cpu.rt_runtime_us 0, and the kernel refuses a child more realtime bandwidth
// than its parent has (kernel/sched/rt.c tg_rt_schedulable: for every group, the sum of its
// children's runtime/period ratios must not exceed its own: EINVAL). So a container at /a/b/c
// asking for 10 ms per second first needs /a and /b to hold at least that, besides what their
// other children already hold. Docker's daemon raises the parents the same way
// (daemon_unix.go initCPURtController); runc 1.1 writes only the container's own file and fails
// with EINVAL below a parent without budget. Only raises, top-down; the hierarchy's root (whose
// budget is the system's, sched_rt_runtime_us) is never written.
import { dirname, join } from 'node:path';
import { errCode } from '../io.js';
import type { CgroupIO } from '../types.js';
import { CgroupWriteError } from '../write.js';

const RUNTIME = 'cpu.rt_runtime_us';
const PERIOD = 'cpu.rt_period_us';

/**
 * `runtimeUs` per `fromPeriod` as runtime per `toPeriod`, rounded up. Budgets compare as
 * runtime/period ratios (kernel/sched/core.c to_ratio); rounding up keeps every sum at or above
 * the kernel's, which adds rounded-down ratios.
 */
export function scaleRuntime(runtimeUs: bigint, fromPeriod: bigint, toPeriod: bigint): bigint {
  return fromPeriod === toPeriod ? runtimeUs : (runtimeUs * toPeriod + fromPeriod - 1n) / fromPeriod;
}

interface Group {
  runtime: bigint;
  period: bigint;
}

function readGroup(io: CgroupIO, dir: string): Group {
  return { runtime: BigInt(io.read(join(dir, RUNTIME)).trim()), period: BigInt(io.read(join(dir, PERIOD)).trim()) };
}

const hasRt = (io: CgroupIO, dir: string): boolean => io.exists(join(dir, RUNTIME));

/** The runtime (per `period`) the children of `parent` other than `except` hold. */
function othersRuntime(io: CgroupIO, parent: string, except: string, period: bigint): bigint {
  let sum = 0n;
  for (const name of io.subdirs(parent)) {
    const dir = join(parent, name);
    if (dir === except || !hasRt(io, dir)) continue;
    const g = readGroup(io, dir);
    if (g.runtime > 0n) sum += scaleRuntime(g.runtime, g.period, period);
  }
  return sum;
}

/**
 * The writes that let the cgroup `dir` (existing, its ancestors too) hold `runtimeUs` per
 * `periodUs`: each ancestor below the hierarchy's root that has less than its children then
 * hold, raised to just that, outermost first. A runtime of -1 (RUNTIME_INF) is enough for all.
 */
export function rtBudgetWrites(io: CgroupIO, dir: string, runtimeUs: bigint, periodUs: bigint): { file: string; value: string }[] {
  const writes: { file: string; value: string }[] = [];
  let need: Group = { runtime: runtimeUs, period: periodUs };
  let child = dir;
  // The hierarchy's root is the last directory whose parent has no cpu.rt_runtime_us.
  for (let parent = dirname(dir); need.runtime > 0n && parent !== child && hasRt(io, parent) && hasRt(io, dirname(parent)); child = parent, parent = dirname(parent)) {
    const g = readGroup(io, parent);
    const want = othersRuntime(io, parent, child, g.period) + scaleRuntime(need.runtime, need.period, g.period);
    if (g.runtime < 0n || g.runtime >= want) break;
    writes.unshift({ file: join(parent, RUNTIME), value: String(want) });
    need = { runtime: want, period: g.period };
  }
  return writes;
}

/** Raise the ancestors of `dir` (see rtBudgetWrites); a refusal names the file and the budget asked. */
export function ensureRtBudget(io: CgroupIO, dir: string, runtimeUs: number, periodUs: number | undefined): void {
  const period = periodUs ?? Number(io.read(join(dir, PERIOD)).trim());
  for (const w of rtBudgetWrites(io, dir, BigInt(runtimeUs), BigInt(period))) {
    try {
      io.write(w.file, w.value);
    } catch (err) {
      throw new CgroupWriteError(w.file, w.value, errCode(err), `the realtime budget ${runtimeUs}us per ${period}us of ${dir} needs it in every parent cgroup, and the cgroups above have too little left (sched-rt-group.rst)`);
    }
  }
}
