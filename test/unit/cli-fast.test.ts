// The fast parser must give every handler exactly what yargs gives it, or leave the line to yargs.
import { describe, expect, it } from 'vitest';
import { parseFast } from '../../src/cli/fast.js';
import { COMMANDS, type ParsedArgs } from '../../src/cli/registry.js';
import { parseWithYargs } from '../../src/cli/yargs.js';

/** What yargs hands the handler, or the error it throws. */
async function viaYargs(argv: string[]): Promise<{ command?: string; args?: ParsedArgs; rest?: string[]; error?: string }> {
  try {
    let got: { command?: string; args?: ParsedArgs; rest?: string[] } = {};
    await parseWithYargs(argv, async (c, args, rest) => {
      got = { command: c.command, args, rest };
      return 0;
    });
    return got;
  } catch (e) {
    return { error: (e as Error).message };
  }
}

async function expectSame(argv: string[]): Promise<boolean> {
  const fast = await parseFast(argv, COMMANDS);
  if (!fast) return false;
  const slow = await viaYargs(argv);
  expect(slow.error, argv.join(' ')).toBeUndefined();
  expect({ command: fast.command.command, args: fast.args, rest: fast.rest }, argv.join(' ')).toEqual({ command: slow.command, args: slow.args, rest: slow.rest });
  return true;
}

const R = '/run/x';
// What containerd, podman and CRI-O send, and the README's forms: all must take the fast path.
const ENGINE_LINES = [
  ['--root', R, 'state', 'c1'],
  ['--root', R, '--log', '/l.json', '--log-format', 'json', 'create', '--bundle', '/b', '--pid-file', '/p', 'c1'],
  ['--root', R, '--log', '/l.json', '--log-format', 'json', '--systemd-cgroup', 'start', 'c1'],
  ['--root=/r', '--debug', 'kill', 'c1', 'KILL'],
  ['kill', '--all', 'c1', '9'],
  ['kill', '-a', 'c1'],
  ['delete', '--force', 'c1'],
  ['--root', R, 'delete', '-f', 'c1'],
  ['--root', R, 'delete', 'c1'],
  ['create', '-b', '/b', '--console-socket', '/s', '--preserve-fds', '2', 'c1'],
  ['run', '-b', '/b', '-d', 'c1'],
  ['run', '--bundle=/b', 'c1'],
  ['state', 'c1', '--root', R],
  ['--rootless', 'true', 'state', '123'],
  ['list', '--format', 'json'],
  ['list', '-q'],
  ['features'],
  ['pause', 'c1'],
  ['resume', 'c1'],
  ['events', '--stats', '--interval', '3', 'c1'],
  ['update', '--memory', '256m', '--pids-limit', '64', 'c1'],
  // Docker's shim: a lone "-" is --resources' value (stdin), not a positional.
  ['update', '--resources', '-', 'c1'],
  ['update', '-r', '-', 'c1'],
  ['update', '--cpu-share', '512', 'c1'],
  ['run', '--keep', '-b', '/b', 'c1'],
  ['exec', 'c1', '/bin/true'],
  ['exec', 'c1', 'sh', '-c', 'ls -l --color'],
  ['--root', R, '--log', '/l.json', '--log-format', 'json', 'exec', '--process', '/p.json', '--detach', '--pid-file', '/p', 'c1'],
  ['exec', '-t', '--console-socket', '/s', 'c1', '--', 'sh'],
];

// Forms whose meaning under yargs is not plain: left to yargs.
const YARGS_LINES = [
  [],
  ['state'],
  ['state', 'a', 'b'],
  ['stat', 'c1'],
  ['--help'],
  ['state', '--help'],
  ['--version'],
  ['create', '--no-pivot', 'c1'],
  ['--no-debug', 'state', 'c1'],
  ['state', '--', 'c1'],
  ['--debug', 'true', 'state', 'c1'],
  ['--root', R, '--root', R, 'state', 'c1'],
  ['kill', 'c1', '-9'],
  ['delete', '-f=true', 'c1'],
  ['delete', '-fa', 'c1'],
  ['spec', '--rootless'],
  ['update', '--memory', '-1', 'c1'],
  ['--log-format', 'xml', 'state', 'c1'],
  ['update', '--pids-limit', '07', 'c1'],
  ['--root', '', 'state', 'c1'],
  ['-b', '/b', 'create', 'c1'],
  ['exec', '--env', 'A=1', 'c1', 'true'],
  ['exec', '-c', 'CAP_KILL', 'c1', 'true'],
  ['exec', '--', 'c1', 'true'],
];

describe('fast command-line parser', () => {
  it('takes the lines engines send, giving the handler what yargs gives it', async () => {
    for (const argv of ENGINE_LINES) expect(await expectSame(argv), argv.join(' ')).toBe(true);
  }, 60_000); // the first yargs load compiles it: a generous limit for a loaded machine

  it('a lone "-" after a flag that takes a value is that value under yargs too; --cpu-shares is an alias of runc\'s --cpu-share', async () => {
    expect((await viaYargs(['update', '--resources', '-', 'c1'])).args).toMatchObject({ resources: '-', r: '-', id: 'c1' });
    expect((await viaYargs(['update', '--cpu-shares', '7', 'c1'])).args).toMatchObject({ 'cpu-share': 7, 'cpu-shares': 7 });
  });

  it('leaves every other form to yargs', async () => {
    for (const argv of YARGS_LINES) expect(await parseFast(argv, COMMANDS), argv.join(' ')).toBeUndefined();
  });

  it('agrees with yargs on 600 seeded random lines', async () => {
    // Mostly well-formed lines (each command with its own flags and an id), some with noise.
    const globals = [['--root', '/r'], ['--root=/r'], ['--log', '/l'], ['--log-format', 'json'], ['--log-format=text'], ['--debug'], ['--systemd-cgroup'], ['--rootless', 'false']];
    const run = [['-b', '/b'], ['--bundle', '/b'], ['--pid-file', '/p'], ['--preserve-fds', '3'], ['--preserve-fds=0'], ['--console-socket', '/s']];
    const commands: Record<string, string[][]> = {
      state: [], start: [], pause: [], features: [],
      create: run,
      run: [...run, ['-d'], ['--detach']],
      kill: [['-a'], ['--all'], ['KILL'], ['9']],
      delete: [['-f'], ['--force']],
      list: [['--format', 'json'], ['-f', 'table'], ['-q'], ['--quiet']],
      update: [['--memory', '1m'], ['--pids-limit', '9'], ['-r', '/r.json'], ['--cpuset-cpus', '0']],
      events: [['--stats'], ['--interval', '2']],
      exec: [['-d'], ['--detach'], ['--pid-file', '/p'], ['-p', '/p.json'], ['-t'], ['--env', 'A=1'], ['--cwd', '/'], ['sh'], ['-c']],
    };
    const noise = [['--no-pivot'], ['--'], ['-x'], ['--unknown'], ['true'], ['-1'], [''], ['07'], ['--debug=true'], ['-fq'], ['c2'], ['--help=no']];
    let seed = 42;
    const rand = (n: number) => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed % n;
    };
    const pick = (pool: string[][], n: number) => Array.from({ length: n }, () => pool[rand(pool.length)]);
    let fast = 0;
    for (let n = 0; n < 600; n++) {
      const names = Object.keys(commands);
      const word = names[rand(names.length)];
      const tail = [...pick([...commands[word], ...globals], rand(4)), ...(word === 'features' || word === 'list' ? [] : [['c1']])];
      if (rand(3) === 0) tail.splice(rand(tail.length + 1), 0, ...pick(noise, 1));
      const shuffled = tail.map((t) => [rand(100), t] as const).sort((x, y) => x[0] - y[0]).map(([, t]) => t);
      const argv = [...pick(globals, rand(3)).flat(), word, ...shuffled.flat()];
      if (await expectSame(argv)) fast++;
    }
    // The generator must exercise the fast path, or this test shows nothing.
    expect(fast).toBeGreaterThan(200);
  }, 120_000); // 600 yargs parses: a generous limit for a loaded machine, not a speed check
});
