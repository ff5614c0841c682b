// Filesystem tests' helpers: run a container to completion, read its /proc/self/mountinfo,
// and make a private writable copy of the test rootfs (for rootfs contents a test plants).
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import type { Spec } from './config.js';
import type { Tier } from './modes.js';
import { testRootfs } from './rootfs.js';
import { sandbox } from './sandbox.js';
import { show, type TsrunResult } from './tsrun.js';

/** `run` a config to completion; run deletes the container, so no state dir may be left. */
export async function runContainer(t: Tier, config: Spec): Promise<TsrunResult> {
  const id = t.id('fs');
  const r = await t.tsrun(['run', id, '-b', t.bundle(config)]);
  expect(r.timedOut, show(r)).toBe(false);
  expect(existsSync(t.stateDir(id)), `state dir after run: ${show(r)}`).toBe(false);
  return r;
}

/** One line of /proc/self/mountinfo (proc(5)). */
export interface MountInfo {
  root: string;
  mountPoint: string;
  /** Per-mount options: ro/rw, nosuid, nodev, noexec, noatime, relatime, nosymfollow ... */
  options: string[];
  /** Optional fields: shared:N, master:N, unbindable ... */
  optional: string[];
  fstype: string;
  source: string;
  /** Superblock options: sync, dirsync, lazytime, filesystem data ... */
  superOptions: string[];
}

export function parseMountinfo(text: string): MountInfo[] {
  return text
    .split('\n')
    .filter((l) => l.includes(' - '))
    .map((line) => {
      const [left, right] = line.split(' - ');
      const f = left.split(' ');
      const [fstype, source, superOptions] = right.split(' ');
      return { root: f[3], mountPoint: f[4], options: f[5].split(','), optional: f.slice(6), fstype, source, superOptions: (superOptions ?? '').split(',') };
    });
}

/** The topmost mount at `mountPoint` in a mountinfo text (the last line wins: it is stacked above). */
export function mountAt(text: string, mountPoint: string): MountInfo {
  const found = parseMountinfo(text).filter((m) => m.mountPoint === mountPoint);
  expect(found, `no mount at ${mountPoint} in:\n${text}`).not.toHaveLength(0);
  return found[found.length - 1];
}

let copies = 0;

/**
 * A writable copy of the test rootfs in the sandbox (cp -a: owned by root like the original,
 * /tmp 1777, so container root of both tiers can create below /tmp). Returns its path.
 */
export function rootfsCopy(): string {
  const dir = join(sandbox(), `rootfs-${++copies}`);
  execFileSync('cp', ['-a', testRootfs(), dir]);
  return dir;
}
