import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { hostCgroupsFrom } from '../../../src/cgroups/layout.js';
import { createCgroupManager, loadCgroupManager } from '../../../src/cgroups/manager.js';
import type { HostCgroups } from '../../../src/cgroups/types.js';
import { deviceProgram, encodeProgram } from '../../../src/cgroups/devices/bpf.js';
import { deviceList } from '../../../src/cgroups/devices/list.js';
import { NotSupportedError } from '../../../src/errors.js';
import { type FakeIO, fakeIO, readAt, tempRoot, touch } from './fake.js';

let root: string;
let io: FakeIO;
let host: HostCgroups;
const C = 'tsrun/c1';
const LEAF_FILES = ['cgroup.procs', 'cgroup.freeze', 'cgroup.kill', 'memory.max', 'memory.swap.max', 'memory.low', 'memory.current', 'cpu.weight', 'cpu.max', 'cpu.max.burst', 'cpu.idle', 'pids.max', 'io.weight', 'io.max', 'cpuset.cpus', 'cpuset.mems', 'memory.high', 'hugetlb.2MB.max'];

beforeEach(() => {
  root = tempRoot();
  io = fakeIO();
  host = { ...hostCgroupsFrom(`1 0 0:1 / ${root} rw - cgroup2 cgroup2 rw,nsdelegate`, '0::/init.scope\n'), io };
  touch(root, {
    'cgroup.controllers': 'cpuset cpu io memory hugetlb pids\n',
    'cgroup.subtree_control': 'memory\n',
    'cgroup.procs': '',
    'tsrun/cgroup.controllers': 'cpuset cpu io memory hugetlb pids\n',
    'tsrun/cgroup.subtree_control': '',
    'tsrun/cgroup.procs': '',
    'cgroup.events': 'populated 0\nfrozen 0\n',
    ...Object.fromEntries(LEAF_FILES.map((f) => [`${C}/${f}`, ''])),
    [`${C}/cgroup.controllers`]: 'cpuset cpu io memory hugetlb pids\n',
    [`${C}/cgroup.subtree_control`]: '',
    [`${C}/cgroup.events`]: 'populated 0\nfrozen 0\n',
  });
});
afterEach(() => io.rmdir(root));

const manager = (cgroupsPath: string | undefined = `/${C}`) => createCgroupManager({ id: 'c1', cgroupsPath, rootless: false, systemd: false, host })!;

describe('v2 manager on a fake cgroupfs', () => {
  it('one unified path; relative paths, and the default <id> (as runc), under the own cgroup', () => {
    expect(manager().paths).toEqual({ unified: join(root, C) });
    expect(createCgroupManager({ id: 'c1', rootless: false, systemd: false, host })!.paths).toEqual({ unified: join(root, 'init.scope/c1') });
    expect(manager('x/y').paths).toEqual({ unified: join(root, 'init.scope/x/y') });
  });

  it('create enables the controllers in every ancestor, not in the leaf', () => {
    manager().create();
    const enabled = io.log.filter((w) => w.path.endsWith('cgroup.subtree_control'));
    expect(enabled.filter((w) => w.path === join(root, 'cgroup.subtree_control')).map((w) => w.value)).toEqual(['+cpuset', '+cpu', '+io', '+hugetlb', '+pids']);
    expect(enabled.filter((w) => w.path === join(root, 'tsrun/cgroup.subtree_control'))).toHaveLength(6);
    expect(enabled.some((w) => w.path === join(root, C, 'cgroup.subtree_control'))).toBe(false);
  });

  it('apply converts v1-style values', () => {
    const m = manager();
    m.create();
    m.apply({
      memory: { limit: 1 << 26, swap: 1 << 27, reservation: 1 << 20 },
      cpu: { shares: 1024, quota: 50000, cpus: '0' },
      pids: { limit: -1 },
      blockIO: { weight: 1000 },
      hugepageLimits: [{ pageSize: '2MB', limit: 2097152 }],
      unified: { 'memory.high': '1000000' },
    });
    expect(readAt(root, `${C}/memory.max`)).toBe(String(1 << 26));
    expect(readAt(root, `${C}/memory.swap.max`)).toBe(String(1 << 26));
    expect(readAt(root, `${C}/memory.low`)).toBe(String(1 << 20));
    expect(readAt(root, `${C}/cpu.weight`)).toBe('39');
    expect(readAt(root, `${C}/cpu.max`)).toBe('50000 100000');
    expect(readAt(root, `${C}/pids.max`)).toBe('max');
    expect(readAt(root, `${C}/io.weight`)).toBe('10000');
    expect(readAt(root, `${C}/hugetlb.2MB.max`)).toBe('2097152');
    expect(readAt(root, `${C}/memory.high`)).toBe('1000000');
  });

  it('unified keys of a missing controller are an error naming the file', () => {
    expect(() => manager().apply({ unified: { 'rdma.max': 'mlx 1' } })).toThrow(/rdma.max: ENOENT/);
  });

  it('devices: the encoded program is attached to the cgroup directory', () => {
    manager().apply({ devices: [{ allow: false, access: 'rwm' }, { allow: true, type: 'c', major: 1, minor: 3, access: 'rw' }] });
    const attached = io.log.filter((w) => w.path === join(root, C, '<bpf device program>'));
    const program = deviceProgram(deviceList([{ allow: false, access: 'rwm' }, { allow: true, type: 'c', major: 1, minor: 3, access: 'rw' }]));
    expect(attached.map((w) => w.value)).toEqual([encodeProgram(program).toString('hex')]);
    expect(io.log.some((w) => w.path.includes('devices.'))).toBe(false);
  });

  it('network is not supported on v2', () => {
    expect(() => manager().apply({ network: { classID: 1 } })).toThrow(NotSupportedError);
  });

  it('freeze / thaw through cgroup.freeze and cgroup.events', () => {
    const m = manager();
    m.freeze();
    expect(readAt(root, `${C}/cgroup.freeze`)).toBe('1');
    expect(m.frozen()).toBe(true);
    m.thaw();
    expect(m.frozen()).toBe(false);
  });

  it('signalAll(SIGKILL) uses cgroup.kill; destroy removes the leaf', () => {
    const m = manager();
    touch(root, { [`${C}/child/cgroup.procs`]: '' });
    m.signalAll(9);
    expect(readAt(root, `${C}/cgroup.kill`)).toBe('1');
    m.destroy();
    expect(existsSync(join(root, C))).toBe(false);
    expect(existsSync(join(root, 'tsrun'))).toBe(true);
    m.destroy();
  });

  it('stats and oom events from v2 files', () => {
    touch(root, {
      [`${C}/cpu.stat`]: 'usage_usec 10\nuser_usec 6\nsystem_usec 4\nnr_periods 3\nnr_throttled 1\nthrottled_usec 7\n',
      [`${C}/memory.current`]: '4096\n',
      [`${C}/memory.max`]: 'max\n',
      [`${C}/memory.stat`]: 'anon 10\nfile 20\n',
      [`${C}/memory.events`]: 'low 0\nhigh 0\nmax 5\noom 1\noom_kill 1\n',
      [`${C}/pids.current`]: '2\n',
      [`${C}/pids.max`]: '10\n',
      [`${C}/io.stat`]: '8:0 rbytes=100 wbytes=200 rios=1 wios=2 dbytes=0 dios=0\n',
      [`${C}/hugetlb.2MB.current`]: '0\n',
    });
    const m = manager();
    const s = m.stats();
    expect(s.cpu.usage).toEqual({ total: 10000, user: 6000, kernel: 4000 });
    expect(s.cpu.throttling).toEqual({ periods: 3, throttled_periods: 1, throttled_time: 7000 });
    expect(s.memory.usage).toEqual({ usage: 4096, max: 0, failcnt: 5, limit: 0 });
    expect(s.memory.cache).toBe(20);
    expect(s.pids).toEqual({ current: 2, limit: 10 });
    expect(s.blkio.ioServiceBytesRecursive).toEqual([
      { major: 8, minor: 0, op: 'Read', value: 100 },
      { major: 8, minor: 0, op: 'Write', value: 200 },
    ]);
    expect(Object.keys(s.hugetlb)).toEqual(['2MB']);
    expect(m.oomState()).toEqual({ kills: 1, underOom: false });
  });

  it('rootless: writable delegated subtree gives a manager', () => {
    const opts = { id: 'c1', cgroupsPath: `/${C}`, rootless: true, systemd: false, host };
    expect(createCgroupManager(opts)?.paths).toEqual({ unified: join(root, C) });
    expect(loadCgroupManager({ unified: join(root, C) }, io).paths).toEqual({ unified: join(root, C) });
  });
});
