// kill --all: signal every process in the container's cgroup (runc kill --all).
import { StateTransitionError } from '../errors.js';
import { canKill } from '../state/status.js';
import { savedCgroupManager } from '../cgroups/manager.js';
import { ContainerStore } from '../state/store.js';
import { containerCgroup } from './cgroup.js';
import { statusOf } from './status.js';
import type { GlobalOptions } from './options.js';

export function killAll(opts: GlobalOptions & { id: string; signal: number }): void {
  const dir = new ContainerStore(opts.root).open(opts.id, false);
  try {
    const record = dir.read();
    const status = statusOf(record, dir);
    // runc 1.1 (linuxContainer.Signal with all) signals what is left in a stopped container's
    // cgroup (a --pid host container's other processes), or nothing, and succeeds: the containerd
    // shim runs `kill --all <id> 9` after every exit and retries until it does.
    if (status === 'stopped') {
      const cgroup = savedCgroupManager(record.cgroupPaths);
      if (cgroup && cgroup.pids().length > 0) cgroup.signalAll(opts.signal);
      return;
    }
    if (!canKill(status)) throw new StateTransitionError(opts.id, 'kill', status);
    containerCgroup(record, 'kill --all').signalAll(opts.signal);
  } finally {
    dir.unlock();
  }
}
