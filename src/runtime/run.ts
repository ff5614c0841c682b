// run: create + start, then (unless detached) wait for it in the foreground (foreground.ts).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setChildSubreaper } from '../native/index.js';
import { openConsoleServer, type Relay } from '../process/terminal.js';
import type { Spec } from '../spec/types.js';
import { create, type CreateOptions } from './create.js';
import { deleteContainer } from './delete.js';
import { forwardSignals, waitForeground } from './foreground.js';
import { start } from './start.js';
import { listenFdsOf } from './listen-fds.js';
import { checkPassedFds } from './passed-fds.js';

/** process.terminal of the bundle's config (create validates it; a bad file fails there). */
function wantsTerminal(bundle: string): boolean {
  try {
    return (JSON.parse(readFileSync(join(bundle, 'config.json'), 'utf8')) as Spec).process?.terminal === true;
  } catch {
    return false;
  }
}

export async function run(opts: CreateOptions & { detach: boolean; keep?: boolean }): Promise<number> {
  // Before the console server takes an fd number (create checks again, for itself).
  checkPassedFds(listenFdsOf() + (opts.preserveFds ?? 0));
  // The container process is the init's grandchild; as subreaper we inherit it and can wait for it.
  if (!opts.detach) setChildSubreaper();
  // runc: a foreground run with a terminal and no --console-socket relays tsrun's own terminal.
  const server = !opts.detach && !opts.consoleSocket && wantsTerminal(opts.bundle) ? openConsoleServer() : undefined;
  // Signals to a foreground run are caught from here on and sent once the container runs.
  const forwarder = opts.detach ? undefined : forwardSignals(opts, server !== undefined);
  let relay: Relay | undefined;
  let record;
  try {
    record = create({ ...opts, consoleSocket: server?.path ?? opts.consoleSocket });
  } finally {
    if (!record) {
      server?.close();
      forwarder?.stop();
    }
  }
  try {
    relay = server?.relay();
    server?.close();
    start(opts);
  } catch (e) {
    relay?.stop();
    server?.close();
    forwarder?.stop();
    deleteContainer({ ...opts, force: true });
    throw e;
  }
  if (opts.detach) return 0;
  return waitForeground(opts, record.pid, relay, forwarder);
}
