// The test root filesystem: bundles/busybox/make-rootfs.sh run once into a world-readable
// directory of /tmp named by the uid and a hash of its inputs, shared by every test file and every run
// until busybox or the script changes. Bundles point root.path at it (absolute, read-only):
// no test writes into it, so containers can share it. It also holds /bin/probe (test/probe/probe.cc,
// built static here): the report of what a container sees (see README.md).
import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, lstatSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from './host.js';
import { sandbox } from './sandbox.js';

export const BUSYBOX = '/bin/busybox';
const script = join(repoRoot, 'bundles', 'busybox', 'make-rootfs.sh');
const probeSource = join(repoRoot, 'test', 'probe', 'probe.cc');
/** The probe's path inside the test rootfs. */
export const PROBE = '/bin/probe';

/** Where the rootfs for the current busybox and script lives. */
export function rootfsPath(): string {
  if (!existsSync(BUSYBOX)) throw new Error(`${BUSYBOX} is missing: the tests need Debian's busybox-static (apt-get install busybox-static)`);
  const hash = createHash('sha256');
  for (const input of [BUSYBOX, script, probeSource]) hash.update(readFileSync(input));
  const h = hash.digest('hex').slice(0, 12);
  return `/tmp/tsrun-test-rootfs-${process.geteuid?.()}-${h}`;
}

/** Build the rootfs if needed and return its path. */
export function ensureRootfs(): string {
  const dir = rootfsPath();
  if (!existsSync(dir)) execFileSync('bash', [script, '--busybox', BUSYBOX, dir], { stdio: ['ignore', 'ignore', 'inherit'] });
  // /tmp is shared: refuse a directory somebody else made or can write to.
  const st = lstatSync(dir);
  if (!st.isDirectory() || st.uid !== process.geteuid?.() || (st.mode & 0o022) !== 0) {
    throw new Error(`${dir} is not a directory owned by uid ${process.geteuid?.()} and writable only by it: remove it and run again`);
  }
  // Built aside and renamed, so a half-written probe is never used; static: the rootfs has no libc.
  if (!existsSync(join(dir, PROBE))) {
    const tmp = join(dir, `${PROBE}.tmp.${process.pid}`);
    execFileSync('g++', ['-static', '-Os', '-Wall', '-o', tmp, probeSource], { stdio: ['ignore', 'ignore', 'inherit'] });
    renameSync(tmp, join(dir, PROBE));
  }
  return dir;
}

/** The shared rootfs (built by global-setup.ts; built here when a file runs without it). */
export function testRootfs(): string {
  return ensureRootfs();
}

let bundleCount = 0;

/**
 * A bundle directory (0755) under `parent` holding config.json: the config object as JSON, or
 * `text` verbatim (for invalid JSON); `null` writes no config.json at all.
 */
export function makeBundleIn(parent: string, config: unknown, opts: { text?: string } = {}): string {
  const dir = join(parent, `bundle-${++bundleCount}`);
  mkdirSync(dir, { recursive: true, mode: 0o755 });
  chmodSync(dir, 0o755);
  if (opts.text !== undefined) writeFileSync(join(dir, 'config.json'), opts.text, { mode: 0o644 });
  else if (config !== null) writeFileSync(join(dir, 'config.json'), JSON.stringify(config, null, 2) + '\n', { mode: 0o644 });
  return dir;
}

/** A bundle in this test file's sandbox (see makeBundleIn). */
export function makeBundle(config: unknown, opts: { text?: string } = {}): string {
  return makeBundleIn(join(sandbox(), 'bundles'), config, opts);
}
