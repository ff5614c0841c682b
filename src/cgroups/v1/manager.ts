// cgroup v1 backend: one directory per mounted hierarchy (cgroup-v1/cgroups.rst).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { RuntimeError } from '../../errors.js';
import { warn } from '../../log.js';
import type { LinuxResources } from '../../spec/types.js';
import { translateV1 } from '../controllers/index.js';
import { kmemLimitsWork } from '../controllers/memory.js';
import { errCode } from '../io.js';
import { keyOf } from '../layout.js';
import type { CgroupManager } from '../manager.js';
import { pageSizes, readProcs, removeWithRetry, signalPids, waitFor } from '../procs.js';
import type { CgroupIO, CgroupStats, OomState } from '../types.js';
import { applyTranslation, CgroupWriteError } from '../write.js';
import { inheritCpuset } from './cpuset.js';
import { ensureRtBudget } from './rt-budget.js';
import { freezerState, freezeV1, thawV1 } from './freezer.js';
import { oomStateV1, statsV1 } from './stats.js';

const SIGKILL = 9;
/** How long destroy() waits for killed processes to leave the cgroup. */
const DESTROY_TIMEOUT_MS = 10_000;

export class V1Manager implements CgroupManager {
  readonly paths: Readonly<Record<string, string>>;

  constructor(
    paths: Record<string, string>,
    private readonly io: CgroupIO,
  ) {
    this.paths = Object.freeze({ ...paths });
  }

  /** The directory of the hierarchy holding `controller`, if mounted. */
  dirOf(controller: string): string | undefined {
    const key = keyOf(Object.keys(this.paths), controller);
    return key === undefined ? undefined : this.paths[key];
  }

  private need(controller: string, what: string): string {
    const dir = this.dirOf(controller);
    if (dir === undefined) throw new RuntimeError(`cgroup v1 controller ${controller} is not mounted on this host (needed for ${what})`);
    return dir;
  }

  existing(): boolean {
    return Object.values(this.paths).some((dir) => this.io.exists(dir));
  }

  create(): void {
    for (const dir of Object.values(this.paths)) this.io.mkdirp(dir);
    const cpuset = this.dirOf('cpuset');
    if (cpuset !== undefined) inheritCpuset(this.io, cpuset);
  }

  apply(resources: LinuxResources): string[] {
    const blkio = this.dirOf('blkio');
    // CFQ's blkio.weight is gone since 5.0; BFQ provides blkio.bfq.weight when it is the scheduler.
    const bfq = blkio !== undefined && !this.io.exists(join(blkio, 'blkio.weight')) && this.io.exists(join(blkio, 'blkio.bfq.weight'));
    const memory = this.dirOf('memory');
    // uname(2)'s release as procfs has it (node:os would cost a create ~0.6 M instructions to load).
    const kmem = memory !== undefined && this.io.exists(join(memory, 'memory.kmem.limit_in_bytes')) && kmemLimitsWork(readFileSync('/proc/sys/kernel/osrelease', 'utf8').trim());
    const warnings: string[] = [];
    for (const t of translateV1(resources, { bfq, kmem })) {
      warnings.push(...t.warnings);
      if (t.writes.length === 0) continue;
      const dir = this.need(t.controller, `linux.resources: ${t.writes.map((w) => w.file).join(', ')}`);
      const rt = t.controller === 'cpu' ? resources.cpu?.realtimeRuntime : undefined;
      if (rt !== undefined && rt > 0) ensureRtBudget(this.io, dir, rt, resources.cpu?.realtimePeriod || undefined);
      applyTranslation(this.io, dir, t, t.controller);
    }
    for (const w of warnings) warn(w);
    return warnings;
  }

  addProcess(pid: number): void {
    for (const dir of Object.values(this.paths)) {
      const file = join(dir, 'cgroup.procs');
      try {
        this.io.write(file, String(pid));
      } catch (err) {
        throw new CgroupWriteError(file, String(pid), errCode(err));
      }
    }
  }

  // A task that moves only itself (pid 0 written to `tasks`) does not take the kernel's
  // cgroup_threadgroup_rwsem, whose write side waits for an RCU grace period: about 12 ms on
  // this kind of host for the first cgroup.procs write, and nothing for `tasks` (measured with
  // strace -T; kernel/cgroup/cgroup.c cgroup_procs_write_start). tsrun-init is single-threaded,
  // so its one task is the whole process.
  selfJoinFiles(): string[] {
    return Object.values(this.paths).map((dir) => join(dir, 'tasks'));
  }

  freeze(): void {
    freezeV1(this.io, this.need('freezer', 'pause'));
  }

  thaw(): void {
    thawV1(this.io, this.need('freezer', 'resume'));
  }

  frozen(): boolean {
    const dir = this.dirOf('freezer');
    return dir !== undefined && this.io.exists(dir) && freezerState(this.io, dir) === 'FROZEN';
  }

  /** Every hierarchy holds the same processes; pids or freezer are the ones tsrun always joins. */
  private procsDir(): string {
    return this.dirOf('pids') ?? this.dirOf('freezer') ?? this.dirOf('memory') ?? Object.values(this.paths)[0];
  }

  pids(): number[] {
    return readProcs(this.io, this.procsDir());
  }

  signalAll(signal: number): void {
    // SIGKILL on a frozen cgroup: no process can fork between the listing and the kill.
    const freezer = this.dirOf('freezer');
    if (signal === SIGKILL && freezer !== undefined && this.io.exists(freezer)) {
      // Thawed afterwards even if it was paused: frozen tasks cannot die.
      freezeV1(this.io, freezer);
      try {
        signalPids(this.pids(), signal);
      } finally {
        thawV1(this.io, freezer);
      }
      return;
    }
    signalPids(this.pids(), signal);
  }

  destroy(): void {
    const existing = Object.values(this.paths).filter((d) => this.io.exists(d));
    if (existing.length === 0) return;
    // An empty cgroup (a stopped container's) is listed once.
    if (this.pids().length > 0) {
      this.signalAll(SIGKILL);
      if (!waitFor(this.io, () => this.pids().length === 0, DESTROY_TIMEOUT_MS)) {
        throw new RuntimeError(`cgroup ${this.procsDir()} still has processes ${this.pids().join(' ')} after SIGKILL`);
      }
    }
    for (const dir of existing) removeWithRetry(this.io, dir);
  }

  stats(): CgroupStats {
    const read = (controller: string, file: string): string | undefined => {
      const dir = this.dirOf(controller);
      if (dir === undefined) return undefined;
      try {
        return this.io.read(join(dir, file));
      } catch {
        return undefined;
      }
    };
    const huge = this.dirOf('hugetlb');
    const sizes = huge === undefined || !this.io.exists(huge) ? [] : pageSizes(this.io.files(huge), 'limit_in_bytes');
    return statsV1(read, sizes);
  }

  oomState(): OomState {
    const dir = this.dirOf('memory');
    if (dir === undefined || !this.io.exists(join(dir, 'memory.oom_control'))) return { kills: 0, underOom: false };
    return oomStateV1(this.io.read(join(dir, 'memory.oom_control')));
  }
}
