// Running criu(8) for checkpoint and restore. runc drives criu through its RPC mode (`criu swrk`);
// tsrun runs the command line (`criu dump`, `criu pre-dump`, `criu restore`) with the same options,
// which are criu's own flags (criu/crtools.c) for each field of runc's CriuOpts.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { RuntimeError } from '../../errors.js';
import { debug } from '../../log.js';
import { spawnSync } from '../../process/child-process.js';

/** criu failed: its exit status, its own error lines (from its log) and where the log is. */
export class CriuError extends RuntimeError {
  override readonly code: string = 'ERR_TSRUN_CRIU';
  constructor(
    readonly action: string,
    readonly status: number | string,
    readonly reason: string,
    readonly logFile: string,
  ) {
    super(`criu ${action} failed (${status}): ${reason || 'no error in its log'}\nlog file: ${logFile}`);
  }
}

/** The criu binary: runc's global --criu flag, else criu on PATH (runc's default "criu"). */
export function criuBinary(flag: string | undefined): string {
  if (flag) return flag;
  for (const dir of (process.env.PATH || '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin').split(':')) {
    if (dir && existsSync(join(dir, 'criu'))) return join(dir, 'criu');
  }
  throw new RuntimeError('criu is not on PATH (apt-get install criu, or pass --criu <path>)');
}

/** criu's "Error (file:line): ..." lines of a log, the reason it gives. */
export function criuErrors(logFile: string): string {
  let text: string;
  try {
    text = readFileSync(logFile, 'utf8');
  } catch {
    return '';
  }
  // With -v4 each line starts with a timestamp: "(00.001234) Error (criu/vdso.c:381): ...".
  const lines = text.trim().split('\n');
  const errors = lines.filter((l) => l.includes('Error ('));
  return (errors.length ? errors : lines.slice(-3)).map((l) => l.replace(/^\([\d.]+\)\s*/, '').trim()).join('\n');
}

export interface CriuRun {
  action: 'dump' | 'pre-dump' | 'restore';
  binary: string;
  args: string[];
  /** The work directory, where criu writes its log `<action>.log`. */
  workDir: string;
  /** Run criu through this prefix (argv), e.g. a shell that enters the container's cgroup first. */
  prefix?: string[];
  /** Extra fds criu inherits: index i becomes criu's fd 3+i (for --inherit-fd fd[3+i]:...). */
  extraFds?: number[];
}

/**
 * Run criu to completion; its stdin, stdout and stderr are this process's (a restored process
 * inherits them through --inherit-fd, as runc hands its own stdio to criu swrk).
 */
export function runCriu(r: CriuRun): void {
  const logName = `${r.action}.log`;
  const argv = [...(r.prefix ?? []), r.binary, r.action, ...r.args, '--work-dir', r.workDir, '-o', logName, '-v4'];
  debug(`criu: ${argv.join(' ')}`);
  // All three inherited, not piped: --inherit-fd fd[1]:pipe:[...] means criu's own fd 1.
  const res = spawnSync(argv[0], argv.slice(1), { stdio: ['inherit', 'inherit', 'inherit', ...(r.extraFds ?? [])] });
  if (res.error) throw new RuntimeError(`criu ${r.action}: cannot run ${argv[0]}: ${res.error.message}`, { cause: res.error });
  if (res.status === 0) return;
  const logFile = join(r.workDir, logName);
  throw new CriuError(r.action, res.signal ?? `exit status ${res.status}`, criuErrors(logFile), logFile);
}
