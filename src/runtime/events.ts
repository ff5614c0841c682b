// events: container statistics and OOM notices as JSON objects, the shape of `runc events`.
// OOM kills are counted by the kernel (v1 memory.oom_control "oom_kill", v2 memory.events
// "oom_kill"); polling that counter sees every kill, also one that ends the container, where
// runc's eventfd (v1 cgroup.event_control) or inotify (v2) would only add a wake-up.
import type { CgroupStats, OomState } from '../cgroups/types.js';
import { ContainerNotFoundError, StateTransitionError } from '../errors.js';
import { ContainerStore } from '../state/store.js';
import { containerCgroup } from './cgroup.js';
import { statusOf } from './status.js';
import type { GlobalOptions } from './options.js';

export type ContainerEvent = { type: 'stats'; id: string; data: CgroupStats } | { type: 'oom'; id: string };

/** How often the OOM counter is read between two stats events. */
const OOM_POLL_MS = 100;

interface Sample {
  stopped: boolean;
  oom: OomState;
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
    return { stopped, oom: cg.oomState(), stats: withStats && !stopped ? cg.stats() : undefined };
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

/** 'oom' events between two looks: one per kill, or one when tasks start waiting under OOM with no kill (disableOOMKiller). */
export function newOoms(before: OomState, now: OomState): number {
  const kills = Math.max(0, now.kills - before.kills);
  return kills > 0 ? kills : now.underOom && !before.underOom ? 1 : 0;
}

/**
 * `events`: stats every `intervalMs` and 'oom' events from now on, until the container stops
 * (after reporting the kills that stopped it) or `signal` aborts.
 */
export async function watchEvents(opts: GlobalOptions & { id: string; intervalMs: number; signal?: AbortSignal }, emit: (e: ContainerEvent) => void): Promise<void> {
  let oom: OomState | undefined;
  let nextStats = 0;
  while (!opts.signal?.aborted) {
    const due = Date.now() >= nextStats;
    let s: Sample;
    try {
      s = sample(opts, due);
    } catch (e) {
      // Deleted while watched: the stream ends, as when it stops (but not before the first look).
      if (e instanceof ContainerNotFoundError && oom !== undefined) return;
      throw e;
    }
    for (let n = newOoms(oom ?? s.oom, s.oom); n > 0; n--) emit({ type: 'oom', id: opts.id });
    oom = s.oom;
    if (s.stopped) return;
    if (due && s.stats) {
      emit({ type: 'stats', id: opts.id, data: s.stats });
      nextStats = Date.now() + opts.intervalMs;
    }
    await new Promise((res) => setTimeout(res, Math.min(OOM_POLL_MS, opts.intervalMs)));
  }
}
