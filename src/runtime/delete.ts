// delete (runtime.md#delete): remove a stopped container; --force kills it first. As runc
// does, a container that is created but never started is deleted without --force.
import { savedCgroupManager } from '../cgroups/manager.js';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { ContainerNotFoundError, RuntimeError, StateTransitionError } from '../errors.js';
import { removeResctrl } from '../resctrl/resctrl.js';
import { ContainerStore } from '../state/store.js';
import type { GlobalOptions } from './options.js';
import { killAndWait } from './signal-process.js';
import { stateOf, statusOf } from './status.js';
import { runRuntimeHooksLogged } from './hooks.js';
import { unmountHostRootfs } from './host-rootfs.js';
import { warn } from '../log.js';

export function deleteContainer(opts: GlobalOptions & { id: string; force: boolean }): void {
  let dir;
  try {
    dir = new ContainerStore(opts.root).open(opts.id, true, false);
  } catch (e) {
    // runc: `delete --force` of a container that does not exist (containerd's shim sends one
    // after its `delete`) succeeds, removing a directory an aborted create may have left.
    if (!(e instanceof ContainerNotFoundError) || !opts.force) throw e;
    rmSync(join(opts.root, opts.id), { recursive: true, force: true });
    return;
  }
  try {
    // Holding the lock, no state.json means its create died right after mkdir (a live create
    // holds the lock until state.json exists): nothing else of it exists yet.
    if (!dir.hasState()) return dir.remove();
    const record = dir.read();
    const status = statusOf(record, dir);
    if ((status === 'running' || status === 'paused') && !opts.force) throw new StateTransitionError(opts.id, 'delete', status);
    // A create that died after recording the pid (src/crash-point.ts) may have left its init waiting.
    const orphan = status === 'creating' && record.pid > 0;
    if (status === 'created' || status === 'running' || status === 'paused' || orphan) {
      // A frozen process cannot act on SIGKILL until its cgroup is thawed.
      if (status === 'paused') savedCgroupManager(record.cgroupPaths, record.systemdUnit)?.thaw();
      if (!killAndWait(record)) throw new RuntimeError(`container ${opts.id}: process ${record.pid} did not die after SIGKILL`);
    }
    // Without a mount namespace its mounts are in ours (runc 1.1 leaves them there).
    if (record.hostRootfs) {
      try {
        unmountHostRootfs(record.hostRootfs);
      } catch (e) {
        warn(`container ${opts.id}: ${(e as Error).message}`);
      }
    }
    // What is left in the cgroup (processes outside a pid namespace, exec'd processes) dies with
    // it; a cgroup the container joined is not its own to empty or remove (issue 13 item 5).
    if (!record.cgroupJoined) savedCgroupManager(record.cgroupPaths, record.systemdUnit)?.destroy();
    if (record.intelRdt) removeResctrl(record.intelRdt);
    runRuntimeHooksLogged('poststop', record.hooks?.poststop, JSON.stringify(stateOf(record, 'stopped')));
    dir.remove();
  } finally {
    dir.unlock();
  }
}
