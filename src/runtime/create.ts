// create (runtime.md#create): validate, compile, make the state directory, launch the init,
// and record the waiting container. A failed create leaves nothing behind.
import { join, resolve } from 'node:path';
import { rmSync } from 'node:fs';
import { crashPoint } from '../crash-point.js';
import { ConfigError, SyscallError } from '../errors.js';
import { detectHostCgroups } from '../cgroups/layout.js';
import { CgroupDelegationError, createCgroupManager, hasResources } from '../cgroups/manager.js';
import { defaultCgroupsPath } from '../cgroups/path.js';
import { debug, debugEnabled, warn } from '../log.js';
import type { StdioFds } from '../native/index.js';
import { compilePlan } from '../plan/compile.js';
import { sessionKeyringName } from '../plan/keyring.js';
import { collectHostFacts } from '../process/hostfacts.js';
import { runHooks } from '../process/hooks.js';
import { launch, PendingInit, PlanTooLargeError } from '../process/launcher.js';
import { largestPlanPart } from '../spec/limits.js';
import { isRootless } from '../process/userns.js';
import { pointerForStep } from '../spec/step-pointer.js';
import { loadBundleSpec } from '../spec/load.js';
import { readProcStat } from '../state/liveness.js';
import type { ContainerRecord } from '../state/record.js';
import { checkId, ContainerStore } from '../state/store.js';
import type { GlobalOptions } from './options.js';
import { listenFdsOf, withListenEnv } from './listen-fds.js';
import { checkPassedFds } from './passed-fds.js';
import { writePidFile } from './pidfile.js';
import { sendPidfd } from './pidfd-socket.js';
import { netDeviceMoves } from '../plan/netdevices.js';
import { moveNetDevices } from './netdevices.js';
import { joinResctrl, removeResctrl, requireResctrl, setupResctrl } from '../resctrl/resctrl.js';
import { deliverListener, seccompFor } from './seccomp.js';
import { cgroupPlacement, checkJoinedCgroup, createResources, withRealtimeBudget } from './cgroup.js';
import { creatingRecord } from './record.js';
import { hostRootfsBefore, unmountHostRootfs, withBindId } from './host-rootfs.js';
import { stateOf } from './status.js';
import { runRuntimeHooksLogged } from './hooks.js';

export interface CreateOptions extends GlobalOptions {
  id: string;
  /** The bundle directory (with config.json). */
  bundle: string;
  pidFile?: string;
  /** Receives the pty master when process.terminal (runc's --console-socket protocol). */
  consoleSocket?: string;
  noPivot?: boolean;
  /** Pass this process's fds 3..3+N-1 to the container. */
  preserveFds?: number;
  noNewKeyring?: boolean;
  /** runc 1.2: a pidfd of the container's process goes to this unix socket (data "standard"). */
  pidfdSocket?: string;
  /** The container's fds 0, 1, 2 (-1: this process's own), for the library's pipes. */
  stdio?: StdioFds;
}

export function create(opts: CreateOptions): ContainerRecord {
  checkId(opts.id);
  const listenFds = listenFdsOf();
  const preserveFds = listenFds + (opts.preserveFds ?? 0);
  checkPassedFds(preserveFds, listenFds ? 'LISTEN_FDS + --preserve-fds' : '--preserve-fds');
  // First: its start overlaps everything up to launch().
  const init = PendingInit.start(preserveFds, opts.stdio);
  try {
    return createWith(opts, listenFds, preserveFds, init);
  } finally {
    init.end();
  }
}

function createWith(opts: CreateOptions, listenFds: number, preserveFds: number, init: PendingInit): ContainerRecord {
  const bundle = resolve(opts.bundle);
  const { spec, warnings, text: configText } = loadBundleSpec(bundle);
  warnings.forEach(warn);
  if (listenFds && spec.process) spec.process = withListenEnv(spec.process, listenFds);

  const store = new ContainerStore(opts.root);
  const fifoPath = join(opts.root, opts.id, 'exec.fifo');
  const rootless = isRootless();
  const hostCgroups = detectHostCgroups();
  const resources = withRealtimeBudget(createResources(spec, rootless), spec, hostCgroups, rootless);
  const cgroup = createCgroupManager({ id: opts.id, cgroupsPath: spec.linux?.cgroupsPath, rootless, systemd: !!opts.systemdCgroup, host: hostCgroups });
  if (!cgroup) {
    // runc's rootless behaviour: no cgroup is fine as long as nothing asks for limits.
    if (hasResources(resources)) throw new CgroupDelegationError([spec.linux?.cgroupsPath ?? defaultCgroupsPath(opts.id)]);
    debug(`container ${opts.id}: no writable cgroup for uid ${process.geteuid!()}; running without one`);
  }
  const placement = cgroupPlacement(cgroup);
  const facts = collectHostFacts({ bundle, fifoPath, noPivot: !!opts.noPivot, preserveFds, consoleSocket: opts.consoleSocket, sessionKeyring: opts.noNewKeyring ? undefined : sessionKeyringName(opts.id), cgroups: hostCgroups, cgroupPaths: cgroup?.paths, cgroupJoin: placement.selfJoin });
  const seccomp = seccompFor(spec);
  const plan = compilePlan(spec, facts, { seccomp });
  plan.warnings.forEach(warn);

  // config-linux.md#intelrdt: no resctrl filesystem is an error, before anything exists.
  const resctrlRoot = spec.linux?.intelRdt ? requireResctrl() : undefined;
  // No mount namespace: the init mounts in this one (runc's prepareRootfs); what is on top of the
  // rootfs now tells its bind apart afterwards.
  const hostRootfs = spec.linux?.namespaces?.some((n) => n.type === 'mount') ? undefined : hostRootfsBefore(resolve(bundle, spec.root!.path));
  const dir = store.create(opts.id);
  crashPoint('state-dir');
  // Only once the id is ours: a concurrent create of the same id must see "exists", not our cgroup.
  let joined: boolean;
  try {
    joined = cgroup ? checkJoinedCgroup(cgroup, opts.id) : false;
  } catch (e) {
    dir.remove();
    throw e;
  }
  const record: ContainerRecord = {
    ...creatingRecord(opts.id, bundle, spec, rootless, cgroup),
    noNewKeyring: opts.noNewKeyring || undefined,
    cgroupJoined: joined || undefined,
    hostRootfs,
  };

  // The init keeps both states: createContainer hooks see "creating", startContainer "created".
  const netMoves = netDeviceMoves(spec, rootless || !!facts.inUserNs);
  let hooksBegan = false;
  const onHooks = (pid: number): string => {
    hooksBegan = true;
    // Before the hooks, so that createRuntime/createContainer hooks see the devices in place.
    moveNetDevices(netMoves, pid);
    const json = JSON.stringify(stateOf({ ...record, pid }, 'creating'));
    runHooks('prestart', spec.hooks?.prestart, json);
    runHooks('createRuntime', spec.hooks?.createRuntime, json);
    return `${json}\0${JSON.stringify(stateOf({ ...record, pid }, 'created'))}`;
  };
  // The pid is recorded (still "creating") before the init is told it may wait on exec.fifo
  // (MSG_CREATED_ACK): from then on delete --force finds the process by its pid; before, an
  // orphaned init sees EOF and exits. "created" is written only after the ack, so a container
  // whose create died is never listed as anything but creating or stopped.
  let pidFileWritten = false;
  const onCreated = (pid: number): void => {
    record.pid = pid;
    record.pidStartTime = readProcStat(pid)?.startTime ?? '';
    if (hostRootfs) record.hostRootfs = withBindId(hostRootfs);
    if (opts.pidFile) {
      writePidFile(opts.pidFile, pid);
      pidFileWritten = true;
      crashPoint('pid-file');
    }
    // Before "created": a socket that cannot take it fails create, and nothing is left.
    if (opts.pidfdSocket) sendPidfd(opts.pidfdSocket, pid, 'standard');
    // Before the container process runs: what it forks inherits the group.
    if (record.intelRdt) joinResctrl(record.intelRdt, pid);
    dir.write(record);
    crashPoint('state-pid');
  };
  try {
    dir.write(record);
    dir.writeSpec(configText);
    crashPoint('state-creating');
    cgroup?.create();
    cgroup?.apply(resources);
    crashPoint('cgroup');
    if (resctrlRoot) {
      record.intelRdt = setupResctrl(spec.linux!.intelRdt!, opts.id, resctrlRoot);
      dir.write(record);
    }
    const onSeccompListener = (pid: number, fd: number) => deliverListener(seccomp!.notify!, stateOf({ ...record, pid }, 'creating'), pid, fd);
    launch({ plan, init, euid: facts.euid, egid: facts.egid, beforePlan: placement.beforePlan, onHooks, onCreated, onSeccompListener, debug, timings: debugEnabled() });
    record.status = 'created';
    dir.write(record);
    crashPoint('state-created');
    dir.unlock();
    return record;
  } catch (e) {
    // A pid file must not name a process that is gone (or, later, somebody else's).
    if (pidFileWritten) rmSync(opts.pidFile!, { force: true });
    if (record.pid) {
      try {
        process.kill(record.pid, 'SIGKILL');
      } catch {
        /* gone */
      }
    }
    try {
      // The init is gone or SIGKILLed: a mount it still made lands in the detached tree.
      if (record.hostRootfs) unmountHostRootfs(record.hostRootfs);
    } catch (cleanup) {
      warn(`container ${opts.id}: rootfs cleanup: ${(cleanup as Error).message}`);
    }
    try {
      if (!joined) cgroup?.destroy();
      if (record.intelRdt) removeResctrl(record.intelRdt);
    } catch (cleanup) {
      warn(`container ${opts.id}: cgroup cleanup: ${(cleanup as Error).message}`);
    }
    // runtime.md#lifecycle: a failing prestart, createRuntime or createContainer hook (or a later
    // step: what the first hooks set up needs undoing all the same) "continue[s] the lifecycle
    // at step 12", and step 13 runs the poststop hooks; runc's destroy on a failed create does.
    if (hooksBegan) runRuntimeHooksLogged('poststop', spec.hooks?.poststop, JSON.stringify(stateOf(record, 'stopped')));
    dir.remove();
    // An init step failed: name the config field it came from, as a config error would.
    const pointer = e instanceof SyscallError ? pointerForStep(e.step, spec) : undefined;
    if (pointer) (e as SyscallError).message = `config.json: ${pointer}: ${(e as SyscallError).message}`;
    if (e instanceof PlanTooLargeError) {
      const part = largestPlanPart(spec as unknown as Record<string, unknown>);
      throw new ConfigError('config.json', [{ pointer: part, rule: `${e.message}; this is its largest part`, section: '' }]);
    }
    throw e;
  }
}
