// tsrun(mode, args): run the built CLI as the tier's runner, with --root set to this test
// file's state directory for that tier, a clean environment and stdin from /dev/null.
// stdout and stderr go to files, not pipes: a container started by `create` inherits them
// and would keep a pipe open long after tsrun exits (execa would wait for it). The files
// also keep the container's later output: result.output() reads them again.
import { execa, type ResultPromise } from 'execa';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import { isRoot, type Mode, otherRuntime, requireBuild, runnerOf, runtimeArgv } from './host.js';
import { scratchDir, stateRoot } from './sandbox.js';

export interface TsrunOptions {
  /** Kill tsrun after this many ms (the result says timedOut). */
  timeout?: number;
  cwd?: string;
  /** Extra environment variables. */
  env?: Record<string, string>;
  /** Do not add --root (the default root is under test). */
  noRoot?: boolean;
  /** Open fds of the test passed to tsrun as its fds 3, 4, ... (for --preserve-fds, LISTEN_FDS). */
  fds?: number[];
  /** The fd number the first of `fds` lands on (default 3); the numbers below it are not open. */
  fdsAt?: number;
  /** Set LISTEN_FDS to this and LISTEN_PID to tsrun's own pid (sd_listen_fds(3) socket activation). */
  listenFds?: number;
  /** Run runc 1.1 (/usr/sbin/runc) instead, with its own --root: the oracle in the same test (Tier.runc). */
  runc?: boolean;
  /** Written to stdin (a pipe) instead of /dev/null. */
  input?: string;
  /** A command the runtime runs under, e.g. ['unshare', '-m', ...]: its argv is appended (inside setpriv). */
  wrap?: string[];
}

export interface TsrunResult {
  command: string;
  exitCode: number | undefined;
  signal: string | undefined;
  timedOut: boolean;
  stdout: string;
  stderr: string;
  /** Read stdout and stderr again: a container created by this call may have written since. */
  output(): { stdout: string; stderr: string };
}

export interface TsrunCall {
  /** The tsrun process (or setpriv, which execs it: same pid). */
  process: ResultPromise;
  result: Promise<TsrunResult>;
  output(): { stdout: string; stderr: string };
}

let calls = 0;
/** runc 1.1, the oracle of the tests that compare (TsrunOptions.runc). */
export const RUNC = '/usr/sbin/runc';

/** execa's option types name fd numbers as literals only; any open fd works (it goes to spawn). */
const anyFd = (fd: number) => fd as 3;

function cleanEnv(mode: Mode, extra: Record<string, string> = {}): Record<string, string> {
  const who = runnerOf(mode);
  const env: Record<string, string> = {
    PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
    HOME: who.home,
    USER: who.name,
    LOGNAME: who.name,
    LANG: 'C.UTF-8',
  };
  if (process.env.TSRUN_DEBUG) env.TSRUN_DEBUG = process.env.TSRUN_DEBUG;
  return { ...env, ...extra };
}

export function tsrunStart(mode: Mode, args: string[], opts: TsrunOptions = {}): TsrunCall {
  requireBuild();
  const n = ++calls;
  const dir = scratchDir(mode);
  const outFile = join(dir, `call-${n}.out`);
  const errFile = join(dir, `call-${n}.err`);
  const [runtime, ...runtimeArgs] = opts.runc ? [RUNC] : runtimeArgv();
  let file = runtime!;
  const root = opts.runc ? `${stateRoot(mode)}-runc` : stateRoot(mode);
  let argv = [...runtimeArgs, ...(opts.noRoot ? [] : ['--root', root]), ...args];
  if (opts.listenFds !== undefined) {
    // The pid is only known in the process itself: a shell exports it and execs the rest.
    argv = ['-c', `LISTEN_PID=$$ LISTEN_FDS=${opts.listenFds} exec "$@"`, 'sh', file, ...argv];
    file = '/bin/sh';
  }
  if (opts.wrap?.length) {
    argv = [...opts.wrap.slice(1), file, ...argv];
    file = opts.wrap[0];
  }
  if (mode === 'rootless' && isRoot) {
    const { uid, gid } = runnerOf(mode);
    argv = [`--reuid=${uid}`, `--regid=${gid}`, '--clear-groups', '--', file, ...argv];
    file = 'setpriv';
  }
  // Plain fds, not execa's { file }: execa would pump a pipe into the file and wait for the
  // container to close it.
  const outFd = openSync(outFile, 'w', 0o644);
  const errFd = openSync(errFile, 'w', 0o644);
  const subprocess = execa(file, argv, {
    reject: false,
    stdio: [opts.input !== undefined ? 'pipe' : 'ignore', anyFd(outFd), anyFd(errFd), ...Array<'ignore'>(Math.max(0, (opts.fdsAt ?? 3) - 3)).fill('ignore'), ...(opts.fds ?? []).map(anyFd)],
    ...(opts.input !== undefined ? { input: opts.input } : {}),
    env: cleanEnv(mode, opts.env),
    extendEnv: false,
    cwd: opts.cwd ?? dir,
    timeout: opts.timeout ?? 60_000,
    killSignal: 'SIGKILL',
  });
  closeSync(outFd);
  closeSync(errFd);
  const output = () => ({ stdout: readFileSync(outFile, 'utf8'), stderr: readFileSync(errFile, 'utf8') });
  const command = `[${mode}] ${opts.runc ? 'runc' : 'tsrun'} ${args.join(' ')}`;
  const result = subprocess.then((r) => ({
    command,
    exitCode: r.exitCode,
    signal: r.signal,
    timedOut: r.timedOut,
    ...output(),
    output,
  }));
  return { process: subprocess, result, output };
}

export function tsrun(mode: Mode, args: string[], opts: TsrunOptions = {}): Promise<TsrunResult> {
  return tsrunStart(mode, args, opts).result;
}

/** A readable account of a call, for assertion messages. */
export function show(r: TsrunResult): string {
  const how = r.timedOut ? 'timed out' : r.signal ? `killed by ${r.signal}` : `exit ${r.exitCode}`;
  return `${r.command} → ${how}\n--- stdout:\n${r.stdout}--- stderr:\n${r.stderr}`;
}

/** Assert success and return the result. */
export function expectOk(r: TsrunResult): TsrunResult {
  expect(r.exitCode, show(r)).toBe(0);
  return r;
}

/**
 * Assert a clean failure: non-zero exit (not a crash by signal, not a hang) and a message on
 * stderr. `stderr` is tsrun's wording (the JSON path, the spec section): checked against tsrun
 * only; under the oracle (TSRUN_TEST_RUNTIME) only the runtime-neutral part is checked.
 */
export function expectFail(r: TsrunResult, stderr?: RegExp | string): TsrunResult {
  expect(r.timedOut, show(r)).toBe(false);
  expect(r.exitCode, show(r)).toBeTypeOf('number');
  expect(r.exitCode, show(r)).not.toBe(0);
  expect(r.stderr.trim(), show(r)).not.toBe('');
  if (stderr !== undefined && !otherRuntime) expect(r.stderr, show(r)).toMatch(stderr);
  return r;
}

/** The state JSON of runtime.md#state. */
export interface State {
  ociVersion: string;
  id: string;
  status: 'creating' | 'created' | 'running' | 'stopped';
  pid?: number;
  bundle: string;
  annotations?: Record<string, string>;
}

/** Check a document against runtime.md#state (the spec's schema/state-schema.json, by hand: it is draft-04). */
export function expectSpecState(doc: unknown, context = ''): asserts doc is State {
  expect(doc, context).toBeTypeOf('object');
  const s = doc as Record<string, unknown>;
  expect(s.ociVersion, context).toMatch(/^\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?$/);
  expect(s.id, context).toBeTypeOf('string');
  expect(['creating', 'created', 'running', 'stopped'], context).toContain(s.status);
  expect(s.bundle, context).toBeTypeOf('string');
  expect(String(s.bundle).startsWith('/'), `${context}: bundle must be an absolute path: ${String(s.bundle)}`).toBe(true);
  if (s.pid !== undefined) {
    expect(Number.isInteger(s.pid) && (s.pid as number) >= 0, `${context}: pid ${String(s.pid)}`).toBe(true);
  }
  // The spec requires pid on Linux when created or running.
  if (s.status === 'created' || s.status === 'running') expect(s.pid, context).toBeGreaterThan(0);
  if (s.annotations !== undefined) {
    expect(s.annotations, context).toBeTypeOf('object');
    for (const v of Object.values(s.annotations as object)) expect(v, context).toBeTypeOf('string');
  }
}

/** `tsrun state id`, asserted to succeed and to be a spec state document. */
export async function getState(mode: Mode, id: string): Promise<State> {
  const r = expectOk(await tsrun(mode, ['state', id]));
  let doc: unknown;
  expect(() => (doc = JSON.parse(r.stdout)), show(r)).not.toThrow();
  expectSpecState(doc, show(r));
  return doc;
}
