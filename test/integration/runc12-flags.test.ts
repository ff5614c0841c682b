// runc 1.2's newer flags, which engines have started to pass: --pidfd-socket for create, run and
// exec (a pidfd of the container's process over SCM_RIGHTS, data "standard" or "setns"), run
// --keep, and delete's 1.2 semantics (issue 4047: a stopped container whose init is gone with
// processes left in its cgroup; a paused container). runc 1.1.5 has neither --pidfd-socket nor
// --keep: under TSRUN_TEST_RUNTIME those tests are skipped, the title says so.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { otherRuntime, pidAlive, poll } from '../helpers/host.js';
import { forEachMode } from '../helpers/modes.js';
import { startPidfdReceiver } from '../helpers/pidfd.js';
import { expectFail, expectOk, show } from '../helpers/tsrun.js';

const NO_RUNC = otherRuntime ? ' — SKIPPED: runc 1.1.5 predates the flag (runc 1.2)' : '';
const SIGKILL = 9;

forEachMode((t) => {
  it.skipIf(!!otherRuntime)(`create --pidfd-socket: the socket gets a pidfd of the container process (data "standard"); SIGKILL sent through it stops the container${NO_RUNC}`, async () => {
    const id = t.id('pidfd');
    // SIGKILL: the waiting init is pid 1 of its namespace and has no SIGTERM handler (runc's Go init has one).
    const rx = await startPidfdReceiver(join(t.scratch(), `${id}.sock`), SIGKILL);
    expectOk(await t.tsrun(['create', '--pidfd-socket', rx.socket, '-b', t.bundle(t.args(['sleep', '100'])), id]));
    const state = await t.state(id);
    expect(state.status).toBe('created');
    expect(await rx.received()).toEqual({ data: 'standard', pid: state.pid });
    await rx.signal();
    expect((await t.waitStatus(id, 'stopped')).status).toBe('stopped');
  });

  it.skipIf(!!otherRuntime)(`run -d --pidfd-socket: the pidfd is the running container's process${NO_RUNC}`, async () => {
    const id = t.id('pidfd-run');
    const rx = await startPidfdReceiver(join(t.scratch(), `${id}.sock`), SIGKILL);
    expectOk(await t.tsrun(['run', '-d', '--pidfd-socket', rx.socket, '-b', t.bundle(t.args(['sleep', '100'])), id]));
    const state = await t.state(id);
    expect(state.status).toBe('running');
    expect(await rx.received()).toEqual({ data: 'standard', pid: state.pid });
    await rx.signal();
    expect((await t.waitStatus(id, 'stopped')).status).toBe('stopped');
  });

  it.skipIf(!!otherRuntime)(`exec -d --pidfd-socket: the pidfd is the exec'd process (data "setns"); killing it leaves the container running${NO_RUNC}`, async () => {
    const id = t.id('pidfd-exec');
    expectOk(await t.tsrun(['run', '-d', '-b', t.bundle(t.args(['sleep', '100'])), id]));
    const rx = await startPidfdReceiver(join(t.scratch(), `${id}.sock`), SIGKILL);
    const pidFile = join(t.scratch(), `${id}.exec.pid`);
    expectOk(await t.tsrun(['exec', '-d', '--pid-file', pidFile, '--pidfd-socket', rx.socket, id, 'sleep', '200']));
    const execPid = Number(readFileSync(pidFile, 'utf8'));
    expect(await rx.received()).toEqual({ data: 'setns', pid: execPid });
    await rx.signal();
    expect(await poll(() => !pidAlive(execPid), 5000)).toBe(true);
    expect((await t.state(id)).status).toBe('running');
  });

  it.skipIf(!!otherRuntime)(`create --pidfd-socket to a socket nobody listens on fails create and leaves nothing${NO_RUNC}`, async () => {
    const id = t.id('pidfd-none');
    const r = await t.tsrun(['create', '--pidfd-socket', join(t.scratch(), 'nobody.sock'), '-b', t.bundle(t.args(['sleep', '100'])), id]);
    expectFail(r, /send the pidfd of \d+ to --pidfd-socket .*nobody\.sock: connect .*nobody\.sock: ENOENT/);
    expect(existsSync(t.stateDir(id)), show(r)).toBe(false);
  });

  it.skipIf(!!otherRuntime)(`run --keep: the exited container stays, stopped, until delete${NO_RUNC}`, async () => {
    const id = t.id('keep');
    const r = await t.tsrun(['run', '--keep', '-b', t.bundle(t.args(['sh', '-c', 'echo kept; exit 4'])), id]);
    expect(r.exitCode, show(r)).toBe(4);
    expect(r.stdout).toBe('kept\n');
    expect((await t.state(id)).status).toBe('stopped');
    expectOk(await t.tsrun(['delete', id]));
    expect(existsSync(t.stateDir(id))).toBe(false);
  });

  it('delete --force of a paused container kills it and removes it (runc 1.2 delete.bats)', async () => {
    const id = t.id('paused');
    expectOk(await t.tsrun(['run', '-d', '-b', t.bundle(t.args(['sleep', '100'])), id]));
    const r = await t.tsrun(['pause', id]);
    if (t.mode === 'rootless') {
      // No cgroup is delegated to the rootless tier here: pause is refused, so is delete without --force.
      expectFail(r);
    } else {
      expectOk(r);
    }
    expectOk(await t.tsrun(['delete', '--force', id]));
    expect(existsSync(t.stateDir(id))).toBe(false);
  });

  // runc issue 4047 (delete.bats "host pidns + init gone"): without a pid namespace the init is
  // not special; once it is killed the container is stopped while processes remain in its
  // cgroup, and delete (with or without --force) must kill them. Root only: the rootless tier
  // has no delegated cgroup here, so nothing could find those processes (runc's test requires
  // a rootless cgroup too).
  for (const force of [false, true]) {
    it.skipIf(t.mode !== 'root')(`delete${force ? ' --force' : ''} of a host-pidns container whose init was killed kills the processes left in its cgroup${t.mode === 'root' ? '' : ' — SKIPPED: no delegated cgroup for the rootless tier'}`, async () => {
      const id = t.id('hostpid');
      const config = t.args(['sleep', '100'], { linux: { namespaces: [{ type: 'network' }, { type: 'ipc' }, { type: 'uts' }, { type: 'mount' }] } });
      expectOk(await t.tsrun(['run', '-d', '-b', t.bundle(config), id]));
      const pids: number[] = [];
      for (let i = 0; i < 3; i++) {
        const pidFile = join(t.scratch(), `${id}.${i}.pid`);
        expectOk(await t.tsrun(['exec', '-d', '--pid-file', pidFile, id, 'sleep', '200']));
        pids.push(Number(readFileSync(pidFile, 'utf8')));
      }
      const init = (await t.state(id)).pid;
      process.kill(init!, 'SIGKILL');
      expect((await t.waitStatus(id, 'stopped')).status).toBe('stopped');
      expect(pids.every(pidAlive)).toBe(true);
      expectOk(await t.tsrun(['delete', ...(force ? ['--force'] : []), id]));
      expect(existsSync(t.stateDir(id))).toBe(false);
      expect(pids.filter(pidAlive)).toEqual([]);
    });
  }
});

// runc 1.2's exec annotation (plan/cpu-transition.ts). This host has no nohz_full cpus, so no cpu
// is eligible and exec behaves as without it, as runc's heuristics say (the cpu choice and the
// steps around the cgroup join are unit tests: test/unit/plan/cpu-transition.test.ts).
forEachMode((t) => {
  const KEY = 'org.opencontainers.runc.exec.isolated-cpu-affinity-transition';
  const nohzFull = existsSync('/sys/devices/system/cpu/nohz_full') && readFileSync('/sys/devices/system/cpu/nohz_full', 'utf8').trim() !== '';

  it.skipIf(nohzFull)(`${KEY}: "temporary" and "definitive" are accepted; with no nohz_full cpu exec keeps the container's affinity${nohzFull ? ' — SKIPPED: this host has nohz_full cpus' : ''}`, async () => {
    for (const value of ['temporary', 'definitive']) {
      const id = t.id('isolcpu');
      expectOk(await t.tsrun(['run', '-d', '-b', t.bundle(t.args(['sleep', '100'], { annotations: { [KEY]: value } })), id]));
      const inside = expectOk(await t.tsrun(['exec', id, 'sh', '-c', 'grep Cpus_allowed_list /proc/self/status']));
      const host = /Cpus_allowed_list:\s*(\S+)/.exec(readFileSync('/proc/self/status', 'utf8'))![1];
      expect(inside.stdout.trim()).toBe(`Cpus_allowed_list:\t${host}`);
      expectOk(await t.tsrun(['delete', '--force', id]));
    }
  });

  it.skipIf(!!otherRuntime)(`${KEY} with a value runc does not know fails create, naming the annotation${NO_RUNC.replace('the flag', 'the annotation')}`, async () => {
    const id = t.id('isolcpu-bad');
    const r = await t.tsrun(['create', '-b', t.bundle(t.args(['true'], { annotations: { [KEY]: 'always' } })), id]);
    expectFail(r, /\/annotations\/org\.opencontainers\.runc\.exec\.isolated-cpu-affinity-transition: must be "temporary" or "definitive", not "always"/);
    expect(existsSync(t.stateDir(id)), show(r)).toBe(false);
  });

  it.skipIf(!!otherRuntime)(`features: potentiallyUnsafeConfigAnnotations names the annotations tsrun acts on (runc 1.2 lists org.criu.config too), and mountExtensions idmap is enabled${otherRuntime ? ' — SKIPPED: runc 1.1.5 has neither field' : ''}`, async () => {
    const doc = JSON.parse(expectOk(await t.tsrun(['features'])).stdout) as { potentiallyUnsafeConfigAnnotations?: string[]; linux: { mountExtensions?: { idmap?: { enabled?: boolean } } } };
    expect(doc.potentiallyUnsafeConfigAnnotations).toEqual([KEY, 'org.criu.config']);
    expect(doc.linux.mountExtensions).toEqual({ idmap: { enabled: true } });
  });
});
