// The command line itself: usage errors, ids, --version, --help, --log.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { otherRuntime, repoRoot } from '../helpers/host.js';
import { forEachMode } from '../helpers/modes.js';
import { stateRoot } from '../helpers/sandbox.js';
import { expectFail, expectOk, show } from '../helpers/tsrun.js';

const pkg = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { version: string };
const COMMANDS = ['create', 'start', 'state', 'kill', 'delete', 'run', 'list'];

forEachMode((t) => {
  const noState = () => expect(existsSync(stateRoot(t.mode)) ? readdirSync(stateRoot(t.mode)) : []).toEqual([]);

  it('no command: the help, exit 0, as runc', async () => {
    const r = expectOk(await t.tsrun([]));
    for (const c of COMMANDS) expect(r.stdout, show(r)).toMatch(new RegExp(`\\b${c}\\b`));
    expectOk(await t.tsrun(['--debug']));
  });

  it('an unknown command: non-zero, names it', async () => {
    expectFail(await t.tsrun(['frobnicate', 'x']), /frobnicate/);
  });

  it('an unknown flag: non-zero', async () => {
    expectFail(await t.tsrun(['list', '--bogus-flag']), /bogus-flag/);
  });

  it('--version prints the tsrun version and the runtime spec version', async () => {
    const r = expectOk(await t.tsrun(['--version']));
    // The name and version are the runtime's own (runc: `runc version 1.1.5`).
    expect(r.stdout).toMatch(otherRuntime ? /version \d+\.\d+\.\d+/ : new RegExp(`tsrun.*\\b${pkg.version.replace(/\./g, '\\.')}\\b`));
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

  it.each([['a/b'], ['..'], ['../escape'], ['x'.repeat(300)], ['with space'], ['']])('create rejects the id %j and makes nothing', async (id) => {
    const bundle = t.bundle(t.base());
    const r = await t.tsrun(['create', '-b', bundle, '--', id]);
    expectFail(r);
    noState();
    expect(existsSync(join(stateRoot(t.mode), '..', 'escape'))).toBe(false);
  });

  // runc 1.1's validateID takes ^[\w+-\.]+$ (libcontainer/factory_linux.go), so these two pass;
  // tsrun refuses a hidden state directory and an id that reads as a flag.
  it.each([['.hidden'], ['-dash']])('create rejects the id %j and makes nothing (deliberate difference from runc: runc 1.1 accepts it)', async (id) => {
    const bundle = t.bundle(t.base());
    const r = await t.tsrun(['create', '-b', bundle, '--', id]);
    if (otherRuntime) {
      expectOk(r);
      expectOk(await t.tsrun(['delete', '--force', '--', id]));
    } else expectFail(r);
    noState();
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
    if (!otherRuntime) expect(error!.msg).toContain('no-such-container'); // tsrun adds the id; runc: "container does not exist"
    expect(Date.parse(error!.time)).not.toBeNaN();
  });

  // runc 1.1's command line, side by side with runc in each test.
  const both = async (args: string[]) => [await t.tsrun(args), await t.runc(args)] as const;

  it('--help starts with a usage line, -h is --help globally and after a command, `help <cmd>` too; as runc (USAGE:)', async () => {
    const [ours, runc] = await both(['--help']);
    if (!otherRuntime) expect(expectOk(ours).stdout).toMatch(/^Usage: tsrun \[global options\] <command>/);
    expect(expectOk(runc).stdout).toMatch(/^USAGE:$/m);
    for (const args of [['-h'], ['create', '-h'], ['kill', '--help'], ['help', 'create']]) {
      const [o, r] = await both(args);
      expectOk(o);
      expectOk(r);
      if (otherRuntime) continue;
      expect(o.stdout).toMatch(/Usage: tsrun/);
      if (args.includes('create')) expect(o.stdout).toMatch(/^Usage: tsrun create \[command options\] <id>/m);
    }
  });

  it('-v is --version: "tsrun version X" (runc: "runc version X"), then the spec version', async () => {
    const [ours, runc] = await both(['-v']);
    expectOk(ours);
    if (!otherRuntime) expect(ours.stdout).toMatch(new RegExp(`^tsrun version ${pkg.version.replace(/\./g, '\\.')}\nspec: 1\\.\\d+\\.\\d+\nnode: v\\d+`));
    expect(expectOk(runc).stdout).toMatch(/^runc version \S+\n(.*\n)*spec: /);
  });

  // dist/tsrun.js picks its bundle (the lean CLI of start/state/kill/delete/list, or the whole
  // one) from the words of the line: an id equal to a command name must not change the command.
  it('an id that is a command name is an id (state create, pause list, kill run): the command still runs and says the container does not exist, as runc', async () => {
    for (const args of [['state', 'create'], ['pause', 'list'], ['kill', 'run', 'KILL'], ['ps', 'state'], ['delete', 'exec']]) {
      const [ours, runc] = await both(args);
      expectFail(ours, /does not exist/);
      expectFail(runc, /does not exist/);
      if (!otherRuntime) expect(ours.stderr, show(ours)).toContain(`container ${args[1]} does not exist`);
    }
  });

  it("an unknown command, or help of one: \"No help topic for 'foo'\", exit 3, as runc", async () => {
    for (const args of [['foo'], ['--root', '/tmp', 'foo', 'x'], ['help', 'foo']]) {
      const [ours, runc] = await both(args);
      expect([ours.exitCode, runc.exitCode], show(ours)).toEqual([3, 3]);
      expect(ours.stderr).toContain("No help topic for 'foo'");
      expect(runc.stderr).toContain("No help topic for 'foo'");
    }
  });

  it('a --log that cannot be opened fails at start-up, naming it, as runc', async () => {
    const [ours, runc] = await both(['--log', '/nonexistent-dir/x.log', 'list']);
    for (const r of [ours, runc]) expectFail(r, /open \/nonexistent-dir\/x\.log: no such file or directory/);
    expect(ours.stdout).toBe('');
  });

  it('--log lines in runc\'s logrus text (time="…" level=error msg="…") and json formats; an unknown --log-format is refused: as runc', async () => {
    for (const [format, line] of [
      ['text', /^time="\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ" level=error msg="container (\S+ )?does not exist"$/],
      ['json', /^\{"level":"error","msg":"container (\S+ )?does not exist","time":"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ"\}$/],
    ] as const) {
      for (const runtime of [t.tsrun, t.runc]) {
        const log = join(t.scratch(), `fmt-${format}-${Math.random()}.log`);
        expectFail(await runtime(['--log', log, '--log-format', format, 'state', 'no-such-container']), /does not exist/);
        expect(readFileSync(log, 'utf8').trim().split('\n')).toEqual([expect.stringMatching(line)]);
      }
    }
    const [ours, runc] = await both(['--log-format', 'xml', 'list']);
    for (const r of [ours, runc]) expectFail(r, /invalid log-format: xml/);
  });

  it('--debug lines on stderr are logrus text lines (time= level=debug msg=), as runc\'s', async () => {
    for (const runtime of [t.tsrun, t.runc]) {
      const id = t.id('dbg');
      const r = expectOk(await runtime(['--debug', 'create', id, '-b', t.bundle(t.args(['true']))]));
      const lines = r.stderr.trim().split('\n');
      expect(lines.filter((l) => l.includes('level=debug')).length, r.stderr).toBeGreaterThan(0);
      for (const l of lines) expect(l).toMatch(/^time="[^"]+" level=(debug|info|warning) msg=("([^"\\]|\\.)*"|\S+)( \w+=("([^"\\]|\\.)*"|\S+))*$/);
      expectOk(await runtime(['delete', '--force', id]));
    }
  });
});
