// run: create + start, then (unless detached) wait for the process, forward signals to it,
// delete the container and return its exit status (128+N when killed by signal N, as a shell).
import { readFileSync } from 'node:fs';
import { constants } from 'node:os';
import { join } from 'node:path';
import { setChildSubreaper, waitPidAsync } from '../native/index.js';
import { finishRelay, openConsoleServer, type Relay } from '../process/terminal.js';
import type { Spec } from '../spec/types.js';
import { create, type CreateOptions } from './create.js';
import { deleteContainer } from './delete.js';
import { kill } from './kill.js';
import { start } from './start.js';

const FORWARDED: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGQUIT', 'SIGUSR1', 'SIGUSR2', 'SIGWINCH'];

/** process.terminal of the bundle's config (create validates it; a bad file fails there). */
function wantsTerminal(bundle: string): boolean {
  try {
    return (JSON.parse(readFileSync(join(bundle, 'config.json'), 'utf8')) as Spec).process?.terminal === true;
  } catch {
    return false;
  }
}

export async function run(opts: CreateOptions & { detach: boolean; keep?: boolean }): Promise<number> {
  // The container process is the init's grandchild; as subreaper we inherit it and can wait for it.
  if (!opts.detach) setChildSubreaper();
  // runc: a foreground run with a terminal and no --console-socket relays tsrun's own terminal.
  const server = !opts.detach && !opts.consoleSocket && wantsTerminal(opts.bundle) ? openConsoleServer() : undefined;
  let relay: Relay | undefined;
  let record;
  try {
    record = create({ ...opts, consoleSocket: server?.path ?? opts.consoleSocket });
  } finally {
    if (!record) server?.close();
  }
  try {
    relay = server?.relay();
    server?.close();
    start(opts);
  } catch (e) {
    relay?.stop();
    server?.close();
    deleteContainer({ ...opts, force: true });
    throw e;
  }
  if (opts.detach) return 0;
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
  const status = await waitPidAsync(record.pid);
  for (const sig of forwarded) process.off(sig, forward);
  if (relay) await finishRelay(relay);
  // --keep (runc): the stopped container stays for `state` and `delete`.
  if (!opts.keep) deleteContainer({ ...opts, force: true });
  return status.signal ? 128 + status.signal : status.exitCode;
}
