// The VM tier's host side: boot the guest (boot.sh: systemd on pure cgroup v2 under TCG) and run
// shell scripts in it through the shared job folder (guest/agent.sh): <id>.cmd in, <id>.out,
// <id>.err and <id>.rc (last) back. One guest per test run, booted by global-setup.ts.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, openSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { repoRoot } from '../helpers/host.js';

export const vmDir = join(repoRoot, 'test', 'vm');

export interface GuestResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Single-quote `s` for bash. */
export const q = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;

let seq = 0;

/** Run `script` with bash as root in the guest whose job folder is `jobs`. */
export async function guestRun(jobs: string, script: string, timeoutMs = 120_000): Promise<GuestResult> {
  const id = `${process.pid}-${++seq}`;
  const base = join(jobs, id);
  writeFileSync(`${base}.tmp`, script);
  renameSync(`${base}.tmp`, `${base}.cmd`);
  const deadline = Date.now() + timeoutMs;
  while (!existsSync(`${base}.rc`)) {
    if (Date.now() > deadline) {
      const partial = ['out', 'err'].map((ext) => { try { return readFileSync(`${base}.${ext}`, 'utf8').slice(-1500); } catch { return ''; } });
      throw new Error(`guest job ${id} did not finish in ${timeoutMs} ms: ${script.slice(0, 200)}\n--- stdout so far:\n${partial[0]}\n--- stderr so far:\n${partial[1]}`);
    }
    await sleep(50);
  }
  const read = (ext: string): string => readFileSync(`${base}.${ext}`, 'utf8');
  const result = { code: Number(read('rc').trim()), stdout: read('out'), stderr: read('err') };
  for (const ext of ['rc', 'out', 'err', 'run']) rmSync(`${base}.${ext}`, { force: true });
  return result;
}

/** In the job folder: one JSON line per describeVm block, { file, title, start, end } (ms since the epoch). */
export const TIMING_FILE = 'timing.jsonl';

export interface Guest {
  jobs: string;
  qemu: ChildProcess;
  bootMs: number;
}

/** Why the tier cannot run on this host, or undefined when it can try. */
export function vmPrerequisite(): string | undefined {
  if (process.platform !== 'linux' || process.arch !== 'x64') return `the VM tier needs linux/x64, this is ${process.platform}/${process.arch}`;
  if (process.geteuid?.() !== 0) return 'the VM tier needs root (the guest shares the host / read-only; qemu writes the job folder as root)';
  for (const bin of ['qemu-system-x86_64', 'cpio', 'depmod', 'apt-get']) {
    if (spawnSync('sh', ['-c', `command -v ${bin}`]).status !== 0) return `${bin} is missing (apt-get install qemu-system-x86 cpio kmod)`;
  }
  if (!existsSync('/usr/lib/systemd/systemd')) return 'the guest runs the host\'s systemd, and /usr/lib/systemd/systemd is missing (apt-get install systemd dbus)';
  // The guest covers /tmp with a fresh tmpfs (init.sh): a checkout there is invisible to its agent,
  // which then never starts (seen: "no agent after 360000 ms").
  if (repoRoot === '/tmp' || repoRoot.startsWith('/tmp/')) return `the checkout ${repoRoot} is under /tmp, which the guest covers with a tmpfs of its own (test/vm/init.sh): clone it elsewhere`;
  return undefined;
}

/** Boot the guest; throws with the console's tail when it does not come up within `timeoutMs`. */
export async function bootGuest(timeoutMs = 360_000): Promise<Guest> {
  const t0 = Date.now();
  // Not under /tmp: the guest mounts a fresh tmpfs there.
  const jobs = mkdtempSync('/var/tmp/tsrun-vm-');
  chmodSync(jobs, 0o755);
  const log = openSync(join(jobs, 'qemu.log'), 'w');
  const qemu = spawn(join(vmDir, 'boot.sh'), [jobs], { stdio: ['ignore', log, log] });
  let exited: string | undefined;
  qemu.on('exit', (code, signal) => (exited = `qemu exited (${signal ?? code})`));
  const tail = (): string => ['qemu.log', 'console.log'].map((f) => { try { return readFileSync(join(jobs, f), 'utf8').slice(-1500); } catch { return ''; } }).join('\n');
  while (!existsSync(join(jobs, 'agent.up'))) {
    if (exited || Date.now() - t0 > timeoutMs) {
      qemu.kill('SIGKILL');
      throw new Error(`the VM did not boot: ${exited ?? `no agent after ${timeoutMs} ms`}\n${tail()}`);
    }
    await sleep(200);
  }
  const guest = { jobs, qemu, bootMs: 0 };
  const ready = await guestRun(jobs, 'systemctl is-system-running --wait; systemctl --failed --no-legend', timeoutMs);
  if (!/^running/.test(ready.stdout)) console.warn(`VM tier: the guest's systemd is ${ready.stdout.trim()}`);
  guest.bootMs = Date.now() - t0;
  return guest;
}

/** Power the guest off (kill qemu when it does not stop) and remove the job folder. */
export async function stopGuest(guest: Guest): Promise<void> {
  const done = new Promise<void>((resolve) => (guest.qemu.exitCode !== null ? resolve() : guest.qemu.once('exit', () => resolve())));
  writeFileSync(join(guest.jobs, 'poweroff.cmd'), 'poweroff -f\n');
  const timer = setTimeout(() => guest.qemu.kill('SIGKILL'), 15_000);
  await done;
  clearTimeout(timer);
  rmSync(guest.jobs, { recursive: true, force: true });
}
