// What a VM-tier test file uses: the guest booted by global-setup.ts, the runtimes under test run
// in it (tsrun and runc, the oracle, side by side), bundles in the shared job folder.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, inject } from 'vitest';
import { baseConfig, merge, type DeepPartial, type Spec } from '../helpers/config.js';
import { nodeBin, runnerOf, tsrunJs, type Mode } from '../helpers/host.js';
import { testRootfs } from '../helpers/rootfs.js';
import { guestRun, q, type GuestResult } from './vm.js';

export { q };
const vm = inject('vm');

/** describe() of a VM-tier block; skipped with the reason in its title when the guest is not up. */
export function describeVm(title: string, fn: () => void): void {
  if (vm.unavailable) describe.skip(`${title} — SKIPPED: ${vm.unavailable}`, fn);
  else describe(title, fn);
}

/** Run a bash script as root in the guest. */
export function guest(script: string, timeoutMs?: number): Promise<GuestResult> {
  if (!vm.jobs) throw new Error(`the VM tier is not available: ${vm.unavailable}`);
  return guestRun(vm.jobs, script, timeoutMs);
}

export type Runtime = 'tsrun' | 'runc';
export const RUNTIMES: readonly Runtime[] = ['tsrun', 'runc'];

/** The shell command line of `rt` with its own state root in the guest, e.g. for `${cli('tsrun')} run ...`. */
export function cli(rt: Runtime, opts: { mode?: Mode; systemd?: boolean } = {}): string {
  const mode = opts.mode ?? 'root';
  const root = `/run/vmtest-${rt}-${mode}`;
  const argv = rt === 'tsrun' ? [nodeBin, tsrunJs] : ['/usr/sbin/runc'];
  const cmd = [...argv.map(q), '--root', root, ...(opts.systemd ? ['--systemd-cgroup'] : [])].join(' ');
  if (mode === 'root') return cmd;
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
