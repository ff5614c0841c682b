// The cgroup of a container, reopened from the paths its state.json saved.
import { join } from 'node:path';
import { realCgroupIO } from '../cgroups/io.js';
import { keyOf } from '../cgroups/layout.js';
import { savedCgroupManager } from '../cgroups/manager.js';
import type { HostCgroups } from '../cgroups/types.js';
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

/** tsrun's share for a realtime process whose config names no budget: 1/20 of the period (50 ms of the kernel's default 1 s). */
const DEFAULT_RT_SHARE = 20;

/**
 * A SCHED_FIFO/RR process under RT group scheduling (a v1 cpu hierarchy showing cpu.rt_runtime_us)
 * may only start in a cgroup with realtime runtime (kernel/sched/syscalls.c __sched_setscheduler:
 * EPERM when the task group's rt_runtime is 0), and a new cgroup has none. When the config sets
 * no realtimeRuntime, the container gets a small one of its own (tsrun's choice; runc 1.2 leaves
 * it 0 and fails). Rootless: nothing, the kernel refuses the policy without CAP_SYS_NICE anyway.
 */
export function withRealtimeBudget(resources: LinuxResources, spec: Spec, host: HostCgroups, rootless: boolean): LinuxResources {
  const policy = spec.process?.scheduler?.policy;
  if (rootless || (policy !== 'SCHED_FIFO' && policy !== 'SCHED_RR') || resources.cpu?.realtimeRuntime) return resources;
  const key = host.mode === 'unified' ? undefined : keyOf(Object.keys(host.v1), 'cpu');
  if (key === undefined || !(host.io ?? realCgroupIO).exists(join(host.v1[key].mountpoint, 'cpu.rt_runtime_us'))) return resources;
  const period = resources.cpu?.realtimePeriod || 1_000_000;
  return { ...resources, cpu: { ...resources.cpu, realtimeRuntime: Math.max(1, Math.floor(period / DEFAULT_RT_SHARE)) } };
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

/**
 * Before create: whether the container joins a cgroup that exists already. runc 1.1 warns that
 * joining a non-empty cgroup is deprecated and runc 1.2 refuses it (libcontainer/factory_linux.go
 * Create); tsrun refuses it, and a frozen one, as runc does: its processes are not the container's.
 */
export function checkJoinedCgroup(cgroup: CgroupManager, id: string): boolean {
  if (!cgroup.existing()) return false;
  const pids = cgroup.pids();
  const where = Object.values(cgroup.paths).join(', ');
  if (pids.length > 0) throw new RuntimeError(`container ${id}: its cgroup ${where} exists and is not empty (${pids.length} process(es): ${pids.slice(0, 5).join(' ')}); a container needs a new or an empty cgroup`);
  if (cgroup.frozen()) throw new RuntimeError(`container ${id}: its cgroup ${where} exists and is frozen`);
  return true;
}
