// The cgroup manager on this machine's real cgroup filesystem (needs root).
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, readFileSync, rmdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { detectHostCgroups } from '../../src/cgroups/layout.js';
import { type CgroupManager, createCgroupManager, loadCgroupManager } from '../../src/cgroups/manager.js';
import type { HostCgroups } from '../../src/cgroups/types.js';

const isRoot = process.geteuid?.() === 0;
const host: HostCgroups | undefined = (() => {
  try {
    return detectHostCgroups();
  } catch {
    return undefined;
  }
})();
const v1 = host !== undefined && host.mode !== 'unified';
const v1Has = (c: string): boolean => v1 && Object.keys(host!.v1).some((k) => k.split(',').includes(c));
const V1_SKIP = !isRoot || !v1 || !['memory', 'pids', 'cpu', 'freezer', 'cpuset'].every(v1Has);
const V1_REASON = V1_SKIP ? ` [SKIPPED: needs root and cgroup v1 memory, pids, cpu, freezer, cpuset hierarchies; uid ${process.geteuid?.()}, mode ${host?.mode}]` : '';
const V2_SKIP = !isRoot || host?.mode !== 'unified';
const V2_REASON = V2_SKIP ? ` [SKIPPED: needs root on a pure cgroup v2 host; this host is ${host?.mode}]` : '';

const PARENT = `/tsrun-itest-${process.pid}`;
const children: ChildProcess[] = [];

function sleeper(): { child: ChildProcess; pid: number; exit: Promise<NodeJS.Signals | null> } {
  const child = spawn('sleep', ['30'], { stdio: 'ignore' });
  children.push(child);
  const exit = new Promise<NodeJS.Signals | null>((res) => child.on('exit', (_c, sig) => res(sig)));
  return { child, pid: child.pid!, exit };
}

const procState = (pid: number): string => /^State:\s+(\S)/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? '?';
const read = (dir: string | undefined, file: string): string => readFileSync(join(dir!, file), 'utf8').trim();
const dirOf = (m: CgroupManager, controller: string): string => Object.entries(m.paths).find(([k]) => k.split(',').includes(controller))![1];

afterAll(() => {
  for (const c of children) c.kill('SIGKILL');
  if (!host) return;
  const mounts = [...Object.values(host.v1), ...(host.unified ? [host.unified] : [])];
  for (const h of mounts) {
    const d = join(h.mountpoint, PARENT);
    if (existsSync(d)) rmdirSync(d);
  }
});

describe('cgroup v1 manager on the real cgroupfs', () => {
  const id = 'c1';
  const mk = (): CgroupManager => createCgroupManager({ id, cgroupsPath: `${PARENT}/${id}`, rootless: false, systemd: false })!;

  it.skipIf(V1_SKIP)(`creates, applies limits, adds a process, reads the files back${V1_REASON}`, () => {
    const m = mk();
    m.create();
    for (const d of Object.values(m.paths)) expect(existsSync(d)).toBe(true);
    m.apply({ memory: { limit: 64 * 1024 * 1024 }, pids: { limit: 16 }, cpu: { quota: 20000, period: 100000 } });
    expect(read(dirOf(m, 'memory'), 'memory.limit_in_bytes')).toBe(String(64 * 1024 * 1024));
    expect(read(dirOf(m, 'pids'), 'pids.max')).toBe('16');
    expect(read(dirOf(m, 'cpu'), 'cpu.cfs_quota_us')).toBe('20000');
    expect(read(dirOf(m, 'cpu'), 'cpu.cfs_period_us')).toBe('100000');
    expect(read(dirOf(m, 'cpuset'), 'cpuset.cpus')).not.toBe(''); // inherited, else no task could join
    const s = sleeper();
    m.addProcess(s.pid);
    const own = readFileSync(`/proc/${s.pid}/cgroup`, 'utf8');
    expect(own).toContain(`:memory:${PARENT}/${id}\n`);
    expect(own).toContain(`:pids:${PARENT}/${id}\n`);
    expect(m.pids()).toEqual([s.pid]);
    const stats = m.stats();
    expect(stats.pids).toEqual({ current: 1, limit: 16 });
    expect(stats.memory.usage.limit).toBe(64 * 1024 * 1024);
  });

  it.skipIf(V1_SKIP)(`reports the file and value of a refused write${V1_REASON}`, () => {
    expect(() => mk().apply({ cpu: { cpus: '4096' } })).toThrow(/write "4096" to .*cpuset\.cpus: E/);
  });

  it.skipIf(V1_SKIP || !v1Has('devices'))(`raises memory and memory+swap together whatever the order, writes device rules${V1_REASON}`, () => {
    const m = mk();
    const mem = dirOf(m, 'memory');
    const MiB = 1024 * 1024;
    const hasMemsw = existsSync(join(mem, 'memory.memsw.limit_in_bytes'));
    m.apply({ memory: hasMemsw ? { limit: 64 * MiB, swap: 128 * MiB } : { limit: 64 * MiB } });
    // Raising both: the kernel refuses limit > memsw, so memsw must go first; lowering is the reverse.
    m.apply({ memory: hasMemsw ? { limit: 256 * MiB, swap: 512 * MiB } : { limit: 256 * MiB } });
    expect(read(mem, 'memory.limit_in_bytes')).toBe(String(256 * MiB));
    if (hasMemsw) expect(read(mem, 'memory.memsw.limit_in_bytes')).toBe(String(512 * MiB));
    m.apply({ memory: hasMemsw ? { limit: 64 * MiB, swap: 64 * MiB } : { limit: 64 * MiB } });
    expect(read(mem, 'memory.limit_in_bytes')).toBe(String(64 * MiB));
    m.apply({ devices: [{ allow: false, access: 'rwm' }, { allow: true, type: 'c', major: 1, minor: 3, access: 'rwm' }, { allow: true, type: 'c', major: 1, minor: 5, access: 'r' }] });
    expect(read(dirOf(m, 'devices'), 'devices.list').split('\n').sort()).toEqual(['c 1:3 rwm', 'c 1:5 r']);
  });

  it.skipIf(V1_SKIP)(`freezes and thaws through freezer.state${V1_REASON}`, () => {
    const m = loadCgroupManager({ ...mk().paths });
    const [pid] = m.pids();
    m.freeze();
    expect(read(dirOf(m, 'freezer'), 'freezer.state')).toBe('FROZEN');
    expect(m.frozen()).toBe(true);
    expect(procState(pid)).toBe('D'); // a frozen task shows as uninterruptible
    m.thaw();
    expect(read(dirOf(m, 'freezer'), 'freezer.state')).toBe('THAWED');
    expect(m.frozen()).toBe(false);
    expect(procState(pid)).toBe('S');
  });

  it.skipIf(V1_SKIP)(`signalAll reaches every process${V1_REASON}`, async () => {
    const m = mk();
    const more = [sleeper(), sleeper()];
    for (const s of more) m.addProcess(s.pid);
    expect(m.pids()).toHaveLength(3);
    m.signalAll(15);
    expect(await Promise.all(more.map((s) => s.exit))).toEqual(['SIGTERM', 'SIGTERM']);
    const deadline = Date.now() + 5000;
    while (m.pids().length > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    expect(m.pids()).toEqual([]);
  });

  it.skipIf(V1_SKIP)(`destroy kills what is left and removes every directory${V1_REASON}`, async () => {
    const m = mk();
    const s = sleeper();
    m.addProcess(s.pid);
    m.freeze(); // also from a paused container
    m.destroy();
    expect(await s.exit).toBe('SIGKILL');
    for (const d of Object.values(m.paths)) expect(existsSync(d)).toBe(false);
    m.destroy(); // idempotent
  });
});

describe('cgroup v2 manager on the real cgroupfs', () => {
  it.skipIf(V2_SKIP)(`creates, applies, freezes, destroys${V2_REASON}`, async () => {
    const m = createCgroupManager({ id: 'c2', cgroupsPath: `${PARENT}/c2`, rootless: false, systemd: false })!;
    m.create();
    m.apply({ memory: { limit: 64 * 1024 * 1024 }, pids: { limit: 16 }, cpu: { quota: 20000, period: 100000 } });
    expect(read(m.paths.unified, 'memory.max')).toBe(String(64 * 1024 * 1024));
    expect(read(m.paths.unified, 'pids.max')).toBe('16');
    expect(read(m.paths.unified, 'cpu.max')).toBe('20000 100000');
    const s = sleeper();
    m.addProcess(s.pid);
    expect(m.pids()).toEqual([s.pid]);
    m.freeze();
    expect(m.frozen()).toBe(true);
    m.thaw();
    m.destroy();
    expect(await s.exit).toBe('SIGKILL');
    expect(existsSync(m.paths.unified)).toBe(false);
  });
});
