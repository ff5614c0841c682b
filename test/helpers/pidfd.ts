// The test's --pidfd-socket receiver (pidfd-receiver.c), compiled once per source hash into /tmp.
import { existsSync } from 'node:fs';
import { execa } from 'execa';
import { helperBin } from './cc.js';
import { poll } from './host.js';

export interface PidfdReceiver {
  socket: string;
  /** The received fd's data string and the pid its fdinfo names. */
  received(): Promise<{ data: string; pid: number }>;
  /** Send the signal through the received pidfd (pidfd_send_signal); resolves when it was sent. */
  signal(): Promise<void>;
}

/** A receiver listening at `socket` that will send `signal` (0: none) through the pidfd it gets. */
export async function startPidfdReceiver(socket: string, signal: number): Promise<PidfdReceiver> {
  const child = execa(helperBin('pidfd-receiver'), [socket, String(signal)], { reject: false, timeout: 60_000, stdin: 'pipe' });
  let out = '';
  child.stdout!.on('data', (b: Buffer) => (out += b.toString()));
  if (!(await poll(() => existsSync(socket), 5000, 10))) throw new Error(`pidfd receiver did not listen on ${socket}`);
  const line = async (re: RegExp): Promise<RegExpExecArray> => {
    if (await poll(() => re.test(out), 10_000, 20)) return re.exec(out)!;
    const r = await child;
    throw new Error(`pidfd receiver: exit ${r.exitCode}: ${String(r.stderr)} (stdout ${out})`);
  };
  return {
    socket,
    async received() {
      const m = await line(/data=(\S*) pid=(-?\d+)/);
      return { data: m[1], pid: Number(m[2]) };
    },
    async signal() {
      child.stdin!.write('go\n');
      await line(/signalled/);
      await child;
    },
  };
}
