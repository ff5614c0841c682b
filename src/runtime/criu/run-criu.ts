// Running criu(8) for checkpoint and restore. runc drives criu through its RPC mode (`criu swrk`);
// tsrun runs the command line (`criu dump`, `criu pre-dump`, `criu restore`) with the same options,
// which are criu's own flags (criu/crtools.c) for each field of runc's CriuOpts.
import { closeSync, constants, existsSync, openSync, readFileSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { Socket } from 'node:net';
import { join } from 'node:path';
import { RuntimeError } from '../../errors.js';
import { debug } from '../../log.js';
import { mkfifo } from '../../native/index.js';
import { spawn, spawnSync } from '../../process/child-process.js';

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
  /** Extra fds criu inherits: index i becomes criu's fd 3+i (for --inherit-fd fd[3+i]:...). */
  extraFds?: number[];
}

const criuArgv = (r: CriuRun): string[] => [r.binary, r.action, ...r.args, '--work-dir', r.workDir, '-o', `${r.action}.log`, '-v4'];

function criuFailed(r: CriuRun, status: number | null, signal: string | null): CriuError {
  const logFile = join(r.workDir, `${r.action}.log`);
  return new CriuError(r.action, signal ?? `exit status ${status}`, criuErrors(logFile), logFile);
}

/**
 * Run criu to completion; its stdin, stdout and stderr are this process's (a restored process
 * inherits them through --inherit-fd, as runc hands its own stdio to criu swrk).
 */
export function runCriu(r: CriuRun): void {
  const argv = criuArgv(r);
  debug(`criu: ${argv.join(' ')}`);
  // All three inherited, not piped: --inherit-fd fd[1]:pipe:[...] means criu's own fd 1.
  const res = spawnSync(argv[0], argv.slice(1), { stdio: ['inherit', 'inherit', 'inherit', ...(r.extraFds ?? [])] });
  if (res.error) throw new RuntimeError(`criu ${r.action}: cannot run ${argv[0]}: ${res.error.message}`, { cause: res.error });
  if (res.status !== 0) throw criuFailed(r, res.status, res.signal);
}

/** What runc does while criu swrk runs (criuApplyCgroups, criuNotifications), for criu's command line. */
export interface CriuControl {
  /** A directory of this process's own (the container's state directory) for the two FIFOs and the action script. */
  dir: string;
  /** criu's pid before it does anything (it waits): runc's cgroupManager.Apply(criu's pid). */
  started(pid: number): void;
  /** Action-script notifications (criu(8) --action-script) to answer: the action's name and CRTOOLS_INIT_PID. Throwing fails criu's action. */
  notify?: { actions: readonly string[]; handle(action: string, pid: number): void };
}

const sq = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;

/**
 * criu --action-script: criu execs the file with CRTOOLS_SCRIPT_ACTION and CRTOOLS_INIT_PID in
 * its environment (criu/action-scripts.c); the fds criu inherited are not the script's (criu
 * 3.17: fd 3 "Bad file descriptor"), so it asks over a FIFO and waits for the answer on another,
 * as criu swrk waits for runc's reply to a notify.
 */
function writeActionScript(path: string, ask: string, answer: string, actions: readonly string[]): void {
  const text = `#!/bin/sh
case "$CRTOOLS_SCRIPT_ACTION" in ${actions.join('|')}) ;; *) exit 0 ;; esac
echo "$CRTOOLS_SCRIPT_ACTION $CRTOOLS_INIT_PID" > ${sq(ask)} && read -r answer < ${sq(answer)} && [ "$answer" = ok ]
`;
  writeFileSync(path, text, { mode: 0o700 });
}

/**
 * Run criu under control: a shell holds it back until `started(pid)` has returned (e.g. put it
 * into the container's cgroup, so that the tree it restores is there), then execs criu; criu's
 * action script asks on the `ask` FIFO and reads `answer`. Both FIFOs are open read-write here
 * (Linux: no open blocks, no EOF when a script closes its end), so an answer waits in the pipe.
 */
export async function runCriuControlled(r: CriuRun, ctl: CriuControl): Promise<void> {
  const [ask, answer, script] = ['criu-ask', 'criu-answer', 'criu-action.sh'].map((f) => join(ctl.dir, f));
  mkfifo(ask, 0o600);
  mkfifo(answer, 0o600);
  const askFd = openSync(ask, constants.O_RDWR | constants.O_NONBLOCK);
  const answerFd = openSync(answer, constants.O_RDWR);
  const asking = new Socket({ fd: askFd, readable: true, writable: false });
  const args = [...r.args];
  if (ctl.notify) {
    writeActionScript(script, ask, answer, ctl.notify.actions);
    args.push('--action-script', script);
  }
  const gate = 'read -r go < "$1" && [ "$go" = go ] || exit 125; shift; exec "$@"';
  const argv = ['/bin/sh', '-c', gate, 'tsrun-criu', answer, ...criuArgv({ ...r, args })];
  debug(`criu: ${argv.join(' ')}`);
  let failure: unknown;
  let buffered = '';
  asking.on('data', (chunk: Buffer) => {
    buffered += chunk.toString();
    for (let nl = buffered.indexOf('\n'); nl >= 0; nl = buffered.indexOf('\n')) {
      const [action, pid] = buffered.slice(0, nl).split(' ');
      buffered = buffered.slice(nl + 1);
      try {
        ctl.notify?.handle(action, Number(pid));
        writeSync(answerFd, 'ok\n');
      } catch (e) {
        failure ??= e;
        writeSync(answerFd, 'fail\n');
      }
    }
  });
  try {
    const child = spawn(argv[0], argv.slice(1), { stdio: ['inherit', 'inherit', 'inherit', ...(r.extraFds ?? [])] });
    const exited = new Promise<{ status: number | null; signal: string | null; error?: Error }>((resolve) => {
      child.once('error', (error) => resolve({ status: null, signal: null, error }));
      child.once('exit', (status, signal) => resolve({ status, signal }));
    });
    if (child.pid !== undefined) {
      try {
        ctl.started(child.pid);
        writeSync(answerFd, 'go\n');
      } catch (e) {
        failure = e;
        child.kill('SIGKILL');
      }
    }
    const res = await exited;
    if (res.error) throw new RuntimeError(`criu ${r.action}: cannot run ${argv[0]}: ${res.error.message}`, { cause: res.error });
    if (failure) throw failure;
    if (res.status !== 0) throw criuFailed(r, res.status, res.signal);
  } finally {
    asking.destroy();
    closeSync(answerFd);
    for (const f of [ask, answer, script]) rmSync(f, { force: true });
  }
}
