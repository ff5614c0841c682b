// A process the library started (the container's by `run`, or one by `exec`): its pid, stdio
// streams and exit. The wait starts at once, so an unwaited process is still reaped (and a
// `run` container deleted); `wait()` only hands out that promise.
import { constants } from 'node:os';
import type { Readable, Writable } from 'node:stream';
import type { WaitResult } from '../native/index.js';
import type { Stdio } from './stdio.js';

export interface ExitStatus {
  /** The exit code, or null when a signal ended the process. */
  exitCode: number | null;
  /** The signal that ended it, or null. */
  signal: NodeJS.Signals | null;
  /** As a shell says it, and `tsrun run` exits: the exit code, or 128+N for signal N. */
  status: number;
}

export interface Output extends ExitStatus {
  stdout: string;
  stderr: string;
}

const SIGNAL_NAMES = new Map(Object.entries(constants.signals).map(([k, v]) => [v as number, k as NodeJS.Signals]));

export function exitStatusOf(w: WaitResult): ExitStatus {
  if (w.signal) return { exitCode: null, signal: SIGNAL_NAMES.get(w.signal) ?? null, status: 128 + w.signal };
  return { exitCode: w.exitCode, signal: null, status: w.exitCode };
}

function collect(stream: Readable | null): Promise<string> {
  if (!stream) return Promise.resolve('');
  const chunks: Buffer[] = [];
  stream.on('data', (c: Buffer) => chunks.push(c));
  return new Promise((res, rej) => {
    stream.on('end', () => res(Buffer.concat(chunks).toString('utf8')));
    stream.on('error', rej);
  });
}

export class ContainerProcess {
  /** 'pipe' streams; null for the others. Read them (or destroy them): a full pipe stops the process. */
  readonly stdin: Writable | null;
  readonly stdout: Readable | null;
  readonly stderr: Readable | null;
  readonly #exit: Promise<ExitStatus>;

  constructor(
    /** Host pid of the process. */
    readonly pid: number,
    stdio: Stdio,
    exit: Promise<ExitStatus>,
  ) {
    this.stdin = stdio.stdin;
    this.stdout = stdio.stdout;
    this.stderr = stdio.stderr;
    this.#exit = exit;
    exit.catch(() => {}); // rejected only to the caller of wait()
  }

  /** Resolves when the process has ended (and, for `run`, its container is deleted). */
  wait(): Promise<ExitStatus> {
    return this.#exit;
  }

  /** Closes stdin, reads stdout and stderr to their end and waits. */
  async output(): Promise<Output> {
    this.stdin?.end();
    const [stdout, stderr, exit] = await Promise.all([collect(this.stdout), collect(this.stderr), this.#exit]);
    return { ...exit, stdout, stderr };
  }
}
