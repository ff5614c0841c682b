// One temporary directory per test file (vitest isolates modules per file), 0755 in /tmp:
//   <sandbox>/bundles/        bundles, readable by every tier
//   <sandbox>/<mode>/         owned by the tier's runner
//   <sandbox>/<mode>/state/   --root of that tier (tsrun creates it)
//   <sandbox>/<mode>/scratch/ pid files, logs, captured output
import { chmodSync, chownSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { type Mode, mountsUnder, runnerOf } from './host.js';

let dir: string | undefined;

export function sandbox(): string {
  if (!dir) {
    dir = mkdtempSync('/tmp/tsrun-itest-');
    chmodSync(dir, 0o755);
    mkdirSync(join(dir, 'bundles'), { mode: 0o755 });
  }
  return dir;
}

function ownDir(path: string, mode: Mode): string {
  mkdirSync(path, { recursive: true, mode: 0o755 });
  const { uid, gid } = runnerOf(mode);
  if (process.geteuid?.() === 0) chownSync(path, uid, gid);
  return path;
}

export function modeDir(mode: Mode): string {
  return ownDir(join(sandbox(), mode), mode);
}

/** The --root of a tier's tsrun. */
export function stateRoot(mode: Mode): string {
  return join(modeDir(mode), 'state');
}

/** A directory the tier's runner can write to. */
export function scratchDir(mode: Mode): string {
  return ownDir(join(modeDir(mode), 'scratch'), mode);
}

/** Remove the sandbox, unless something is still mounted in it: rm -r must never walk into a leaked mount. */
export function removeSandbox(): void {
  if (!dir) return;
  const mounts = mountsUnder(dir);
  if (mounts.length > 0) throw new Error(`not removing ${dir}: still mounted there: ${mounts.join(', ')}`);
  rmSync(dir, { recursive: true, force: true });
  dir = undefined;
}
