// kill --all: signal every process in the container's cgroup (runc kill --all).
import { StateTransitionError } from '../errors.js';
import { canKill } from '../state/status.js';
import { ContainerStore } from '../state/store.js';
import { containerCgroup } from './cgroup.js';
import { statusOf } from './status.js';
import type { GlobalOptions } from './options.js';

export function killAll(opts: GlobalOptions & { id: string; signal: number }): void {
  const dir = new ContainerStore(opts.root).open(opts.id, false);
  try {
    const record = dir.read();
    const status = statusOf(record, dir);
    if (!canKill(status)) throw new StateTransitionError(opts.id, 'kill', status);
    containerCgroup(record, 'kill --all').signalAll(opts.signal);
  } finally {
    dir.unlock();
  }
}
