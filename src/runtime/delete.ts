// delete (runtime.md#delete): remove a stopped container; --force kills it first. As runc
// does, a container that is created but never started is deleted without --force.
import { RuntimeError, StateTransitionError } from '../errors.js';
import { ContainerStore } from '../state/store.js';
import type { GlobalOptions } from './options.js';
import { signalContainer, waitGone } from './signal-process.js';
import { stateOf, statusOf } from './status.js';
import { runRuntimeHooksLogged } from './hooks.js';

export function deleteContainer(opts: GlobalOptions & { id: string; force: boolean }): void {
  const dir = new ContainerStore(opts.root).open(opts.id, true);
  try {
    const record = dir.read();
    const status = statusOf(record, dir);
    if ((status === 'running' || status === 'paused') && !opts.force) throw new StateTransitionError(opts.id, 'delete', status);
    if (status === 'created' || status === 'running' || status === 'paused') {
      try {
        signalContainer(record, 9);
      } catch {
        /* it ended between the check and the signal */
      }
      if (!waitGone(record)) throw new RuntimeError(`container ${opts.id}: process ${record.pid} did not die after SIGKILL`);
    }
    runRuntimeHooksLogged('poststop', record.hooks?.poststop, JSON.stringify(stateOf(record, 'stopped')));
    dir.remove();
  } finally {
    dir.unlock();
  }
}
