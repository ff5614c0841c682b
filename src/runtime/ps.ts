// ps: the host pids of every process in the container's cgroup (runc ps).
import { RuntimeError, StateTransitionError } from '../errors.js';
import { ContainerStore } from '../state/store.js';
import { containerCgroup } from './cgroup.js';
import { statusOf } from './status.js';
import type { GlobalOptions } from './options.js';

export function ps(opts: GlobalOptions & { id: string }): number[] {
  const dir = new ContainerStore(opts.root).open(opts.id, false);
  try {
    const record = dir.read();
    const status = statusOf(record, dir);
    // runc ps of a stopped container prints the header alone and exits 0.
    if (status === 'stopped') return [];
    if (status === 'creating') throw new StateTransitionError(opts.id, 'ps', status);
    return containerCgroup(record, 'ps').pids();
  } finally {
    dir.unlock();
  }
}

/** Lines of `ps` output (header first) whose PID column is one of `pids`. */
export function filterPsOutput(text: string, pids: readonly number[]): string[] {
  const [header, ...rows] = text.split('\n').filter((l) => l.trim() !== '');
  if (header === undefined) return [];
  const col = header.trim().split(/\s+/).indexOf('PID');
  if (col < 0) throw new RuntimeError(`ps: no PID column in the header ${JSON.stringify(header)}`);
  const want = new Set(pids);
  return [header, ...rows.filter((r) => want.has(Number(r.trim().split(/\s+/)[col])))];
}
