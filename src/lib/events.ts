// events as an async iterator over watchEvents (runtime/events.ts, a callback loop). Leaving
// the loop (break, return, throw) aborts the watch.
import type { ContainerEvent } from '../runtime/events.js';
import { watchEvents } from '../runtime/events.js';
import type { GlobalOptions } from '../runtime/options.js';

export async function* eventStream(opts: GlobalOptions & { id: string; intervalMs: number; signal?: AbortSignal }): AsyncGenerator<ContainerEvent, void, undefined> {
  const abort = new AbortController();
  const onAbort = () => abort.abort();
  opts.signal?.addEventListener('abort', onAbort);
  const queue: ContainerEvent[] = [];
  let wake: (() => void) | undefined;
  let done = false;
  let failure: { error: unknown } | undefined;
  const watch = watchEvents({ ...opts, signal: abort.signal }, (e) => {
    queue.push(e);
    wake?.();
  }).then(
    () => {
      done = true;
      wake?.();
    },
    (error: unknown) => {
      failure = { error };
      done = true;
      wake?.();
    },
  );
  try {
    for (;;) {
      while (queue.length) yield queue.shift()!;
      if (failure) throw failure.error;
      if (done) return;
      await new Promise<void>((res) => (wake = res));
      wake = undefined;
    }
  } finally {
    abort.abort();
    opts.signal?.removeEventListener('abort', onAbort);
    await watch;
  }
}
