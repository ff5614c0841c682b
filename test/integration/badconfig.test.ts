// An invalid config.json fails `create` (and `run`) with a non-zero exit, a message naming the
// JSON path of the problem, and no state directory left behind.
import { existsSync, readdirSync } from 'node:fs';
import { expect, it } from 'vitest';
import type { Spec } from '../helpers/config.js';
import { forEachMode, type Tier } from '../helpers/modes.js';
import { stateRoot } from '../helpers/sandbox.js';
import { expectFail, show } from '../helpers/tsrun.js';

type Edit = (c: Record<string, any>) => void; // eslint-disable-line @typescript-eslint/no-explicit-any

interface Case {
  name: string;
  edit?: Edit;
  text?: string;
  /** No config.json in the bundle at all. */
  missing?: boolean;
  stderr: RegExp;
}

const CASES: Case[] = [
  { name: 'process.args of the wrong type (a string)', edit: (c) => (c.process.args = 'true'), stderr: /\/process\/args\b/ },
  { name: 'hostname of the wrong type (a number)', edit: (c) => (c.hostname = 42), stderr: /\/hostname\b/ },
  { name: 'root.readonly of the wrong type', edit: (c) => (c.root.readonly = 'yes'), stderr: /\/root\/readonly\b/ },
  { name: 'a missing ociVersion', edit: (c) => delete c.ociVersion, stderr: /ociVersion/ },
  { name: 'a mount without destination', edit: (c) => delete c.mounts[1].destination, stderr: /\/mounts\/1\b.*destination|destination.*\/mounts\/1\b/ },
  { name: 'a duplicate namespace', edit: (c) => c.linux.namespaces.push({ type: 'pid' }), stderr: /\/linux\/namespaces\b/ },
  {
    name: 'an unknown namespace type',
    edit: (c) => (c.linux.namespaces[2].type = 'pidd'),
    stderr: /config\.json: \/linux\/namespaces\/2\/type: must be one of .*\(config-linux\.md#namespaces\)/,
  },
  { name: 'invalid JSON', text: '{"ociVersion": "1.3.0", "process": {', stderr: /config\.json/ },
  { name: 'JSON that is not an object', text: '[1, 2, 3]\n', stderr: /config\.json/ },
  { name: 'no config.json in the bundle', missing: true, stderr: /config\.json/ },
];

function bundleFor(t: Tier, c: Case): string {
  if (c.missing) return t.bundle(null);
  if (c.text !== undefined) return t.bundle(null, { text: c.text });
  const config = structuredClone(t.base()) as Spec & Record<string, unknown>;
  c.edit!(config);
  return t.bundle(config);
}

forEachMode((t) => {
  it.each(CASES.map((c) => [c.name, c] as const))('create refuses %s, names where, leaves nothing', async (_name, c) => {
    const id = t.id('bad');
    const r = await t.tsrun(['create', id, '-b', bundleFor(t, c)]);
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
    expect(r.stderr).toMatch(/\/process\/cwd\b/);
    expect(existsSync(t.stateDir(id)), show(r)).toBe(false);
  });
});
