// runtime.md#lifecycle through the CLI: create → created (the init waits, small), start →
// running, kill → stopped, delete → nothing left; and the transitions that must fail.
import { existsSync } from 'node:fs';
import { expect, it } from 'vitest';
import { otherRuntime, pidAlive, poll, procState, procStatusKiB } from '../helpers/host.js';
import { forEachMode } from '../helpers/modes.js';
import { expectFail, expectOk, show } from '../helpers/tsrun.js';

const SLEEP = ['sleep', '1000'];

forEachMode((t) => {
  it('create → created, start → running, kill KILL → stopped, delete → gone', async () => {
    const id = t.id('life');
    const bundle = t.bundle(t.args(SLEEP));
    expectOk(await t.tsrun(['create', id, '-b', bundle]));

    const created = await t.state(id);
    expect(created).toMatchObject({ id, status: 'created', bundle });
    const pid = created.pid!;
    expect(pid).toBeGreaterThan(0);
    expect(pidAlive(pid), `process ${pid} (state ${procState(pid)})`).toBe(true);
    expect(existsSync(t.stateDir(id))).toBe(true);

    expectOk(await t.tsrun(['start', id]));
    const running = await t.state(id);
    expect(running).toMatchObject({ id, status: 'running', pid });

    expectOk(await t.tsrun(['kill', id, 'KILL']));
    const stopped = await t.waitStatus(id, 'stopped');
    expect(stopped.status).toBe('stopped');
    expect(pidAlive(pid)).toBe(false);

    expectOk(await t.tsrun(['delete', id]));
    expect(existsSync(t.stateDir(id))).toBe(false);
    expectFail(await t.tsrun(['state', id]), id);
  });

  // A property of tsrun's own init (the native tsrun-init); runc's waiting `runc init` is Go (about 9 MiB).
  const rssTitle = `the init waiting between create and start is small (VmRSS < 4 MiB), not a copy of Node${otherRuntime ? " — SKIPPED under the oracle: runc's waiting init is the Go runc binary (about 9 MiB)" : ''}`;
  it.skipIf(!!otherRuntime)(rssTitle, async () => {
    const id = t.id('rss');
    expectOk(await t.tsrun(['create', id, '-b', t.bundle(t.args(SLEEP))]));
    const { pid } = await t.state(id);
    const rssKiB = procStatusKiB(pid!, 'VmRSS');
    expect(rssKiB, `VmRSS of the waiting init ${pid}`).toBeLessThan(4096);
    expect(pidAlive(pid!)).toBe(true);
  });

  it('the container process does not run before start', async () => {
    const id = t.id('wait');
    const { config, read } = t.withHostDir(t.args(['sh', '-c', 'echo ran > /mnt/proof']));
    expectOk(await t.tsrun(['create', id, '-b', t.bundle(config)]));
    // Give a process that ran too early the time to write.
    await new Promise((res) => setTimeout(res, 300));
    expect(read('proof')).toBe('');
    expect((await t.state(id)).status).toBe('created');
    expectOk(await t.tsrun(['start', id]));
    expect(await poll(() => read('proof') === 'ran\n', 5000), 'the container wrote after start').toBe(true);
    expect((await t.waitStatus(id, 'stopped')).status).toBe('stopped');
  });

  it('start of a running container fails and leaves it running', async () => {
    const id = t.id('start2');
    expectOk(await t.tsrun(['create', id, '-b', t.bundle(t.args(SLEEP))]));
    expectOk(await t.tsrun(['start', id]));
    expectFail(await t.tsrun(['start', id]));
    expect((await t.state(id)).status).toBe('running');
  });

  it('start of a stopped container fails', async () => {
    const id = t.id('startstopped');
    expectOk(await t.tsrun(['create', id, '-b', t.bundle(t.args(['true']))]));
    expectOk(await t.tsrun(['start', id]));
    expect((await t.waitStatus(id, 'stopped')).status).toBe('stopped');
    expectFail(await t.tsrun(['start', id]));
  });

  it('start and state of a container that does not exist fail, naming it', async () => {
    expectFail(await t.tsrun(['start', 'no-such-container']), 'no-such-container');
    expectFail(await t.tsrun(['state', 'no-such-container']), 'no-such-container');
    expectFail(await t.tsrun(['delete', 'no-such-container']), 'no-such-container');
  });

  it('create with an id in use fails and leaves the first container alone', async () => {
    const id = t.id('dup');
    const bundle = t.bundle(t.args(SLEEP));
    expectOk(await t.tsrun(['create', id, '-b', bundle]));
    const before = await t.state(id);
    expectFail(await t.tsrun(['create', id, '-b', bundle]), id);
    const after = await t.state(id);
    expect(after).toEqual(before);
    expect(pidAlive(after.pid!)).toBe(true);
  });

  it('delete of a running container without --force fails and leaves it running', async () => {
    const id = t.id('delrun');
    expectOk(await t.tsrun(['create', id, '-b', t.bundle(t.args(SLEEP))]));
    expectOk(await t.tsrun(['start', id]));
    const { pid } = await t.state(id);
    expectFail(await t.tsrun(['delete', id]));
    expect(await t.state(id)).toMatchObject({ status: 'running', pid });
    expect(pidAlive(pid!)).toBe(true);
  });

  it('delete --force of a running container kills it and removes everything', async () => {
    const id = t.id('delforce');
    expectOk(await t.tsrun(['create', id, '-b', t.bundle(t.args(SLEEP))]));
    expectOk(await t.tsrun(['start', id]));
    const { pid } = await t.state(id);
    const r = await t.tsrun(['delete', '--force', id]);
    expectOk(r);
    expect(existsSync(t.stateDir(id)), show(r)).toBe(false);
    expect(await poll(() => !pidAlive(pid!), 3000), `process ${pid} after delete --force`).toBe(true);
  });

  it('delete -f of a created (never started) container removes it', async () => {
    const id = t.id('delcreated');
    expectOk(await t.tsrun(['create', id, '-b', t.bundle(t.args(SLEEP))]));
    const { pid } = await t.state(id);
    expectOk(await t.tsrun(['delete', '-f', id]));
    expect(existsSync(t.stateDir(id))).toBe(false);
    expect(await poll(() => !pidAlive(pid!), 3000), `process ${pid} after delete -f`).toBe(true);
  });

  it('delete of a container whose process exited works without --force', async () => {
    const id = t.id('delexited');
    expectOk(await t.tsrun(['create', id, '-b', t.bundle(t.args(['true']))]));
    expectOk(await t.tsrun(['start', id]));
    const stopped = await t.waitStatus(id, 'stopped');
    expect(stopped.status).toBe('stopped');
    expectOk(await t.tsrun(['delete', id]));
    expect(existsSync(t.stateDir(id))).toBe(false);
  });

  it('delete of a container whose process was killed behind the runtime\'s back works without --force', async () => {
    const id = t.id('delgone');
    expectOk(await t.tsrun(['create', id, '-b', t.bundle(t.args(SLEEP))]));
    expectOk(await t.tsrun(['start', id]));
    const { pid } = await t.state(id);
    process.kill(pid!, 'SIGKILL');
    expect(await poll(() => !pidAlive(pid!), 3000)).toBe(true);
    expect((await t.waitStatus(id, 'stopped')).status).toBe('stopped');
    expectOk(await t.tsrun(['delete', id]));
    expect(existsSync(t.stateDir(id))).toBe(false);
  });

  it('state reports the bundle as an absolute path and the annotations of config.json', async () => {
    const id = t.id('annot');
    const bundle = t.bundle(t.base({ annotations: { 'org.example.key': 'value' } }));
    expectOk(await t.tsrun(['create', id, '-b', bundle]));
    const s = await t.state(id);
    expect(s.bundle).toBe(bundle);
    expect(s.annotations).toEqual({ 'org.example.key': 'value' });
    expect(s.ociVersion).toMatch(/^1\.\d+\.\d+/);
  });
});

forEachMode((t) => {
  it('create without --bundle takes the current directory, recorded as an absolute path', async () => {
    const id = t.id('cwdbundle');
    const bundle = t.bundle(t.base());
    expectOk(await t.tsrun(['create', id], { cwd: bundle }));
    expect((await t.state(id)).bundle).toBe(bundle);
  });
});
