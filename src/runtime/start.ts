// start (runtime.md#start): release the init waiting on exec.fifo (a socket); it then execs the process.
import { unlinkSync } from 'node:fs';
import { RuntimeError, StateTransitionError } from '../errors.js';
import { sendToUnixSocket } from '../native/index.js';
import { canStart } from '../state/status.js';
import type { ContainerRecord } from '../state/record.js';
import { ContainerStore } from '../state/store.js';
import type { GlobalOptions } from './options.js';
import { stateOf, statusOf } from './status.js';
import { runHooks } from '../process/hooks.js';
import { killAndWait } from './signal-process.js';
import { waitExecOrExit } from './wait-exec.js';

export function start(opts: GlobalOptions & { id: string }): void {
  const dir = new ContainerStore(opts.root).open(opts.id, true);
  try {
    const record = dir.read();
    const status = statusOf(record, dir);
    if (!canStart(status)) throw new StateTransitionError(opts.id, 'start', status);
    try {
      // ECONNREFUSED when no init listens on it any more (exec.fifo is a socket: addon/init/ns.cc).
      // The init keeps the connection until its execve (or death) closes it: waiting for that
      // leaves waitExecOrExit one look at /proc instead of polling with sleeps (~1-3 ms).
      sendToUnixSocket(dir.fifoAddress, Buffer.from([0]), [], `start ${opts.id}`, true);
    } catch (e) {
      throw new RuntimeError(`container ${opts.id} is not waiting to start (${(e as NodeJS.ErrnoException).code})`);
    }
    unlinkSync(dir.fifoPath);
    if (!waitExecOrExit(record.pid)) {
      throw new RuntimeError(`container ${opts.id}: its process ended before exec (a startContainer hook or a process step failed; the reason is on the container's stderr)`);
    }
    runPoststart(opts.id, record);
  } finally {
    dir.unlock();
  }
}

/**
 * runtime.md#lifecycle step 9: "If any poststart hook fails, the runtime MUST generate an error,
 * stop the container, and continue the lifecycle at step 12" (delete, then poststop). runc kills
 * its init the same way (libcontainer start: parent.terminate() on a poststart error).
 */
function runPoststart(id: string, record: ContainerRecord): void {
  try {
    runHooks('poststart', record.hooks?.poststart, JSON.stringify(stateOf(record, 'running')));
  } catch (e) {
    killAndWait(record);
    throw new RuntimeError(`container ${id}: ${(e as Error).message}; the container is stopped`);
  }
}
