// `events --stats` from v2 files (cgroup-v2.rst: cpu.stat, memory.current/.stat/.events,
// memory.swap.*, pids.current/max, io.stat, hugetlb.<size>.current/max/events).
import { emptyStats, flatKeyed, ioStat, single } from '../stats-parse.js';
import type { CgroupStats } from '../types.js';

export type V2Reader = (file: string) => string | undefined;

export function statsV2(read: V2Reader, hugePageSizes: string[]): CgroupStats {
  const s = emptyStats();
  const cpu = flatKeyed(read('cpu.stat'));
  // v2 reports microseconds; runc's stats are nanoseconds.
  s.cpu.usage = { total: (cpu.usage_usec ?? 0) * 1000, user: (cpu.user_usec ?? 0) * 1000, kernel: (cpu.system_usec ?? 0) * 1000 };
  s.cpu.throttling = { periods: cpu.nr_periods ?? 0, throttled_periods: cpu.nr_throttled ?? 0, throttled_time: (cpu.throttled_usec ?? 0) * 1000 };
  const raw = flatKeyed(read('memory.stat'));
  const events = flatKeyed(read('memory.events'));
  s.memory.raw = raw;
  s.memory.cache = raw.file ?? 0;
  s.memory.usage = { usage: single(read('memory.current')), max: single(read('memory.peak')), failcnt: events.max ?? 0, limit: single(read('memory.max')) };
  s.memory.swap = { usage: single(read('memory.swap.current')), max: single(read('memory.swap.peak')), failcnt: 0, limit: single(read('memory.swap.max')) };
  s.pids = { current: single(read('pids.current')), limit: single(read('pids.max')) };
  s.blkio = ioStat(read('io.stat'));
  for (const size of hugePageSizes) {
    s.hugetlb[size] = { usage: single(read(`hugetlb.${size}.current`)), max: 0, failcnt: flatKeyed(read(`hugetlb.${size}.events`)).max ?? 0 };
  }
  return s;
}

/** memory.events "oom_kill N". */
export const oomKillsV2 = (events: string | undefined): number => flatKeyed(events).oom_kill ?? 0;
