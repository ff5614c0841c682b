// Processes of a cgroup subtree (cgroup.procs lists the thread-group ids of one cgroup only).
import { join } from 'node:path';
import { RuntimeError } from '../errors.js';
import { errCode } from './io.js';
import type { CgroupIO } from './types.js';

export function readProcs(io: CgroupIO, dir: string): number[] {
  if (!io.exists(dir)) return [];
  const out: number[] = [];
  const walk = (d: string): void => {
    let text = '';
    try {
      text = io.read(join(d, 'cgroup.procs'));
    } catch (err) {
      if (errCode(err) !== 'ENOENT') throw err;
    }
    for (const line of text.split('\n')) if (line.trim()) out.push(Number(line));
    let subs: string[] = [];
    try {
      subs = io.subdirs(d);
    } catch (err) {
      if (errCode(err) !== 'ENOENT') throw err; // removed while walking
    }
    for (const s of subs) walk(join(d, s));
  };
  walk(dir);
  return [...new Set(out)].sort((a, b) => a - b);
}

/** Signal every pid; processes that exited meanwhile are not an error. */
export function signalPids(pids: number[], signal: number): void {
  for (const pid of pids) {
    try {
      process.kill(pid, signal);
    } catch (err) {
      if (errCode(err) !== 'ESRCH') throw err;
    }
  }
}

/** rmdir; false when the directory is busy (a cgroup with child cgroups or tasks: EBUSY) or not empty. */
function rmdirUnlessBusy(io: CgroupIO, dir: string): boolean {
  try {
    io.rmdir(dir);
  } catch (err) {
    const code = errCode(err);
    if (code === 'EBUSY' || code === 'ENOTEMPTY') return false;
    if (code !== 'ENOENT') throw err;
  }
  return true;
}

/**
 * Remove a cgroup directory tree, children first. Missing directories are fine. A leaf (the
 * usual container cgroup) goes with one rmdir: its control files do not hold it, and listing
 * them (each v1 hierarchy's, for every delete) cost more than the rmdir.
 */
export function removeTree(io: CgroupIO, dir: string): void {
  if (rmdirUnlessBusy(io, dir)) return;
  for (const s of io.subdirs(dir)) removeTree(io, join(dir, s));
  try {
    io.rmdir(dir);
  } catch (err) {
    if (errCode(err) !== 'ENOENT') throw err; // EBUSY: removeWithRetry tries again
  }
}

/** Poll until `done()` or `timeoutMs` passed; returns `done()`. */
export function waitFor(io: CgroupIO, done: () => boolean, timeoutMs: number, stepMs = 10): boolean {
  const until = Date.now() + timeoutMs;
  while (!done()) {
    if (Date.now() >= until) return false;
    io.sleep(stepMs);
  }
  return true;
}

/** Sizes named in hugetlb.<size>.<suffix> files. */
export function pageSizes(files: string[], suffix: string): string[] {
  const re = new RegExp(`^hugetlb\\.([^.]+)\\.${suffix.replace(/\./g, '\\.')}$`);
  return files.flatMap((f) => re.exec(f)?.[1] ?? []);
}

/** rmdir can report EBUSY while the last killed tasks are still being released. */
export function removeWithRetry(io: CgroupIO, dir: string, timeoutMs = 10_000): void {
  let last: unknown;
  const ok = waitFor(
    io,
    () => {
      try {
        removeTree(io, dir);
        return true;
      } catch (err) {
        last = err;
        if (errCode(err) !== 'EBUSY') throw err;
        return false;
      }
    },
    timeoutMs,
  );
  if (!ok) throw new RuntimeError(`cgroup: cannot remove ${dir}: ${errCode(last)}`);
}
