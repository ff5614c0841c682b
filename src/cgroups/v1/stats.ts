// `events --stats` from v1 files (cgroup-v1/memory.rst "usage_in_bytes", cpuacct.rst,
// sched-bwc.rst "Statistics", blkio-controller.rst, hugetlb.rst, pids.rst).
import { blkioV1Lines, emptyStats, flatKeyed, numberList, single } from '../stats-parse.js';
import type { CgroupStats, OomState, StatsEntry } from '../types.js';

/** Reads `file` of the hierarchy holding `controller`; undefined when either is missing. */
export type V1Reader = (controller: string, file: string) => string | undefined;

/** cpuacct.stat counts USER_HZ ticks (100 per second on Linux). */
const TICK_NS = 1e9 / 100;

function entry(read: V1Reader, prefix: string): StatsEntry {
  return {
    usage: single(read('memory', `${prefix}.usage_in_bytes`)),
    max: single(read('memory', `${prefix}.max_usage_in_bytes`)),
    failcnt: single(read('memory', `${prefix}.failcnt`)),
    limit: single(read('memory', `${prefix}.limit_in_bytes`)),
  };
}

export function statsV1(read: V1Reader, hugePageSizes: string[]): CgroupStats {
  const s = emptyStats();
  const acct = flatKeyed(read('cpuacct', 'cpuacct.stat'));
  s.cpu.usage = {
    total: single(read('cpuacct', 'cpuacct.usage')),
    percpu: numberList(read('cpuacct', 'cpuacct.usage_percpu')),
    user: (acct.user ?? 0) * TICK_NS,
    kernel: (acct.system ?? 0) * TICK_NS,
  };
  const cpu = flatKeyed(read('cpu', 'cpu.stat'));
  s.cpu.throttling = { periods: cpu.nr_periods ?? 0, throttled_periods: cpu.nr_throttled ?? 0, throttled_time: cpu.throttled_time ?? 0 };
  const raw = flatKeyed(read('memory', 'memory.stat'));
  s.memory = {
    cache: raw.total_cache ?? raw.cache ?? 0,
    usage: entry(read, 'memory'),
    swap: entry(read, 'memory.memsw'),
    kernel: entry(read, 'memory.kmem'),
    kernelTCP: entry(read, 'memory.kmem.tcp'),
    raw,
  };
  s.pids = { current: single(read('pids', 'pids.current')), limit: single(read('pids', 'pids.max')) };
  s.blkio = {
    ioServiceBytesRecursive: blkioV1Lines(read('blkio', 'blkio.throttle.io_service_bytes_recursive') ?? read('blkio', 'blkio.throttle.io_service_bytes')),
    ioServicedRecursive: blkioV1Lines(read('blkio', 'blkio.throttle.io_serviced_recursive') ?? read('blkio', 'blkio.throttle.io_serviced')),
  };
  for (const size of hugePageSizes) {
    s.hugetlb[size] = {
      usage: single(read('hugetlb', `hugetlb.${size}.usage_in_bytes`)),
      max: single(read('hugetlb', `hugetlb.${size}.max_usage_in_bytes`)),
      failcnt: single(read('hugetlb', `hugetlb.${size}.failcnt`)),
    };
  }
  return s;
}

/** memory.oom_control "oom_kill N" (kernel >= 4.13) and "under_oom 0|1" (cgroup-v1/memory.rst 10. OOM Control). */
export function oomStateV1(oomControl: string | undefined): OomState {
  const f = flatKeyed(oomControl);
  return { kills: f.oom_kill ?? 0, underOom: f.under_oom === 1 };
}
