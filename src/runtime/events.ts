// events: container statistics and OOM notices as JSON objects, the shape of `runc events`.
import type { CgroupStats } from '../cgroups/types.js';
import { StateTransitionError } from '../errors.js';
import { ContainerStore } from '../state/store.js';
import { containerCgroup } from './cgroup.js';
import { statusOf } from './status.js';
import type { GlobalOptions } from './options.js';

export type ContainerEvent = { type: 'stats'; id: string; data: CgroupStats } | { type: 'oom'; id: string };

/** One look at the container: its stats and OOM kill count; undefined once it stopped. */
function sample(opts: GlobalOptions & { id: string }): { stats: CgroupStats; ooms: number } | undefined {
  const dir = new ContainerStore(opts.root).open(opts.id, false);
  try {
    const record = dir.read();
    const status = statusOf(record, dir);
    if (status === 'stopped') return undefined;
    if (status === 'creating') throw new StateTransitionError(opts.id, 'events', status);
    const cg = containerCgroup(record, 'get events of');
    return { stats: cg.stats(), ooms: cg.oomEvents?.() ?? 0 };
  } finally {
    dir.unlock();
  }
}

/** `events --stats`: one stats event. */
export function statsEvent(opts: GlobalOptions & { id: string }): ContainerEvent {
  const s = sample(opts);
  if (!s) throw new StateTransitionError(opts.id, 'get stats of', 'stopped');
  return { type: 'stats', id: opts.id, data: s.stats };
}

/** `events`: stats every `intervalMs`, an 'oom' event per new OOM kill, until the container stops or `signal` aborts. */
export async function watchEvents(opts: GlobalOptions & { id: string; intervalMs: number; signal?: AbortSignal }, emit: (e: ContainerEvent) => void): Promise<void> {
  let ooms: number | undefined;
  while (!opts.signal?.aborted) {
    const s = sample(opts);
    if (!s) return;
    for (let n = ooms ?? s.ooms; n < s.ooms; n++) emit({ type: 'oom', id: opts.id });
    ooms = s.ooms;
    emit({ type: 'stats', id: opts.id, data: s.stats });
    await new Promise((res) => setTimeout(res, opts.intervalMs));
  }
}
