// pause: freeze every process of a running container (runc pause; not in runtime.md).
import { StateTransitionError } from '../errors.js';
import { canPause } from '../state/status.js';
import { ContainerStore } from '../state/store.js';
import { containerCgroup } from './cgroup.js';
import { statusOf } from './status.js';
import type { GlobalOptions } from './options.js';

export function pause(opts: GlobalOptions & { id: string }): void {
  const dir = new ContainerStore(opts.root).open(opts.id, true);
  try {
    const record = dir.read();
    const status = statusOf(record, dir);
    if (!canPause(status)) throw new StateTransitionError(opts.id, 'pause', status);
    containerCgroup(record, 'pause').freeze();
  } finally {
    dir.unlock();
  }
}
