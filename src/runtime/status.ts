// A container's status now: stored 'creating'/'created', the rest from its process (runtime.md#state).
import type { State } from '../spec/types.js';
import type { ContainerRecord } from '../state/record.js';
import { isAlive } from '../state/liveness.js';
import type { Status } from '../state/status.js';
import type { ContainerDir } from '../state/store.js';
import { savedCgroupManager } from '../cgroups/manager.js';
import { pathExists } from '../native/index.js';
import { OCI_VERSION } from '../version.js';

/** runc reports "paused" while the container's cgroup is frozen (runtime.md leaves pause to runtimes). */
function isFrozen(record: ContainerRecord): boolean {
  try {
    return savedCgroupManager(record.cgroupPaths, record.systemdUnit)?.frozen() ?? false;
  } catch {
    return false;
  }
}

export { OCI_VERSION };

export function statusOf(record: ContainerRecord, dir: ContainerDir): Status {
  if (record.status === 'creating') return 'creating';
  if (!isAlive(record.pid, record.pidStartTime)) return 'stopped';
  // As runc (refreshState): a frozen cgroup reads paused, also for a container not started yet.
  if (isFrozen(record)) return 'paused';
  return pathExists(dir.fifoPath) ? 'created' : 'running';
}

/** The state document of runtime.md#state. */
export function stateOf(record: ContainerRecord, status: Status): Omit<State, 'status'> & { status: Status } {
  const live = status !== 'stopped';
  return {
    ociVersion: OCI_VERSION,
    id: record.id,
    status,
    pid: live ? record.pid : 0,
    bundle: record.bundle,
    annotations: record.annotations ?? {},
  };
}
