// One directory per container under --root (mode 0700) holding state.json, written atomically
// (temp file + rename), and exec.fifo. The directory itself is the lock: flock(2) on its fd,
// exclusive for commands that change the container, shared for readers.
import { closeSync, existsSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ContainerExistsError, ContainerNotFoundError, RuntimeError, UsageError } from '../errors.js';
import { flock, LOCK_EX, LOCK_SH } from '../native/index.js';
import { runningInUserNs } from '../process/userns.js';
import type { Spec } from '../spec/types.js';
import type { ContainerRecord } from './record.js';

const ID = /^[A-Za-z0-9][A-Za-z0-9_.+-]{0,254}$/;

export function checkId(id: string): void {
  if (!ID.test(id) || id.includes('..')) {
    throw new UsageError(`invalid container id "${id}": use 1-255 letters, digits and _ . + - (not starting with a symbol, no "..")`);
  }
}

/**
 * runc's default root and its shouldHonorXDGRuntimeDir: /run/tsrun for the real root;
 * $XDG_RUNTIME_DIR/tsrun for anyone else, root of a user namespace included (rootless podman
 * runs the runtime so) unless USER is root; an empty XDG_RUNTIME_DIR counts as unset (root
 * podman passes one); else a per-user directory in /tmp.
 */
export function defaultRoot(): string {
  const xdg = process.env.XDG_RUNTIME_DIR;
  const euid = process.geteuid!();
  if (euid === 0 && !runningInUserNs()) return '/run/tsrun';
  if (xdg && (euid !== 0 || process.env.USER !== 'root')) return join(xdg, 'tsrun');
  return euid === 0 ? '/run/tsrun' : `/tmp/tsrun-${euid}`;
}

export class ContainerDir {
  private fd: number | undefined;
  constructor(
    readonly id: string,
    readonly path: string,
  ) {}

  get statePath(): string {
    return join(this.path, 'state.json');
  }
  /** runc's name; a listening unix socket of the waiting init (addon/init/ns.cc op_open_fifo). */
  get fifoPath(): string {
    return join(this.path, 'exec.fifo');
  }
  /** fifoPath as connect(2) takes it: through the locked directory's fd when too long for sun_path. */
  get fifoAddress(): string {
    return this.fifoPath.length < 100 || this.fd === undefined ? this.fifoPath : `/proc/self/fd/${this.fd}/exec.fifo`;
  }
  /** The bundle's config.json as create read and validated it. */
  get configPath(): string {
    return join(this.path, 'config.json');
  }

  lock(exclusive: boolean, requireState = true): void {
    this.fd = openSync(this.path, 'r');
    flock(this.fd, exclusive ? LOCK_EX : LOCK_SH, this.path);
    if (!requireState) return;
    // A delete may have removed the directory while we waited for the lock.
    try {
      statSync(this.statePath);
    } catch {
      this.unlock();
      throw new ContainerNotFoundError(this.id);
    }
  }

  hasState(): boolean {
    return existsSync(this.statePath);
  }

  unlock(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
  }

  read(): ContainerRecord {
    return this.readJson<ContainerRecord>(this.statePath, 'state');
  }

  /** The container's config, as create validated it (runtime.md#create: updates to the bundle's config.json after create MUST NOT affect the container). */
  readSpec(): Spec {
    return this.readJson<Spec>(this.configPath, 'config');
  }

  private readJson<T>(path: string, what: string): T {
    try {
      return JSON.parse(readFileSync(path, 'utf8')) as T;
    } catch (e) {
      throw new RuntimeError(`cannot read ${what} of container ${this.id}: ${(e as Error).message}`, { cause: e });
    }
  }

  writeSpec(text: string): void {
    writeFileSync(this.configPath, text, { mode: 0o600 });
  }

  write(record: ContainerRecord): void {
    const tmp = `${this.statePath}.${process.pid}.tmp`;
    writeFileSync(tmp, JSON.stringify(record), { mode: 0o600 });
    renameSync(tmp, this.statePath);
  }

  remove(): void {
    rmSync(this.path, { recursive: true, force: true });
    this.unlock();
  }
}

export class ContainerStore {
  constructor(readonly root: string) {}

  private dirOf(id: string): ContainerDir {
    checkId(id);
    return new ContainerDir(id, join(this.root, id));
  }

  /** Make a new container directory, locked exclusively; fails if the id is taken. */
  create(id: string): ContainerDir {
    const dir = this.dirOf(id);
    mkdirSync(this.root, { recursive: true, mode: 0o700 });
    try {
      mkdirSync(dir.path, { mode: 0o700 });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'EEXIST') throw new ContainerExistsError(id);
      throw e;
    }
    dir.lock(true, false);
    return dir;
  }

  /**
   * Open an existing container, locked. requireState false also opens a directory without
   * state.json: what a create killed right after mkdir leaves (delete removes it).
   */
  open(id: string, exclusive: boolean, requireState = true): ContainerDir {
    const dir = this.dirOf(id);
    try {
      dir.lock(exclusive, requireState);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') throw new ContainerNotFoundError(id);
      throw e;
    }
    return dir;
  }

  ids(): string[] {
    try {
      return readdirSync(this.root).filter((name) => ID.test(name)).sort();
    } catch {
      return [];
    }
  }
}
