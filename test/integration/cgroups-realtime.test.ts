// Realtime on cgroup v1 (config-linux.md#cpu realtimeRuntime/realtimePeriod, config.md
// process.scheduler): with RT group scheduling (the v1 cpu hierarchy shows cpu.rt_runtime_us) a
// new cgroup has no realtime runtime, and the kernel refuses a child more than its parent holds
// (sched-rt-group.rst). tsrun raises every parent below the hierarchy's root to what the
// container asks for, and gives a SCHED_FIFO/RR process without realtimeRuntime 1/20 of the period.
import { existsSync, readdirSync, readFileSync, rmdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { detectHostCgroups, keyOf } from '../../src/cgroups/layout.js';
import { defaultCgroupDirs } from '../helpers/leftovers.js';
import { forEachMode } from '../helpers/modes.js';
import { otherRuntime } from '../helpers/host.js';
import { parseProbe, probeArgs } from '../helpers/probe.js';
import { expectFail, expectOk, show } from '../helpers/tsrun.js';

const host = detectHostCgroups();
const cpuKey = host.mode === 'unified' ? undefined : keyOf(Object.keys(host.v1), 'cpu');
const cpuMount = cpuKey === undefined ? undefined : host.v1[cpuKey].mountpoint;
const RT = cpuMount !== undefined && existsSync(join(cpuMount, 'cpu.rt_runtime_us'));
const NO_RT = RT ? '' : ' — SKIPPED: no cgroup v1 cpu hierarchy with cpu.rt_runtime_us on this host (no RT group scheduling)';
const NO_SCHED = otherRuntime ? ' — SKIPPED: runc 1.1.5 ignores process.scheduler (runc 1.2 has it)' : '';
const DIFFERS = otherRuntime ? ' — SKIPPED: tsrun differs here, runc 1.1.5 writes only the container\'s file and fails EINVAL below a parent without budget' : '';
/** A parent of this file's nested containers, removed at the end (the budget stays in parents, as in runc's and Docker's). */
const PARENT = `/tsrun-rt-test-${process.pid}`;

const cpuDirOf = (id: string): string => defaultCgroupDirs(id).find((d) => d.startsWith(`${cpuMount}/`))!;
const read = (dir: string, file: string): string => readFileSync(join(dir, file), 'utf8').trim();

// tsrun makes the parents in every hierarchy: remove them from all.
afterAll(() => {
  const rm = (dir: string): void => {
    if (!existsSync(dir)) return;
    for (const e of readdirSync(dir, { withFileTypes: true })) if (e.isDirectory()) rm(join(dir, e.name));
    rmdirSync(dir);
  };
  for (const h of [...Object.values(host.v1), ...(host.unified ? [host.unified] : [])]) rm(join(h.mountpoint, PARENT));
});

forEachMode((t) => {
  if (t.mode === 'rootless') {
    it(`rootless: realtimeRuntime fails create and leaves nothing (root only: cgroup v1 has no delegation to an unprivileged user on this host)${NO_RT}`, async () => {
      if (!RT) return;
      const id = t.id('rt');
      const r = await t.tsrun(['create', id, '-b', t.bundle(t.args(['true'], { linux: { resources: { cpu: { realtimeRuntime: 10000 } } } }))]);
      expectFail(r, otherRuntime ? undefined : /cannot set cgroup limits/);
      expect(existsSync(t.stateDir(id)), show(r)).toBe(false);
      expect(defaultCgroupDirs(id).filter((d) => existsSync(d))).toEqual([]);
    });
    return;
  }

  it.skipIf(!RT)(`realtimeRuntime/realtimePeriod land in the container's cpu cgroup, at the default path <id> below the runtime's cgroup${NO_RT}`, async () => {
    const id = t.id('rt');
    expectOk(await t.tsrun(['create', id, '-b', t.bundle(t.args(['sleep', '60'], { linux: { resources: { cpu: { realtimeRuntime: 10000, realtimePeriod: 500000 } } } }))]));
    const pid = (await t.state(id)).pid!;
    const dir = cpuDirOf(id);
    expect(readFileSync(`/proc/${pid}/cgroup`, 'utf8')).toContain(`:${dir.slice(cpuMount!.length)}\n`);
    expect([read(dir, 'cpu.rt_runtime_us'), read(dir, 'cpu.rt_period_us')]).toEqual(['10000', '500000']);
    expectOk(await t.tsrun(['delete', '--force', id]));
    expect(existsSync(dir)).toBe(false);
  });

  it.skipIf(!RT || !!otherRuntime)(`a nested cgroupsPath: every parent below the root gets the budget, and a SCHED_FIFO process runs in it${NO_RT}${DIFFERS}`, async () => {
    const id = t.id('rtn');
    const path = `${PARENT}/a/${id}`;
    const r = expectOk(await t.tsrun(['run', id, '-b', t.bundle(t.args(probeArgs(), { process: { scheduler: { policy: 'SCHED_FIFO', priority: 10 } }, linux: { cgroupsPath: path, resources: { cpu: { realtimeRuntime: 10000 } } } }))]));
    expect(parseProbe(r.stdout).sched).toMatchObject({ policy: 1, priority: 10 });
    // The parents keep what they were given (1 s periods: the same runtime).
    expect(Number(read(join(cpuMount!, PARENT), 'cpu.rt_runtime_us'))).toBeGreaterThanOrEqual(10000);
    expect(Number(read(join(cpuMount!, PARENT, 'a'), 'cpu.rt_runtime_us'))).toBeGreaterThanOrEqual(10000);
    expect(existsSync(join(cpuMount!, path))).toBe(false);
  });

  it.skipIf(!RT || !!otherRuntime)(`a nested cgroupsPath asking more than the root has left fails create naming the parent, and leaves nothing${NO_RT}${DIFFERS}`, async () => {
    const id = t.id('rtbig');
    const r = await t.tsrun(['create', id, '-b', t.bundle(t.args(['true'], { linux: { cgroupsPath: `${PARENT}/big/${id}`, resources: { cpu: { realtimeRuntime: 999000 } } } }))]);
    expectFail(r, /cpu\.rt_runtime_us: EINVAL .*realtime budget 999000us per 1000000us/);
    expect(existsSync(t.stateDir(id)), show(r)).toBe(false);
    expect(existsSync(join(cpuMount!, PARENT, 'big', id))).toBe(false);
  });

  it.skipIf(!RT || !!otherRuntime)(`SCHED_FIFO without realtimeRuntime: the container's cgroup gets 1/20 of the period (tsrun's choice; runc 1.2 gives none and fails EPERM)${NO_RT}${NO_SCHED}`, async () => {
    const id = t.id('fifo');
    const create = expectOk(await t.tsrun(['create', id, '-b', t.bundle(t.args(probeArgs(), { process: { scheduler: { policy: 'SCHED_RR', priority: 5 } } }))]));
    const dir = cpuDirOf(id);
    expect(read(dir, 'cpu.rt_runtime_us')).toBe(String(Number(read(dir, 'cpu.rt_period_us')) / 20));
    expectOk(await t.tsrun(['start', id]));
    expect((await t.waitStatus(id, 'stopped')).status).toBe('stopped');
    expect(parseProbe(create.output().stdout).sched, show(create)).toMatchObject({ policy: 2, priority: 5 });
  });
});
