// A temp directory that imitates cgroupfs: interface files must exist before they are
// written (the real io never creates files), rmdir removes a directory with its files, and
// writing cgroup.freeze updates cgroup.events as the kernel would.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { realCgroupIO } from '../../../src/cgroups/io.js';
import type { CgroupIO } from '../../../src/cgroups/types.js';

export function tempRoot(): string {
  return mkdtempSync(join(tmpdir(), 'tsrun-cgroup-'));
}

/** Create files (relative to root) with contents. */
export function touch(root: string, files: Record<string, string>): void {
  for (const [f, v] of Object.entries(files)) {
    mkdirSync(dirname(join(root, f)), { recursive: true });
    writeFileSync(join(root, f), v);
  }
}

export const readAt = (root: string, f: string): string => readFileSync(join(root, f), 'utf8');

export interface FakeIO extends CgroupIO {
  log: { path: string; value: string }[];
}

export function fakeIO(): FakeIO {
  const log: { path: string; value: string }[] = [];
  return {
    ...realCgroupIO,
    log,
    write(path, value) {
      realCgroupIO.write(path, value);
      log.push({ path, value });
      if (path.endsWith('/cgroup.freeze')) writeFileSync(join(dirname(path), 'cgroup.events'), `populated 1\nfrozen ${value}\n`);
    },
    rmdir: (path) => rmSync(path, { recursive: true }),
    sleep: () => undefined,
    attachDeviceProgram(dir, program) {
      log.push({ path: join(dir, '<bpf device program>'), value: program.toString('hex') });
    },
  };
}

export const V1_MEMORY_FILES = ['memory.limit_in_bytes', 'memory.memsw.limit_in_bytes', 'memory.soft_limit_in_bytes', 'memory.kmem.tcp.limit_in_bytes', 'memory.swappiness', 'memory.oom_control', 'memory.use_hierarchy', 'memory.usage_in_bytes', 'memory.stat', 'cgroup.procs'];
export const V1_CPU_FILES = ['cpu.shares', 'cpu.cfs_period_us', 'cpu.cfs_quota_us', 'cpu.cfs_burst_us', 'cpu.rt_period_us', 'cpu.rt_runtime_us', 'cpu.idle', 'cpu.stat', 'cgroup.procs'];
