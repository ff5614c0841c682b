// The host facts of runc's isolated-cpu-affinity-transition annotation (plan/cpu-transition.ts):
// the nohz_full cpus (the kernel command line, else /sys/devices/system/cpu/nohz_full, as runc
// reads them) and the container cgroup's effective cpuset. Read only when the annotation is set.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { cpuTransitionOf, type CpuTransition } from '../plan/cpu-transition.js';
import { parseNumberList } from '../plan/num-list.js';

const MAX_CPUS = 8192;

function readList(path: string): number[] | undefined {
  try {
    const list = parseNumberList(readFileSync(path, 'utf8').trim(), MAX_CPUS, 'cpu');
    return typeof list === 'string' ? undefined : list;
  } catch {
    return undefined;
  }
}

function isolatedCpus(): number[] {
  const cmdline = /(?:^|\s)nohz_full=(\S+)/.exec(readFileSync('/proc/cmdline', 'utf8'));
  if (cmdline) {
    const list = parseNumberList(cmdline[1], MAX_CPUS, 'cpu');
    if (typeof list !== 'string') return list;
  }
  return readList('/sys/devices/system/cpu/nohz_full') ?? [];
}

/** The container's effective cpus: v1 cpuset.effective_cpus, v2 cpuset.cpus.effective. */
function cgroupCpus(cgroupPaths: Record<string, string> | undefined): number[] {
  for (const dir of new Set(Object.values(cgroupPaths ?? {}))) {
    const cpus = readList(join(dir, 'cpuset.effective_cpus')) ?? readList(join(dir, 'cpuset.cpus.effective'));
    if (cpus) return cpus;
  }
  return [];
}

export function cpuTransitionFacts(annotations: Record<string, string> | undefined, cgroupPaths: Record<string, string> | undefined): { mode: CpuTransition; cpuset: number[]; isolated: number[] } | undefined {
  const mode = cpuTransitionOf(annotations);
  return mode ? { mode, cpuset: cgroupCpus(cgroupPaths), isolated: isolatedCpus() } : undefined;
}
