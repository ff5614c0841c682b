// A foreground `run` or `exec -t` with a terminal and no --console-socket relays between
// tsrun's own terminal and the container's pty (as runc does): input, output, exit status and
// the window size, initially and on SIGWINCH. tsrun's terminal here is the pty of script(1).
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { expect, it } from 'vitest';
import { isRoot, otherRuntime, runnerOf, runtimeArgv, tsrunWording } from '../helpers/host.js';
import { forEachMode } from '../helpers/modes.js';
import { stateRoot } from '../helpers/sandbox.js';
import { expectFail, expectOk } from '../helpers/tsrun.js';
import type { Tier } from '../helpers/modes.js';

/** runc 1.1 sizes the pty from its own terminal once the process runs: its first `stty size` may see 0 0. */
const RACY_SIZE = otherRuntime ? ' — under the oracle the initial size is not checked: runc 1.1 sets it after the process has started (a race)' : '';

const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

/**
 * Runs `tsrun args` in script(1)'s pty of `rows`x`cols`, `input` typed on it; `before` is a
 * shell snippet run in the background of the same session.
 * Returns the session's output (CRs dropped) with the exit status tsrun printed last.
 */
async function inTerminal(t: Tier, args: string[], opts: { input?: string; rows?: number; cols?: number; background?: string } = {}) {
  let argv = [...runtimeArgv(), '--root', stateRoot(t.mode), ...args];
  if (t.mode === 'rootless' && isRoot) {
    const { uid, gid } = runnerOf(t.mode);
    argv = ['setpriv', `--reuid=${uid}`, `--regid=${gid}`, '--clear-groups', '--', ...argv];
  }
  const session = [`stty rows ${opts.rows ?? 30} cols ${opts.cols ?? 90}`, ...(opts.background ? [`( ${opts.background} ) &`] : []), `${argv.map(quote).join(' ')} 2>/dev/null`, 'echo "[exit $?]"'].join('\n');
  const r = await execa('script', ['-qec', session, '/dev/null'], { reject: false, input: opts.input ?? '', timeout: 60_000, env: { PATH: process.env.PATH ?? '/usr/bin:/bin', TERM: 'xterm' } });
  // script(1) passes its stdin's end on to the pty, which echoes it as "^@" (under runc too).
  const out = String(r.stdout).replace(/\r|\^@/g, '');
  const m = /\[exit (\d+)\]/.exec(out);
  return { out, exitCode: m ? Number(m[1]) : undefined };
}

forEachMode((t) => {
  it(`run: the process gets a pty of tsrun's terminal size, typed input, and its exit status comes back${RACY_SIZE}`, async () => {
    const id = t.id('term');
    const config = t.args(['sh', '-c', 'tty; stty size; read line; echo "got $line"; exit 7'], { process: { terminal: true } });
    const r = await inTerminal(t, ['run', id, '-b', t.bundle(config)], { input: 'typed-line\n', rows: 40, cols: 100 });
    expect(r.exitCode, r.out).toBe(7);
    // The pty echoes the typed line whenever it arrives: look for each line, not their order.
    expect(r.out).toMatch(/^\/dev\/pts\/\d+$/m);
    if (!otherRuntime) expect(r.out).toMatch(/^40 100$/m);
    expect(r.out).toContain('got typed-line');
  });

  it(`run: a window change of tsrun's terminal (SIGWINCH) reaches the pty${RACY_SIZE}`, async () => {
    const id = t.id('winch');
    const { config: c0 } = t.withHostDir(t.args(['true']));
    const host = c0.mounts!.at(-1)!.source!;
    // The container says when it has its first size; the session then resizes its terminal
    // (the kernel sends tsrun SIGWINCH) and the container polls (bounded) for the new size.
    const script = 'stty size; touch /mnt/ready; i=0; while [ "$(stty size)" != "50 120" ] && [ $i -lt 200 ]; do sleep 0.05; i=$((i+1)); done; stty size';
    const config = { ...c0, process: { ...c0.process!, terminal: true, args: ['sh', '-c', script] } };
    const background = `i=0; while [ ! -e ${join(host, 'ready')} ] && [ $i -lt 400 ]; do sleep 0.05; i=$((i+1)); done; stty -F /dev/tty rows 50 cols 120`;
    const r = await inTerminal(t, ['run', id, '-b', t.bundle(config)], { rows: 30, cols: 90, background });
    expect(existsSync(join(host, 'ready')), `the container started: ${r.out}`).toBe(true);
    expect(r.exitCode, r.out).toBe(0);
    expect(r.out).toMatch(otherRuntime ? /50 120\n/ : /30 90\n50 120\n/);
  });

  it('exec -t without --console-socket relays too: its pty, input and exit status', async () => {
    const id = t.id('exect');
    expectOk(await t.tsrun(['create', id, '-b', t.bundle(t.args(['sleep', '1000']))]));
    expectOk(await t.tsrun(['start', id]));
    const r = await inTerminal(t, ['exec', '-t', id, 'sh', '-c', 'tty; read line; echo "got $line"; exit 9'], { input: 'x-input\n' });
    expect(r.exitCode, r.out).toBe(9);
    expect(r.out).toMatch(/^\/dev\/pts\/\d+$/m);
    expect(r.out).toContain('got x-input');
  });

  if (t.mode === 'root') {
    it('run: the relay works when container root is another uid (user namespace): the init connects as the runtime', async () => {
      const id = t.id('termns');
      const maps = [{ containerID: 0, hostID: 200000, size: 65536 }];
      const config = t.args(['sh', '-c', 'tty; cat /proc/self/uid_map'], {
        process: { terminal: true },
        linux: { namespaces: [...t.base().linux!.namespaces!, { type: 'user' }], uidMappings: maps, gidMappings: maps },
      });
      const r = await inTerminal(t, ['run', id, '-b', t.bundle(config)]);
      expect(r.exitCode, r.out).toBe(0);
      expect(r.out).toMatch(/^\/dev\/pts\/\d+$/m);
      expect(r.out).toMatch(/^\s*0\s+200000\s+65536$/m);
    });
  }

  it('a terminal with nothing to hold it fails clearly: create without --console-socket, exec -t -d', async () => {
    const id = t.id('noterm');
    expectFail(await t.tsrun(['create', id, '-b', t.bundle(t.args(['true'], { process: { terminal: true } }))]), tsrunWording(/process.terminal needs --console-socket/));
    const id2 = t.id('noterm');
    expectOk(await t.tsrun(['create', id2, '-b', t.bundle(t.args(['sleep', '1000']))]));
    expectOk(await t.tsrun(['start', id2]));
    expectFail(await t.tsrun(['exec', '-t', '-d', id2, 'true']), tsrunWording(/--detach needs --console-socket/));
  });
});
