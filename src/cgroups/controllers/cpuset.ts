// linux.resources.cpu.cpus / mems (config-linux.md#cpu). Same file names in v1 and v2
// (cgroup-v1/cpusets.rst, cgroup-v2.rst "Cpuset Interface Files").
import type { LinuxResources } from '../../spec/types.js';
import type { Translation } from '../types.js';
import { translation } from './util.js';

export function cpuset(r: LinuxResources): Translation {
  const t = translation();
  if (r.cpu?.cpus) t.writes.push({ file: 'cpuset.cpus', value: r.cpu.cpus });
  if (r.cpu?.mems) t.writes.push({ file: 'cpuset.mems', value: r.cpu.mems });
  return t;
}
