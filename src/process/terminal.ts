// A foreground run or exec whose process has a terminal and no --console-socket: tsrun is its
// own console socket server and relays between its stdio and the pty master, as runc does:
// stdin (raw, when it is a terminal) to the master, the master to stdout, and the window size
// of tsrun's terminal to the pty, now and on every SIGWINCH (tty(4) TIOCSWINSZ; the kernel then
// signals the container's foreground process group itself).
import { closeSync, mkdtempSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { closeFd, consoleListen, consoleReceive, dupFd, readReady, setWinsize } from '../native/index.js';

export interface ConsoleServer {
  /** The socket path to compile into the plan (what --console-socket would be). */
  path: string;
  /** After the init has sent the master: start relaying. */
  relay(): Relay;
  close(): void;
}

export interface Relay {
  /** Resolves when the pty has no writer left (EIO) and everything was copied to stdout. */
  drained: Promise<void>;
  stop(): void;
}

export function openConsoleServer(): ConsoleServer {
  // A private directory: only this user (and its container's root, the same uid) reaches it.
  // node:os only here: exec imports this module, and most execs have no terminal.
  const dir = mkdtempSync(join(process.getBuiltinModule('node:os').tmpdir(), 'tsrun-console-'));
  const path = join(dir, 'console.sock');
  const fd = consoleListen(path);
  let open = true;
  const close = () => {
    if (!open) return;
    open = false;
    closeSync(fd);
    rmSync(dir, { recursive: true, force: true });
  };
  return { path, close, relay: () => startRelay(consoleReceive(fd)) };
}

function startRelay(master: number): Relay {
  const stdin = process.stdin;
  const raw = stdin.isTTY === true;
  const resize = () => {
    if (process.stdout.isTTY && process.stdout.rows && process.stdout.columns) setWinsize(master, process.stdout.rows, process.stdout.columns);
  };
  resize();
  process.stdout.on('resize', resize);
  if (raw) stdin.setRawMode(true);
  const toPty = (data: Buffer) => {
    try {
      writeSync(master, data);
    } catch {
      /* the pty is gone: the process ended */
    }
  };
  stdin.on('data', toPty);
  stdin.resume();
  // node:tty on first use: it brings node:net and the stream stack, which a run or exec
  // without a terminal never needs. The stream owns (and closes) a duplicate: `master` stays
  // open until stop for the input, the window size and what the stream leaves unread.
  const out = new (process.getBuiltinModule('node:tty').ReadStream)(dupFd(master, 'the pty master'));
  const drained = new Promise<void>((resolve) => {
    out.on('data', (d) => process.stdout.write(d));
    // The master reads EIO once the last slave fd is closed (pty(7)); libuv ends the stream
    // sooner, at POLLHUP after a short read, which copyRest makes up for.
    out.on('error', () => resolve());
    out.on('end', () => resolve());
    out.on('close', () => resolve());
  });
  const stop = () => {
    process.stdout.off('resize', resize);
    stdin.off('data', toPty);
    stdin.pause();
    if (raw) stdin.setRawMode(false);
    out.destroy();
    copyRest(master);
    closeFd(master);
  };
  return { drained, stop };
}

/** The most copyRest copies: a process left behind may hold the slave and keep writing. */
const REST_MAX = 1 << 20;

/**
 * Copies what the pty still holds to stdout. The kernel moves a slave's writes to the master's
 * buffer in a worker (tty_buffer.c, flush_to_ldisc), so the last output of a process that has
 * exited can still be on its way when libuv's short read ends the stream; readReady's poll
 * waits for that work. runc copies until EIO too (its epoll console, containerd/console).
 */
function copyRest(master: number): void {
  for (let copied = 0; copied < REST_MAX; ) {
    let chunk: Buffer | undefined;
    try {
      chunk = readReady(master, 65536, 'the pty master');
    } catch {
      return; // EIO: the slave is closed and everything was read
    }
    if (!chunk) return;
    process.stdout.write(chunk);
    copied += chunk.length;
  }
}

/**
 * After the process ended: the output still in the pty is copied out (bounded: a process the
 * container left behind may hold the slave open), then the relay stops.
 */
export async function finishRelay(relay: Relay, graceMs = 2000): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([relay.drained, new Promise<void>((r) => (timer = setTimeout(r, graceMs)))]);
  clearTimeout(timer);
  relay.stop();
}
