// vitest globalSetup of the integration project, run once before any test file:
//  - as root: create the unprivileged user of the rootless tier (idempotent) with subordinate
//    id ranges, and check it can reach node, the checkout and the rootfs;
//  - not as root: say loudly that the root tier cannot run (its describes are skipped, with
//    the reason in their titles);
//  - build the shared test rootfs.
import { execFileSync, spawnSync } from 'node:child_process';
import { appendFileSync, existsSync, readFileSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { isRoot, nodeBin, otherRuntime, repoRoot, runnerOf, TEST_USER, tsrunJs } from './host.js';
import { ensureRootfs, PROBE } from './rootfs.js';

const SUB_START = 200000;
const SUB_SIZE = 65536;

function ensureUser(): void {
  if (spawnSync('id', ['-u', TEST_USER]).status !== 0) {
    execFileSync('useradd', ['--system', '--create-home', '--shell', '/usr/sbin/nologin', TEST_USER], { stdio: 'inherit' });
  }
  for (const file of ['/etc/subuid', '/etc/subgid']) {
    const text = existsSync(file) ? readFileSync(file, 'utf8') : '';
    const lines = text.split('\n').filter(Boolean);
    if (lines.some((l) => l.startsWith(`${TEST_USER}:`))) continue;
    // Start past every existing range so that no two users share subordinate ids.
    const end = Math.max(SUB_START, ...lines.map((l) => l.split(':')).map(([, s, n]) => Number(s) + Number(n)).filter(Number.isFinite));
    appendFileSync(file, `${text && !text.endsWith('\n') ? '\n' : ''}${TEST_USER}:${end}:${SUB_SIZE}\n`);
  }
}

/** The first directory on the way to `path` that the user cannot search, if any. */
function blockingAncestor(path: string, uid: number, gid: number): string | undefined {
  const chain: string[] = [];
  for (let d = dirname(path); ; d = dirname(d)) {
    chain.unshift(d);
    if (d === '/') break;
  }
  for (const d of chain) {
    const st = statSync(d);
    const bit = st.uid === uid ? 0o100 : st.gid === gid ? 0o010 : 0o001;
    if (!(st.mode & bit)) return `${d} (mode ${(st.mode & 0o7777).toString(8)}, owner ${st.uid})`;
  }
  return undefined;
}

function checkReadable(paths: string[]): void {
  const { name, uid, gid } = runnerOf('rootless');
  for (const p of paths) {
    const r = spawnSync('setpriv', [`--reuid=${uid}`, `--regid=${gid}`, '--clear-groups', '--', 'test', '-r', p]);
    if (r.status === 0) continue;
    const why = blockingAncestor(p, uid, gid);
    throw new Error(
      `the rootless tier runs tsrun as ${name} (uid ${uid}), who cannot read ${p}` +
        (why ? `: ${why} is not searchable by it. Make the checkout reachable (chmod o+x on its ancestors, as .ci/run does) or move it.` : '.'),
    );
  }
}

export default function setup(): void {
  if (isRoot) {
    ensureUser();
  } else {
    const line = '='.repeat(100);
    console.warn(`\n${line}\nNOT ROOT (uid ${process.geteuid?.()}): the root tier of the integration tests is SKIPPED; only the rootless tier runs, as this user.\n${line}\n`);
  }
  const rootfs = ensureRootfs();
  if (otherRuntime) console.warn(`\nTSRUN_TEST_RUNTIME=${otherRuntime}: the integration tests run against it, NOT against tsrun.\n`);
  if (isRoot) checkReadable([nodeBin, `${repoRoot}/package.json`, `${rootfs}/bin/busybox`, `${rootfs}${PROBE}`, ...(existsSync(tsrunJs) ? [tsrunJs] : [])]);
}
