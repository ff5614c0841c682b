// exec: run a new process in a running container (runc exec semantics: the container's own
// process from config.json is the base, flags override it; or --process gives it whole).
import { readFileSync } from 'node:fs';
import { savedCgroupManager } from '../cgroups/manager.js';
import { cgroupPlacement } from './cgroup.js';
import { cpuTransitionFacts } from './cpu-transition.js';
import { subCgroupPaths } from './exec-cgroup.js';
import { RuntimeError, StateTransitionError, UsageError } from '../errors.js';
import { debug, debugEnabled, warn } from '../log.js';
import { setChildSubreaper, statFile, type StdioFds, waitPidAsync } from '../native/index.js';
import { compileExecPlan, NS_FILE } from '../plan/exec.js';
import { sessionKeyringName } from '../plan/keyring.js';
import { lsmFacts } from '../process/hostfacts.js';
import { launch, PendingInit } from '../process/launcher.js';
import { type ConsoleServer, finishRelay, openConsoleServer, type Relay } from '../process/terminal.js';
import type { Process } from '../spec/types.js';
import { canExec } from '../state/status.js';
import { joinResctrl } from '../resctrl/resctrl.js';
import { ContainerStore } from '../state/store.js';
import { checkPassedFds } from './passed-fds.js';
import { writePidFile } from './pidfile.js';
import { sendPidfdOrKill } from './pidfd-socket.js';
import { deliverListener, seccompFor } from './seccomp.js';
import type { GlobalOptions } from './options.js';
import { stateOf, statusOf } from './status.js';

export interface ExecOptions extends GlobalOptions {
  id: string;
  processFile?: string;
  /** The whole process, as --process gives it from a file (the library). */
  process?: Process;
  args: string[];
  tty: boolean;
  consoleSocket?: string;
  cwd?: string;
  env: string[];
  user?: string;
  additionalGids: number[];
  caps: string[];
  noNewPrivs: boolean;
  apparmor?: string;
  processLabel?: string;
  detach: boolean;
  pidFile?: string;
  /** runc 1.2: a pidfd of the exec'd process goes to this unix socket (data "setns"). */
  pidfdSocket?: string;
  preserveFds: number;
  ignorePaused: boolean;
  /** The process's fds 0, 1, 2 (-1: this process's own), for the library's pipes. */
  stdio?: StdioFds;
  /** --cgroup: sub-cgroups to join instead of the container's own (exec-cgroup.ts). */
  cgroups?: string[];
}

function buildProcess(base: Process, o: ExecOptions): Process {
  if (o.process) return { ...o.process, user: o.process.user ?? { uid: 0, gid: 0 } };
  if (o.processFile) {
    const p = JSON.parse(readFileSync(o.processFile, 'utf8')) as Process;
    // No user is root, as for create (runc: the zero value of specs.User).
    return { ...p, user: p.user ?? { uid: 0, gid: 0 } };
  }
  if (o.args.length === 0) throw new UsageError('exec needs a command to run (or --process FILE)');
  const p: Process = { ...base, args: o.args, terminal: o.tty, env: [...(base.env ?? []), ...o.env] };
  if (o.cwd) p.cwd = o.cwd;
  if (o.user) {
    const m = /^(\d+)(?::(\d+))?$/.exec(o.user);
    if (!m) throw new UsageError(`--user ${o.user}: use uid[:gid] (numbers)`);
    p.user = { ...p.user, uid: Number(m[1]), gid: m[2] !== undefined ? Number(m[2]) : p.user.gid };
  }
  if (o.additionalGids.length) p.user = { ...p.user, additionalGids: o.additionalGids };
  if (o.noNewPrivs) p.noNewPrivileges = true;
  if (o.caps.length) {
    // runc exec --cap: bounding, effective and permitted; ambient only when the process already
    // has an inheritable set (an ambient cap needs inheritable, capabilities(7)).
    const add = (set?: string[]) => [...new Set([...(set ?? []), ...o.caps])];
    const c = p.capabilities ?? {};
    p.capabilities = { bounding: add(c.bounding), effective: add(c.effective), permitted: add(c.permitted), inheritable: c.inheritable, ambient: c.inheritable ? add(c.ambient) : c.ambient };
  }
  if (o.apparmor) p.apparmorProfile = o.apparmor;
  if (o.processLabel) p.selinuxLabel = o.processLabel;
  return p;
}

/** Namespace types of the container that differ from this process's (by inode). */
function namespacesToJoin(pid: number, types: string[]): string[] {
  const ino = (path: string) => {
    const st = statFile(path);
    if (!st) throw new RuntimeError(`cannot exec in the container: ${path} is gone (its process ${pid} exited)`);
    return st.ino;
  };
  return types.filter((t) => ino(`/proc/${pid}/ns/${NS_FILE[t]}`) !== ino(`/proc/self/ns/${NS_FILE[t]}`));
}

/** Starts the process (it has exec'd when this returns); `relay` is the terminal relay, if any. */
export function launchExec(opts: ExecOptions): { pid: number; relay?: Relay } {
  checkPassedFds(opts.preserveFds);
  const dir = new ContainerStore(opts.root).open(opts.id, false);
  let init: PendingInit | undefined;
  let pid: number;
  let server: ConsoleServer | undefined;
  let relay: Relay | undefined;
  try {
    // First: its start overlaps reading the state and compiling the plan.
    init = PendingInit.start(opts.preserveFds, opts.stdio);
    const record = dir.read();
    const status = statusOf(record, dir);
    // runc: a stopped container cannot be exec'd into; a paused one only with --ignore-paused
    // (the process would start frozen).
    if (!canExec(status) && !(opts.ignorePaused && status === 'paused')) {
      throw new StateTransitionError(opts.id, 'exec in', status);
    }
    const spec = dir.readSpec();
    const process_ = buildProcess(spec.process!, opts);
    if (opts.consoleSocket) process_.terminal = true;
    // runc: a terminal without --console-socket is tsrun's own, relayed; impossible detached.
    if (process_.terminal && !opts.consoleSocket) {
      if (opts.detach) throw new UsageError('exec --tty --detach needs --console-socket: nothing would hold the terminal');
      server = openConsoleServer();
    }
    const consoleSocket = opts.consoleSocket ?? server?.path;
    const types = (spec.linux?.namespaces ?? []).map((n) => n.type);
    const seccomp = seccompFor(spec);
    const placement = cgroupPlacement(savedCgroupManager(subCgroupPaths(record.cgroupPaths, opts.cgroups ?? []), record.systemdUnit));
    const plan = compileExecPlan(process_, {
      pid: record.pid,
      namespaces: namespacesToJoin(record.pid, types),
      sharedMountNs: !types.includes('mount'),
      capLastCap: Number(readFileSync('/proc/sys/kernel/cap_last_cap', 'utf8')),
      preserveFds: opts.preserveFds,
      seccomp,
      consoleSocket,
      sessionKeyring: record.noNewKeyring ? undefined : sessionKeyringName(opts.id),
      lsm: lsmFacts(),
      cgroupJoin: placement.selfJoin,
      memoryPolicy: spec.linux?.memoryPolicy,
      cpuTransition: cpuTransitionFacts(spec.annotations, record.cgroupPaths),
    });
    plan.warnings.forEach(warn);
    if (!opts.detach) setChildSubreaper();
    // The exec'd process gets its own filter and listener; the state is the container's.
    const onSeccompListener = (execPid: number, fd: number) => deliverListener(seccomp!.notify!, stateOf(record, status === 'paused' ? 'paused' : 'running'), execPid, fd);
    pid = launch({ plan, init, euid: process.geteuid!(), egid: process.getegid!(), untilExec: true, beforePlan: placement.beforePlan, onSeccompListener, debug, timings: debugEnabled() });
    relay = server?.relay();
    if (opts.pidFile) writePidFile(opts.pidFile, pid);
    if (opts.pidfdSocket) sendPidfdOrKill(opts.pidfdSocket, pid);
    if (record.intelRdt) joinResctrl(record.intelRdt, pid);
  } finally {
    init?.end();
    server?.close();
    dir.unlock();
  }
  return { pid, relay };
}

export async function exec(opts: ExecOptions): Promise<number> {
  const { pid, relay } = launchExec(opts);
  if (opts.detach) return 0;
  const forward = (sig: NodeJS.Signals) => {
    try {
      process.kill(pid, sig);
    } catch {
      /* gone */
    }
  };
  const forwarded: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGQUIT', 'SIGUSR1', 'SIGUSR2'];
  forwarded.forEach((s) => process.on(s, forward));
  const status = await waitPidAsync(pid);
  forwarded.forEach((s) => process.off(s, forward));
  if (relay) await finishRelay(relay);
  if (status.exitCode < 0 && status.signal === 0) throw new RuntimeError(`exec process ${pid}: unknown exit`);
  return status.signal ? 128 + status.signal : status.exitCode;
}
