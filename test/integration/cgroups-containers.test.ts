// Real containers in their cgroups: linux.resources visible in the cgroup files and enforced
// (OOM kill reported by `events`, a fork bomb held at pids.limit, a device denied), pause /
// resume, update, ps, kill --all, and delete leaving no cgroup, also after kill -9.
// Rootless (no delegated cgroup on this host): runs without a cgroup when no limit is asked,
// and fails create with the delegation explanation when one is.
// Only this file's own containers' cgroups are looked at: other containers run on the machine.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmdirSync, writeFileSync } from 'node:fs';
import { release } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { detectHostCgroups, keyOf } from '../../src/cgroups/layout.js';
import { sharesToWeight } from '../../src/cgroups/controllers/cpu.js';
import { kmemLimitsWork } from '../../src/cgroups/controllers/memory.js';
import { createCgroupManager } from '../../src/cgroups/manager.js';
import type { HostCgroups } from '../../src/cgroups/types.js';
import type { Spec } from '../helpers/config.js';
import { cgroupDirsOf, defaultCgroupDirs } from '../helpers/leftovers.js';
import { isRoot, otherRuntime, pidAlive, poll, procState, runnerOf } from '../helpers/host.js';
import { forEachMode, type Tier } from '../helpers/modes.js';
import { expectFail, expectOk, show } from '../helpers/tsrun.js';

const MiB = 1024 * 1024;
const host: HostCgroups = detectHostCgroups();
const V1 = host.mode !== 'unified';
const V1_ONLY = V1 ? '' : ` [SKIPPED: checks v1 files; this host is ${host.mode}]`;
// v1: the weight file this host's blkio controller has (CFQ's blkio.weight is gone since 5.0; BFQ's
// blkio.bfq.weight exists only with BFQ on a disk); none here on some hosts, where runc fails the write too.
const BLKIO_WEIGHT = !V1 ? 'io.weight' : ['blkio.weight', 'blkio.bfq.weight'].find((f) => existsSync(join('/sys/fs/cgroup/blkio', f)));

/** The directory of `controller` ('unified' on v2) of the cgroup a process is in, from /proc/<pid>/cgroup. */
function cgroupOf(pid: number, controller: string): string {
  const own = readFileSync(`/proc/${pid}/cgroup`, 'utf8');
  if (!V1) return join(host.unified!.mountpoint, /^0::(.*)$/m.exec(own)![1]);
  const key = keyOf(Object.keys(host.v1), controller)!;
  const line = own.split('\n').find((l) => l.split(':')[1]?.split(',').sort().join(',') === key.split(',').sort().join(','))!;
  return join(host.v1[key].mountpoint, line.split(':')[2]);
}

const readCg = (dir: string, file: string): string => readFileSync(join(dir, file), 'utf8').trim();
/** The directories the container `id` may have at the default cgroupsPath (<id> below our own cgroup, as runc) that exist. */
const leftDirs = cgroupDirsOf;

/** `state` of a container that may be paused (runc's status, not one of runtime.md's four, which t.state() asserts). */
async function status(t: Tier, id: string): Promise<string> {
  return (JSON.parse(expectOk(await t.tsrun(['state', id])).stdout) as { status: string }).status;
}

async function running(t: Tier, config: Spec, prefix = 'cg'): Promise<{ id: string; pid: number }> {
  const id = t.id(prefix);
  expectOk(await t.tsrun(['create', id, '-b', t.bundle(config)]));
  expectOk(await t.tsrun(['start', id]));
  return { id, pid: (await t.state(id)).pid! };
}

/** Without a pid namespace, so that processes outlive the container's init (what delete must clean up). */
const noPidNs = (t: Tier, args: string[]): Spec => {
  const c = t.args(args);
  c.linux!.namespaces = c.linux!.namespaces!.filter((n) => n.type !== 'pid');
  return c;
};

forEachMode((t) => {
  it.skipIf(host.systemdRunning)(`--systemd-cgroup: a clear error when systemd is not running; a path not of the slice:prefix:name form is a config error; nothing is left; features says systemd: false here${host.systemdRunning ? ' [SKIPPED: systemd runs on this host]' : ''}`, async () => {
    const id = t.id('sd');
    const r = expectFail(await t.tsrun(['--systemd-cgroup', 'create', id, '-b', t.bundle(t.args(['true'], { linux: { cgroupsPath: 'system.slice:tsrun:' + id } }))]));
    // The words are tsrun's (runc 1.1: "systemd not running on this host, cannot use systemd cgroups manager").
    expect(r.stderr).toMatch(otherRuntime ? /systemd not running/ : /the systemd cgroup driver is not available: systemd is not running on this host \(\/run\/systemd\/system does not exist\); run without --systemd-cgroup/);
    const bad = expectFail(await t.tsrun(['--systemd-cgroup', 'run', id, '-b', t.bundle(t.args(['true'], { linux: { cgroupsPath: '/not/systemd' } }))]));
    if (!otherRuntime) expect(bad.stderr).toMatch(/\/linux\/cgroupsPath: with --systemd-cgroup the path must be "slice:prefix:name", got "\/not\/systemd" \(config-linux\.md#cgroups-path\)/);
    expect(existsSync(t.stateDir(id))).toBe(false);
    expect(leftDirs(id)).toEqual([]);
    if (otherRuntime) return; // runc 1.1's features claims systemd: true whether systemd runs or not
    const features = JSON.parse(expectOk(await t.tsrun(['features'])).stdout) as { linux: { cgroup: Record<string, boolean> }; annotations: Record<string, string> };
    expect(features.linux.cgroup).toMatchObject({ v1: true, v2: true, systemd: false, systemdUser: false });
    expect(features.annotations['org.tsrun.cgroup.systemd']).toMatch(/drives cgroup v2 only, through busctl/);
  });

  if (t.mode === 'rootless') {
    it('with no resources it runs without a cgroup, and says so at debug level', async () => {
      const id = t.id('nocg');
      const r = expectOk(await t.tsrun(['--debug', 'run', id, '-b', t.bundle(t.args(['cat', '/proc/self/cgroup']))]));
      expect(r.stdout, show(r)).not.toContain(`/tsrun/${id}`);
      if (!otherRuntime) expect(r.stderr, show(r)).toMatch(/no writable cgroup for uid \d+; running without one/); // tsrun's --debug line
      expect(leftDirs(id)).toEqual([]);
    });

    it('device rules alone do not need a cgroup (an unprivileged user gets host devices by bind mounts)', async () => {
      const id = t.id('nocgdev');
      const config = t.args(['sh', '-c', 'echo x > /dev/null && echo null-ok'], { linux: { resources: { devices: [{ allow: false, access: 'rwm' }] } } });
      const r = expectOk(await t.tsrun(['run', id, '-b', t.bundle(config)]));
      expect(r.stdout).toBe('null-ok\n');
    });

    it.each([
      ['memory.limit', { memory: { limit: 64 * MiB } }],
      ['pids.limit', { pids: { limit: 10 } }],
      ['cpu.quota', { cpu: { quota: 10000, period: 100000 } }],
    ])('a %s fails create with the delegation explanation and leaves nothing', async (_what, resources) => {
      const id = t.id('deleg');
      const r = expectFail(await t.tsrun(['create', id, '-b', t.bundle(t.args(['true'], { linux: { resources } }))]));
      // tsrun's explanation; runc 1.1: "cannot set memory limit: container could not join or create cgroup".
      expect(r.stderr).toMatch(otherRuntime ? /cgroup/ : /cannot set cgroup limits: \S*deleg\S* is not writable by uid \d+\. Rootless containers need a delegated cgroup v2 subtree/);
      if (!otherRuntime) expect(r.stderr).toMatch(/or drop linux\.resources/);
      expect(existsSync(t.stateDir(id))).toBe(false);
      expect(leftDirs(id)).toEqual([]);
    });

    it.skipIf(!isRoot)(`a cgroup subtree delegated to the user (chowned to it) is used: limits apply, delete removes the container's cgroup${isRoot ? '' : ' [SKIPPED: needs the suite to run as root to delegate a subtree]'}`, async () => {
      const parent = `/tsrun-itest-deleg-${process.pid}`;
      const admin = createCgroupManager({ id: 'deleg', cgroupsPath: parent, rootless: false, systemd: false })!;
      admin.create(); // as root: also gives the v1 cpuset parent its cpus and mems
      try {
        const { uid, gid } = runnerOf('rootless');
        for (const dir of Object.values(admin.paths)) execFileSync('chown', ['-R', `${uid}:${gid}`, dir]);
        const id = t.id('deleg');
        const config = t.args(['sleep', '60'], { linux: { cgroupsPath: `${parent}/${id}`, resources: { memory: { limit: 40 * MiB }, pids: { limit: 12 } } } });
        expectOk(await t.tsrun(['create', id, '-b', t.bundle(config)]));
        expectOk(await t.tsrun(['start', id]));
        const { pid } = await t.state(id);
        expect(cgroupOf(pid!, 'pids')).toBe(join(V1 ? host.v1[keyOf(Object.keys(host.v1), 'pids')!].mountpoint : host.unified!.mountpoint, parent, id));
        expect(readCg(cgroupOf(pid!, 'pids'), 'pids.max')).toBe('12');
        if (V1) expect(readCg(cgroupOf(pid!, 'memory'), 'memory.limit_in_bytes')).toBe(String(40 * MiB));
        expectOk(await t.tsrun(['pause', id]));
        expect(await status(t, id)).toBe('paused');
        expectOk(await t.tsrun(['delete', '--force', id]));
        for (const dir of Object.values(admin.paths)) expect(existsSync(join(dir, id))).toBe(false);
      } finally {
        admin.destroy();
      }
    });

    it('pause, update, ps and events of a container without a cgroup fail clearly (the wording is tsrun\'s; runc 1.1 names cgroups too, and prints zeroed stats for events: tsrun deliberately refuses, see README)', async () => {
      const { id } = await running(t, t.args(['sleep', '60']));
      const why = otherRuntime ? /cgroup/ : new RegExp(`container ${id}: it has no cgroup \\(a rootless container without a delegated cgroup\\)`);
      const cmds = [['pause', id], ['update', '--pids-limit', '5', id], ['ps', id], ...(otherRuntime ? [] : [['events', '--stats', id]])];
      for (const cmd of cmds) {
        expectFail(await t.tsrun(cmd), why);
      }
      expect((await t.state(id)).status).toBe('running');
    });
    return;
  }

  it(`memory, pids, cpu shares/quota/period, cpuset${BLKIO_WEIGHT ? ' and blkio weight' : ' (no blkio weight: this host\'s v1 blkio has neither blkio.weight nor blkio.bfq.weight, no BFQ)'} are in the container cgroup files`, async () => {
    const resources = {
      memory: { limit: 48 * MiB, reservation: 16 * MiB, swappiness: 10 },
      pids: { limit: 20 },
      cpu: { shares: 512, quota: 50000, period: 100000, cpus: '0', mems: '0' },
      ...(BLKIO_WEIGHT ? { blockIO: { weight: 300 } } : {}),
    };
    const { id, pid } = await running(t, t.args(['sleep', '60'], { linux: { resources } }));
    const dir = (c: string): string => cgroupOf(pid, c);
    // The default cgroup: <id> below this test process's own, as runc.
    expect(defaultCgroupDirs(id)).toContain(V1 ? dir('memory') : dir('unified'));
    expect(readCg(dir('pids'), 'cgroup.procs').split('\n')).toContain(String(pid));
    if (V1) {
      expect(readCg(dir('memory'), 'memory.limit_in_bytes')).toBe(String(48 * MiB));
      expect(readCg(dir('memory'), 'memory.soft_limit_in_bytes')).toBe(String(16 * MiB));
      expect(readCg(dir('memory'), 'memory.swappiness')).toBe('10');
      expect(readCg(dir('pids'), 'pids.max')).toBe('20');
      expect(readCg(dir('cpu'), 'cpu.shares')).toBe('512');
      expect(readCg(dir('cpu'), 'cpu.cfs_quota_us')).toBe('50000');
      expect(readCg(dir('cpu'), 'cpu.cfs_period_us')).toBe('100000');
      expect(readCg(dir('cpuset'), 'cpuset.cpus')).toBe('0');
      expect(readCg(dir('cpuset'), 'cpuset.mems')).toBe('0');
      if (BLKIO_WEIGHT) expect(readCg(dir('blkio'), BLKIO_WEIGHT)).toMatch(/^(default )?300$/);
    } else {
      expect(readCg(dir('unified'), 'memory.max')).toBe(String(48 * MiB));
      expect(readCg(dir('unified'), 'memory.low')).toBe(String(16 * MiB));
      expect(readCg(dir('unified'), 'pids.max')).toBe('20');
      expect(readCg(dir('unified'), 'cpu.weight')).toBe(String(sharesToWeight(512)));
      expect(readCg(dir('unified'), 'cpu.max')).toBe('50000 100000');
    }
  });

  it('an exec\'d process joins the container cgroup (runc exec)', async () => {
    const { id } = await running(t, t.args(['sleep', '60'], { linux: { resources: { pids: { limit: 20 } } } }));
    const r = expectOk(await t.tsrun(['exec', id, 'cat', '/proc/self/cgroup']));
    // runc's default cgroup: <id> below the runtime's own (this test process's).
    const own = readFileSync('/proc/self/cgroup', 'utf8');
    const line = V1 ? /^\d+:pids:(.*)$/m.exec(own)![1] : /^0::(.*)$/m.exec(own)![1];
    expect(r.stdout).toContain(`${V1 ? ':pids:' : '0::'}${join(line, id)}\n`);
  });

  it.skipIf(!V1)(`a process allocating past memory.limit is OOM-killed and \`events\` reports the oom${V1_ONLY}`, async () => {
    const id = t.id('oom');
    const { config, read } = t.withHostDir(t.args(['sh', '-c', 'dd if=/dev/zero of=/dev/null bs=64M count=1; echo "dd=$?" > /mnt/rc'], { linux: { resources: { memory: { limit: 32 * MiB, swap: 32 * MiB } } } }));
    expectOk(await t.tsrun(['create', id, '-b', t.bundle(config)]));
    const memory = cgroupOf((await t.state(id)).pid!, 'memory');
    const events = t.spawn(['events', '--interval', '250ms', id]);
    // The stream has taken its first look (OOM count 0) before anything runs.
    expect(await poll(() => events.output().stdout.includes('"type":"stats"'), 10_000), events.output().stdout).toBe(true);
    expectOk(await t.tsrun(['start', id]));
    if (otherRuntime) {
      // runc 1.1's stream goes on after the container stopped, until its cgroup is deleted.
      expect((await t.waitStatus(id, 'stopped', 30_000)).status).toBe('stopped');
      expect(await poll(() => events.output().stdout.includes('"type":"oom"'), 10_000), events.output().stdout).toBe(true);
      expect(readCg(memory, 'memory.oom_control')).toMatch(/^oom_kill 1$/m);
      expectOk(await t.tsrun(['delete', id]));
    }
    const done = await events.result; // tsrun's ends when the container has stopped
    expect(done.exitCode, show(done)).toBe(0);
    const lines = done.stdout.trim().split('\n').map((l) => JSON.parse(l) as { type: string; id: string });
    expect(lines.filter((e) => e.type === 'oom'), done.stdout).toEqual([{ type: 'oom', id }]);
    expect(read('rc')).toBe('dd=137\n'); // SIGKILL
    if (!otherRuntime) expect(readCg(memory, 'memory.oom_control')).toMatch(/^oom_kill 1$/m); // (checked above under the oracle)
  });

  it.skipIf(!V1)(`with disableOOMKiller the process waits under OOM instead of dying, and \`events\` reports the oom${V1_ONLY}`, async () => {
    const id = t.id('oomwait');
    const resources = { memory: { limit: 32 * MiB, swap: 32 * MiB, disableOOMKiller: true } };
    // Memory touched in user mode (awk doubling a string): only a user page fault waits under
    // OOM (mm/memcontrol-v1.c memcg1_oom_prepare); a charge from a kernel-mode fault, such as
    // dd's read(2) into its buffer, fails instead and dd would end with a short read.
    const grow = ['awk', 'BEGIN { s = "x"; while (1) s = s s }'];
    expectOk(await t.tsrun(['create', id, '-b', t.bundle(t.args(grow, { linux: { resources } }))]));
    const { pid } = await t.state(id);
    const memory = cgroupOf(pid!, 'memory');
    expect(readCg(memory, 'memory.oom_control')).toMatch(/^oom_kill_disable 1$/m);
    const events = t.spawn(['events', '--interval', '250ms', id]);
    expect(await poll(() => events.output().stdout.includes('"type":"stats"'), 10_000), events.output().stdout).toBe(true);
    expectOk(await t.tsrun(['start', id]));
    expect(await poll(() => events.output().stdout.includes(`{"type":"oom","id":"${id}"}`), 20_000), events.output().stdout).toBe(true);
    expect(readCg(memory, 'memory.oom_control')).toMatch(/^under_oom 1$/m);
    expect(readCg(memory, 'memory.oom_control')).toMatch(/^oom_kill 0$/m);
    expect(pidAlive(pid!)).toBe(true); // waiting, not killed
    expectOk(await t.tsrun(['delete', '--force', id]));
    expect((await events.result).exitCode).toBe(0); // the stream ends with the container
    expect(leftDirs(id)).toEqual([]);
  });

  it.skipIf(!V1)(`memory.kernel is ignored with a warning where the kernel no longer takes it; unified is refused on v1 leaving nothing${V1_ONLY}`, async () => {
    const kmemWorks = kmemLimitsWork(release()) && existsSync(join(host.v1[keyOf(Object.keys(host.v1), 'memory')!].mountpoint, 'memory.kmem.limit_in_bytes'));
    const id = t.id('kmem');
    // A warning of `run` goes to --log only: run's stderr is the container's.
    const log = join(t.scratch(), `${id}.log`);
    const r = expectOk(await t.tsrun(['--log', log, 'run', id, '-b', t.bundle(t.args(['true'], { linux: { resources: { memory: { limit: 64 * MiB, kernel: 32 * MiB } } } }))]));
    expect(r.stderr).toBe('');
    const logged = existsSync(log) ? readFileSync(log, 'utf8') : '';
    if (kmemWorks) expect(logged).not.toMatch(/memory\.kernel is ignored/);
    // The words are tsrun's; runc 1.1: "Kernel memory settings are ignored and will be removed".
    else expect(logged).toMatch(otherRuntime ? /level=warning msg="Kernel memory settings are ignored/ : /level=warning msg="linux\.resources\.memory\.kernel is ignored: this kernel no longer sets kernel memory limits/);
    const u = t.id('unified');
    expectFail(await t.tsrun(['create', u, '-b', t.bundle(t.args(['true'], { linux: { resources: { unified: { 'memory.high': '1000000' } } } }))]), /linux\.resources\.unified is set but this host uses cgroup v1: .*\(config-linux\.md#unified\)/);
    expect(existsSync(t.stateDir(u))).toBe(false);
    expect(leftDirs(u)).toEqual([]);
  });

  it('a fork bomb stops at pids.limit', async () => {
    const limit = 16;
    // The bomb runs in the background: a shell whose fork fails may exit, and the init must not.
    const { id, pid } = await running(t, t.args(['sh', '-c', 'bomb() { bomb & bomb & sleep 60; }; bomb 2>/dev/null & exec sleep 1000'], { linux: { resources: { pids: { limit } } } }), 'bomb');
    const pids = cgroupOf(pid, 'pids');
    // pids.events "max" counts the forks the limit refused.
    const refused = (): number => Number(/^max (\d+)$/m.exec(readCg(pids, 'pids.events'))?.[1] ?? 0);
    expect(await poll(() => refused() > 0, 20_000), readCg(pids, 'pids.events')).toBe(true);
    expect(Number(readCg(pids, 'pids.current'))).toBeLessThanOrEqual(limit);
    const listed = JSON.parse(expectOk(await t.tsrun(['ps', '--format', 'json', id])).stdout) as number[];
    expect(listed.length).toBeGreaterThan(1);
    expect(listed.length).toBeLessThanOrEqual(limit);
    expectOk(await t.tsrun(['delete', '--force', id]));
    expect(leftDirs(id)).toEqual([]);
  });

  it.skipIf(!V1)(`devices: a device the rules deny cannot be opened inside; the defaults and allowed ones can${V1_ONLY}`, async () => {
    // /dev/fuse (10:229): not among the default rules (/dev/net/tun, 10:200, is, as in runc).
    const fuse = { destination: '/dev/fuse', type: 'bind', source: '/dev/fuse', options: ['bind'] };
    const script = '(true < /dev/fuse) && echo fuse-opened; echo x > /dev/null && echo null-ok; head -c 2 /dev/zero | wc -c';
    const deny = t.args(['sh', '-c', script], { mounts: [...t.base().mounts!, fuse], linux: { resources: { devices: [{ allow: false, access: 'rwm' }] } } });
    const id = t.id('dev');
    const r = await t.tsrun(['run', id, '-b', t.bundle(deny)]);
    expect(r.stderr, show(r)).toMatch(/\/dev\/fuse: Operation not permitted/);
    expect(r.stdout, show(r)).toBe('null-ok\n2\n');
    // The same container with c 10:229 allowed opens it: the denial was the cgroup's.
    const allow = { ...deny, linux: { ...deny.linux, resources: { devices: [{ allow: false, access: 'rwm' }, { allow: true, type: 'c', major: 10, minor: 229, access: 'rw' }] } } };
    const ok = expectOk(await t.tsrun(['run', t.id('dev'), '-b', t.bundle(allow)]));
    expect(ok.stdout).toBe('fuse-opened\nnull-ok\n2\n');
  });

  it.skipIf(!V1)(`devices.list of a deny-all container holds the config rules and runc's defaults${V1_ONLY}`, async () => {
    const { pid } = await running(t, t.args(['sleep', '60'], { linux: { resources: { devices: [{ allow: false, access: 'rwm' }] } } }));
    const list = readCg(cgroupOf(pid, 'devices'), 'devices.list').split('\n');
    expect(list).not.toContain('a *:* rwm');
    expect(list).toEqual(expect.arrayContaining(['c *:* m', 'b *:* m', 'c 1:3 rwm', 'c 1:5 rwm', 'c 5:0 rwm', 'c 136:* rwm', 'c 5:2 rwm', 'c 10:200 rwm']));
  });

  it('pause freezes the processes (freezer / cgroup.freeze, /proc/<pid>/status), state says paused; resume continues them', async () => {
    const { config, read } = t.withHostDir(t.args(['sh', '-c', 'i=0; while :; do i=$((i+1)); echo $i > /mnt/n; sleep 0.02; done']));
    const { id, pid } = await running(t, config, 'pause');
    expect(await poll(() => Number(read('n')) > 0)).toBe(true);
    expectOk(await t.tsrun(['pause', id]));
    expect(await status(t, id)).toBe('paused');
    const freezer = cgroupOf(pid, 'freezer');
    if (V1) expect(readCg(freezer, 'freezer.state')).toBe('FROZEN');
    else expect(readCg(freezer, 'cgroup.events')).toMatch(/^frozen 1$/m);
    // A frozen task is in uninterruptible sleep on v1 (D) and stopped in the freezer on v2 (S/D).
    expect(procState(pid)).toMatch(V1 ? /^D$/ : /^[DS]$/);
    expectFail(await t.tsrun(['pause', id]), /container not running/);
    const frozenAt = read('n');
    expect(read('n')).toBe(frozenAt);
    expectOk(await t.tsrun(['resume', id]));
    expect((await t.state(id)).status).toBe('running');
    if (V1) expect(readCg(freezer, 'freezer.state')).toBe('THAWED');
    expect(await poll(() => Number(read('n')) > Number(frozenAt)), `counter stayed at ${frozenAt}`).toBe(true);
    expectFail(await t.tsrun(['resume', id]), /container not paused/);
  });

  it('a created container can be paused too (runc); resume makes it created again and it starts', async () => {
    const id = t.id('pausec');
    const { config, read } = t.withHostDir(t.args(['sh', '-c', 'echo started > /mnt/s']));
    expectOk(await t.tsrun(['create', id, '-b', t.bundle(config)]));
    expectOk(await t.tsrun(['pause', id]));
    expect(await status(t, id)).toBe('paused');
    expectOk(await t.tsrun(['resume', id]));
    expect(await status(t, id)).toBe('created');
    expectOk(await t.tsrun(['start', id]));
    expect(await poll(() => read('s') === 'started\n')).toBe(true);
  });

  it('update changes the limits of a running container (runc flags and --resources FILE)', async () => {
    const { id, pid } = await running(t, t.args(['sleep', '60'], { linux: { resources: { memory: { limit: 32 * MiB }, pids: { limit: 20 }, cpu: { shares: 512 } } } }));
    expectOk(await t.tsrun(['update', '--memory', '64m', '--pids-limit', '7', '--cpu-quota', '30000', '--cpu-period', '100000', '--cpu-share', '256', '--cpuset-cpus', '0', ...(BLKIO_WEIGHT ? ['--blkio-weight', '200'] : []), id]));
    if (V1) {
      expect(readCg(cgroupOf(pid, 'memory'), 'memory.limit_in_bytes')).toBe(String(64 * MiB));
      expect(readCg(cgroupOf(pid, 'pids'), 'pids.max')).toBe('7');
      expect(readCg(cgroupOf(pid, 'cpu'), 'cpu.cfs_quota_us')).toBe('30000');
      expect(readCg(cgroupOf(pid, 'cpu'), 'cpu.shares')).toBe('256');
      expect(readCg(cgroupOf(pid, 'cpuset'), 'cpuset.cpus')).toBe('0');
    }
    // --cpu-share is runc 1.1's spelling; tsrun also takes --cpu-shares (runc 1.1 does not: "flag provided but not defined").
    if (!otherRuntime) {
      expectOk(await t.tsrun(['update', '--cpu-shares', '300', id]));
      if (V1) expect(readCg(cgroupOf(pid, 'cpu'), 'cpu.shares')).toBe('300');
    }
    const file = join(t.scratch(), `${id}-resources.json`);
    writeFileSync(file, JSON.stringify({ pids: { limit: 9 }, memory: { limit: 96 * MiB }, devices: [{ allow: false, access: 'rwm' }] }), { mode: 0o644 });
    const devicesBefore = V1 ? readCg(cgroupOf(pid, 'devices'), 'devices.list') : '';
    const upd = expectOk(await t.tsrun(['update', '--resources', file, id]));
    if (!otherRuntime) expect(upd.stderr).toMatch(/linux\.resources\.devices is ignored by update/); // runc 1.1 ignores them silently
    if (V1) expect(readCg(cgroupOf(pid, 'devices'), 'devices.list')).toBe(devicesBefore);
    // Without device rules the device cgroup starts from deny-all and gets runc's defaults (runc's emulator does the same).
    if (V1) expect(devicesBefore.split('\n'), devicesBefore).not.toContain('a *:* rwm');
    if (V1) expect(devicesBefore.split('\n'), devicesBefore).toContain('c 10:200 rwm');
    expect(readCg(cgroupOf(pid, 'pids'), 'pids.max')).toBe('9');
    const stats = JSON.parse(expectOk(await t.tsrun(['events', '--stats', id])).stdout) as { type: string; id: string; data: { pids: { current: number; limit: number }; memory: { usage: { limit: number } } } };
    expect(stats).toMatchObject({ type: 'stats', id, data: { pids: { current: 1, limit: 9 }, memory: { usage: { limit: 96 * MiB } } } });
    // A value the kernel refuses names the file and the value.
    expectFail(await t.tsrun(['update', '--cpuset-cpus', '4096', id]), /cgroup: write "4096" to .*cpuset\.cpus: E/);
  });

  it(`exec --cgroup <path> puts the process in an existing sub-cgroup of the container, as with runc${V1_ONLY}`, async () => {
    if (!V1) return;
    for (const runtime of [t.tsrun, t.runc]) {
      const id = t.id('execcg');
      expectOk(await runtime(['run', '-d', '-b', t.bundle(t.args(['sleep', '60'])), id]));
      const pid = (JSON.parse(expectOk(await runtime(['state', id])).stdout) as { pid: number }).pid;
      // runc 1.1 needs the sub-cgroup in every hierarchy the container has.
      const subs = Object.keys(host.v1).map((key) => join(cgroupOf(pid, key.split(',')[0]), 'sub'));
      // runc also joins the empty cgroup2 of a hybrid host.
      const unified = /^0::(.*)$/m.exec(readFileSync(`/proc/${pid}/cgroup`, 'utf8'))?.[1];
      if (host.unified && unified !== undefined && unified !== '/') subs.push(join(host.unified.mountpoint, unified, 'sub'));
      for (const d of subs) {
        mkdirSync(d);
        // A v1 cpuset cgroup takes no task before it has cpus and mems (cpuset(7): ENOSPC).
        for (const f of ['cpuset.cpus', 'cpuset.mems']) if (existsSync(join(d, f))) writeFileSync(join(d, f), readCg(join(d, '..'), f));
      }
      try {
        const r = expectOk(await runtime(['exec', '--cgroup', 'sub', id, 'cat', '/proc/self/cgroup']));
        const pidsLine = r.stdout.split('\n').find((l) => l.split(':')[1] === 'pids');
        expect(pidsLine, r.stdout).toMatch(/\/sub$/);
        expectFail(await runtime(['exec', '--cgroup', 'no-such-sub', id, 'true']));
      } finally {
        for (const d of subs) rmdirSync(d);
      }
      expectOk(await runtime(['delete', '--force', id]));
    }
  });

  it('update --resources - reads linux.resources from stdin (Docker\'s shim) and --cpu-share is runc\'s name: as with runc', async () => {
    const config = t.args(['sleep', '60'], { linux: { resources: { pids: { limit: 20 }, cpu: { shares: 512 } } } });
    for (const runtime of [t.tsrun, t.runc]) {
      const id = t.id('updstdin');
      expectOk(await runtime(['run', '-d', '-b', t.bundle(config), id]));
      const pid = (JSON.parse(expectOk(await runtime(['state', id])).stdout) as { pid: number }).pid;
      expectOk(await runtime(['update', '--resources', '-', id], { input: JSON.stringify({ pids: { limit: 11 } }) }));
      expect(readCg(cgroupOf(pid, 'pids'), 'pids.max')).toBe('11');
      expectOk(await runtime(['update', '-r', '-', id], { input: JSON.stringify({ pids: { limit: 12 } }) }));
      expect(readCg(cgroupOf(pid, 'pids'), 'pids.max')).toBe('12');
      expectOk(await runtime(['update', '--cpu-share', '300', id]));
      if (V1) expect(readCg(cgroupOf(pid, 'cpu'), 'cpu.shares')).toBe('300');
      expectOk(await runtime(['delete', '--force', id]));
    }
  });

  it('ps lists the pids of the container (json and table), kill --all signals every one; ps of the stopped container prints the header alone', async () => {
    const { id, pid } = await running(t, noPidNs(t, ['sh', '-c', 'sleep 60 & sleep 60 & wait']), 'ps');
    let listed: number[] = [];
    await poll(async () => (listed = JSON.parse((await t.tsrun(['ps', '--format', 'json', id])).stdout) as number[]).length === 3);
    expect(listed).toContain(pid);
    expect([...listed].sort()).toEqual(readCg(cgroupOf(pid, 'pids'), 'cgroup.procs').split('\n').map(Number).sort());
    const table = expectOk(await t.tsrun(['ps', id])).stdout.trim().split('\n');
    expect(table[0]).toMatch(/\bPID\b/);
    expect(table.filter((l) => / sleep 60$/.test(l))).toHaveLength(2);
    // ps(1) options after the id, as runc: only the container's rows are kept.
    const custom = expectOk(await t.tsrun(['ps', id, '-o', 'pid,args'])).stdout.trim().split('\n');
    expect(custom[0].trim().split(/\s+/)).toEqual(['PID', 'COMMAND']);
    expect(custom.slice(1).map((l) => Number(l.trim().split(/\s+/)[0])).sort()).toEqual([...listed].sort());
    expectOk(await t.tsrun(['kill', '--all', id, 'KILL']));
    expect(await poll(() => listed.every((p) => !pidAlive(p)))).toBe(true);
    expect((await t.waitStatus(id, 'stopped')).status).toBe('stopped');
    // runc ps of a stopped container: the header alone, exit 0.
    expect(expectOk(await t.tsrun(['ps', id])).stdout.trim().split('\n')).toEqual([expect.stringMatching(/\bPID\b/)]);
    expect(JSON.parse(expectOk(await t.tsrun(['ps', '--format', 'json', id])).stdout)).toBeNull(); // runc's (Go's) empty slice
  });

  it('delete removes the cgroup; after kill -9 of the init it kills what is left in the cgroup first', async () => {
    const { id, pid } = await running(t, noPidNs(t, ['sh', '-c', 'sleep 60 & exec sleep 61']), 'k9');
    const pidsDir = cgroupOf(pid, 'pids');
    let others: number[] = [];
    await poll(() => (others = readCg(pidsDir, 'cgroup.procs').split('\n').map(Number).filter((p) => p !== pid)).length === 1);
    expect(others).toHaveLength(1);
    execFileSync('kill', ['-9', String(pid)]);
    expect((await t.waitStatus(id, 'stopped')).status).toBe('stopped');
    expect(pidAlive(others[0])).toBe(true); // the orphan lives on in the cgroup
    expect(leftDirs(id).length).toBeGreaterThan(0);
    expectOk(await t.tsrun(['delete', id]));
    expect(await poll(() => !pidAlive(others[0]))).toBe(true);
    expect(leftDirs(id)).toEqual([]);
  });

  it('delete --force of a paused container, and a failed create, leave no cgroup', async () => {
    const { id } = await running(t, t.args(['sleep', '60']));
    expectOk(await t.tsrun(['pause', id]));
    expectOk(await t.tsrun(['delete', '--force', id]));
    expect(leftDirs(id)).toEqual([]);
    const bad = t.id('badcg');
    expectFail(await t.tsrun(['create', bad, '-b', t.bundle(t.args(['true'], { linux: { resources: { cpu: { cpus: '4096' } } } }))]), /cpuset\.cpus/);
    expect(existsSync(t.stateDir(bad))).toBe(false);
    expect(leftDirs(bad)).toEqual([]);
  });
});
