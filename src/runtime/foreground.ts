// A container run in the foreground (run, restore without --detach): forward signals to it, wait
// for its process (this process is its subreaper), delete it and return its exit status (128+N
// when killed by signal N, as a shell).
import { constants } from 'node:os';
import { waitPidAsync } from '../native/index.js';
import { finishRelay, type Relay } from '../process/terminal.js';
import { deleteContainer } from './delete.js';
import { kill } from './kill.js';
import type { GlobalOptions } from './options.js';

const FORWARDED: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGQUIT', 'SIGUSR1', 'SIGUSR2', 'SIGWINCH'];

export async function waitForeground(opts: GlobalOptions & { id: string; keep?: boolean }, pid: number, relay?: Relay): Promise<number> {
  const forward = (sig: NodeJS.Signals) => {
    try {
      kill({ ...opts, signal: constants.signals[sig] });
    } catch {
      /* already gone */
    }
  };
  // With a relay, a window change is applied to the pty, whose kernel signals the container.
  const forwarded = relay ? FORWARDED.filter((s) => s !== 'SIGWINCH') : FORWARDED;
  for (const sig of forwarded) process.on(sig, forward);
  const status = await waitPidAsync(pid);
  for (const sig of forwarded) process.off(sig, forward);
  if (relay) await finishRelay(relay);
  // runc 1.2 --keep: the stopped container stays for `state` and a later `delete` (which kills
  // what is left in its cgroup then).
  if (!opts.keep) deleteContainer({ ...opts, force: true });
  return status.signal ? 128 + status.signal : status.exitCode;
}
