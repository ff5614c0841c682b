// The cgroup manager on this machine's real cgroup filesystem (needs root).
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { detectHostCgroups } from '../../src/cgroups/layout.js';
import { type CgroupManager, createCgroupManager, loadCgroupManager } from '../../src/cgroups/manager.js';
import { withDefaultDeviceRules } from '../../src/cgroups/controllers/devices.js';
import { deviceList, listLines } from '../../src/cgroups/devices/list.js';
import type { HostCgroups } from '../../src/cgroups/types.js';
import type { DeviceRule } from '../../src/spec/types.js';

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

  it.skipIf(V1_SKIP || !v1Has('devices'))(`the kernel's devices.list is the list tsrun computes (the rules the v2 program is compiled from)${V1_REASON}`, () => {
    const sets: DeviceRule[][] = [
      [{ allow: false, access: 'rwm' }, { allow: true, type: 'c', major: 1, minor: 3, access: 'rwm' }, { allow: true, type: 'c', major: 136, access: 'rw' }, { allow: true, type: 'b', minor: 0, access: 'r' }],
      [{ allow: false }, { allow: true, type: 'c', major: 1, minor: 9, access: 'r' }, { allow: true, type: 'c', major: 1, minor: 9, access: 'w' }, { allow: false, type: 'c', major: 1, minor: 9, access: 'm' }],
      [{ allow: false }, { allow: true, type: 'c', major: 1, minor: 5, access: 'rwm' }, { allow: false, type: 'c', major: 1, minor: 5, access: 'w' }],
      withDefaultDeviceRules([{ allow: false, access: 'rwm' }], [{ type: 'c', major: 1, minor: 3 }, { type: 'c', major: 1, minor: 5 }]),
    ];
    sets.forEach((rules, i) => {
      const m = createCgroupManager({ id: `dev${i}`, cgroupsPath: `${PARENT}/dev${i}`, rootless: false, systemd: false })!;
      m.create();
      m.apply({ devices: rules });
      expect(read(dirOf(m, 'devices'), 'devices.list').split('\n').sort()).toEqual(listLines(deviceList(rules)).sort());
      m.destroy();
    });
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

/**
 * The v2 manager on the host's cgroup2 mount: the whole host on a pure v2 machine, or the
 * unified hierarchy of a hybrid one (mounted with no controllers: the core files cgroup.procs,
 * cgroup.freeze, cgroup.kill, cgroup.events and device programs work there all the same).
 */
const unifiedHost: HostCgroups | undefined = host?.unified ? { mode: 'unified', v1: {}, unified: host.unified, own: { unified: host.own.unified ?? '/' }, systemdRunning: false } : undefined;
const V2_SKIP = !isRoot || !unifiedHost;
const V2_REASON = V2_SKIP ? ` [SKIPPED: needs root and a cgroup2 mount; uid ${process.geteuid?.()}, cgroup2 ${host?.unified?.mountpoint ?? 'not mounted'}]` : '';
const v2 = (id: string): CgroupManager => createCgroupManager({ id, cgroupsPath: `${PARENT}/${id}`, rootless: false, systemd: false, host: unifiedHost })!;

/** A shell that moves itself into `dir` (so the cgroup's rules apply to it from then on), then runs `script`. */
function inCgroup(dir: string, script: string): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync('sh', ['-c', `echo $$ > ${dir}/cgroup.procs && ${script}`], { encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('cgroup v2 manager on the real cgroup2 mount', () => {
  it.skipIf(V2_SKIP)(`creates, joins, freezes (cgroup.freeze), kills (cgroup.kill), removes${V2_REASON}`, async () => {
    const m = v2('c2');
    expect(m.paths.unified).toBe(join(unifiedHost!.unified!.mountpoint, PARENT, 'c2'));
    m.create();
    expect(existsSync(join(m.paths.unified, 'cgroup.freeze'))).toBe(true);
    const a = sleeper();
    const b = sleeper();
    m.addProcess(a.pid);
    m.addProcess(b.pid);
    expect(readFileSync(`/proc/${a.pid}/cgroup`, 'utf8')).toContain(`0::${PARENT}/c2\n`);
    expect(m.pids()).toEqual([a.pid, b.pid].sort((x, y) => x - y));
    m.freeze();
    expect(read(m.paths.unified, 'cgroup.freeze')).toBe('1');
    expect(read(m.paths.unified, 'cgroup.events')).toContain('frozen 1');
    expect(m.frozen()).toBe(true);
    expect(loadCgroupManager({ ...m.paths }).frozen()).toBe(true);
    m.thaw();
    expect(read(m.paths.unified, 'cgroup.events')).toContain('frozen 0');
    expect(m.frozen()).toBe(false);
    m.signalAll(9); // cgroup.kill
    expect(await Promise.all([a.exit, b.exit])).toEqual(['SIGKILL', 'SIGKILL']);
    m.destroy();
    expect(existsSync(m.paths.unified)).toBe(false);
    m.destroy(); // idempotent
  });

  it.skipIf(V2_SKIP)(`destroy of a frozen cgroup with processes kills them and removes it${V2_REASON}`, async () => {
    const m = v2('c2b');
    m.create();
    const s = sleeper();
    m.addProcess(s.pid);
    m.freeze();
    m.destroy();
    expect(await s.exit).toBe('SIGKILL');
    expect(existsSync(m.paths.unified)).toBe(false);
  });

  it.skipIf(V2_SKIP)(`a limit whose controller is not enabled fails naming the file and the value${V2_REASON}`, () => {
    const m = v2('c2c');
    m.create();
    const enabled = read(join(unifiedHost!.unified!.mountpoint, PARENT), 'cgroup.subtree_control').split(' ');
    if (enabled.includes('pids')) {
      m.apply({ pids: { limit: 16 } });
      expect(read(m.paths.unified, 'pids.max')).toBe('16');
    } else {
      expect(() => m.apply({ pids: { limit: 16 } })).toThrow(/write "16" to .*\/c2c\/pids\.max: ENOENT \(no such interface file: the pids controller is not available in this cgroup\)/);
    }
    m.destroy();
  });

  it.skipIf(V2_SKIP)(`devices: the eBPF program denies /dev/null to a process in the cgroup, and a new one replaces it${V2_REASON}`, () => {
    const m = v2('c2d');
    m.create();
    expect(inCgroup(m.paths.unified, 'cat /dev/null && echo opened').stdout).toBe('opened\n');
    m.apply({ devices: [{ allow: false, type: 'c', major: 1, minor: 3, access: 'rwm' }] });
    const denied = inCgroup(m.paths.unified, 'cat /dev/null; echo "rc=$?"; head -c 3 /dev/zero | wc -c');
    expect(denied.stderr).toMatch(/\/dev\/null: Operation not permitted/);
    expect(denied.stdout).toBe('rc=1\n3\n'); // /dev/zero is still allowed
    // Deny all, allow /dev/null read-only: the old program is detached, or /dev/null stays denied.
    m.apply({ devices: [{ allow: false, access: 'rwm' }, { allow: true, type: 'c', major: 1, minor: 3, access: 'r' }] });
    const ro = inCgroup(m.paths.unified, 'cat /dev/null && echo read-ok; echo x > /dev/null || echo write-denied; head -c 3 /dev/zero || echo zero-denied');
    expect(ro.stdout).toBe('read-ok\nwrite-denied\nzero-denied\n');
    m.destroy();
  });

  it.skipIf(V2_SKIP)(`devices: the verifier or kernel refusal carries errno and syscall${V2_REASON}`, () => {
    const m = v2('c2e');
    m.create();
    rmdirSync(m.paths.unified);
    expect(() => m.apply({ devices: [{ allow: false, access: 'rwm' }] })).toThrow(/attach the device program to .*c2e: open .*: ENOENT \(errno 2\)/);
  });
});
