// update: apply new linux.resources to a live container's cgroup (runc update).
import { StateTransitionError } from '../errors.js';
import { warn } from '../log.js';
import type { LinuxResources } from '../spec/types.js';
import { ContainerStore } from '../state/store.js';
import { containerCgroup } from './cgroup.js';
import { statusOf } from './status.js';
import type { GlobalOptions } from './options.js';

/** Returns the warnings of fields the host ignores. */
export function update(opts: GlobalOptions & { id: string; resources: LinuxResources }): string[] {
  const dir = new ContainerStore(opts.root).open(opts.id, true);
  try {
    const record = dir.read();
    const status = statusOf(record, dir);
    if (status === 'stopped' || status === 'creating') throw new StateTransitionError(opts.id, 'update', status);
    // runc update does not change device rules (they are fixed at create, with runc's defaults).
    const ignored = opts.resources.devices !== undefined ? ['linux.resources.devices is ignored by update: device rules are set at create'] : [];
    ignored.forEach(warn);
    return [...ignored, ...containerCgroup(record, 'update').apply({ ...opts.resources, devices: undefined })];
  } finally {
    dir.unlock();
  }
}
