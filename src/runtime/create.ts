// create (runtime.md#create): validate, compile, make the state directory, launch the init,
// and record the waiting container. A failed create leaves nothing behind.
import { join, resolve } from 'node:path';
import { CgroupDelegationError, createCgroupManager, hasResources } from '../cgroups/manager.js';
import { debug, warn } from '../log.js';
import { mkfifo } from '../native/index.js';
import { compilePlan } from '../plan/compile.js';
import { sessionKeyringName } from '../plan/keyring.js';
import { collectHostFacts } from '../process/hostfacts.js';
import { runHooks } from '../process/hooks.js';
import { launch } from '../process/launcher.js';
import { isRootless } from '../process/userns.js';
import { loadBundleSpec } from '../spec/load.js';
import { readProcStat } from '../state/liveness.js';
import type { ContainerRecord } from '../state/record.js';
import { checkId, ContainerStore } from '../state/store.js';
import type { GlobalOptions } from './options.js';
import { listenFdsOf, withListenEnv } from './listen-fds.js';
import { writePidFile } from './pidfile.js';
import { seccompFor } from './seccomp.js';
import { createResources } from './cgroup.js';
import { OCI_VERSION, stateOf } from './status.js';

export interface CreateOptions extends GlobalOptions {
  id: string;
  bundle: string;
  pidFile?: string;
  consoleSocket?: string;
  noPivot?: boolean;
  preserveFds?: number;
  noNewKeyring?: boolean;
}

export function create(opts: CreateOptions): ContainerRecord {
  checkId(opts.id);
  const bundle = resolve(opts.bundle);
  const { spec, warnings } = loadBundleSpec(bundle);
  warnings.forEach(warn);
  const listenFds = listenFdsOf();
  if (listenFds && spec.process) spec.process = withListenEnv(spec.process, listenFds);

  const store = new ContainerStore(opts.root);
  const preserveFds = listenFds + (opts.preserveFds ?? 0);
  const fifoPath = join(opts.root, opts.id, 'exec.fifo');
  const rootless = isRootless();
  const resources = createResources(spec, rootless);
  const cgroup = createCgroupManager({ id: opts.id, cgroupsPath: spec.linux?.cgroupsPath, rootless, systemd: !!opts.systemdCgroup });
  if (!cgroup) {
    // runc's rootless behaviour: no cgroup is fine as long as nothing asks for limits.
    if (hasResources(resources)) throw new CgroupDelegationError([spec.linux?.cgroupsPath ?? `/tsrun/${opts.id}`]);
    debug(`container ${opts.id}: no writable cgroup for uid ${process.geteuid!()}; running without one`);
  }
  const facts = collectHostFacts({ bundle, fifoPath, noPivot: !!opts.noPivot, preserveFds, consoleSocket: opts.consoleSocket, sessionKeyring: opts.noNewKeyring ? undefined : sessionKeyringName(opts.id), cgroupPaths: cgroup?.paths });
  const plan = compilePlan(spec, facts, { seccomp: seccompFor(spec) });
  plan.warnings.forEach(warn);

  const dir = store.create(opts.id);
  const record: ContainerRecord = {
    ociVersion: OCI_VERSION,
    id: opts.id,
    status: 'creating',
    pid: 0,
    bundle,
    annotations: spec.annotations,
    pidStartTime: '',
    created: new Date().toISOString(),
    rootless,
    noNewKeyring: opts.noNewKeyring || undefined,
    cgroupPaths: cgroup ? { ...cgroup.paths } : undefined,
    hooks: { poststart: spec.hooks?.poststart, poststop: spec.hooks?.poststop },
  };
  // The init keeps both states: createContainer hooks see "creating", startContainer "created".
  const onHooks = (pid: number): string => {
    const json = JSON.stringify(stateOf({ ...record, pid }, 'creating'));
    runHooks('prestart', spec.hooks?.prestart, json);
    runHooks('createRuntime', spec.hooks?.createRuntime, json);
    return `${json}\0${JSON.stringify(stateOf({ ...record, pid }, 'created'))}`;
  };
  try {
    dir.write(record);
    mkfifo(dir.fifoPath, 0o622);
    cgroup?.create();
    cgroup?.apply(resources);
    const beforePlan = (initPid: number) => cgroup?.addProcess(initPid);
    const pid = launch({ plan, preserveFds, euid: facts.euid, egid: facts.egid, beforePlan, onHooks, debug });
    record.pid = pid;
    record.pidStartTime = readProcStat(pid)?.startTime ?? '';
    record.status = 'created';
    dir.write(record);
    if (opts.pidFile) writePidFile(opts.pidFile, pid);
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
  }
}
