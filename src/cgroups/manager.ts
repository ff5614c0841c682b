// The cgroup backend interface and its one factory switch (ARCHITECTURE.md: "Each backend
// behind one small interface with a single factory switch"): v1 (legacy/hybrid hosts) or v2.
import { dirname, join } from 'node:path';
import { NotSupportedError, RuntimeError } from '../errors.js';
import type { LinuxResources } from '../spec/types.js';
import { realCgroupIO } from './io.js';
import { detectHostCgroups } from './layout.js';
import { containerPaths, defaultCgroupsPath, parseSystemdPath, systemdCgroupPath } from './path.js';
import { SystemdBus } from './systemd/bus.js';
import { SystemdManager, type SystemdUnitRef } from './systemd/manager.js';
import type { CgroupIO, CgroupStats, HostCgroups, OomState } from './types.js';
import { V1Manager } from './v1/manager.js';
import { V2Manager } from './v2/manager.js';

export type { CgroupStats, HostCgroups, OomState } from './types.js';
export type { SystemdUnitRef } from './systemd/manager.js';
export { hasResources } from './controllers/index.js';

export interface CgroupManager {
  /** absolute cgroup directories of this container, keyed by hierarchy ('memory', 'cpu,cpuacct' style keys as mounted, or 'unified' for v2) */
  readonly paths: Readonly<Record<string, string>>;
  /** mkdir -p every hierarchy dir; idempotent */
  create(): void;
  /** every field; an error names the file and the value; returns the ignored fields' warnings (also logged) */
  apply(resources: LinuxResources): string[];
  /** write cgroup.procs in every hierarchy */
  addProcess(pid: number): void;
  /**
   * Files a new single-threaded process writes "0" to, itself, to enter the cgroup before it runs
   * anything else; empty when it must be placed from outside with addProcess.
   */
  selfJoinFiles(): string[];
  freeze(): void;
  thaw(): void;
  frozen(): boolean;
  /** all pids in the container cgroup (recursive) */
  pids(): number[];
  /** kill --all */
  signalAll(signal: number): void;
  /** kill what is left, wait until empty (bounded), rmdir; idempotent, no error when gone */
  destroy(): void;
  /** runc `events --stats` data (cpu, memory, pids, blkio, hugetlb) */
  stats(): CgroupStats;
  /** The systemd unit holding the cgroup (--systemd-cgroup). */
  readonly unit?: SystemdUnitRef;
  /** OOM kills so far (memory.oom_control / memory.events oom_kill), and whether it is stalled under OOM now (v1 with the OOM killer disabled) */
  oomState(): OomState;
}

export interface CgroupManagerOptions {
  id: string;
  cgroupsPath?: string;
  rootless: boolean;
  systemd: boolean;
  /** The host layout; detected from /proc/self when absent (tests pass their own). */
  host?: HostCgroups;
}

/** A rootless container asked for limits but its cgroup is not delegated to the user. */
export class CgroupDelegationError extends RuntimeError {
  override readonly code: string = 'ERR_TSRUN_CGROUP_DELEGATION';
  constructor(readonly paths: string[]) {
    super(
      `cannot set cgroup limits: ${paths.join(', ')} is not writable by uid ${process.geteuid?.()}. ` +
        'Rootless containers need a delegated cgroup v2 subtree (chown the directory and its cgroup.procs, ' +
        'cgroup.subtree_control and cgroup.threads to the user, e.g. systemd `Delegate=yes` or `systemd-run --user --scope`), ' +
        'then point linux.cgroupsPath at it; or drop linux.resources',
    );
  }
}

/** Whether the cgroup at `dir` (or, when it does not exist yet, its nearest existing parent) is writable. */
function writableDir(io: CgroupIO, dir: string): boolean {
  if (io.exists(dir)) return io.writable(dir) && io.writable(join(dir, 'cgroup.procs'));
  const parent = dirname(dir);
  return parent !== dir && writableDir(io, parent);
}

/** The scope of the systemd driver and its cgroup directory. */
function systemdUnit(opts: CgroupManagerOptions, host: HostCgroups): { unit: SystemdUnitRef; dir: string } {
  const p = parseSystemdPath(opts.cgroupsPath ?? `:tsrun:${opts.id}`, opts.rootless);
  if (!host.systemdRunning) {
    throw new RuntimeError('the systemd cgroup driver is not available: systemd is not running on this host (/run/systemd/system does not exist); run without --systemd-cgroup');
  }
  if (host.mode !== 'unified' || !host.unified) throw new NotSupportedError('--systemd-cgroup on a cgroup v1 host', 'the systemd driver drives the unified (v2) hierarchy only; run without --systemd-cgroup');
  const rel = systemdCgroupPath(p);
  const unit = { name: rel.slice(rel.lastIndexOf('/') + 1), slice: p.slice, user: opts.rootless };
  // The user's manager puts its units under its own cgroup (user@<uid>.service).
  const base = opts.rootless ? new SystemdBus(true).controlGroup().replace(/\/$/, '') : '';
  return { unit, dir: join(host.unified.mountpoint, base, rel) };
}

function resolvePaths(opts: CgroupManagerOptions, host: HostCgroups): Record<string, string> {
  if (opts.systemd) return { unified: systemdUnit(opts, host).dir };
  return containerPaths(host, opts.cgroupsPath ?? defaultCgroupsPath(opts.id));
}

/** Whether a rootless user may manage the container's cgroup (a delegated, writable subtree). */
export function canDelegate(opts: CgroupManagerOptions): boolean {
  const host = opts.host ?? detectHostCgroups();
  const io = host.io ?? realCgroupIO;
  return Object.values(resolvePaths(opts, host)).every((d) => writableDir(io, d));
}

/**
 * The container's cgroup manager. Rootless: null when the cgroup is not writable; the caller
 * then goes on without cgroups when hasResources(resources) is false, and throws
 * CgroupDelegationError otherwise.
 */
export function createCgroupManager(opts: CgroupManagerOptions): CgroupManager | null {
  const host = opts.host ?? detectHostCgroups();
  const io = host.io ?? realCgroupIO;
  if (opts.systemd) {
    const { unit, dir } = systemdUnit(opts, host);
    return new SystemdManager(unit, dir, io);
  }
  const paths = resolvePaths(opts, host);
  if (opts.rootless && !Object.values(paths).every((d) => writableDir(io, d))) return null;
  return host.mode === 'unified' ? new V2Manager(paths.unified, io) : new V1Manager(paths, io);
}

/** Reopen the manager of an existing container from the paths (and unit) saved in its state. */
export function loadCgroupManager(paths: Record<string, string>, io: CgroupIO = realCgroupIO, unit?: SystemdUnitRef): CgroupManager {
  if (unit && paths.unified) return new SystemdManager(unit, paths.unified, io, true);
  const keys = Object.keys(paths);
  if (keys.length === 1 && keys[0] === 'unified') return new V2Manager(paths.unified, io);
  if (keys.length === 0 || keys.includes('unified')) throw new RuntimeError(`invalid saved cgroup paths ${JSON.stringify(paths)}`);
  return new V1Manager(paths, io);
}

/** The manager of a container's saved cgroup paths, or undefined when it runs without a cgroup (rootless, none delegated). */
export function savedCgroupManager(paths: Record<string, string> | undefined, unit?: SystemdUnitRef): CgroupManager | undefined {
  return paths && Object.keys(paths).length > 0 ? loadCgroupManager(paths, realCgroupIO, unit) : undefined;
}
