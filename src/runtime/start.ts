// start (runtime.md#start): release the init waiting on exec.fifo; it then execs the process.
import { closeSync, constants, openSync, unlinkSync, writeSync } from 'node:fs';
import { RuntimeError, StateTransitionError } from '../errors.js';
import { canStart } from '../state/status.js';
import { ContainerStore } from '../state/store.js';
import type { GlobalOptions } from './options.js';
import { stateOf, statusOf } from './status.js';
import { runRuntimeHooksLogged } from './hooks.js';
import { waitExecOrExit } from './wait-exec.js';

export function start(opts: GlobalOptions & { id: string }): void {
  const dir = new ContainerStore(opts.root).open(opts.id, true);
  try {
    const record = dir.read();
    const status = statusOf(record, dir);
    if (!canStart(status)) throw new StateTransitionError(opts.id, 'start', status);
    let fd: number;
    try {
      // O_NONBLOCK: ENXIO instead of waiting when no init holds the fifo open (fifo(7)).
      fd = openSync(dir.fifoPath, constants.O_WRONLY | constants.O_NONBLOCK);
    } catch (e) {
      throw new RuntimeError(`container ${opts.id} is not waiting to start (${(e as NodeJS.ErrnoException).code})`);
    }
    try {
      writeSync(fd, Buffer.from([0]));
    } finally {
      closeSync(fd);
    }
    unlinkSync(dir.fifoPath);
    if (!waitExecOrExit(record.pid)) {
      throw new RuntimeError(`container ${opts.id}: its process ended before exec (a startContainer hook or a process step failed; the reason is on the container's stderr)`);
    }
    runRuntimeHooksLogged('poststart', record.hooks?.poststart, JSON.stringify(stateOf(record, 'running')));
  } finally {
    dir.unlock();
  }
}
