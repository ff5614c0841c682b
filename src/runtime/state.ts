// state (runtime.md#state): the spec's state document of one container.
import { ContainerStore } from '../state/store.js';
import type { GlobalOptions } from './options.js';
import { stateOf, statusOf } from './status.js';

export function state(opts: GlobalOptions & { id: string }): ReturnType<typeof stateOf> {
  const dir = new ContainerStore(opts.root).open(opts.id, false);
  try {
    const record = dir.read();
    return stateOf(record, statusOf(record, dir));
  } finally {
    dir.unlock();
  }
}
