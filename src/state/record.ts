import type { SystemdUnitRef } from '../cgroups/systemd/manager.js';
import type { ResctrlRecord } from '../resctrl/resctrl.js';
import type { HostRootfsMount } from '../runtime/host-rootfs.js';
import type { ContainerStatus, Hook } from '../spec/types.js';

/** What state.json holds: the spec's state (runtime.md#state) plus what later commands need. */
export interface ContainerRecord {
  ociVersion: string;
  id: string;
  /** Only 'creating' and 'created' are stored; running/stopped/paused are derived from the process. */
  status: Extract<ContainerStatus, 'creating' | 'created'>;
  pid: number;
  bundle: string;
  annotations?: Record<string, string>;
  /** /proc/<pid>/stat start time of the container process, against pid reuse. */
  pidStartTime: string;
  /** ISO 8601 time of create. */
  created: string;
  /** Created by an unprivileged user. */
  rootless: boolean;
  /** Created with --no-new-keyring: exec keeps the caller's session keyring too. */
  noNewKeyring?: boolean;
  /** Cgroup directories by hierarchy, when the container has a cgroup. */
  cgroupPaths?: Record<string, string>;
  /** The systemd scope holding that cgroup (--systemd-cgroup). */
  systemdUnit?: SystemdUnitRef;
  /**
   * The cgroup existed before create (issue 13 item 5): the container joined it, and delete and a
   * failed create neither kill what is in it nor remove it; only a cgroup tsrun made is destroyed.
   */
  cgroupJoined?: boolean;
  /** The hooks the runtime runs after create (kept so start and delete need not read the bundle). */
  hooks?: { poststart?: Hook[]; poststop?: Hook[] };
  /** linux.intelRdt: the resctrl groups the container's processes join, and what delete removes. */
  intelRdt?: ResctrlRecord;
  /** No mount namespace: where the init binds the rootfs in the runtime's namespace; delete detaches it. */
  hostRootfs?: HostRootfsMount;
}
