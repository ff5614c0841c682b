import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { hostCgroupsFrom } from '../../../src/cgroups/layout.js';
import { CgroupDelegationError, canDelegate, createCgroupManager, loadCgroupManager } from '../../../src/cgroups/manager.js';
import type { HostCgroups } from '../../../src/cgroups/types.js';
import { NotSupportedError } from '../../../src/errors.js';
import { type FakeIO, fakeIO, readAt, tempRoot, touch, V1_CPU_FILES, V1_MEMORY_FILES } from './fake.js';

let root: string;
let io: FakeIO;
let host: HostCgroups;
const C = 'tsrun/c1';

function v1Host(rootDir: string, withFreezer = true): HostCgroups {
  const lines = [
    `1 0 0:1 / ${rootDir}/cpu,cpuacct rw - cgroup cgroup rw,cpu,cpuacct`,
    `2 0 0:2 / ${rootDir}/memory rw - cgroup cgroup rw,memory`,
    `3 0 0:3 / ${rootDir}/pids rw - cgroup cgroup rw,pids`,
    `4 0 0:4 / ${rootDir}/cpuset rw - cgroup cgroup rw,cpuset`,
    `6 0 0:6 / ${rootDir}/devices rw - cgroup cgroup rw,devices`,
    `7 0 0:7 / ${rootDir}/blkio rw - cgroup cgroup rw,blkio`,
  ];
  if (withFreezer) lines.push(`5 0 0:5 / ${rootDir}/freezer rw - cgroup cgroup rw,freezer`);
  // The runtime runs in /tsrun of every hierarchy: the default cgroup <id> is below it (as runc's).
  const own = lines.map((l, i) => `${i + 1}:${/rw,(\S+)$/.exec(l)![1]}:/tsrun`).join('\n');
  return { ...hostCgroupsFrom(lines.join('\n'), own), io };
}

function files(dir: string, names: string[], value = ''): Record<string, string> {
  return Object.fromEntries(names.map((n) => [join(dir, n), value]));
}

beforeEach(() => {
  root = tempRoot();
  io = fakeIO();
  host = v1Host(root);
  touch(root, {
    ...files(`memory/${C}`, V1_MEMORY_FILES),
    ...files(`cpu,cpuacct/${C}`, [...V1_CPU_FILES, 'cpuacct.usage', 'cpuacct.stat', 'cpuacct.usage_percpu']),
    ...files(`pids/${C}`, ['pids.max', 'pids.current', 'cgroup.procs']),
    ...files(`freezer/${C}`, ['freezer.state', 'cgroup.procs']),
    ...files(`devices/${C}`, ['devices.allow', 'devices.deny', 'cgroup.procs']),
    ...files(`blkio/${C}`, ['blkio.bfq.weight', 'blkio.throttle.read_bps_device', 'cgroup.procs']),
    'cpuset/cpuset.cpus': '0-3\n',
    'cpuset/cpuset.mems': '0\n',
    ...files('cpuset/tsrun', ['cpuset.cpus', 'cpuset.mems']),
    ...files(`cpuset/${C}`, ['cpuset.cpus', 'cpuset.mems', 'cgroup.procs']),
  });
});
afterEach(() => io.rmdir(root));

describe('v1 manager on a fake cgroupfs', () => {
  it('paths per hierarchy, default <id> below the runtime\'s own cgroup (runc 1.1\'s rule)', () => {
    const m = createCgroupManager({ id: 'c1', rootless: false, systemd: false, host })!;
    expect(m.paths).toEqual({
      'cpu,cpuacct': join(root, 'cpu,cpuacct', C),
      memory: join(root, 'memory', C),
      pids: join(root, 'pids', C),
      cpuset: join(root, 'cpuset', C),
      devices: join(root, 'devices', C),
      blkio: join(root, 'blkio', C),
      freezer: join(root, 'freezer', C),
    });
  });

  it('create copies cpuset.cpus/mems down from the parent', () => {
    const m = createCgroupManager({ id: 'c1', rootless: false, systemd: false, host })!;
    m.create();
    m.create(); // idempotent
    expect(readAt(root, `cpuset/${C}/cpuset.cpus`)).toBe('0-3');
    expect(readAt(root, `cpuset/tsrun/cpuset.mems`)).toBe('0');
  });

  it('apply writes every field to the right hierarchy', () => {
    const m = createCgroupManager({ id: 'c1', rootless: false, systemd: false, host })!;
    m.create();
    const warnings = m.apply({
      memory: { limit: 1 << 26, swap: 1 << 27, kernel: 5, swappiness: 0 },
      cpu: { shares: 512, quota: 20000, period: 100000, cpus: '1', mems: '0' },
      pids: { limit: 16 },
      blockIO: { weight: 300, throttleReadBpsDevice: [{ major: 8, minor: 0, rate: 100 }] },
      devices: [{ allow: false, access: 'rwm' }, { allow: true, type: 'c', major: 1, minor: 3, access: 'rw' }],
    });
    expect(warnings).toHaveLength(1);
    expect(readAt(root, `memory/${C}/memory.limit_in_bytes`)).toBe(String(1 << 26));
    expect(readAt(root, `memory/${C}/memory.memsw.limit_in_bytes`)).toBe(String(1 << 27));
    expect(readAt(root, `memory/${C}/memory.swappiness`)).toBe('0');
    expect(readAt(root, `cpu,cpuacct/${C}/cpu.cfs_quota_us`)).toBe('20000');
    expect(readAt(root, `cpu,cpuacct/${C}/cpu.shares`)).toBe('512');
    expect(readAt(root, `cpuset/${C}/cpuset.cpus`)).toBe('1');
    expect(readAt(root, `pids/${C}/pids.max`)).toBe('16');
    expect(readAt(root, `blkio/${C}/blkio.bfq.weight`)).toBe('300'); // no blkio.weight: BFQ
    const devWrites = io.log.filter((w) => w.path.includes('/devices/')).map((w) => `${w.path.split('/').pop()} ${w.value}`);
    expect(devWrites).toEqual(['devices.deny a', 'devices.allow c 1:3 rw']);
  });

  it('a missing interface file names the file, the value and the controller', () => {
    const m = createCgroupManager({ id: 'c1', rootless: false, systemd: false, host })!;
    m.create();
    expect(() => m.apply({ memory: { kernelTCP: 1 }, cpu: { idle: 1 } })).not.toThrow();
    io.rmdir(join(root, 'memory', C, 'memory.kmem.tcp.limit_in_bytes'));
    expect(() => m.apply({ memory: { kernelTCP: 7 } })).toThrow(/write "7" to .*memory.kmem.tcp.limit_in_bytes: ENOENT.*memory controller/);
  });

  it('an unmounted controller and unified are refused', () => {
    const m = createCgroupManager({ id: 'c1', rootless: false, systemd: false, host })!;
    expect(() => m.apply({ hugepageLimits: [{ pageSize: '2MB', limit: 1 }] })).toThrow(/controller hugetlb is not mounted/);
    expect(() => m.apply({ unified: { 'memory.max': '1' } })).toThrow(/cgroup v1/);
  });

  it('checkBeforeUpdate refuses a limit under the usage', () => {
    const m = createCgroupManager({ id: 'c1', rootless: false, systemd: false, host })!;
    touch(root, { [`memory/${C}/memory.usage_in_bytes`]: '5000\n' });
    expect(() => m.apply({ memory: { limit: 4096, checkBeforeUpdate: true } })).toThrow(/below the current usage 5000/);
    m.apply({ memory: { limit: 8192, checkBeforeUpdate: true } });
    expect(readAt(root, `memory/${C}/memory.limit_in_bytes`)).toBe('8192');
  });

  it('addProcess writes cgroup.procs everywhere; pids() is recursive', () => {
    const m = createCgroupManager({ id: 'c1', rootless: false, systemd: false, host })!;
    m.addProcess(4242);
    for (const dir of Object.values(m.paths)) expect(readAt(dir, 'cgroup.procs')).toBe('4242');
    touch(root, { [`pids/${C}/sub/cgroup.procs`]: '7\n5\n' });
    expect(m.pids()).toEqual([5, 7, 4242]);
  });

  it('a new init joins by itself through every hierarchy\'s tasks file', () => {
    const m = createCgroupManager({ id: 'c1', rootless: false, systemd: false, host })!;
    expect(m.selfJoinFiles().sort()).toEqual(Object.values(m.paths).map((d) => join(d, 'tasks')).sort());
  });

  it('freeze / thaw / frozen through freezer.state', () => {
    const m = createCgroupManager({ id: 'c1', rootless: false, systemd: false, host })!;
    expect(m.frozen()).toBe(false);
    m.freeze();
    expect(readAt(root, `freezer/${C}/freezer.state`)).toBe('FROZEN');
    expect(m.frozen()).toBe(true);
    m.thaw();
    expect(m.frozen()).toBe(false);
  });

  it('freeze without a freezer hierarchy is a clear error', () => {
    const m = createCgroupManager({ id: 'c1', rootless: false, systemd: false, host: v1Host(root, false) })!;
    expect(() => m.freeze()).toThrow(/controller freezer is not mounted/);
  });

  it('signalAll signals the listed processes', async () => {
    const child = spawn('sleep', ['30'], { stdio: 'ignore' });
    const exited = new Promise<string | null>((res) => child.on('exit', (_c, sig) => res(sig)));
    const m = createCgroupManager({ id: 'c1', rootless: false, systemd: false, host })!;
    touch(root, { [`pids/${C}/cgroup.procs`]: `${child.pid}\n` });
    m.signalAll(15);
    expect(await exited).toBe('SIGTERM');
  });

  it('destroy removes every directory and is idempotent', () => {
    const m = createCgroupManager({ id: 'c1', rootless: false, systemd: false, host })!;
    m.create();
    m.destroy();
    for (const dir of Object.values(m.paths)) expect(existsSync(dir)).toBe(false);
    expect(existsSync(join(root, 'memory', 'tsrun'))).toBe(true);
    m.destroy();
  });

  it('stats read the v1 files', () => {
    touch(root, {
      [`memory/${C}/memory.usage_in_bytes`]: '4096\n',
      [`memory/${C}/memory.limit_in_bytes`]: '8192\n',
      [`memory/${C}/memory.stat`]: 'cache 100\nrss 200\ntotal_cache 300\n',
      [`memory/${C}/memory.oom_control`]: 'oom_kill_disable 0\nunder_oom 0\noom_kill 2\n',
      [`cpu,cpuacct/${C}/cpuacct.usage`]: '123456\n',
      [`cpu,cpuacct/${C}/cpuacct.usage_percpu`]: '100000 23456 \n',
      [`cpu,cpuacct/${C}/cpuacct.stat`]: 'user 3\nsystem 1\n',
      [`cpu,cpuacct/${C}/cpu.stat`]: 'nr_periods 10\nnr_throttled 2\nthrottled_time 999\n',
      [`pids/${C}/pids.current`]: '3\n',
      [`pids/${C}/pids.max`]: 'max\n',
    });
    const m = createCgroupManager({ id: 'c1', rootless: false, systemd: false, host })!;
    const s = m.stats();
    expect(s.memory.usage).toEqual({ usage: 4096, max: 0, failcnt: 0, limit: 8192 });
    expect(s.memory.cache).toBe(300);
    expect(s.cpu.usage).toEqual({ total: 123456, percpu: [100000, 23456], user: 30_000_000, kernel: 10_000_000 });
    expect(s.cpu.throttling).toEqual({ periods: 10, throttled_periods: 2, throttled_time: 999 });
    expect(s.pids).toEqual({ current: 3, limit: 0 });
    expect(m.oomState()).toEqual({ kills: 2, underOom: false });
  });

  it('loadCgroupManager reopens from saved paths', () => {
    const m = createCgroupManager({ id: 'c1', rootless: false, systemd: false, host })!;
    const again = loadCgroupManager({ ...m.paths }, io);
    again.freeze();
    expect(m.frozen()).toBe(true);
    expect(() => loadCgroupManager({})).toThrow(/invalid saved cgroup paths/);
  });

  it('rootless: null when not writable, canDelegate says why', () => {
    const ro: FakeIO = { ...io, writable: () => false };
    const opts = { id: 'c1', rootless: true, systemd: false, host: { ...host, io: ro } };
    expect(createCgroupManager(opts)).toBeNull();
    expect(canDelegate(opts)).toBe(false);
    expect(new CgroupDelegationError(['/x']).message).toMatch(/delegated cgroup v2 subtree/);
    expect(createCgroupManager({ ...opts, host })).not.toBeNull();
  });

  it('systemd driver: clear error when systemd is not running, not supported on a v1 host', () => {
    expect(() => createCgroupManager({ id: 'c1', rootless: false, systemd: true, host })).toThrow(/systemd is not running/);
    expect(() => createCgroupManager({ id: 'c1', cgroupsPath: 'system.slice:tsrun:c1', rootless: false, systemd: true, host: { ...host, systemdRunning: true } })).toThrow(NotSupportedError);
    expect(() => createCgroupManager({ id: 'c1', cgroupsPath: '/bad', rootless: false, systemd: true, host })).toThrow(/slice:prefix:name/);
  });
});
