// One directory per container under --root (mode 0700) holding state.json, written atomically
// (temp file + rename), and exec.fifo. The directory itself is the lock: flock(2) on its fd,
// exclusive for commands that change the container, shared for readers.
import { constants, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { ContainerExistsError, ContainerNotFoundError, RuntimeError, SyscallError, UsageError } from '../errors.js';
import { closeFd, type FileStat, flock, LOCK_EX, LOCK_SH, makeDir, openFile, pathExists, removeFlatDir, replaceFile, statFd, statFile, writeFile } from '../native/index.js';
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

/**
 * Issue 13 item 3: a state directory another user can write (a squatted /tmp/tsrun-<uid>, a 0777
 * --root) could plant a state.json whose hooks, pid and cgroups delete and start would act on.
 * The root must be a directory owned by the caller, writable by nobody else.
 */
export function checkOwnedDir(path: string, what: string, st: FileStat): void {
  const euid = process.geteuid!();
  if (!st.isDirectory) throw new RuntimeError(`${what} ${path} is not a directory`);
  if (st.uid !== euid) throw new RuntimeError(`${what} ${path} is owned by uid ${st.uid}, not by the caller (uid ${euid}): refusing to use it (another user could plant container state there)`);
  if (st.mode & 0o022) throw new RuntimeError(`${what} ${path} is writable by group or others (mode ${(st.mode & 0o7777).toString(8)}): refusing to use it (another user could plant container state there)`);
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
    const what = `state directory of container ${this.id}`;
    // lstat first: one the caller may not even open is refused by name; fstat after the open
    // covers a swap in between.
    const before = statFile(this.path, false);
    if (before) checkOwnedDir(this.path, what, before);
    this.fd = openFile(this.path, constants.O_RDONLY);
    try {
      checkOwnedDir(this.path, what, statFd(this.fd, this.path));
    } catch (e) {
      this.unlock();
      throw e;
    }
    flock(this.fd, exclusive ? LOCK_EX : LOCK_SH, this.path);
    if (!requireState) return;
    // A delete may have removed the directory while we waited for the lock.
    if (!this.hasState()) {
      this.unlock();
      throw new ContainerNotFoundError(this.id);
    }
  }

  /** As fs.existsSync: a state.json that cannot even be looked at is none. */
  hasState(): boolean {
    return pathExists(this.statePath);
  }

  unlock(): void {
    if (this.fd !== undefined) closeFd(this.fd);
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
    // Never trust a file the caller does not own (issue 13 item 3); lstat: nor a symlink.
    const st = statFile(path, false);
    if (st && (!st.isFile || st.uid !== process.geteuid!())) {
      throw new RuntimeError(`cannot read ${what} of container ${this.id}: ${path} is not a regular file owned by uid ${process.geteuid!()}`);
    }
    try {
      return JSON.parse(readFileSync(path, 'utf8')) as T;
    } catch (e) {
      throw new RuntimeError(`cannot read ${what} of container ${this.id}: ${(e as Error).message}`, { cause: e });
    }
  }

  writeSpec(text: string): void {
    writeFile(this.configPath, text, 0o600);
  }

  write(record: ContainerRecord): void {
    replaceFile(this.statePath, `${this.statePath}.${process.pid}.tmp`, JSON.stringify(record), 0o600);
  }

  remove(): void {
    try {
      removeFlatDir(this.path);
    } catch (e) {
      // Gone already is fine (rm -f); anything that made a subdirectory gets the recursive rm.
      if (!(e instanceof SyscallError) || e.code !== 'ENOENT') rmSync(this.path, { recursive: true, force: true });
    }
    this.unlock();
  }
}

export class ContainerStore {
  constructor(readonly root: string) {}

  private dirOf(id: string): ContainerDir {
    checkId(id);
    this.checkRoot();
    return new ContainerDir(id, join(this.root, id));
  }

  /** The root is the caller's own (checkOwnedDir); a missing one is only made by create. */
  private checkRoot(): boolean {
    const st = statFile(this.root);
    if (st) checkOwnedDir(this.root, '--root', st);
    return st !== undefined;
  }

  /** Make a new container directory, locked exclusively; fails if the id is taken. */
  create(id: string): ContainerDir {
    checkId(id);
    if (!this.checkRoot()) {
      mkdirSync(this.root, { recursive: true, mode: 0o700 });
      this.checkRoot(); // made here, or by somebody else in between
    }
    const dir = new ContainerDir(id, join(this.root, id));
    try {
      makeDir(dir.path, 0o700);
    } catch (e) {
      if ((e as SyscallError).code === 'EEXIST') throw new ContainerExistsError(id);
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
    this.checkRoot();
    try {
      return readdirSync(this.root).filter((name) => ID.test(name)).sort();
    } catch {
      return [];
    }
  }
}
