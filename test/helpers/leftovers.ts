// Leftover checks for the robustness tests, each scoped to this test process and its own
// container ids: other engineers run containers on this machine at the same time, so no check
// counts anything machine-wide.
//
// Processes: the test process makes itself a child subreaper (prctl(2) PR_SET_CHILD_SUBREAPER),
// so every process that a killed or finished tsrun leaves behind (an orphaned tsrun-init, a
// container process) is re-parented to it instead of to pid 1 and stays findable as one of
// its descendants.
import { existsSync, readdirSync, readFileSync, readlinkSync, rmdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { detectHostCgroups } from '../../src/cgroups/layout.js';
import type { Hierarchy } from '../../src/cgroups/types.js';
import { setChildSubreaper } from '../../src/native/index.js';
import { procState } from './host.js';

let subreaper = false;

/** Make this test process the subreaper of everything its tsrun calls start. */
export function adoptOrphans(): void {
  if (!subreaper) setChildSubreaper();
  subreaper = true;
}

function parentOf(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
  } catch {
    return undefined;
  }
}

/** Every process below `root` (default: this process), zombies included, as pid → state. */
export function descendants(root = process.pid): Map<number, string> {
  const children = new Map<number, number[]>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const ppid = parentOf(Number(name));
    if (ppid === undefined) continue;
    children.set(ppid, [...(children.get(ppid) ?? []), Number(name)]);
  }
  const out = new Map<number, string>();
  const walk = (pid: number) => {
    for (const c of children.get(pid) ?? []) {
      const s = procState(c);
      if (s === undefined) continue;
      out.set(c, s);
      walk(c);
    }
  };
  walk(root);
  return out;
}

/** Live (not zombie) descendants of this process, with what they run: leftovers once no tsrun call is under way. */
export function liveDescendants(): string[] {
  return [...descendants()]
    .filter(([, s]) => s !== 'Z' && s !== 'X')
    .map(([pid]) => `${pid} (${exeOf(pid)})`);
}

/** Zombie descendants of this process. */
export function zombieDescendants(): number[] {
  return [...descendants()].filter(([, s]) => s === 'Z').map(([pid]) => pid);
}

function exeOf(pid: number): string {
  try {
    return readlinkSync(`/proc/${pid}/exe`);
  } catch {
    try {
      return readFileSync(`/proc/${pid}/comm`, 'utf8').trim();
    } catch {
      return '?';
    }
  }
}

/**
 * Where container `id` has its cgroup when the config sets no cgroupsPath, in every mounted
 * hierarchy: `<id>` below the cgroup of this test process (which the runtime it starts is in),
 * runc 1.1's rule that tsrun follows.
 */
export function defaultCgroupDirs(id: string): string[] {
  const host = detectHostCgroups();
  const hierarchies: [string, Hierarchy][] = [...Object.entries(host.v1), ...(host.unified ? [['unified', host.unified] as [string, Hierarchy]] : [])];
  const sorted = (k: string): string => k.split(',').sort().join(',');
  return hierarchies.map(([key, h]) => {
    const own = Object.entries(host.own).find(([k]) => sorted(k) === sorted(key))?.[1] ?? '/';
    return join(h.mountpoint, relative(h.root, own), id);
  });
}

/** The cgroup directories of container `id` that exist, in every mounted hierarchy (default cgroupsPath). */
export function cgroupDirsOf(id: string): string[] {
  return defaultCgroupDirs(id).filter((d) => existsSync(d));
}

/**
 * Remove the empty cgroup directory `path` (from each hierarchy's root) that a test's configs made
 * a parent of theirs: runtimes remove a container's own cgroup, not the parents they created.
 */
export function removeEmptyCgroupDir(path: string): void {
  const host = detectHostCgroups();
  for (const h of [...Object.values(host.v1), ...(host.unified ? [host.unified] : [])]) {
    try {
      rmdirSync(join(h.mountpoint, path));
    } catch {
      /* never made, or still in use: left for a look */
    }
  }
}

/** Open fds of a process: fd number → what it points to. */
export function fdsOf(pid: number): Map<number, string> {
  const out = new Map<number, string>();
  for (const fd of readdirSync(`/proc/${pid}/fd`)) {
    try {
      out.set(Number(fd), readlinkSync(`/proc/${pid}/fd/${fd}`));
    } catch {
      /* closed meanwhile */
    }
  }
  return out;
}
