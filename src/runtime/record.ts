// The state record of a container that is being made (create, restore): status "creating",
// no pid yet, and what later commands need of its config (runtime.md#state).
import type { CgroupManager } from '../cgroups/manager.js';
import type { Spec } from '../spec/types.js';
import type { ContainerRecord } from '../state/record.js';
import { isoTime } from '../iso-time.js';
import { OCI_VERSION } from './status.js';

export function creatingRecord(id: string, bundle: string, spec: Spec, rootless: boolean, cgroup: CgroupManager | null): ContainerRecord {
  return {
    ociVersion: OCI_VERSION,
    id,
    status: 'creating',
    pid: 0,
    bundle,
    annotations: spec.annotations,
    pidStartTime: '',
    created: isoTime(),
    rootless,
    cgroupPaths: cgroup ? { ...cgroup.paths } : undefined,
    systemdUnit: cgroup?.unit,
    hooks: { poststart: spec.hooks?.poststart, poststop: spec.hooks?.poststop },
  };
}
