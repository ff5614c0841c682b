// The cgroup of a container, reopened from the paths its state.json saved, and the status
// with "paused" (runtime.md#state leaves pause to the runtime; runc reports "paused" while
// the cgroup is frozen).
import { loadCgroupManager } from '../cgroups/manager.js';
import type { CgroupManager } from '../cgroups/manager.js';
import { RuntimeError } from '../errors.js';
import type { ContainerRecord } from '../state/record.js';
import type { Status } from '../state/status.js';
import type { ContainerDir } from '../state/store.js';
import { statusOf } from './status.js';

export function containerCgroup(record: ContainerRecord, operation: string): CgroupManager {
  if (!record.cgroupPaths || Object.keys(record.cgroupPaths).length === 0) {
    throw new RuntimeError(`cannot ${operation} container ${record.id}: it has no cgroup (a rootless container without a delegated cgroup)`);
  }
  return loadCgroupManager(record.cgroupPaths);
}

/** statusOf, plus 'paused' when the container's cgroup is frozen. */
export function statusWithPause(record: ContainerRecord, dir: ContainerDir): Status {
  const status = statusOf(record, dir);
  if (status !== 'running' || !record.cgroupPaths || Object.keys(record.cgroupPaths).length === 0) return status;
  try {
    return loadCgroupManager(record.cgroupPaths).frozen() ? 'paused' : status;
  } catch {
    return status;
  }
}
