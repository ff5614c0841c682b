// A foreground `run` or `exec -t` with a terminal and no --console-socket relays between
// tsrun's own terminal and the container's pty (as runc does): input, output, exit status and
// the window size, initially and on SIGWINCH. tsrun's terminal here is the pty of script(1).
import { closeSync, constants, existsSync, openSync, readFileSync, readSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { expect, it } from 'vitest';
import { isRoot, otherRuntime, poll, runnerOf, runtimeArgv, tsrunWording } from '../helpers/host.js';
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
async function inTerminal(t: Tier, args: string[], opts: { input?: string; rows?: number; cols?: number; background?: string; stdout?: string } = {}) {
  let argv = [...runtimeArgv(), '--root', stateRoot(t.mode), ...args];
  if (t.mode === 'rootless' && isRoot) {
    const { uid, gid } = runnerOf(t.mode);
    argv = ['setpriv', `--reuid=${uid}`, `--regid=${gid}`, '--clear-groups', '--', ...argv];
  }
  const session = [`stty rows ${opts.rows ?? 30} cols ${opts.cols ?? 90}`, ...(opts.background ? [`( ${opts.background} ) &`] : []), `${argv.map(quote).join(' ')}${opts.stdout ? ` >${quote(opts.stdout)}` : ''} 2>/dev/null`, 'echo "[exit $?]"'].join('\n');
  const r = await execa('script', ['-qec', session, '/dev/null'], { reject: false, input: opts.input ?? '', timeout: 60_000, env: { PATH: process.env.PATH ?? '/usr/bin:/bin', TERM: 'xterm' } });
  // script(1) passes its stdin's end on to the pty, which echoes it as "^@" (under runc too).
  const out = String(r.stdout).replace(/\r|\^@/g, '');
  const m = /\[exit (\d+)\]/.exec(out);
  return { out, exitCode: m ? Number(m[1]) : undefined };
}

/** The process's last output: 2000 numbered lines (10.9 KB with the pty's CRs) and END. */
const LAST_OUTPUT = ['sh', '-c', 'seq 1 2000; echo END'];
const LAST_OUTPUT_TEXT = `${Array.from({ length: 2000 }, (_, i) => i + 1).join('\n')}\nEND\n`;

/**
 * Runs `tsrun args` (which end the process in LAST_OUTPUT and write its pid to `pidFile`) in
 * a terminal with tsrun's stdout a FIFO that is full until the process has exited: tsrun
 * cannot copy meanwhile, so the process's last writes wait in the pty's buffers, more than the
 * master's 4 KiB read buffer holds (n_tty.c). Returns what reached the FIFO after the filler.
 */
async function relayedAfterExit(t: Tier, args: string[], pidFile: string) {
  const fifo = join(t.scratch(), `out-${process.pid}-${Math.random().toString(36).slice(2)}`);
  await execa('mkfifo', ['-m', '666', fifo]);
  const reader = openSync(fifo, constants.O_RDONLY | constants.O_NONBLOCK);
  const filler = openSync(fifo, constants.O_WRONLY | constants.O_NONBLOCK);
  let filled = 0;
  try {
    for (;;) filled += writeSync(filler, Buffer.alloc(4096, 'f'));
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EAGAIN') throw e;
  } finally {
    closeSync(filler);
  }
  try {
    const session = inTerminal(t, args, { stdout: fifo });
    const pid = await poll(() => (existsSync(pidFile) ? Number(readFileSync(pidFile, 'utf8')) : 0), 20_000, 20);
    expect(pid, 'the pid file').toBeGreaterThan(0);
    expect(await poll(() => !existsSync(`/proc/${pid}`), 20_000, 20), `process ${pid} ended`).toBe(true);
    const chunks: Buffer[] = [];
    const buf = Buffer.alloc(65536);
    const ended = await poll(() => {
      for (;;) {
        let n: number;
        try {
          n = readSync(reader, buf);
        } catch (e) {
          if ((e as NodeJS.ErrnoException).code === 'EAGAIN') return false;
          throw e;
        }
        if (n === 0) return true;
        chunks.push(Buffer.from(buf.subarray(0, n)));
      }
    }, 20_000, 20);
    expect(ended, "the end of tsrun's output").toBe(true);
    const r = await session;
    const all = Buffer.concat(chunks).toString('latin1');
    expect(all.slice(0, filled), 'the filler comes first').toBe('f'.repeat(filled));
    return { ...r, relayed: all.slice(filled).replace(/\r|\^@/g, '') };
  } finally {
    closeSync(reader);
  }
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

  // Three rounds each: how much of the output is still in the kernel's flip buffers when tsrun
  // reads again varies (without copyRest, one round in three or so passes).
  it('the last output of a process that has exited is all relayed, however late tsrun reads it (run -t and exec -t, three rounds each)', async () => {
    const id = t.id('lastout');
    expectOk(await t.tsrun(['create', id, '-b', t.bundle(t.args(['sleep', '1000']))]));
    expectOk(await t.tsrun(['start', id]));
    for (let round = 0; round < 3; round++) {
      const runId = t.id('lastout');
      const runPid = join(t.scratch(), `${runId}.pid`);
      const run = await relayedAfterExit(t, ['run', '--pid-file', runPid, runId, '-b', t.bundle(t.args(LAST_OUTPUT, { process: { terminal: true } }))], runPid);
      expect(run.exitCode, run.out).toBe(0);
      expect(run.relayed, `run, round ${round}`).toBe(LAST_OUTPUT_TEXT);
      const execPid = join(t.scratch(), `${id}.exec-${round}.pid`);
      const exec = await relayedAfterExit(t, ['exec', '-t', '--pid-file', execPid, id, ...LAST_OUTPUT], execPid);
      expect(exec.exitCode, exec.out).toBe(0);
      expect(exec.relayed, `exec, round ${round}`).toBe(LAST_OUTPUT_TEXT);
    }
  });

  it('a terminal with nothing to hold it fails clearly: create without --console-socket, exec -t -d', async () => {
    const id = t.id('noterm');
    expectFail(await t.tsrun(['create', id, '-b', t.bundle(t.args(['true'], { process: { terminal: true } }))]), tsrunWording(/process.terminal needs --console-socket/));
    const id2 = t.id('noterm');
    expectOk(await t.tsrun(['create', id2, '-b', t.bundle(t.args(['sleep', '1000']))]));
    expectOk(await t.tsrun(['start', id2]));
    expectFail(await t.tsrun(['exec', '-t', '-d', id2, 'true']), tsrunWording(/--detach needs --console-socket/));
  });
});
