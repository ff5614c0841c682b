// An invalid config.json fails `create` (and `run`) with a non-zero exit, a message naming the
// JSON path of the problem, and no state directory left behind.
import { existsSync, readdirSync } from 'node:fs';
import { expect, it } from 'vitest';
import { type BadConfigCase, BAD_CONFIGS as CASES, badConfigBundle } from '../helpers/badconfig-corpus.js';
import { otherRuntime } from '../helpers/host.js';
import { forEachMode } from '../helpers/modes.js';
import { stateRoot } from '../helpers/sandbox.js';
import { expectFail, show } from '../helpers/tsrun.js';

forEachMode((t) => {
  const title = (c: BadConfigCase) => c.name + (c.runcAccepts ? ` (deliberate difference from runc: it accepts it, ${c.runcAccepts})` : '');
  it.each(CASES.map((c) => [title(c), c] as const))('create refuses %s, names where, leaves nothing', async (_name, c) => {
    const id = t.id('bad');
    const r = await t.tsrun(['create', id, '-b', badConfigBundle(t, c)]);
    // Under the oracle, runc's side of the difference: it creates the container (deleted after the test).
    if (otherRuntime && c.runcAccepts) return void expect(r.exitCode, show(r)).toBe(0);
    expectFail(r, c.stderr);
    expect(r.stderr, show(r)).not.toMatch(/\n\s+at .*\(.*:\d+:\d+\)/); // a message, not a stack trace
    expect(existsSync(t.stateDir(id)), show(r)).toBe(false);
    expect(existsSync(stateRoot(t.mode)) ? readdirSync(stateRoot(t.mode)) : []).toEqual([]);
  });

  it('run refuses an invalid config.json the same way', async () => {
    const id = t.id('badrun');
    const config = structuredClone(t.base()) as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
    config.process.args = 'true';
    const r = await t.tsrun(['run', id, '-b', t.bundle(config)]);
    expectFail(r, /\/process\/args\b/);
    expect(r.stdout).toBe('');
    expect(existsSync(t.stateDir(id)), show(r)).toBe(false);
  });

  it('all the problems of one config.json are reported, one a line', async () => {
    const id = t.id('badmany');
    const config = structuredClone(t.base()) as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
    config.hostname = 42;
    config.process.cwd = 7;
    const r = await t.tsrun(['create', id, '-b', t.bundle(config)]);
    expectFail(r, /\/hostname\b/);
    // tsrun's wording; runc stops at the first field Go's json cannot decode.
    if (!otherRuntime) expect(r.stderr).toMatch(/\/process\/cwd\b/);
    expect(existsSync(t.stateDir(id)), show(r)).toBe(false);
  });
});
