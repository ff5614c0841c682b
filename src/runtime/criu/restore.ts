// restore (runc restore): a new container from a bundle whose process tree criu restores from
// --image-path instead of starting process.args. As runc's Restore: the cgroup is made and criu
// runs inside it (criuApplyCgroups), bind mounts and devices are mapped back to host paths, the
// pipes of the dumped stdio become this process's (--inherit-fd), and state.json records the
// restored init (criu --pidfile), so state, kill, exec and delete work on it.
import { closeSync, mkdirSync, openSync, readFileSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { detectHostCgroups } from '../../cgroups/layout.js';
import { createCgroupManager } from '../../cgroups/manager.js';
import { NotSupportedError, RuntimeError } from '../../errors.js';
import { warn } from '../../log.js';
import { isRootless } from '../../process/userns.js';
import { loadBundleSpec } from '../../spec/load.js';
import type { Spec } from '../../spec/types.js';
import { readProcStat } from '../../state/liveness.js';
import type { ContainerRecord } from '../../state/record.js';
import { checkId, ContainerStore } from '../../state/store.js';
import { createResources } from '../cgroup.js';
import type { GlobalOptions } from '../options.js';
import { writePidFile } from '../pidfile.js';
import { creatingRecord } from '../record.js';
import { DESCRIPTORS } from './checkpoint.js';
import { restoreMountArgs } from './mounts.js';
import { commonCriuArgs, type CriuCommonOptions } from './options.js';
import { criuBinary, runCriu } from './run-criu.js';

export interface RestoreOptions extends GlobalOptions, CriuCommonOptions {
  id: string;
  bundle: string;
  pidFile?: string;
  consoleSocket?: string;
  lsmProfile?: string;
  lsmMountContext?: string;
}

/** The fd of a restored pipe: --inherit-fd fd[N]:pipe:[inode] for each pipe of the dumped stdio (runc Restore). */
function stdioArgs(imagePath: string): string[] {
  let fds: string[];
  try {
    fds = JSON.parse(readFileSync(join(imagePath, DESCRIPTORS), 'utf8')) as string[];
  } catch (e) {
    throw new RuntimeError(`restore: cannot read ${join(imagePath, DESCRIPTORS)} (not a checkpoint of runc or tsrun?): ${(e as Error).message}`, { cause: e });
  }
  return fds.flatMap((s, i) => (s.includes('pipe:') ? ['--inherit-fd', `fd[${i}]:${s}`] : []));
}

/** A shell that puts itself (criu, once exec'd) into each cgroup.procs before criu forks the tree. */
function joinCgroupPrefix(dirs: string[]): string[] {
  const script = 'n=$1; shift; while [ "$n" -gt 0 ]; do echo $$ > "$1/cgroup.procs" || exit 125; shift; n=$((n-1)); done; exec "$@"';
  return ['/bin/sh', '-c', script, 'tsrun-restore', String(dirs.length), ...dirs];
}

function refuseUnsupported(spec: Spec, opts: RestoreOptions): void {
  // runc asks criu for the pty master (orphan-pts-master) over its RPC socket, which criu's
  // command line does not have.
  if (spec.process?.terminal || opts.consoleSocket) throw new NotSupportedError('restore of a container with process.terminal', "criu's orphan-pts-master is RPC-only; tsrun runs criu's command line");
}

/** Restore the container; returns the restored init's record (its pid in this pid namespace). */
export function restore(opts: RestoreOptions): ContainerRecord {
  checkId(opts.id);
  const bundle = resolve(opts.bundle);
  const { spec, warnings, text } = loadBundleSpec(bundle);
  warnings.forEach(warn);
  refuseUnsupported(spec, opts);
  const rootless = isRootless();
  if (rootless) warn('restore is untested with rootless containers (as runc: criu needs root)');
  const imagePath = resolve(opts.imagePath || 'checkpoint');
  const workPath = resolve(opts.workPath || imagePath);
  mkdirSync(workPath, { recursive: true, mode: 0o700 });
  const criu = criuBinary(opts.criu);
  const args = ['-D', imagePath, '--root', resolve(bundle, spec.root?.path ?? 'rootfs'), '--restore-detached', '--evasive-devices', ...commonCriuArgs(opts, spec.annotations)];
  args.push(...restoreMountArgs(spec, bundle), ...stdioArgs(imagePath));
  if (opts.lsmProfile) args.push('--lsm-profile', opts.lsmProfile);
  if (opts.lsmMountContext) args.push('--lsm-mount-context', opts.lsmMountContext);

  const cgroup = createCgroupManager({ id: opts.id, cgroupsPath: spec.linux?.cgroupsPath, rootless, systemd: !!opts.systemdCgroup, host: detectHostCgroups() });
  const dir = new ContainerStore(opts.root).create(opts.id);
  const pidPath = join(dir.path, 'restore.pid');
  const extraFds: number[] = [];
  const record = creatingRecord(opts.id, bundle, spec, rootless, cgroup);

  try {
    dir.write(record);
    dir.writeSpec(text);
    cgroup?.create();
    cgroup?.apply(createResources(spec, rootless));
    // A network namespace joined by path is criu's "extRootNetNS" of the dump (runc handleRestoringNamespaces).
    const netns = spec.linux?.namespaces?.find((n) => n.type === 'network')?.path;
    if (netns) {
      extraFds.push(openSync(netns, 'r'));
      args.push('--inherit-fd', 'fd[3]:extRootNetNS');
    }
    args.push('--pidfile', pidPath);
    runCriu({ action: 'restore', binary: criu, args, workDir: workPath, extraFds, prefix: cgroup ? joinCgroupPrefix(Object.values(cgroup.paths)) : undefined });
    const pid = Number(readFileSync(pidPath, 'utf8').trim());
    record.pid = pid;
    record.pidStartTime = readProcStat(pid)?.startTime ?? '';
    // No exec.fifo: the restored container reads "running".
    record.status = 'created';
    if (opts.pidFile) writePidFile(opts.pidFile, pid);
    dir.write(record);
    dir.unlock();
    return record;
  } catch (e) {
    if (record.pid) {
      try {
        process.kill(record.pid, 'SIGKILL');
      } catch {
        /* gone */
      }
    }
    try {
      cgroup?.destroy();
    } catch (cleanup) {
      warn(`container ${opts.id}: cgroup cleanup: ${(cleanup as Error).message}`);
    }
    dir.remove();
    throw e;
  } finally {
    extraFds.forEach((fd) => closeSync(fd));
    rmSync(pidPath, { force: true });
  }
}
