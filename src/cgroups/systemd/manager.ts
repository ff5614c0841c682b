// The systemd cgroup driver (--systemd-cgroup), as runc's libcontainer/cgroups/systemd/v2.go:
// the container's cgroup is a transient scope `<prefix>-<name>.scope` in the slice of
// linux.cgroupsPath ("slice:prefix:name"), started over D-Bus with the init's pid and
// Delegate=yes, the resources systemd knows as unit properties; then the cgroupfs driver on the
// scope's directory for every field (the rest, and the same values for systemd's), and for
// freeze, kill, pids and stats. Delete stops the unit.
import type { LinuxResources } from '../../spec/types.js';
import { RuntimeError } from '../../errors.js';
import type { CgroupManager } from '../manager.js';
import type { CgroupIO, CgroupStats, OomState } from '../types.js';
import { V2Manager } from '../v2/manager.js';
import { SystemdBus, unitObjectPath as unitPath } from './bus.js';
import { resourceProperties, scopeProperties } from './properties.js';

const SIGKILL = 9;

/** What state.json keeps of a container's unit. */
export interface SystemdUnitRef {
  name: string;
  slice: string;
  /** The user's own systemd (rootless), not the system's. */
  user: boolean;
}

export class SystemdManager implements CgroupManager {
  readonly paths: Readonly<Record<string, string>>;
  private readonly fs: V2Manager;
  private pending: LinuxResources | undefined;

  /** `started`: the unit exists (a manager reopened from state.json). */
  constructor(
    readonly unit: SystemdUnitRef,
    private readonly dir: string,
    io: CgroupIO,
    private started = false,
    private readonly bus = new SystemdBus(unit.user),
  ) {
    this.paths = Object.freeze({ unified: dir });
    this.fs = new V2Manager(dir, io);
  }

  /** The scope's directory exists before its unit is started by this create: another's cgroup. */
  existing(): boolean {
    return this.fs.existing();
  }

  /** systemd makes the directory when the scope starts (addProcess). */
  create(): void {}

  apply(resources: LinuxResources): string[] {
    if (!this.started) {
      // Applied with the unit's start, when the init's pid is known.
      this.pending = resources;
      return [];
    }
    this.bus.setUnitProperties(this.unit.name, resourceProperties(resources));
    return this.fs.apply(resources);
  }

  selfJoinFiles(): string[] {
    return [];
  }

  addProcess(pid: number): void {
    if (this.started) return this.fs.addProcess(pid);
    const props = [...scopeProperties(`tsrun container ${this.unit.name}`, this.unit.slice, pid), ...resourceProperties(this.pending ?? {})];
    this.bus.startTransientUnit(this.unit.name, props);
    this.started = true;
    const group = this.bus.getProperty(unitPath(this.unit.name), 'org.freedesktop.systemd1.Scope', 'ControlGroup');
    if (!this.dir.endsWith(group)) throw new RuntimeError(`systemd put ${this.unit.name} in cgroup ${group}, not at ${this.dir}`);
    // Controllers systemd does not enable itself (hugetlb, rdma, misc, cpuset without AllowedCPUs).
    this.fs.create();
    if (this.pending) this.fs.apply(this.pending);
  }

  freeze(): void {
    this.fs.freeze();
  }

  thaw(): void {
    this.fs.thaw();
  }

  frozen(): boolean {
    return this.fs.frozen();
  }

  pids(): number[] {
    return this.fs.pids();
  }

  signalAll(signal: number): void {
    this.fs.signalAll(signal);
  }

  destroy(): void {
    if (!this.started) return;
    // SIGKILL first (cgroup.kill): StopUnit alone sends SIGTERM and waits TimeoutStopSec.
    if (this.fs.pids().length > 0) this.fs.signalAll(SIGKILL);
    this.bus.stopUnit(this.unit.name);
    this.fs.destroy();
  }

  stats(): CgroupStats {
    return this.fs.stats();
  }

  oomState(): OomState {
    return this.fs.oomState();
  }
}
