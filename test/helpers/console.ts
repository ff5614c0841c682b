// The test's console socket receiver (console-receiver.c), compiled once per source hash with
// the system C compiler into /tmp, readable and runnable by every tier.
import { existsSync } from 'node:fs';
import { execa } from 'execa';
import { helperBin } from './cc.js';
import { poll } from './host.js';

export function consoleReceiverBin(): string {
  return helperBin('console-receiver');
}

export interface ConsoleReceiver {
  socket: string;
  /** Ends when the last slave fd closes: stdout is what the container wrote to its terminal. */
  done: Promise<{ stdout: string; stderr: string; exitCode?: number }>;
  /** The line about the received fd: name=/dev/pts/N ptn=N rows=R cols=C (name is the data sent with it: runc 1.1 sends /dev/ptmx). */
  info(): Promise<{ name: string; ptn: number; rows: number; cols: number }>;
}

/** Starts a receiver listening at `socket`; resolves once the socket exists. */
export async function startConsoleReceiver(socket: string, input?: string): Promise<ConsoleReceiver> {
  const done = execa(consoleReceiverBin(), input === undefined ? [socket] : [socket, input], { reject: false, timeout: 60_000, stdin: 'ignore' }).then((r) => ({
    stdout: String(r.stdout),
    stderr: String(r.stderr),
    exitCode: r.exitCode,
  }));
  if (!(await poll(() => existsSync(socket), 5000, 10))) throw new Error(`console receiver did not listen on ${socket}`);
  const info = async () => {
    const r = await done;
    const m = /name=(\S+) ptn=(\d+) rows=(\d+) cols=(\d+)/.exec(r.stderr);
    if (!m) throw new Error(`console receiver: exit ${r.exitCode}: ${r.stderr}`);
    return { name: m[1], ptn: Number(m[2]), rows: Number(m[3]), cols: Number(m[4]) };
  };
  return { socket, done, info };
}
