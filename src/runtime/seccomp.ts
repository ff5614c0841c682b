// The container's seccomp filter: compiled here, loaded by tsrun-init; with SCMP_ACT_NOTIFY the
// listener the init sends back is handed to the agent at listenerPath (config-linux.md#seccomp).
import { errnoText, RuntimeError, SyscallError } from '../errors.js';
import { debug, warn } from '../log.js';
import { seccompFilterFlags, sendToUnixSocket } from '../native/index.js';
import { compileSeccomp } from '../seccomp/compile.js';
import type { Seccomp, Spec } from '../spec/types.js';
import { OCI_VERSION, type stateOf } from './status.js';

export interface ContainerSeccomp {
  bpf: Buffer;
  flags: number;
  /** Set when a rule uses SCMP_ACT_NOTIFY. */
  notify?: { listenerPath: string; metadata?: string };
}

/** The container's compiled seccomp filter, if it has a profile; skipped names are debug output (as runc). */
export function seccompFor(spec: Spec): ContainerSeccomp | undefined {
  const profile: Seccomp | undefined = spec.linux?.seccomp;
  if (!profile) return undefined;
  const { bpf, flags, skipped, droppedFlags, notify } = compileSeccomp(profile, { kernelFlags: seccompFilterFlags() });
  if (skipped.length) debug(`seccomp: syscalls unknown to libseccomp skipped: ${skipped.join(', ')}`);
  if (droppedFlags.length) warn(`seccomp: flags this kernel does not have are not applied: ${droppedFlags.join(', ')}`);
  return { bpf, flags, notify: notify ? { listenerPath: profile.listenerPath!, metadata: profile.listenerMetadata } : undefined };
}

/**
 * Sends the container process state (config-linux.md#containerprocessstate) with the listener
 * in SCM_RIGHTS over one connection to listenerPath; `pid` is the process the filter is on.
 */
export function deliverListener(notify: NonNullable<ContainerSeccomp['notify']>, state: ReturnType<typeof stateOf>, pid: number, fd: number): void {
  const doc = { ociVersion: OCI_VERSION, fds: ['seccompFd'], pid, metadata: notify.metadata, state };
  try {
    sendToUnixSocket(notify.listenerPath, Buffer.from(JSON.stringify(doc)), [fd], `send the seccomp listener to ${notify.listenerPath}`);
  } catch (e) {
    // runc's wording (process_linux.go sendContainerProcessState), errno kept.
    if (e instanceof SyscallError && e.syscall === 'connect') {
      throw new RuntimeError(`failed to connect with seccomp agent specified in the seccomp profile: dial unix ${notify.listenerPath}: connect: ${errnoText(e.errno) || e.code} (${e.code}, errno ${e.errno})`, { cause: e });
    }
    throw e;
  }
}
