// checkpoint (runc checkpoint): criu dump (or pre-dump) of a running container's process tree
// into --image-path; without --leave-running or --pre-dump the container is destroyed after the
// dump, as runc's checkpoint.go does. A failed dump leaves the container as it was (criu resumes
// the tasks it seized) and reports criu's own errors.
import { mkdirSync, readlinkSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { StateTransitionError } from '../../errors.js';
import { warn } from '../../log.js';
import { ContainerStore } from '../../state/store.js';
import { deleteContainer } from '../delete.js';
import type { GlobalOptions } from '../options.js';
import { statusOf } from '../status.js';
import { dumpMountArgs } from './mounts.js';
import { commonCriuArgs, type CriuCommonOptions } from './options.js';
import { criuBinary, runCriu } from './run-criu.js';

export interface CheckpointOptions extends GlobalOptions, CriuCommonOptions {
  id: string;
  /** Images of a previous --pre-dump, relative to the image path (criu --prev-images-dir). */
  parentPath?: string;
  leaveRunning?: boolean;
  preDump?: boolean;
  /** ADDRESS:PORT of a criu page server. */
  pageServer?: string;
}

/** runc's descriptors.json: what fds 0, 1, 2 of the init are, for restore's --inherit-fd. */
export const DESCRIPTORS = 'descriptors.json';

function stdioOf(pid: number): string[] {
  return [0, 1, 2].map((fd) => {
    try {
      return readlinkSync(`/proc/${pid}/fd/${fd}`);
    } catch {
      return '/dev/null';
    }
  });
}

/** criu --external net[<inode>]:extRootNetNS for a network namespace the container joined by path (runc handleCheckpointingExternalNamespaces). */
function externalNetns(path: string | undefined): string[] {
  return path ? ['--external', `net[${statSync(path).ino}]:extRootNetNS`] : [];
}

export function checkpoint(opts: CheckpointOptions): void {
  const dir = new ContainerStore(opts.root).open(opts.id, true);
  let destroy = false;
  try {
    const record = dir.read();
    const status = statusOf(record, dir);
    if (status !== 'running' && status !== 'paused') throw new StateTransitionError(opts.id, 'checkpoint', status);
    // runc 1.1 (checkpoint.go) only warns; criu then fails as an unprivileged user.
    if (record.rootless || process.geteuid?.() !== 0) warn('checkpoint is untested with rootless containers (as runc: criu needs root)');
    const spec = dir.readSpec();
    const imagePath = resolve(opts.imagePath || 'checkpoint');
    const workPath = resolve(opts.workPath || imagePath);
    mkdirSync(imagePath, { recursive: true, mode: 0o700 });
    mkdirSync(workPath, { recursive: true, mode: 0o700 });
    const rootfs = resolve(record.bundle, spec.root?.path ?? 'rootfs');
    const args = ['-t', String(record.pid), '-D', imagePath, '--root', rootfs, ...commonCriuArgs(opts, spec.annotations)];
    args.push(...dumpMountArgs(spec, record.pid));
    args.push(...externalNetns(spec.linux?.namespaces?.find((n) => n.type === 'network')?.path));
    // runc: criu freezes the whole container through its cgroup (freezer v1, cgroup.freeze v2).
    const freezer = record.cgroupPaths?.freezer ?? record.cgroupPaths?.unified;
    if (freezer) args.push('--freeze-cgroup', freezer);
    if (opts.parentPath) args.push('--prev-images-dir', opts.parentPath, '--track-mem');
    if (opts.preDump) args.push('--track-mem');
    else if (opts.leaveRunning) args.push('--leave-running');
    if (opts.pageServer) {
      const [address, port] = opts.pageServer.split(/:(?=\d+$)/);
      args.push('--page-server', '--address', address, '--port', port ?? '');
    }
    writeFileSync(join(imagePath, DESCRIPTORS), JSON.stringify(stdioOf(record.pid)), { mode: 0o600 });
    runCriu({ action: opts.preDump ? 'pre-dump' : 'dump', binary: criuBinary(opts.criu), args, workDir: workPath });
    destroy = !opts.leaveRunning && !opts.preDump;
  } finally {
    dir.unlock();
  }
  // criu killed the tasks after the dump; the container goes, as runc's destroy(container).
  if (destroy) deleteContainer({ root: opts.root, id: opts.id, force: true });
}
