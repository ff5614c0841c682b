// kill (runtime.md#kill): send a signal to the container process.
import { StateTransitionError } from '../errors.js';
import { canKill } from '../state/status.js';
import { ContainerStore } from '../state/store.js';
import type { GlobalOptions } from './options.js';
import { signalContainer } from './signal-process.js';
import { statusOf } from './status.js';

export function kill(opts: GlobalOptions & { id: string; signal: number }): void {
  const dir = new ContainerStore(opts.root).open(opts.id, false);
  try {
    const record = dir.read();
    const status = statusOf(record, dir);
    if (!canKill(status)) throw new StateTransitionError(opts.id, 'kill', status);
    signalContainer(record, opts.signal);
  } finally {
    dir.unlock();
  }
}
