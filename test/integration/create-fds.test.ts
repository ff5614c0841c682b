// What create hands the container besides stdio: the pty of --console-socket (process.terminal,
// consoleSize), fds of --preserve-fds and of socket activation (LISTEN_FDS/LISTEN_PID), and a
// session keyring of its own unless --no-new-keyring.
import { closeSync, openSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { startConsoleReceiver } from '../helpers/console.js';
import { otherRuntime, tsrunWording } from '../helpers/host.js';
import { forEachMode } from '../helpers/modes.js';
import { expectFail, expectOk, show } from '../helpers/tsrun.js';

forEachMode((t) => {
  /** Files opened read-only for the test's fds 3, 4, ... with the given contents. */
  function openFiles(id: string, contents: string[]): number[] {
    return contents.map((c, i) => {
      const file = join(t.scratch(), `${id}.fd${i}`);
      writeFileSync(file, c);
      return openSync(file, 'r');
    });
  }

  it('process.terminal with --console-socket: the receiver gets the pty master with consoleSize, the process has the slave as its terminal', async () => {
    const id = t.id('tty');
    const rcv = await startConsoleReceiver(join(t.scratch(), `${id}.sock`));
    const config = t.args(['sh', '-c', 'tty; stty size; test -t 0 -a -t 1 -a -t 2 && echo all-tty'], { process: { terminal: true, consoleSize: { height: 25, width: 90 } } });
    expectOk(await t.tsrun(['create', '--console-socket', rcv.socket, id, '-b', t.bundle(config)]));
    expectOk(await t.tsrun(['start', id]));
    const got = await rcv.info();
    expect(got).toMatchObject({ rows: 25, cols: 90 });
    // The data sent with the fd is tsrun's slave name (runc 1.1 sends its master's, /dev/ptmx).
    if (!otherRuntime) expect(got.name).toBe(`/dev/pts/${got.ptn}`);
    expect((await rcv.done).stdout.replace(/\r/g, '').trim().split('\n')).toEqual([`/dev/pts/${got.ptn}`, '25 90', 'all-tty']);
  });

  it('--console-socket without process.terminal is a usage error', async () => {
    const id = t.id('tty');
    const sock = join(t.scratch(), `${id}.sock`);
    expectFail(await t.tsrun(['create', '--console-socket', sock, id, '-b', t.bundle(t.args(['true']))]), tsrunWording(/--console-socket needs process.terminal/));
  });

  it('--preserve-fds 2: the caller\'s fds 3 and 4 reach the process as 3 and 4, nothing above them', async () => {
    const id = t.id('fds');
    const fds = openFiles(id, ['three\n', 'four\n']);
    try {
      const config = t.args(['sh', '-c', 'cat <&3; cat <&4; ls /proc/self/fd']);
      const r = expectOk(await t.tsrun(['run', '--preserve-fds', '2', id, '-b', t.bundle(config)], { fds }));
      const [a, b, ...open] = r.stdout.trim().split('\n');
      expect([a, b]).toEqual(['three', 'four']);
      // 0-4, and the directory ls reads (5).
      expect(open.map(Number).filter((n) => n > 5), show(r)).toEqual([]);
    } finally {
      fds.forEach(closeSync);
    }
  });

  it('without --preserve-fds an open fd of the caller does not reach the process', async () => {
    const id = t.id('fds');
    const fds = openFiles(id, ['secret\n']);
    try {
      const r = await t.tsrun(['run', id, '-b', t.bundle(t.args(['sh', '-c', 'cat <&3']))], { fds });
      expect(r.exitCode, show(r)).not.toBe(0);
      expect(r.stdout).not.toContain('secret');
    } finally {
      fds.forEach(closeSync);
    }
  });

  it('socket activation: LISTEN_FDS=1 with LISTEN_PID of tsrun passes fd 3 and sets LISTEN_FDS=1 LISTEN_PID=1', async () => {
    const id = t.id('listen');
    const fds = openFiles(id, ['activated\n', 'preserved\n']);
    try {
      const config = t.args(['sh', '-c', 'echo "$LISTEN_FDS $LISTEN_PID"; cat <&3; cat <&4']);
      const r = expectOk(await t.tsrun(['run', '--preserve-fds', '1', id, '-b', t.bundle(config)], { fds, listenFds: 1 }));
      expect(r.stdout.trim().split('\n')).toEqual(['1 1', 'activated', 'preserved']);
    } finally {
      fds.forEach(closeSync);
    }
  });

  it('LISTEN_FDS naming another process (LISTEN_PID not tsrun) passes nothing', async () => {
    const id = t.id('listen');
    const config = t.args(['sh', '-c', 'echo "[$LISTEN_FDS]"']);
    const r = expectOk(await t.tsrun(['run', id, '-b', t.bundle(config)], { env: { LISTEN_FDS: '1', LISTEN_PID: '1' } }));
    expect(r.stdout.trim()).toBe('[]');
  });

  it('a new session keyring _ses.<id> by default; --no-new-keyring keeps the caller\'s', async () => {
    const keys = ['sh', '-c', 'grep -c "_ses.$0:" /proc/keys'];
    const id = t.id('keys');
    const own = expectOk(await t.tsrun(['run', id, '-b', t.bundle(t.args([...keys, id]))]));
    expect(own.stdout.trim()).toBe('1');
    const id2 = t.id('keys');
    // Flags before the id: runc's CLI (urfave/cli v1) takes no flag after an argument.
    const kept = await t.tsrun(['run', '--no-new-keyring', '-b', t.bundle(t.args([...keys, id2])), id2]);
    expect(kept.stdout.trim(), show(kept)).toBe('0');
  });
});
