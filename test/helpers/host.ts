// Facts about the machine the integration tests run on, and who runs each tier.
// The root tier runs tsrun as the suite's own user (root); the rootless tier runs it as
// TEST_USER (created by global-setup.ts) when the suite is root, or as the suite's own
// user when it is not.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const tsrunJs = join(repoRoot, 'dist', 'tsrun.js');
export const nodeBin = process.execPath;
/**
 * TSRUN_TEST_RUNTIME=/usr/sbin/runc runs the suite against another runtime with runc's
 * command line: a check of the tests themselves, never of tsrun.
 */
export const otherRuntime = process.env.TSRUN_TEST_RUNTIME || undefined;

/**
 * A check of tsrun's own wording (ORACLE.md case 2): the pattern for tsrun, undefined (any
 * message) under the oracle, whose words differ; the runtime-neutral checks stay for both.
 */
export function tsrunWording<T>(pattern: T): T | undefined {
  return otherRuntime ? undefined : pattern;
}

/** The title suffix of a test skipped under the oracle (ORACLE.md cases 3 and 4): why it cannot pass there. */
export function oracleSkip(why: string): string {
  return otherRuntime ? ` — SKIPPED under the oracle: ${why}` : '';
}

/** The command line that runs the runtime under test. */
export function runtimeArgv(): string[] {
  return otherRuntime ? [otherRuntime] : [nodeBin, tsrunJs];
}
export const isRoot = process.geteuid?.() === 0;
export const TEST_USER = 'tsrun-test';
/** Reason shown in the title of every root-tier describe that cannot run. */
export const ROOT_SKIP_REASON = isRoot ? '' : `SKIPPED: the suite runs as uid ${process.geteuid?.()}, not root; run it as root for this tier`;

export type Mode = 'root' | 'rootless';
export const MODES: readonly Mode[] = ['root', 'rootless'];

export interface Account {
  name: string;
  uid: number;
  gid: number;
  home: string;
}

function lookup(name: string): Account | undefined {
  try {
    const line = execFileSync('getent', ['passwd', name], { encoding: 'utf8' }).trim();
    const f = line.split(':');
    return { name: f[0], uid: Number(f[2]), gid: Number(f[3]), home: f[5] };
  } catch {
    return undefined;
  }
}

/** The account that runs tsrun in a tier. */
export function runnerOf(mode: Mode): Account {
  const self = (): Account => ({
    name: process.env.USER ?? String(process.geteuid?.()),
    uid: process.geteuid!(),
    gid: process.getegid!(),
    home: process.env.HOME ?? '/',
  });
  if (mode === 'root' || !isRoot) return self();
  const user = lookup(TEST_USER);
  if (!user) throw new Error(`user ${TEST_USER} does not exist: the integration tests must run through vitest.config.ts, whose globalSetup (test/helpers/global-setup.ts) creates it`);
  return user;
}

/** Whether tsrun has been built; the tests say how to build it when it has not. */
export function requireBuild(): void {
  if (!otherRuntime && !existsSync(tsrunJs)) throw new Error(`${tsrunJs} is missing: build it with \`npm run build:ts\` (npm test does it in pretest)`);
}

/** The state of a host process from /proc/<pid>/stat ('R', 'S', 'Z', ...), undefined when gone. */
export function procState(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[0];
  } catch {
    return undefined;
  }
}

/** Alive: exists and is not a zombie (this VM's pid 1 does not reap orphans, so zombies linger). */
export function pidAlive(pid: number): boolean {
  const s = procState(pid);
  return s !== undefined && s !== 'Z' && s !== 'X';
}

/** A field of /proc/<pid>/status in kB (VmRSS, VmHWM ...). */
export function procStatusKiB(pid: number, field: string): number {
  const text = readFileSync(`/proc/${pid}/status`, 'utf8');
  const m = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(text);
  if (!m) throw new Error(`no ${field} in /proc/${pid}/status:\n${text}`);
  return Number(m[1]);
}

/** Mount points of the host's mount namespace at or under a directory. */
export function mountsUnder(dir: string): string[] {
  const out = execFileSync('findmnt', ['-rn', '-o', 'TARGET'], { encoding: 'utf8' });
  const prefix = dir.endsWith('/') ? dir : dir + '/';
  return out
    .split('\n')
    .map((t) => t.replace(/\\x([0-9a-f]{2})/gi, (_, h: string) => String.fromCharCode(parseInt(h, 16))))
    .filter((t) => t === dir || t.startsWith(prefix));
}

/** Poll fn until it returns a truthy value or the time is up; returns the last value. */
export async function poll<T>(fn: () => T | Promise<T>, timeoutMs = 5000, intervalMs = 50): Promise<T> {
  const end = Date.now() + timeoutMs;
  let value = await fn();
  while (!value && Date.now() < end) {
    await new Promise((r) => setTimeout(r, intervalMs));
    value = await fn();
  }
  return value;
}
