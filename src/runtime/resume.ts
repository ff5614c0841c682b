// resume: thaw a paused container (runc resume).
import { StateTransitionError } from '../errors.js';
import { ContainerStore } from '../state/store.js';
import { containerCgroup } from './cgroup.js';
import { statusOf } from './status.js';
import type { GlobalOptions } from './options.js';

export function resume(opts: GlobalOptions & { id: string }): void {
  const dir = new ContainerStore(opts.root).open(opts.id, true);
  try {
    const record = dir.read();
    const status = statusOf(record, dir);
    if (status !== 'paused') throw new StateTransitionError(opts.id, 'resume', status);
    containerCgroup(record, 'resume').thaw();
  } finally {
    dir.unlock();
  }
}
