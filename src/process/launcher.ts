// Drives tsrun-init through the sync protocol (addon/init/protocol.h) until the container
// waits on exec.fifo. On any failure every process it started is killed and reaped.
import { crashPoint } from '../crash-point.js';
import { RuntimeError, SyscallError } from '../errors.js';
import { debugEnabled } from '../log.js';
import { closeFd, startInit, type StartingInit, type StdioFds, waitPid } from '../native/index.js';
import { encodePlan } from '../plan/encode.js';
import { withTimestamps } from '../plan/timestamps.js';
import type { Plan } from '../plan/types.js';
import { writeIdMaps } from './idmap.js';
import { Msg } from './protocol.js';
import { decodeInitError, int32At, int32Bytes, SyncSocket } from './sync.js';

export interface LaunchOptions {
  plan: Plan;
  /** The init, started when the command began (PendingInit.start). */
  init: PendingInit;
  euid: number;
  egid: number;
  /** Called with the init's pid before it runs any step (cgroup placement). */
  beforePlan?: (initPid: number) => void;
  /** exec: there is no start handshake; success is the sync socket closing at execve (CLOEXEC). */
  untilExec?: boolean;
  /** Runs the runtime's hooks when the init reaches OP_HOOKS_SYNC; returns the state JSON the init keeps. */
  onHooks?: (containerPid: number) => string;
  /** Hands the seccomp listener (MSG_SECCOMP_FD) to linux.seccomp.listenerPath; the launcher closes the fd. */
  onSeccompListener?: (containerPid: number, listenerFd: number) => void;
  /**
   * Records the created container (pid file, state.json) when the init reports MSG_CREATED; the
   * init waits for MSG_CREATED_ACK, sent after this returns, so a runtime that dies before the
   * record is durable leaves an init that sees EOF and exits.
   */
  onCreated?: (containerPid: number) => void;
  /** Debug log of protocol progress. */
  debug?: (msg: string) => void;
  /** Add OP_TIMESTAMP marks to the plan and log their times (--debug). */
  timings?: boolean;
}

// Only on the error path: node:os is not loaded by a command that succeeds.
const eproto = (): number => process.getBuiltinModule('node:os').constants.errno.EPROTO;

function killQuietly(pid: number): void {
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    /* already gone */
  }
}

/**
 * Once the init has exited, the container process is the child of this process when it is a
 * child subreaper (run, exec and the library's run: prctl(2) PR_SET_CHILD_SUBREAPER): a killed
 * one is reaped here, not left a zombie. Otherwise (ECHILD) its adopter reaps it.
 */
function reapIfChild(pid: number): void {
  try {
    waitPid(pid);
  } catch {
    /* not our child */
  }
}

/** MSG_SECCOMP_FD: deliver its fd, answer MSG_SECCOMP_DONE with 0 or the errno, close the fd. */
function forwardListener(sync: SyncSocket, fds: number[], deliver: (fd: number) => void): void {
  try {
    if (fds.length !== 1) throw new RuntimeError(`tsrun-init sent ${fds.length} descriptors for the seccomp listener, expected 1`);
    deliver(fds[0]);
  } catch (e) {
    sync.send(Msg.SECCOMP_DONE, int32Bytes(e instanceof SyscallError ? e.errno : eproto()));
    throw e;
  } finally {
    for (const fd of fds) closeFd(fd);
  }
  sync.send(Msg.SECCOMP_DONE, int32Bytes(0));
}

/**
 * tsrun-init started before its plan exists: create and exec start it first, so that its sealed
 * copy and exec (~1 ms) overlap validation and plan compilation instead of preceding the plan.
 * launch() takes it; end() kills and reaps one that launch never took (the command failed
 * before its plan was ready: no process is left behind).
 */
export class PendingInit {
  private taken = false;
  private constructor(
    private readonly starting: StartingInit,
    /** CLOCK_MONOTONIC (Node's hrtime, the clock of MSG_TIMESTAMP) just before the start; 0 without --debug. */
    readonly startedAt: bigint,
  ) {}

  /** fds 0..2 (or `stdio`, the library's pipes; -1 keeps the runtime's own), 3..3+preserveFds-1 and the sync socket. */
  static start(preserveFds: number, stdio?: StdioFds): PendingInit {
    // process.hrtime.bigint is a Node function compiled anew at every start: --debug's timings only.
    const startedAt = debugEnabled() ? process.hrtime.bigint() : 0n;
    return new PendingInit(startInit(preserveFds, stdio), startedAt);
  }

  take(): { pid: number; syncFd: number } {
    this.taken = true;
    return this.starting.take();
  }

  end(): void {
    if (this.taken) return;
    let init: { pid: number; syncFd: number };
    try {
      init = this.take();
    } catch {
      return; // it never started
    }
    closeFd(init.syncFd);
    killQuietly(init.pid);
    waitPid(init.pid);
  }
}

/** The encoded plan does not fit in one sync message (the socket's send buffer, or MAX_MESSAGE). */
export class PlanTooLargeError extends RuntimeError {
  override readonly code: string = 'ERR_TSRUN_PLAN_TOO_LARGE';
  constructor(readonly size: number) {
    super(`the plan is ${size} bytes, more than tsrun-init takes in one sync message`);
  }
}

function sendPlan(sync: SyncSocket, bytes: Uint8Array): void {
  try {
    sync.send(Msg.PLAN, bytes);
  } catch (e) {
    if (e instanceof RangeError || (e as NodeJS.ErrnoException).code === 'EMSGSIZE') throw new PlanTooLargeError(bytes.length);
    throw e;
  }
}

/** Runs the plan up to MSG_CREATED (or the execve of an exec); returns the host pid of the container process. */
export function launch(opts: LaunchOptions): number {
  const t0 = opts.init.startedAt;
  const { pid: initPid, syncFd } = opts.init.take();
  const sync = new SyncSocket(syncFd);
  const debug = opts.debug ?? (() => {});
  // --debug timings: milliseconds since just before the spawn began, on both sides of the socket.
  const at = (label: string, ns?: bigint) => {
    if (opts.timings) debug(`init ${initPid}: ${label} at +${(Number((ns ?? process.hrtime.bigint()) - t0) / 1e6).toFixed(3)} ms`);
  };
  // From the start of the spawn (PendingInit.start) to launch taking the init: spawned by then.
  at('spawned');
  let containerPid = 0;
  let initReaped = false;
  const reapInit = () => {
    if (!initReaped) {
      initReaped = true;
      return waitPid(initPid);
    }
    return undefined;
  };
  try {
    crashPoint('init-spawned');
    opts.beforePlan?.(initPid);
    at('placed');
    crashPoint('init-in-cgroup');
    const steps = opts.timings ? withTimestamps(opts.plan.steps) : opts.plan.steps;
    sendPlan(sync, encodePlan(steps));
    crashPoint('plan-sent');
    debug(`init ${initPid}: plan sent (${steps.length} steps)`);
    for (;;) {
      const msg = sync.recv();
      // Only MSG_SECCOMP_FD may carry a descriptor; never keep one that came otherwise.
      if (msg && msg.type !== Msg.SECCOMP_FD) msg.fds.forEach((fd) => closeFd(fd));
      if (!msg && opts.untilExec && containerPid) {
        debug(`exec process ${containerPid}: started`);
        return containerPid;
      }
      if (!msg) {
        const status = reapInit();
        const how = status ? (status.signal ? `signal ${status.signal}` : `exit ${status.exitCode}`) : 'exit';
        throw new RuntimeError(`tsrun-init ended before the container was created (${how})`);
      }
      switch (msg.type) {
        case Msg.USERNS_READY:
          crashPoint('userns-ready');
          writeIdMaps(initPid, opts.plan.userns!, opts.euid, opts.egid);
          crashPoint('maps-written');
          sync.send(Msg.MAPS_DONE);
          debug(`init ${initPid}: id maps written`);
          break;
        case Msg.PID:
          containerPid = int32At(msg.payload, 0);
          reapInit();
          crashPoint('pid');
          debug(`container process ${containerPid}`);
          break;
        case Msg.CREATED:
          if (!containerPid) throw new RuntimeError('tsrun-init reported created before its pid');
          crashPoint('created-received');
          opts.onCreated?.(containerPid);
          sync.send(Msg.CREATED_ACK);
          crashPoint('acked');
          debug(`container ${containerPid}: created`);
          return containerPid;
        case Msg.HOOKS: {
          let stateJson: string;
          crashPoint('hooks');
          try {
            stateJson = opts.onHooks?.(containerPid) ?? '';
          } catch (e) {
            sync.send(Msg.HOOKS_DONE, int32Bytes(1));
            throw e;
          }
          crashPoint('hooks-done');
          const json = Buffer.from(stateJson);
          const done = new Uint8Array(4 + json.length); // int32 0 (the hooks ran), then the state
          done.set(json, 4);
          sync.send(Msg.HOOKS_DONE, done);
          break;
        }
        case Msg.SECCOMP_FD:
          forwardListener(sync, msg.fds, (fd) => {
            if (!opts.onSeccompListener) throw new RuntimeError('tsrun-init sent a seccomp listener nobody asked for');
            opts.onSeccompListener(containerPid, fd);
          });
          debug(`container ${containerPid}: seccomp listener delivered`);
          break;
        case Msg.TIMESTAMP:
          at(msg.payload.subarray(8).toString(), msg.payload.readBigUInt64LE(0));
          break;
        case Msg.ERROR:
          throw decodeInitError(msg.payload);
        default:
          throw new RuntimeError(`unexpected sync message ${msg.type} from tsrun-init`);
      }
    }
  } catch (e) {
    if (containerPid) {
      killQuietly(containerPid);
      reapIfChild(containerPid);
    }
    if (!initReaped) {
      killQuietly(initPid);
      reapInit();
    }
    throw e;
  } finally {
    sync.close();
  }
}
