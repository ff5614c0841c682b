// A container run in the foreground (run, restore without --detach): forward signals to it, wait
// for its process (this process is its subreaper), delete it and return its exit status (128+N
// when killed by signal N, as a shell).
import { signalNumbers, waitPidAsync } from '../native/index.js';
import { finishRelay, type Relay } from '../process/terminal.js';
import { deleteContainer } from './delete.js';
import { kill } from './kill.js';
import type { GlobalOptions } from './options.js';

const FORWARDED: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGQUIT', 'SIGUSR1', 'SIGUSR2', 'SIGWINCH'];

/** Signal forwarding to a foreground container: queued until the container runs, then sent. */
export interface Forwarder {
  /** The container runs: send what was queued, and every signal from now on. */
  ready(): void;
  /** Remove the handlers (the default dispositions return). */
  stop(): void;
}

/**
 * Catch the forwarded signals now, before the container exists, as runc's run does: its
 * newSignalHandler (utils_linux.go, runner.run) calls signal.Notify before the container
 * starts and handler.forward sends what came meanwhile once the init's pid is known. Without
 * it a SIGTERM during create or start would kill `run` (Node's default) and leave the container.
 * With a terminal relay a window change is applied to the pty, whose kernel signals the
 * container, so SIGWINCH is not forwarded then.
 */
export function forwardSignals(opts: GlobalOptions & { id: string }, terminalRelay: boolean): Forwarder {
  const queued: NodeJS.Signals[] = [];
  let running = false;
  const send = (sig: NodeJS.Signals) => {
    try {
      kill({ ...opts, signal: signalNumbers()[sig] });
    } catch {
      /* already gone */
    }
  };
  const onSignal = (sig: NodeJS.Signals) => (running ? send(sig) : queued.push(sig));
  const signals = terminalRelay ? FORWARDED.filter((s) => s !== 'SIGWINCH') : FORWARDED;
  for (const sig of signals) process.on(sig, onSignal);
  return {
    ready() {
      running = true;
      for (const sig of queued.splice(0)) send(sig);
    },
    stop() {
      for (const sig of signals) process.off(sig, onSignal);
    },
  };
}

export async function waitForeground(opts: GlobalOptions & { id: string; keep?: boolean }, pid: number, relay?: Relay, forwarder?: Forwarder): Promise<number> {
  const forward = forwarder ?? forwardSignals(opts, relay !== undefined);
  forward.ready();
  const status = await waitPidAsync(pid);
  forward.stop();
  if (relay) await finishRelay(relay);
  // runc 1.2 --keep: the stopped container stays for `state` and a later `delete` (which kills
  // what is left in its cgroup then).
  if (!opts.keep) deleteContainer({ ...opts, force: true });
  return status.signal ? 128 + status.signal : status.exitCode;
}
