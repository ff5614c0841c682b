// What a VM-tier test file uses: the guest booted by global-setup.ts, the runtimes under test run
// in it (tsrun and runc, the oracle, side by side), bundles in the shared job folder.
import { appendFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, inject } from 'vitest';
import { baseConfig, merge, type DeepPartial, type Spec } from '../helpers/config.js';
import { nodeBin, runnerOf, tsrunJs, type Mode } from '../helpers/host.js';
import { testRootfs } from '../helpers/rootfs.js';
import { guestRun, q, TIMING_FILE, type GuestResult } from './vm.js';

export { q };
const vm = inject('vm');

/** describe() of a VM-tier block; skipped with the reason in its title when the guest is not up. */
export function describeVm(title: string, fn: () => void): void {
  if (vm.unavailable) {
    describe.skip(`${title} — SKIPPED: ${vm.unavailable}`, fn);
    return;
  }
  describe(title, () => {
    // The tier's own time: global-setup.ts adds these spans up (the integration project runs
    // beside this one, so the setup-to-teardown span is the whole suite's, not the tier's).
    let start = 0;
    beforeAll(() => void (start = Date.now()));
    afterAll((suite) => appendFileSync(join(vm.jobs!, TIMING_FILE), `${JSON.stringify({ file: suite.file.name, title, start, end: Date.now() })}\n`));
    fn();
  });
}

/** Run a bash script as root in the guest. */
export function guest(script: string, timeoutMs?: number): Promise<GuestResult> {
  if (!vm.jobs) throw new Error(`the VM tier is not available: ${vm.unavailable}`);
  return guestRun(vm.jobs, script, timeoutMs);
}

export type Runtime = 'tsrun' | 'runc';
export const RUNTIMES: readonly Runtime[] = ['tsrun', 'runc'];

/**
 * The shell command line of `rt` with its own state root in the guest, e.g. for `${cli('tsrun')} run ...`.
 * Rootless: as the test user, with its runtime directory (the user's systemd bus is there).
 */
export function cli(rt: Runtime, opts: { mode?: Mode; systemd?: boolean } = {}): string {
  const mode = opts.mode ?? 'root';
  const root = mode === 'root' ? `/run/vmtest-${rt}` : `/tmp/vmtest-${rt}-rootless`;
  const argv = rt === 'tsrun' ? [nodeBin, tsrunJs] : ['/usr/sbin/runc'];
  const cmd = [...argv.map(q), '--root', root, ...(opts.systemd ? ['--systemd-cgroup'] : [])].join(' ');
  return mode === 'root' ? cmd : asTestUser(cmd);
}

/** A shell command run as the rootless tier's user, with its runtime directory (its systemd bus). */
export function asTestUser(cmd: string): string {
  const { uid, gid } = runnerOf('rootless');
  return `setpriv --reuid=${uid} --regid=${gid} --clear-groups env XDG_RUNTIME_DIR=/run/user/${uid} ${cmd}`;
}

let bundles = 0;

/** A bundle in the job folder (the guest sees it at the same path) on the shared test rootfs. */
export function vmBundle(mode: Mode, overrides: DeepPartial<Spec> = {}): string {
  if (!vm.jobs) throw new Error(`the VM tier is not available: ${vm.unavailable}`);
  // The host's /tmp, where the rootfs is, is under the guest's own tmpfs: reach it through /mnt/host.
  const config = merge(baseConfig(mode, { root: { path: `/mnt/host${testRootfs()}` } }), overrides);
  const dir = join(vm.jobs, `bundle-${process.pid}-${++bundles}`);
  mkdirSync(dir, { mode: 0o755 });
  writeFileSync(join(dir, 'config.json'), JSON.stringify(config));
  return dir;
}

/** `key=value` lines of a guest script's output (later lines win). */
export function keyValues(stdout: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of stdout.split('\n')) {
    const i = line.indexOf('=');
    if (i > 0) out[line.slice(0, i)] = line.slice(i + 1);
  }
  return out;
}

/** Shell lines that print `<file>=<content>` for each file of `dir` (double-quoted: `$cg` expands). */
export function catFiles(dir: string, files: string[]): string {
  return files.map((f) => `echo "${f}=$(cat "${dir}/${f}" 2>/dev/null | tr '\\n' ' ' | sed 's/ $//')"`).join('\n');
}

/** Shell lines that print `stats=<events --stats of id>`, delete the container and print `gone=yes`
 *  when its cgroup directory `cgroup` is removed with it (`runtime` is the command, from cli()). */
export function statsThenDelete(runtime: string, id: string, cgroup: string): string {
  return `echo "stats=$(${runtime} events --stats ${id})"
${runtime} delete -f ${id}
echo "gone=$(test -e ${cgroup} && echo no || echo yes)"`;
}

/** Start the test user's systemd (user@<uid>.service, with its bus) in the guest; returns the uid. */
export async function startUserManager(): Promise<number> {
  const { uid } = runnerOf('rootless');
  const r = await guest(`systemctl start user@${uid}.service && test -S /run/user/${uid}/bus`);
  if (r.code !== 0) throw new Error(`user@${uid}.service did not start in the guest: ${r.stderr}`);
  return uid;
}
