// The cgroup of a container, reopened from the paths its state.json saved.
import { savedCgroupManager } from '../cgroups/manager.js';
import type { CgroupManager } from '../cgroups/manager.js';
import { withDefaultDeviceRules } from '../cgroups/controllers/devices.js';
import { RuntimeError } from '../errors.js';
import { DEFAULT_DEVICES } from '../plan/rootfs.js';
import type { LinuxResources, Spec } from '../spec/types.js';
import type { ContainerRecord } from '../state/record.js';

export function containerCgroup(record: ContainerRecord, operation: string): CgroupManager {
  const cgroup = savedCgroupManager(record.cgroupPaths, record.systemdUnit);
  if (!cgroup) throw new RuntimeError(`cannot ${operation} container ${record.id}: it has no cgroup (a rootless container without a delegated cgroup)`);
  return cgroup;
}

/**
 * The resources create applies: the config's, with runc's default device rules after the
 * config's own. Rootless containers get no device rules (runc: an unprivileged user can neither
 * load a cgroup BPF program nor create device nodes; its devices are bind mounts of the host's).
 */
export function createResources(spec: Spec, rootless: boolean): LinuxResources {
  const resources = spec.linux?.resources ?? {};
  if (rootless) return { ...resources, devices: undefined };
  return { ...resources, devices: withDefaultDeviceRules(resources.devices ?? [], [...DEFAULT_DEVICES, ...(spec.linux?.devices ?? [])]) };
}

/** How a new init enters the container's cgroup before its first step. */
export interface CgroupPlacement {
  /** Files the init writes "0" to itself (HostFacts.cgroupJoin). */
  selfJoin: string[];
  /** Placement from outside, by pid, when the init cannot join by itself (LaunchOptions.beforePlan). */
  beforePlan?: (initPid: number) => void;
}

export function cgroupPlacement(cgroup: CgroupManager | null | undefined): CgroupPlacement {
  const selfJoin = cgroup?.selfJoinFiles() ?? [];
  if (!cgroup || selfJoin.length > 0) return { selfJoin };
  return { selfJoin, beforePlan: (pid) => cgroup.addProcess(pid) };
}
