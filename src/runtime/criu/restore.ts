// restore (runc restore): a new container from a bundle whose process tree criu restores from
// --image-path instead of starting process.args. As runc 1.1's Restore: criu is put into the
// container's cgroup before it restores anything (criuApplyCgroups: cgroupManager.Apply(criu's
// pid), with --systemd-cgroup the scope's start), bind mounts and devices are mapped back to host
// paths, the pipes of the dumped stdio become this process's (--inherit-fd), the prestart and
// createRuntime hooks run at criu's setup-namespaces (criuNotifications; poststart does not run),
// and state.json records the restored init (criu --pidfile), so state, kill, exec and delete work.
import { closeSync, mkdirSync, openSync, readFileSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { detectHostCgroups } from '../../cgroups/layout.js';
import { createCgroupManager } from '../../cgroups/manager.js';
import { NotSupportedError, RuntimeError } from '../../errors.js';
import { warn } from '../../log.js';
import { runHooks } from '../../process/hooks.js';
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
import { stateOf } from '../status.js';
import { DESCRIPTORS } from './checkpoint.js';
import { restoreMountArgs } from './mounts.js';
import { commonCriuArgs, type CriuCommonOptions } from './options.js';
import { criuBinary, runCriuControlled } from './run-criu.js';

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

function refuseUnsupported(spec: Spec, opts: RestoreOptions): void {
  // runc asks criu for the pty master (orphan-pts-master) over its RPC socket, which criu's
  // command line does not have.
  if (spec.process?.terminal || opts.consoleSocket) throw new NotSupportedError('restore of a container with process.terminal', "criu's orphan-pts-master is RPC-only; tsrun runs criu's command line");
}

/** Restore the container; returns the restored init's record (its pid in this pid namespace). */
export async function restore(opts: RestoreOptions): Promise<ContainerRecord> {
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
    // runc 1.1 criuNotifications "setup-namespaces": the restored tree's namespaces exist, nothing
    // of it runs yet; its hooks see the state with the restored init's pid (runc: status "stopped").
    const hooks = (spec.hooks?.prestart?.length ?? 0) + (spec.hooks?.createRuntime?.length ?? 0) > 0;
    const handle = (_action: string, pid: number): void => {
      const json = JSON.stringify(stateOf({ ...record, pid }, 'creating'));
      runHooks('prestart', spec.hooks?.prestart, json);
      runHooks('createRuntime', spec.hooks?.createRuntime, json);
    };
    await runCriuControlled(
      { action: 'restore', binary: criu, args, workDir: workPath, extraFds },
      {
        dir: dir.path,
        started: (pid) => cgroup?.addProcess(pid),
        notify: hooks ? { actions: ['setup-namespaces'], handle } : undefined,
      },
    );
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
