// Errors carry data, not prose: each class keeps the values a caller or a test needs,
// and `message` is built from them (lowercase, with the path or value). Each class has a stable
// `code` (the library API's contract, README "Library"): `ERR_TSRUN_*`, except SyscallError,
// whose code is the errno name ('ENOENT'), as Node's own system errors.
import { getSystemErrorMap } from 'node:util';

/**
 * strerror(3)'s text for an errno. Engines read it: podman maps "no such file or directory" to
 * exit 127 and "permission denied" / "operation not permitted" to 126.
 */
export function errnoText(errno: number): string {
  return getSystemErrorMap().get(-errno)?.[1] ?? '';
}

export class RuntimeError extends Error {
  /** Process exit code the CLI uses for this error. */
  readonly exitCode: number = 1;
  /** Stable machine-readable kind of the error. */
  readonly code: string = 'ERR_TSRUN';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** A failed system call, in the runtime (addon) or reported by tsrun-init. */
export class SyscallError extends RuntimeError {
  constructor(
    readonly syscall: string,
    readonly errno: number,
    override readonly code: string,
    /** What was being done: a plan step name or a path. */
    readonly step: string,
    detail = '',
  ) {
    const text = errnoText(errno);
    super(`${step}: ${syscall}${detail ? ` ${detail}` : ''}: ${code} (errno ${errno})${text ? `: ${text}` : ''}`);
  }
}

/** One broken rule of config.json: where (JSON pointer), what rule, which spec section. */
export interface ConfigIssue {
  pointer: string;
  rule: string;
  section: string;
}

export class ConfigError extends RuntimeError {
  override readonly code: string = 'ERR_TSRUN_CONFIG';
  constructor(
    readonly file: string,
    readonly issues: ConfigIssue[],
  ) {
    super(issues.map((i) => `${file}: ${i.pointer || '/'}: ${i.rule}${i.section ? ` (${i.section})` : ''}`).join('\n'));
  }
}

/** A field the spec defines that tsrun does not implement yet: never silently ignored. */
export class NotSupportedError extends RuntimeError {
  override readonly code: string = 'ERR_TSRUN_NOT_SUPPORTED';
  constructor(readonly field: string, reason = '') {
    super(`not supported yet: ${field}${reason ? ` (${reason})` : ''}`);
  }
}

/**
 * runc 1.1's words for an operation the status does not allow (libcontainer/error.go,
 * container_linux.go, runc's exec.go and delete.go): shims classify errors by them, e.g.
 * containerd's checkKillError takes "container not running" for a process already gone.
 */
function runcWording(id: string, operation: string, status: string): string {
  switch (operation) {
    case 'start':
      return status === 'stopped' ? 'cannot start a container that has stopped' : status === 'creating' ? 'cannot start a container that is being created' : 'cannot start an already running container';
    case 'delete':
      return `cannot delete container ${id} that is not stopped: ${status}`;
    case 'resume':
      return 'container not paused';
    case 'exec in':
      return status === 'paused' ? 'cannot exec in a paused container (use --ignore-paused to override)' : `cannot exec in a ${status} container`;
    case 'checkpoint':
      return `Container cannot be checkpointed in ${status} state`;
    case 'events':
    case 'get stats of':
      return `container with id ${id} is not running`;
    default: // kill, pause, update, ps
      return 'container not running';
  }
}

/** An operation not allowed in the container's current status (runtime.md#lifecycle); runc's wording, with the id. */
export class StateTransitionError extends RuntimeError {
  override readonly code: string = 'ERR_TSRUN_STATE';
  constructor(
    readonly id: string,
    readonly operation: string,
    readonly status: string,
  ) {
    const words = runcWording(id, operation, status);
    super(words.includes(id) ? words : `container ${id}: ${words}`);
  }
}

export class ContainerNotFoundError extends RuntimeError {
  override readonly code: string = 'ERR_TSRUN_NOT_FOUND';
  constructor(readonly id: string) {
    super(`container ${id} does not exist`);
  }
}

export class ContainerExistsError extends RuntimeError {
  override readonly code: string = 'ERR_TSRUN_EXISTS';
  constructor(readonly id: string) {
    // runc's words (libcontainer ErrExist), which scripts grep for, and the id.
    super(`container with given ID already exists (${id})`);
  }
}

export class UsageError extends RuntimeError {
  override readonly code: string = 'ERR_TSRUN_USAGE';
}

/** A command tsrun does not have: runc's words and exit status (urfave/cli's 3). */
export class UnknownCommandError extends UsageError {
  override readonly code: string = 'ERR_TSRUN_USAGE';
  override readonly exitCode: number = 3;
  constructor(readonly command: string) {
    super(`No help topic for '${command}'`);
  }
}
