// `kill <id> [SIGNAL]`: names with and without SIG, numbers, default TERM; a shell with traps
// in the container reports what it got. PID 1 of a pid namespace only gets signals it has a
// handler for (and KILL/STOP from outside), so the traps are what make TERM observable.
// The shell writes to a host directory bound at /mnt, so these tests do not depend on stdio.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { pidAlive, poll } from '../helpers/host.js';
import { forEachMode, type Tier } from '../helpers/modes.js';
import { expectFail, expectOk, show } from '../helpers/tsrun.js';

const TRAPS =
  "trap 'echo got-TERM >> /mnt/log; exit 7' TERM; trap 'echo got-USR1 >> /mnt/log' USR1; trap 'echo got-HUP >> /mnt/log' HUP; " +
  'echo ready >> /mnt/log; while :; do sleep 0.1; done';

/** A bundle whose shell traps TERM (exits 7), USR1 and HUP, writing what it gets to out(). */
function trapBundle(t: Tier) {
  const { config, read } = t.withHostDir(t.args(['sh', '-c', TRAPS]));
  return { bundle: t.bundle(config), out: () => read('log') };
}

/** A running container of trapBundle that has said "ready". */
async function trapping(t: Tier) {
  const id = t.id('trap');
  const { bundle, out } = trapBundle(t);
  expectOk(await t.tsrun(['create', id, '-b', bundle]));
  expectOk(await t.tsrun(['start', id]));
  expect(await poll(() => out().includes('ready'), 5000), `container never said ready: ${out()}`).toBe(true);
  return { id, out };
}

/** An attached `tsrun run` of trapBundle whose container has said "ready". */
async function trappingRun(t: Tier, name: string) {
  const id = t.id(name);
  const { bundle, out } = trapBundle(t);
  const call = t.spawn(['run', id, '-b', bundle]);
  expect(await poll(() => out().includes('ready'), 10_000), `${out()}${call.output().stderr}`).toBe(true);
  return { id, out, call };
}

forEachMode((t) => {
  it.each([[[]], [['TERM']], [['SIGTERM']], [['15']], [['term']]])('kill %j delivers SIGTERM (the default), which the trap reports', async (sig: string[]) => {
    const c = await trapping(t);
    expectOk(await t.tsrun(['kill', c.id, ...sig]));
    expect(await poll(() => c.out().includes('got-TERM'), 5000), c.out()).toBe(true);
    expect((await t.waitStatus(c.id, 'stopped')).status).toBe('stopped');
  });

  it.each([['USR1'], ['SIGUSR1'], ['10'], ['HUP']])('kill %s delivers that signal; the container keeps running', async (sig: string) => {
    const c = await trapping(t);
    expectOk(await t.tsrun(['kill', c.id, sig]));
    const name = sig === 'HUP' ? 'HUP' : 'USR1';
    expect(await poll(() => c.out().includes(`got-${name}`), 5000), c.out()).toBe(true);
    expect((await t.state(c.id)).status).toBe('running');
  });

  it.each([['KILL'], ['SIGKILL'], ['9']])('kill %s stops the container without running a trap', async (sig: string) => {
    const c = await trapping(t);
    const { pid } = await t.state(c.id);
    expectOk(await t.tsrun(['kill', c.id, sig]));
    expect((await t.waitStatus(c.id, 'stopped')).status).toBe('stopped');
    expect(pidAlive(pid!)).toBe(false);
    expect(c.out()).not.toContain('got-');
  });

  it('kill KILL of a created (never started) container stops it', async () => {
    const id = t.id('killcreated');
    expectOk(await t.tsrun(['create', id, '-b', t.bundle(t.args(['sleep', '1000']))]));
    expectOk(await t.tsrun(['kill', id, 'KILL']));
    expect((await t.waitStatus(id, 'stopped')).status).toBe('stopped');
    expectOk(await t.tsrun(['delete', id]));
  });

  // runc's waiting init is Go: it dies of the signals Go's runtime treats as fatal and ignores the others.
  it.each([['TERM'], ['HUP'], ['INT'], ['QUIT']])('kill %s of a created container stops it, as runc\'s init dies of it', async (sig: string) => {
    const id = t.id('termcreated');
    expectOk(await t.tsrun(['create', id, '-b', t.bundle(t.args(['sleep', '1000']))]));
    expectOk(await t.tsrun(['kill', id, sig]));
    expect((await t.waitStatus(id, 'stopped')).status).toBe('stopped');
    expectOk(await t.tsrun(['delete', id]));
  });

  it.each([['USR1'], ['WINCH'], ['ALRM']])('kill %s of a created container leaves it created, and start still runs the process with its own traps', async (sig: string) => {
    const id = t.id('ignorecreated');
    const { bundle, out } = trapBundle(t);
    expectOk(await t.tsrun(['create', id, '-b', bundle]));
    expectOk(await t.tsrun(['kill', id, sig]));
    await new Promise((r) => setTimeout(r, 300));
    expect((await t.state(id)).status).toBe('created');
    expectOk(await t.tsrun(['start', id]));
    expect(await poll(() => out().includes('ready'), 5000), out()).toBe(true);
    expectOk(await t.tsrun(['kill', id, 'TERM']));
    expect(await poll(() => out().includes('got-TERM'), 5000), out()).toBe(true);
  });

  it.each([['NOPE'], ['SIGNOPE'], ['65'], ['-9']])('an unknown signal %s fails and leaves the container running', async (sig: string) => {
    const c = await trapping(t);
    expectFail(await t.tsrun(['kill', c.id, sig]));
    expect((await t.state(c.id)).status).toBe('running');
    expect(c.out()).not.toContain('got-');
  });

  it('kill of a stopped container fails (runtime.md#kill)', async () => {
    const id = t.id('killstopped');
    expectOk(await t.tsrun(['create', id, '-b', t.bundle(t.args(['true']))]));
    expectOk(await t.tsrun(['start', id]));
    expect((await t.waitStatus(id, 'stopped')).status).toBe('stopped');
    expectFail(await t.tsrun(['kill', id, 'KILL']));
  });

  it('kill of a container that does not exist fails, naming it', async () => {
    expectFail(await t.tsrun(['kill', 'no-such-container', 'KILL']), 'no-such-container');
  });

  // containerd's runc shim runs `kill --all <id> 9` after every exit and classifies errors by
  // runc's words (checkKillError: "container not running", "does not exist").
  it('on a stopped container, kill fails with "container not running" and kill --all <id> 9 succeeds; a missing one "does not exist": as runc', async () => {
    for (const runtime of [t.tsrun, t.runc]) {
      const id = t.id('killall');
      expectOk(await runtime(['create', id, '-b', t.bundle(t.args(['true']))]));
      expectOk(await runtime(['start', id]));
      const stopped = async () => JSON.parse((await runtime(['state', id])).stdout || '{}').status === 'stopped';
      expect(await poll(stopped, 5000)).toBe(true);
      expectFail(await runtime(['kill', id, '9']), /container not running/);
      expectOk(await runtime(['kill', '--all', id, '9']));
      expectOk(await runtime(['kill', '-a', id, 'KILL']));
      expectOk(await runtime(['delete', id]));
      expectFail(await runtime(['kill', '--all', id, '9']), /container .*does not exist|container does not exist/);
    }
  });

  it('`tsrun kill` during an attached `run`: run exits with the container\'s status', async () => {
    const { id, out, call } = await trappingRun(t, 'runkill');
    expectOk(await t.tsrun(['kill', id, 'TERM']));
    const r = await call.result;
    expect(r.exitCode, show(r)).toBe(7);
    expect(out()).toContain('got-TERM');
  });

  it('SIGTERM to an attached `run` is forwarded to the container', async () => {
    const { out, call } = await trappingRun(t, 'runfwd');
    call.process.kill('SIGTERM');
    const r = await call.result;
    expect(r.exitCode, show(r)).toBe(7);
    expect(out()).toContain('got-TERM');
  });

  // runc catches the signals before the container exists (newSignalHandler in runner.run) and
  // forwards what came once it runs; a run that caught them only after start died of a SIGTERM
  // during create (Node's default action), leaving the container behind.
  it('SIGTERM to an attached `run` while it creates the container (in a createRuntime hook): run lives on and forwards it once the container runs', async () => {
    const id = t.id('runearly');
    const marker = join(t.scratch(), `${id}.in-hook`);
    const { config, read } = t.withHostDir(t.args(['sh', '-c', TRAPS]));
    config.hooks = { createRuntime: [{ path: '/bin/sh', args: ['sh', '-c', `touch ${marker}; sleep 1`] }] };
    const call = t.spawn(['run', id, '-b', t.bundle(config)]);
    expect(await poll(() => existsSync(marker), 10_000), `the hook never ran: ${call.output().stderr}`).toBe(true);
    call.process.kill('SIGTERM');
    expect(await poll(() => read('log').includes('ready'), 10_000), `${read('log')}${call.output().stderr}`).toBe(true);
    // The forwarded TERM reaches the shell before or after it set its trap (PID 1 of a pid
    // namespace ignores it without one): it exits 7, or runs on until it is killed.
    const gotTerm = () => read('log').includes('got-TERM');
    if (!(await poll(gotTerm, 2000))) {
      const k = await t.tsrun(['kill', id, 'KILL']);
      if (!gotTerm()) expectOk(k); // else the TERM came in the meantime and the container is gone
    }
    const r = await call.result;
    expect(r.signal, show(r)).toBeUndefined();
    expect(r.exitCode, `${show(r)}${read('log')}`).toBe(gotTerm() ? 7 : 137);
  });

  it('run of a container killed by SIGKILL exits 137 (128 + 9)', async () => {
    const { id, call } = await trappingRun(t, 'run137');
    expectOk(await t.tsrun(['kill', id, 'KILL']));
    const r = await call.result;
    expect(r.exitCode, show(r)).toBe(137);
  });
});
