// A new v1 cpuset cgroup starts with empty cpuset.cpus and cpuset.mems, and no task can join
// it until both are set (cgroup-v1/cpusets.rst 2.1). Copy them down from the nearest parent.
import { dirname, join } from 'node:path';
import type { CgroupIO } from '../types.js';

export function inheritCpuset(io: CgroupIO, dir: string): void {
  for (const file of ['cpuset.cpus', 'cpuset.mems']) fill(io, dir, file);
}

function fill(io: CgroupIO, dir: string, file: string): string {
  const path = join(dir, file);
  if (!io.exists(path)) return ''; // above the hierarchy's mount point
  const value = io.read(path).trim();
  if (value !== '') return value;
  const parent = dirname(dir);
  const inherited = parent === dir ? '' : fill(io, parent, file);
  if (inherited !== '') io.write(path, inherited);
  return inherited;
}
