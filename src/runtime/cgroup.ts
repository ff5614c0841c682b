// The cgroup of a container, reopened from the paths its state.json saved.
import { loadCgroupManager } from '../cgroups/manager.js';
import type { CgroupManager } from '../cgroups/manager.js';
import { RuntimeError } from '../errors.js';
import type { ContainerRecord } from '../state/record.js';

export function containerCgroup(record: ContainerRecord, operation: string): CgroupManager {
  if (!record.cgroupPaths || Object.keys(record.cgroupPaths).length === 0) {
    throw new RuntimeError(`cannot ${operation} container ${record.id}: it has no cgroup (a rootless container without a delegated cgroup)`);
  }
  return loadCgroupManager(record.cgroupPaths);
}
