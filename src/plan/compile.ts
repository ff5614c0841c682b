// (spec, host facts) → Plan. PURE: no fs, no process, no native module; everything the host
// contributes comes in through HostFacts, so the compiler is tested with golden plans.
import { ConfigError, NotSupportedError, UsageError } from '../errors.js';
import { Op } from '../process/protocol.js';
import type { Namespace, Spec } from '../spec/types.js';
import { cgroupJoinSteps } from './cgroup.js';
import { CLONE_NEW, MS } from './constants.js';
import { cpuTransitionOf } from './cpu-transition.js';
import { nonDumpableSteps } from './dumpable.js';
import { netDeviceMoves } from './netdevices.js';
import { memoryPolicySteps } from './mempolicy.js';
import { containerHookSteps, runHookStep } from './hooks.js';
import { sessionKeyringStep } from './keyring.js';
import { propagationFlags } from './mount-options.js';
import { checkExecStep, consoleStep, credentialSteps, finalExecSteps, preserveFdsStep, requireHeldCapabilities, rlimitSteps } from './process.js';
import { initialAffinitySteps, processAttrSteps } from './process-attrs.js';
import { afterPivotSteps, bindSourceSteps, idmapTreeSteps, rootfsSteps } from './rootfs.js';
import { sysctlSteps } from './sysctl.js';
import type { HostFacts, IdMap, Plan, PlanSeccomp, PlanStep } from './types.js';

function requireField(ok: boolean, pointer: string, rule: string, section: string): void {
  if (!ok) throw new ConfigError('config.json', [{ pointer, rule, section }]);
}


function namespaceSteps(namespaces: Namespace[]): { steps: PlanStep[]; newUser: boolean } {
  const join = namespaces.filter((n) => n.path);
  const created = namespaces.filter((n) => !n.path);
  const steps: PlanStep[] = [];
  // Join the user namespace first: the others are owned by it (setns(2), "user namespaces").
  for (const n of [...join.filter((n) => n.type === 'user'), ...join.filter((n) => n.type !== 'user')]) {
    steps.push({ op: Op.SETNS, args: [CLONE_NEW[n.type], n.path!] });
  }
  const newUser = created.some((n) => n.type === 'user');
  if (newUser) steps.push({ op: Op.UNSHARE_USER, args: [] });
  return { steps, newUser };
}

function mapsZero(maps: IdMap[]): boolean {
  return maps.some((m) => m.containerID === 0 && m.size > 0);
}

/** What the runtime compiled before planning (it needs the native library, the planner must not). */
export interface Precompiled {
  seccomp?: PlanSeccomp;
}

export function compilePlan(spec: Spec, facts: HostFacts, pre: Precompiled = {}): Plan {
  const warnings: string[] = [];
  // Used by exec only; a value runc does not know fails create rather than every exec.
  cpuTransitionOf(spec.annotations);
  requireField(!!spec.root, '/root', "must have required property 'root' to create a container", 'config.md#root');
  requireField(!!spec.process, '/process', "must have required property 'process' to create a container", 'config.md#process');
  // process.user is not REQUIRED by the schema: no user means root, as runc treats it.
  const process = { ...spec.process!, user: spec.process!.user ?? { uid: 0, gid: 0 } };
  requireField((process.args ?? []).length > 0, '/process/args', 'must have at least one entry', 'config.md#process');
  // command-line-interface.md#create: the pty master goes to --console-socket; a foreground
  // run or exec is its own console socket (process/terminal.ts). Nothing else can hold it (runc).
  if (process.terminal && !facts.consoleSocket) throw new UsageError('process.terminal needs --console-socket: a detached container cannot use tsrun\'s terminal (a foreground run relays to it)');
  if (!process.terminal && facts.consoleSocket) throw new UsageError('--console-socket needs process.terminal: true');
  const namespaces = spec.linux?.namespaces ?? [];
  const has = (t: string) => namespaces.some((n) => n.type === t);
  // No mount namespace: the container is set up in the runtime's own mount namespace and
  // chroot(2)ed into its rootfs, as runc's prepareRootfs + chroot() do (libcontainer/rootfs_linux.go).
  const ownMountNs = has('mount');
  if (!ownMountNs) {
    // runc's validator (libcontainer/configs/validate security()) refuses these before anything
    // starts; later runc refuses --no-pivot too (runc 1.1.5 does not, and its msMoveRoot then
    // unmounts the caller's /proc and /sys: seen here).
    const restricted = (spec.linux?.maskedPaths ?? []).length > 0 || (spec.linux?.readonlyPaths ?? []).length > 0;
    requireField(!restricted, spec.linux?.maskedPaths?.length ? '/linux/maskedPaths' : '/linux/readonlyPaths', 'unable to restrict sys entries without a private MNT namespace', 'config-linux.md#masked-paths');
    if (facts.noPivot) throw new UsageError('unable to use no-pivot without a private MNT namespace');
  }
  const rootless = facts.euid !== 0;
  if (rootless && !has('user')) {
    throw new ConfigError('config.json', [{ pointer: '/linux/namespaces', rule: 'rootless containers need a user namespace: add {"type": "user"} and uid/gid mappings', section: 'config-linux.md#user-namespace-mappings' }]);
  }
  // A new user namespace owns no mount namespace but one it creates: every mount in the runtime's
  // namespace fails EPERM (mount_namespaces(7); runc fails its first one, "mount /"). Said before
  // anything exists. A joined user namespace (path) may own the runtime's and is left to the kernel.
  const newUserNs = namespaces.some((n) => n.type === 'user' && !n.path);
  if (!ownMountNs && newUserNs) {
    throw new ConfigError('config.json', [{ pointer: '/linux/namespaces', rule: 'a new user namespace needs a mount namespace too: without one the container mounts in the runtime\'s mount namespace, which the new user namespace does not own (mount: EPERM, operation not permitted, as runc fails); add {"type": "mount"}', section: 'config-linux.md#namespaces' }]);
  }
  if (spec.hostname !== undefined) requireField(has('uts'), '/hostname', 'needs a uts namespace', 'config.md#hostname');
  if (spec.domainname !== undefined) requireField(has('uts'), '/domainname', 'needs a uts namespace', 'config.md#domainname');
  // config-linux.md#mount-label: an SELinux context; runc refuses SELinux labels on a host without it.
  if (spec.linux?.mountLabel !== undefined) {
    requireField(!!facts.lsm?.selinux, '/linux/mountLabel', 'needs SELinux, which is not enabled on this host', 'config-linux.md#mount-label');
    throw new NotSupportedError('linux.mountLabel (SELinux mount contexts)');
  }

  // config-linux.md#rootfs-mount-propagation (shared, slave, private, unbindable, and the r* forms
  // runc and crun take). As runc's prepareRoot, the mode is applied to "/" of the new mount
  // namespace before the rootfs is bound (rslave when none is given: nothing the container mounts
  // propagates back), and a shared mount holding the rootfs is made private (op_rootfs). An
  // unbindable mode is private there, or the rootfs bind fails (EINVAL; runc 1.1 fails so). After
  // pivot_root the mode is applied to the container's "/" alone, the rootfs mount the spec speaks
  // of (runc 1.1 does not: its "/" stays private for "shared"); the mounts below keep runc's.
  const rootPropagation = spec.linux?.rootfsPropagation;
  const propagation = rootPropagation !== undefined ? propagationFlags(rootPropagation) : undefined;
  requireField(rootPropagation === undefined || propagation !== undefined, '/linux/rootfsPropagation', `unknown propagation ${rootPropagation}`, 'config-linux.md#rootfs-mount-propagation');
  const beforeBind = propagation === undefined ? MS.SLAVE | MS.REC : propagation & MS.UNBINDABLE ? (propagation & ~MS.UNBINDABLE) | MS.PRIVATE : propagation;
  const ns = namespaceSteps(namespaces);
  // The fifo is opened first, with the runtime's own credentials: the state directory is 0700
  // and may not be reachable by the container's root once the user namespace exists.
  const steps: PlanStep[] = [
    { op: Op.LOG, args: ['tsrun:[1:INIT]'] },
    // Before any namespace is joined: the paths are the host's.
    ...cgroupJoinSteps(facts.cgroupJoin),
    { op: Op.OPEN_FIFO, args: [facts.fifoPath] },
    // The console socket too, as runc connects it in the runtime: the container's root (another
    // uid in a user namespace) may not reach the socket's directory.
    ...(process.terminal ? [{ op: Op.CONSOLE_CONNECT, args: [facts.consoleSocket!] }] : []),
    ...initialAffinitySteps(process),
    // Idmapped trees are cut while the init still has the runtime's mount namespace and credentials,
    // and given the propagation the container's other mounts get from "/" below.
    ...idmapTreeSteps(spec, facts, beforeBind),
    ...ns.steps,
  ];
  const attrs = processAttrSteps(process, facts.lsm, spec.linux?.personality);
  let userns: Plan['userns'];
  if (ns.newUser) {
    const uidMappings = spec.linux?.uidMappings ?? [];
    const gidMappings = spec.linux?.gidMappings ?? [];
    requireField(uidMappings.length > 0, '/linux/uidMappings', 'a new user namespace needs uidMappings', 'config-linux.md#user-namespace-mappings');
    requireField(gidMappings.length > 0, '/linux/gidMappings', 'a new user namespace needs gidMappings', 'config-linux.md#user-namespace-mappings');
    // An unprivileged writer of gid_map must deny setgroups first (user_namespaces(7)),
    // unless newgidmap (setuid) writes a map for it.
    const single = gidMappings.length === 1 && gidMappings[0].size === 1 && gidMappings[0].hostID === facts.egid;
    userns = { uidMappings, gidMappings, denySetgroups: rootless && single };
    if (userns.denySetgroups && (process.user.additionalGids ?? []).length > 0) {
      throw new ConfigError('config.json', [{ pointer: '/process/user/additionalGids', rule: 'cannot set supplementary groups in a rootless container with a single gid mapping (setgroups is denied)', section: 'config.md#user' }]);
    }
  }
  const unshare = namespaces
    .filter((n) => !n.path && n.type !== 'user')
    .reduce((flags, n) => flags | CLONE_NEW[n.type], 0);
  if (unshare) steps.push({ op: Op.UNSHARE, args: [unshare] });
  // In the container's mount namespace, still with the runtime's uid and gids (full capabilities
  // in the new user namespace, which unshare(2) needs), before the init becomes its root.
  if (ns.newUser) steps.push(...bindSourceSteps(spec, facts));
  if (userns && mapsZero(userns.uidMappings) && mapsZero(userns.gidMappings)) steps.push({ op: Op.SETRESID, args: [0, 0] });
  const offsets = spec.linux?.timeOffsets;
  if (offsets) {
    requireField(namespaces.some((n) => n.type === 'time' && !n.path), '/linux/timeOffsets', 'needs a new time namespace', 'config-linux.md#offset-for-time-namespace');
    const lines = Object.entries(offsets).map(([clock, o]) => `${clock} ${o.secs ?? 0} ${o.nanosecs ?? 0}\n`);
    steps.push({ op: Op.WRITE_FILE, args: ['/proc/self/timens_offsets', lines.join('')] });
  }
  // Through the host's /proc/self while the init still sees it; stage 2 inherits the value (fork(2)).
  steps.push(...attrs.oom);
  steps.push(...nonDumpableSteps(namespaces.some((n) => n.path)));
  steps.push({ op: Op.FORK, args: [] }, { op: Op.LOG, args: ['tsrun:[2:INIT]'] });
  // runc gives a new network namespace its "loopback" network: lo is up (libcontainer/specconv).
  if (namespaces.some((n) => n.type === 'network' && !n.path)) steps.push({ op: Op.LOOPBACK_UP, args: [] });
  if (facts.sessionKeyring) steps.push(sessionKeyringStep(facts.sessionKeyring, has('user')));

  steps.push({ op: Op.MOUNT_PROPAGATION, args: [beforeBind] });
  const inUserNs = rootless || has('user') || !!facts.inUserNs;
  if (!has('user') && facts.capBounding !== undefined && process.capabilities) requireHeldCapabilities(process.capabilities, facts.capBounding);
  steps.push(...rootfsSteps(spec, facts, inUserNs, ns.newUser, warnings));
  // runc creates a missing cwd (MkdirAll 0755 inside the rootfs, before pivot_root and the read-only root).
  if (process.cwd !== '/') steps.push({ op: Op.MKDIR, args: [process.cwd] });
  steps.push(...containerHookSteps(spec.hooks, process.env ?? [], netDeviceMoves(spec, rootless || !!facts.inUserNs).length > 0));
  if (process.terminal) steps.push(consoleStep(process, ''));
  steps.push(!ownMountNs ? { op: Op.CHROOT_SHARED, args: [''] } : { op: facts.noPivot ? Op.CHROOT : Op.PIVOT_ROOT, args: [] });
  // Without a mount namespace "/" is the runtime's, already given the mode before the bind (runc 1.1).
  if (propagation !== undefined && ownMountNs) steps.push({ op: Op.MOUNT_PROPAGATION, args: [propagation & ~MS.REC] });
  if (spec.hostname !== undefined) steps.push({ op: Op.SETHOSTNAME, args: [spec.hostname] });
  if (spec.domainname !== undefined) steps.push({ op: Op.SETDOMAINNAME, args: [spec.domainname] });
  // Sysctls before readonlyPaths make /proc/sys read-only (Docker lists it and sets
  // net.ipv4.ip_unprivileged_port_start), in runc's order: standard_init_linux.go Init.
  steps.push(...sysctlSteps(spec));
  // Without a mount namespace too: the read-only remounts apply to the container's own mounts (the
  // rootfs bind and what is below it). runc 1.1 skips them there (finalizeRootfs needs NEWNS) and
  // leaves root.readonly undone; config.md#root says the root MUST then be read-only.
  steps.push(...afterPivotSteps(spec));
  steps.push(...attrs.rest, ...memoryPolicySteps(spec.linux?.memoryPolicy), ...rlimitSteps(process));
  const input = { process, capLastCap: facts.capLastCap, preserveFds: facts.preserveFds, seccomp: pre.seccomp, warnings };
  // Everything but the final execve happens before the start handshake, as runc's
  // standard_init_linux.go does: between create and start anything in the container's pid
  // namespace may ptrace the waiting init or reach its /proc/1/fd, so it already holds only what
  // the container will hold (user, capabilities, no_new_privs, seccomp, only the container's fds).
  steps.push(...credentialSteps(input), checkExecStep(process), preserveFdsStep(input));
  steps.push({ op: Op.CREATED, args: [] });
  // After the handshake, and with the container's credentials: config.md#posix-platform-hooks
  // puts startContainer hooks after `start`, before the user's program; the final affinity is
  // applied "right before exec" (config.md#linux-process, execCPUAffinity.final).
  steps.push(...(spec.hooks?.startContainer ?? []).map((h) => runHookStep('startContainer', h, process.env ?? [])));
  steps.push(...finalExecSteps(process));
  return { steps, userns, warnings };
}
