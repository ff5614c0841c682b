// The stdio of a container or exec'd process as the library gives it: a pipe per stream
// ('pipe'), /dev/null ('ignore'), this process's own ('inherit') or a caller's fd (a number).
// Node has no pipe(2), so a pipe is a FIFO (fifo(7)) opened at both ends and unlinked: the
// child's end is opened blocking (a container expects blocking stdio), ours is libuv's.
import { closeSync, constants, mkdtempSync, openSync, rmSync } from 'node:fs';
import { Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable, Writable } from 'node:stream';
import { mkfifo, type StdioFds } from '../native/index.js';

/** What one of fds 0, 1, 2 of the process is. */
export type StdioOption = 'pipe' | 'ignore' | 'inherit' | number;

export interface Stdio {
  /** The fds the init is started with (StdioFds of the native facade). */
  fds: StdioFds;
  stdin: Writable | null;
  stdout: Readable | null;
  stderr: Readable | null;
  /** Closes this process's copies of the child's ends; call once the child has them. */
  closeChildEnds(): void;
}

/** A pipe: `read` and `write` are both blocking fds of one FIFO that no longer has a name. */
function pipe(): { read: number; write: number } {
  const dir = mkdtempSync(join(tmpdir(), 'tsrun-pipe-'));
  try {
    const path = join(dir, 'p');
    mkfifo(path, 0o600);
    // O_NONBLOCK: a read end opens without a writer; the write end then opens at once, and
    // reopening the read end through /proc gives a blocking description of its own.
    const nb = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
    const write = openSync(path, constants.O_WRONLY);
    const read = openSync(`/proc/self/fd/${nb}`, constants.O_RDONLY);
    closeSync(nb);
    return { read, write };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export function openStdio(options: readonly [StdioOption, StdioOption, StdioOption]): Stdio {
  const childEnds: number[] = [];
  const streams: (Socket | null)[] = [null, null, null];
  const fds = options.map((o, n) => {
    if (o === 'inherit') return -1;
    if (typeof o === 'number') return o;
    if (o === 'ignore') {
      const fd = openSync('/dev/null', n === 0 ? constants.O_RDONLY : constants.O_WRONLY);
      childEnds.push(fd);
      return fd;
    }
    const p = pipe();
    const [mine, theirs] = n === 0 ? [p.write, p.read] : [p.read, p.write];
    childEnds.push(theirs);
    streams[n] = new Socket({ fd: mine, readable: n !== 0, writable: n === 0 });
    return theirs;
  }) as unknown as StdioFds;
  return {
    fds,
    stdin: streams[0],
    stdout: streams[1],
    stderr: streams[2],
    closeChildEnds: () => {
      for (const fd of childEnds.splice(0)) closeSync(fd);
    },
  };
}

/** Closes our ends too: for a process that never started. */
export function destroyStdio(s: Stdio): void {
  s.closeChildEnds();
  for (const stream of [s.stdin, s.stdout, s.stderr]) stream?.destroy();
}
