// Errors carry data, not prose: each class keeps the values a caller or a test needs,
// and `message` is built from them (lowercase, with the path or value).
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
    readonly code: string,
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
  constructor(
    readonly file: string,
    readonly issues: ConfigIssue[],
  ) {
    super(issues.map((i) => `${file}: ${i.pointer || '/'}: ${i.rule}${i.section ? ` (${i.section})` : ''}`).join('\n'));
  }
}

/** A field the spec defines that tsrun does not implement yet: never silently ignored. */
export class NotSupportedError extends RuntimeError {
  constructor(readonly field: string, reason = '') {
    super(`not supported yet: ${field}${reason ? ` (${reason})` : ''}`);
  }
}

/** An operation not allowed in the container's current status (runtime.md#lifecycle). */
export class StateTransitionError extends RuntimeError {
  constructor(
    readonly id: string,
    readonly operation: string,
    readonly status: string,
    hint?: string,
  ) {
    super(`cannot ${operation} container ${id}: container is ${status}${hint ? ` (${hint})` : ''}`);
  }
}

export class ContainerNotFoundError extends RuntimeError {
  constructor(readonly id: string) {
    super(`container ${id} does not exist`);
  }
}

export class ContainerExistsError extends RuntimeError {
  constructor(readonly id: string) {
    super(`container with id ${id} already exists`);
  }
}

export class UsageError extends RuntimeError {}
