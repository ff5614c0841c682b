// cgroup v2 backend: the one unified directory (Documentation/admin-guide/cgroup-v2.rst).
import { join } from 'node:path';
import { RuntimeError } from '../../errors.js';
import { warn } from '../../log.js';
import type { LinuxResources } from '../../spec/types.js';
import { translateV2 } from '../controllers/index.js';
import { encodeProgram } from '../devices/bpf.js';
import { errCode } from '../io.js';
import type { CgroupManager } from '../manager.js';
import { pageSizes, readProcs, removeWithRetry, signalPids, waitFor } from '../procs.js';
import type { CgroupIO, CgroupStats, OomState } from '../types.js';
import { applyTranslation, CgroupWriteError } from '../write.js';
import { frozenV2, setFrozenV2 } from './freezer.js';
import { oomKillsV2, statsV2 } from './stats.js';
import { enableControllers } from './subtree.js';

const SIGKILL = 9;
const DESTROY_TIMEOUT_MS = 10_000;

export class V2Manager implements CgroupManager {
  readonly paths: Readonly<Record<string, string>>;

  constructor(
    private readonly dir: string,
    private readonly io: CgroupIO,
  ) {
    this.paths = Object.freeze({ unified: dir });
  }

  existing(): boolean {
    return this.io.exists(this.dir);
  }

  create(): void {
    this.io.mkdirp(this.dir);
    enableControllers(this.io, this.dir);
  }

  apply(resources: LinuxResources): string[] {
    const bfq = this.io.exists(join(this.dir, 'io.bfq.weight'));
    const warnings: string[] = [];
    for (const t of translateV2(resources, { bfq })) {
      warnings.push(...t.warnings);
      applyTranslation(this.io, this.dir, t, t.controller);
      if (t.program) this.io.attachDeviceProgram(this.dir, encodeProgram(t.program));
    }
    for (const w of warnings) warn(w);
    return warnings;
  }

  // v2 moves whole processes: cgroup.procs with pid 0 still takes the threadgroup lock, and
  // cgroup.threads cannot cross domains (cgroup-v2.rst "Threads").
  selfJoinFiles(): string[] {
    return [];
  }

  addProcess(pid: number): void {
    const file = join(this.dir, 'cgroup.procs');
    try {
      this.io.write(file, String(pid));
    } catch (err) {
      throw new CgroupWriteError(file, String(pid), errCode(err));
    }
  }

  freeze(): void {
    setFrozenV2(this.io, this.dir, true);
  }

  thaw(): void {
    setFrozenV2(this.io, this.dir, false);
  }

  frozen(): boolean {
    return this.io.exists(this.dir) && frozenV2(this.io, this.dir);
  }

  pids(): number[] {
    return readProcs(this.io, this.dir);
  }

  signalAll(signal: number): void {
    // cgroup.kill (5.14+) kills the whole subtree atomically.
    if (signal === SIGKILL && this.io.exists(join(this.dir, 'cgroup.kill'))) {
      this.io.write(join(this.dir, 'cgroup.kill'), '1');
      return;
    }
    if (signal === SIGKILL && this.io.exists(join(this.dir, 'cgroup.freeze'))) {
      this.freeze();
      try {
        signalPids(this.pids(), signal);
      } finally {
        this.thaw();
      }
      return;
    }
    signalPids(this.pids(), signal);
  }

  destroy(): void {
    if (!this.io.exists(this.dir)) return;
    // An empty cgroup (a stopped container's) is listed once.
    if (this.pids().length > 0) {
      this.signalAll(SIGKILL);
      if (!waitFor(this.io, () => this.pids().length === 0, DESTROY_TIMEOUT_MS)) {
        throw new RuntimeError(`cgroup ${this.dir} still has processes ${this.pids().join(' ')} after SIGKILL`);
      }
    }
    removeWithRetry(this.io, this.dir);
  }

  stats(): CgroupStats {
    const read = (file: string): string | undefined => {
      try {
        return this.io.read(join(this.dir, file));
      } catch {
        return undefined;
      }
    };
    return statsV2(read, this.io.exists(this.dir) ? pageSizes(this.io.files(this.dir), 'max') : []);
  }

  oomState(): OomState {
    const file = join(this.dir, 'memory.events');
    // v2 has no way to disable the OOM killer: never stalled.
    return { kills: this.io.exists(file) ? oomKillsV2(this.io.read(file)) : 0, underOom: false };
  }
}
