// pause / resume / ps / update / events / kill --all as library calls, on a container record
// whose process is a plain `sleep` placed in a real cgroup; the same commands on real
// containers are in cgroups-containers.test.ts.
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { detectHostCgroups } from '../../src/cgroups/layout.js';
import { type CgroupManager, createCgroupManager } from '../../src/cgroups/manager.js';
import { StateTransitionError } from '../../src/errors.js';
import { statusOf } from '../../src/runtime/status.js';
import { statsEvent, watchEvents } from '../../src/runtime/events.js';
import { killAll } from '../../src/runtime/kill-all.js';
import { pause } from '../../src/runtime/pause.js';
import { ps } from '../../src/runtime/ps.js';
import { resume } from '../../src/runtime/resume.js';
import { update } from '../../src/runtime/update.js';
import { readProcStat } from '../../src/state/liveness.js';
import { ContainerStore } from '../../src/state/store.js';

// The state store locks with the addon's flock(2). When the addon is not built in this checkout
// the lock becomes a no-op: locking is not what these tests are about.
vi.mock('../../src/native/index.js', async (importOriginal) => {
  const real = await importOriginal<typeof import('../../src/native/index.js')>();
  const { nativeModulePath } = await import('../../src/native/paths.js');
  const { existsSync: exists } = await import('node:fs');
  return exists(nativeModulePath) ? real : { ...real, flock: () => undefined };
});

const isRoot = process.geteuid?.() === 0;
const mode = (() => {
  try {
    return detectHostCgroups().mode;
  } catch {
    return 'none';
  }
})();
const SKIP = !isRoot || mode === 'none';
const REASON = SKIP ? ` [SKIPPED: needs root and a cgroup filesystem; uid ${process.geteuid?.()}, cgroups ${mode}]` : '';

const id = 'ops1';
let root = '';
let child: ChildProcess | undefined;
let exited: Promise<NodeJS.Signals | null>;
let cg: CgroupManager | undefined;

beforeAll(() => {
  if (SKIP) return;
  root = mkdtempSync(join(tmpdir(), 'tsrun-ops-'));
  cg = createCgroupManager({ id, cgroupsPath: `/tsrun-itest-ops-${process.pid}`, rootless: false, systemd: false })!;
  cg.create();
  child = spawn('sleep', ['60'], { stdio: 'ignore' });
  exited = new Promise((res) => child!.on('exit', (_c, sig) => res(sig)));
  cg.addProcess(child.pid!);
  const dir = new ContainerStore(root).create(id);
  dir.write({
    ociVersion: '1.3.0',
    id,
    status: 'created', // no exec.fifo: reads as running
    pid: child.pid!,
    pidStartTime: readProcStat(child.pid!)!.startTime,
    bundle: '/nonexistent',
    created: new Date().toISOString(),
    rootless: false,
    cgroupPaths: { ...cg.paths },
  });
  dir.unlock();
});

afterAll(() => {
  child?.kill('SIGKILL');
  cg?.destroy();
  if (root) rmSync(root, { recursive: true, force: true });
});

const status = (): string => {
  const dir = new ContainerStore(root).open(id, false);
  try {
    return statusOf(dir.read(), dir);
  } finally {
    dir.unlock();
  }
};

describe('cgroup operations on a container record', () => {
  it.skipIf(SKIP)(`ps lists the cgroup's pids${REASON}`, () => {
    expect(ps({ root, id })).toEqual([child!.pid]);
  });

  it.skipIf(SKIP)(`pause / resume, with paused status and state checks${REASON}`, () => {
    expect(status()).toBe('running');
    expect(() => resume({ root, id })).toThrow(StateTransitionError);
    pause({ root, id });
    expect(status()).toBe('paused');
    expect(() => pause({ root, id })).toThrow(/container ops1: container not running/);
    resume({ root, id });
    expect(status()).toBe('running');
  });

  it.skipIf(SKIP)(`update writes the new limits${REASON}`, () => {
    update({ root, id, resources: { pids: { limit: 7 }, memory: { limit: 128 * 1024 * 1024 } } });
    const pidsDir = cg!.paths.unified ?? Object.entries(cg!.paths).find(([k]) => k.split(',').includes('pids'))![1];
    expect(readFileSync(join(pidsDir, 'pids.max'), 'utf8').trim()).toBe('7');
  });

  it.skipIf(SKIP)(`events: stats once, and a stream that ends with the container${REASON}`, async () => {
    const e = statsEvent({ root, id });
    expect(e.type).toBe('stats');
    if (e.type === 'stats') expect(e.data.pids).toEqual({ current: 1, limit: 7 });
    const ac = new AbortController();
    const seen: string[] = [];
    await watchEvents({ root, id, intervalMs: 10, signal: ac.signal }, (ev) => {
      seen.push(ev.type);
      if (seen.length === 2) ac.abort();
    });
    expect(seen).toEqual(['stats', 'stats']);
  });

  it.skipIf(SKIP)(`kill --all signals every process, then the container reads stopped${REASON}`, async () => {
    killAll({ root, id, signal: 9 });
    expect(await exited).toBe('SIGKILL');
    expect(status()).toBe('stopped');
    expect(ps({ root, id })).toEqual([]); // runc ps of a stopped container: no process, exit 0
    cg!.destroy();
    for (const d of Object.values(cg!.paths)) expect(existsSync(d)).toBe(false);
  });
});
