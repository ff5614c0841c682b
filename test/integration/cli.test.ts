// The command line itself: usage errors, ids, --version, --help, --log.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { repoRoot } from '../helpers/host.js';
import { forEachMode } from '../helpers/modes.js';
import { stateRoot } from '../helpers/sandbox.js';
import { expectFail, expectOk, show } from '../helpers/tsrun.js';

const pkg = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { version: string };
const COMMANDS = ['create', 'start', 'state', 'kill', 'delete', 'run', 'list'];

forEachMode((t) => {
  const noState = () => expect(existsSync(stateRoot(t.mode)) ? readdirSync(stateRoot(t.mode)) : []).toEqual([]);

  it('no command: non-zero, says a command is needed', async () => {
    expectFail(await t.tsrun([]), /command/i);
  });

  it('an unknown command: non-zero, names it', async () => {
    expectFail(await t.tsrun(['frobnicate', 'x']), /frobnicate/);
  });

  it('an unknown flag: non-zero', async () => {
    expectFail(await t.tsrun(['list', '--bogus-flag']), /bogus-flag/);
  });

  it('--version prints the tsrun version and the runtime spec version', async () => {
    const r = expectOk(await t.tsrun(['--version']));
    expect(r.stdout).toMatch(new RegExp(`tsrun.*\\b${pkg.version.replace(/\./g, '\\.')}\\b`));
    expect(r.stdout).toMatch(/spec\S*:?\s+1\.\d+\.\d+/i);
  });

  it('--help lists every command', async () => {
    const r = expectOk(await t.tsrun(['--help']));
    for (const c of COMMANDS) expect(r.stdout, show(r)).toMatch(new RegExp(`\\b${c}\\b`));
  });

  it.each(COMMANDS.filter((c) => c !== 'list'))('%s without an id: non-zero with a message', async (cmd) => {
    expectFail(await t.tsrun([cmd]));
    noState();
  });

  it.each([['a/b'], ['..'], ['../escape'], ['.hidden'], ['-dash'], ['x'.repeat(300)], ['with space'], ['']])('create rejects the id %j and makes nothing', async (id) => {
    const bundle = t.bundle(t.base());
    const r = await t.tsrun(['create', '-b', bundle, '--', id]);
    expectFail(r);
    noState();
    expect(existsSync(join(stateRoot(t.mode), '..', 'escape'))).toBe(false);
  });

  it.each([['state'], ['start'], ['delete'], ['kill']])('%s rejects an id with ".." without touching anything', async (cmd) => {
    expectFail(await t.tsrun([cmd, '../x']));
  });

  it('flags go before or after the id (create -b B id, create id --bundle B)', async () => {
    const before = t.id('order');
    const after = t.id('order');
    expectOk(await t.tsrun(['create', '-b', t.bundle(t.base()), before]));
    expectOk(await t.tsrun(['create', after, '--bundle', t.bundle(t.base())]));
    expect((await t.state(before)).status).toBe('created');
    expect((await t.state(after)).status).toBe('created');
  });

  it('--log with --log-format json writes the error as a json line {level, msg, time}', async () => {
    const log = join(t.scratch(), 'tsrun.log');
    const r = await t.tsrun(['--log', log, '--log-format', 'json', 'state', 'no-such-container']);
    expectFail(r, 'no-such-container');
    const lines = readFileSync(log, 'utf8').trim().split('\n');
    const entries = lines.map((l) => JSON.parse(l) as { level: string; msg: string; time: string });
    const error = entries.find((e) => e.level === 'error');
    expect(error, lines.join('\n')).toBeDefined();
    expect(error!.msg).toContain('no-such-container');
    expect(Date.parse(error!.time)).not.toBeNaN();
  });
});
