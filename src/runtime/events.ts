// events: container statistics and OOM notices as JSON objects, the shape of `runc events`.
// OOM kills are counted by the kernel (v1 memory.oom_control "oom_kill", v2 memory.events
// "oom_kill"); polling that counter sees every kill, also one that ends the container, where
// runc's eventfd (v1 cgroup.event_control) or inotify (v2) would only add a wake-up.
import type { CgroupStats } from '../cgroups/types.js';
import { StateTransitionError } from '../errors.js';
import { ContainerStore } from '../state/store.js';
import { containerCgroup } from './cgroup.js';
import { statusOf } from './status.js';
import type { GlobalOptions } from './options.js';

export type ContainerEvent = { type: 'stats'; id: string; data: CgroupStats } | { type: 'oom'; id: string };

/** How often the OOM counter is read between two stats events. */
const OOM_POLL_MS = 100;

interface Sample {
  stopped: boolean;
  ooms: number;
  stats?: CgroupStats;
}

/** One look at the container. A stopped container's cgroup stays until delete, so its OOM count is still read. */
function sample(opts: GlobalOptions & { id: string }, withStats: boolean): Sample {
  const dir = new ContainerStore(opts.root).open(opts.id, false);
  try {
    const record = dir.read();
    const status = statusOf(record, dir);
    if (status === 'creating') throw new StateTransitionError(opts.id, 'events', status);
    const cg = containerCgroup(record, 'get events of');
    const stopped = status === 'stopped';
    return { stopped, ooms: cg.oomEvents?.() ?? 0, stats: withStats && !stopped ? cg.stats() : undefined };
  } finally {
    dir.unlock();
  }
}

/** `events --stats`: one stats event. */
export function statsEvent(opts: GlobalOptions & { id: string }): ContainerEvent {
  const s = sample(opts, true);
  if (!s.stats) throw new StateTransitionError(opts.id, 'get stats of', 'stopped');
  return { type: 'stats', id: opts.id, data: s.stats };
}

/**
 * `events`: stats every `intervalMs` and an 'oom' event per OOM kill from now on, until the
 * container stops (after reporting the kills that stopped it) or `signal` aborts.
 */
export async function watchEvents(opts: GlobalOptions & { id: string; intervalMs: number; signal?: AbortSignal }, emit: (e: ContainerEvent) => void): Promise<void> {
  let ooms: number | undefined;
  let nextStats = 0;
  while (!opts.signal?.aborted) {
    const due = Date.now() >= nextStats;
    const s = sample(opts, due);
    for (let n = ooms ?? s.ooms; n < s.ooms; n++) emit({ type: 'oom', id: opts.id });
    ooms = s.ooms;
    if (s.stopped) return;
    if (due && s.stats) {
      emit({ type: 'stats', id: opts.id, data: s.stats });
      nextStats = Date.now() + opts.intervalMs;
    }
    await new Promise((res) => setTimeout(res, Math.min(OOM_POLL_MS, opts.intervalMs)));
  }
}
