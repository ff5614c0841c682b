// The library API: one Runtime per state root, a method per operation of src/runtime/. Every
// method validates what it is given as the CLI does and throws the classes of src/errors.ts.
// The operations are synchronous underneath (each locks its container directory, so calls
// from one process, or many, are safe together); they are async here so that none has to
// change its signature when it stops being so.
import type { CgroupStats } from '../cgroups/types.js';
import { UsageError } from '../errors.js';
import { configureLog, type LogOptions } from '../log.js';
import { setChildSubreaper, waitPidAsync } from '../native/index.js';
import { check, type CheckOptions } from '../runtime/check/index.js';
import type { CheckReport } from '../runtime/check/types.js';
import { create, type CreateOptions as CreateOperationOptions } from '../runtime/create.js';
import type { GlobalOptions } from '../runtime/options.js';
import { deleteContainer } from '../runtime/delete.js';
import { type ContainerEvent, statsEvent } from '../runtime/events.js';
import { launchExec } from '../runtime/exec.js';
import { features } from '../runtime/features.js';
import { killAll } from '../runtime/kill-all.js';
import { kill } from '../runtime/kill.js';
import { type ContainerSummary, list } from '../runtime/list.js';
import { pause } from '../runtime/pause.js';
import { ps } from '../runtime/ps.js';
import { resume } from '../runtime/resume.js';
import { parseSignal } from '../runtime/signal.js';
import { defaultSpec } from '../runtime/spec.js';
import { start } from '../runtime/start.js';
import { state } from '../runtime/state.js';
import { update } from '../runtime/update.js';
import type { LinuxResources, Process, Spec, State } from '../spec/types.js';
import type { Status } from '../state/status.js';
import { defaultRoot } from '../state/store.js';
import { eventStream } from './events.js';
import { ContainerProcess, exitStatusOf } from './process.js';
import { destroyStdio, openStdio, type StdioOption } from './stdio.js';

export interface RuntimeOptions {
  /** State directory, as the CLI's --root (default: /run/tsrun as root, else $XDG_RUNTIME_DIR/tsrun or /tmp/tsrun-<uid>). */
  root?: string;
  /** As --systemd-cgroup. */
  systemdCgroup?: boolean;
  /** Where warnings and debug lines go (default: stderr). Process-wide: the last Runtime made sets it. */
  log?: LogOptions;
}

/** The state document of runtime.md#state; status also 'paused' (as runc). */
export type ContainerState = Omit<State, 'status'> & { status: Status };

export type Signal = NodeJS.Signals | `${string}` | number;

/** As the CLI's create flags: bundle (the directory with config.json), pidFile, consoleSocket, noPivot, preserveFds, noNewKeyring. */
export interface CreateOptions extends Omit<CreateOperationOptions, keyof GlobalOptions | 'id' | 'stdio'> {
  /** The container's fds 0, 1, 2 (default: this process's own). */
  stdio?: readonly [Exclude<StdioOption, 'pipe'>, Exclude<StdioOption, 'pipe'>, Exclude<StdioOption, 'pipe'>];
}

export interface RunOptions extends Omit<CreateOptions, 'stdio'> {
  /** The container's fds 0, 1, 2 (default: ['ignore', 'pipe', 'pipe']). */
  stdio?: readonly [StdioOption, StdioOption, StdioOption];
}

export interface ExecOptions {
  /** The command; or `process` for the whole process (config.md#process). */
  args?: string[];
  process?: Process;
  /** Added to the container's process.env. */
  env?: string[];
  cwd?: string;
  user?: { uid: number; gid?: number };
  additionalGids?: number[];
  /** Added to every capability set (as runc exec --cap). */
  capabilities?: string[];
  noNewPrivileges?: boolean;
  apparmorProfile?: string;
  selinuxLabel?: string;
  consoleSocket?: string;
  preserveFds?: number;
  pidFile?: string;
  /** Exec into a paused container (the process starts frozen). */
  ignorePaused?: boolean;
  /** Default: ['ignore', 'pipe', 'pipe']. */
  stdio?: readonly [StdioOption, StdioOption, StdioOption];
}

export interface EventsOptions {
  /** Between two stats events (default 5000, as runc). */
  intervalMs?: number;
  /** Ends the iteration. */
  signal?: AbortSignal;
}

function signalNumber(s: Signal): number {
  if (typeof s === 'number') {
    if (!Number.isInteger(s) || s < 1 || s > 64) throw new UsageError(`unknown signal ${s}`);
    return s;
  }
  return parseSignal(s);
}

export class Runtime {
  readonly root: string;
  readonly #systemdCgroup: boolean;

  constructor(options: RuntimeOptions = {}) {
    this.root = options.root ?? defaultRoot();
    this.#systemdCgroup = !!options.systemdCgroup;
    if (options.log) configureLog(options.log);
  }

  get #global() {
    return { root: this.root, systemdCgroup: this.#systemdCgroup };
  }

  /** runtime.md#create: the container waits in its namespaces for start(). */
  async create(id: string, options: CreateOptions): Promise<ContainerState> {
    const stdio = openStdio(options.stdio ?? ['inherit', 'inherit', 'inherit']);
    try {
      const record = create({ ...this.#global, ...options, id, stdio: stdio.fds });
      return this.state(record.id);
    } finally {
      stdio.closeChildEnds();
    }
  }

  /** runtime.md#start: returns once the process has exec'd (and the poststart hooks ran). */
  async start(id: string): Promise<void> {
    start({ ...this.#global, id });
  }

  async state(id: string): Promise<ContainerState> {
    return state({ ...this.#global, id });
  }

  /** runtime.md#kill (default SIGTERM); `all`: every process of its cgroup (runc kill --all). */
  async kill(id: string, signal: Signal = 'SIGTERM', options: { all?: boolean } = {}): Promise<void> {
    (options.all ? killAll : kill)({ ...this.#global, id, signal: signalNumber(signal) });
  }

  /** runtime.md#delete; `force` kills a running container first. */
  async delete(id: string, options: { force?: boolean } = {}): Promise<void> {
    deleteContainer({ ...this.#global, id, force: !!options.force });
  }

  /**
   * create + start; the container is deleted when its process ends. This process becomes a
   * child subreaper (prctl PR_SET_CHILD_SUBREAPER) to wait for it, as `tsrun run`.
   */
  async run(id: string, options: RunOptions): Promise<ContainerProcess> {
    setChildSubreaper();
    const stdio = openStdio(options.stdio ?? ['ignore', 'pipe', 'pipe']);
    let pid: number;
    try {
      pid = create({ ...this.#global, ...options, id, stdio: stdio.fds }).pid;
    } catch (e) {
      destroyStdio(stdio);
      throw e;
    }
    stdio.closeChildEnds();
    try {
      start({ ...this.#global, id });
    } catch (e) {
      destroyStdio(stdio);
      deleteContainer({ ...this.#global, id, force: true });
      throw e;
    }
    const exit = waitPidAsync(pid).then((w) => {
      deleteContainer({ ...this.#global, id, force: true });
      return exitStatusOf(w);
    });
    return new ContainerProcess(pid, stdio, exit);
  }

  /** A new process in a running container (runc exec): it joins every namespace and the cgroup. */
  async exec(id: string, options: ExecOptions): Promise<ContainerProcess> {
    const stdio = openStdio(options.stdio ?? ['ignore', 'pipe', 'pipe']);
    let pid: number;
    try {
      pid = launchExec({
        ...this.#global,
        id,
        process: options.process,
        args: options.args ?? [],
        tty: false,
        consoleSocket: options.consoleSocket,
        cwd: options.cwd,
        env: options.env ?? [],
        user: options.user ? `${options.user.uid}${options.user.gid !== undefined ? `:${options.user.gid}` : ''}` : undefined,
        additionalGids: options.additionalGids ?? [],
        caps: options.capabilities ?? [],
        noNewPrivs: !!options.noNewPrivileges,
        apparmor: options.apparmorProfile,
        processLabel: options.selinuxLabel,
        detach: false,
        pidFile: options.pidFile,
        preserveFds: options.preserveFds ?? 0,
        ignorePaused: !!options.ignorePaused,
        stdio: stdio.fds,
      }).pid;
    } catch (e) {
      destroyStdio(stdio);
      throw e;
    }
    stdio.closeChildEnds();
    return new ContainerProcess(pid, stdio, waitPidAsync(pid).then(exitStatusOf));
  }

  async list(): Promise<ContainerSummary[]> {
    return list(this.#global);
  }

  /** Freeze every process of the container (cgroup freezer). */
  async pause(id: string): Promise<void> {
    pause({ ...this.#global, id });
  }

  async resume(id: string): Promise<void> {
    resume({ ...this.#global, id });
  }

  /** New linux.resources for a live container; returns the warnings of fields the host ignores. */
  async update(id: string, resources: LinuxResources): Promise<string[]> {
    return update({ ...this.#global, id, resources });
  }

  /** Host pids of the container's processes (its cgroup's). */
  async ps(id: string): Promise<number[]> {
    return ps({ ...this.#global, id });
  }

  /** One look at the container's cgroup statistics (runc events --stats). */
  async stats(id: string): Promise<CgroupStats> {
    return (statsEvent({ ...this.#global, id }) as Extract<ContainerEvent, { type: 'stats' }>).data;
  }

  /** Stats every intervalMs and an 'oom' event per OOM kill, until the container stops. */
  events(id: string, options: EventsOptions = {}): AsyncGenerator<ContainerEvent, void, undefined> {
    return eventStream({ ...this.#global, id, intervalMs: options.intervalMs ?? 5000, signal: options.signal });
  }

  /** A starting config.json, as `tsrun spec` (`rootless`: mapping this user, or the given ids, to root). */
  spec(options: { rootless?: boolean | { uid: number; gid: number } } = {}): Spec {
    const r = options.rootless;
    return defaultSpec(r === true ? { uid: process.geteuid!(), gid: process.getegid!() } : r || undefined);
  }

  /** What `tsrun check` reports: the host's features and, with a bundle, what in it cannot run here. */
  check(options: Omit<CheckOptions, 'systemdCgroup'> = {}): CheckReport {
    return check({ ...options, systemdCgroup: this.#systemdCgroup });
  }

  /** features.md: what this build implements. */
  features(): Record<string, unknown> {
    return features();
  }
}
