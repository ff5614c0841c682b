// The filesystem steps of a plan: mounts, devices, symlinks, masked and read-only paths.
import { isAbsolute, posix, resolve } from 'node:path';
import { ConfigError } from '../errors.js';
import { Op } from '../process/protocol.js';
import type { Device, Mount, Spec } from '../spec/types.js';
import { MS, S_IFBLK, S_IFCHR, S_IFIFO } from './constants.js';
import { parseMountOptions } from './mount-options.js';
import type { HostFacts, IdMap, PlanStep } from './types.js';

/** OP_MOUNT's mode argument (protocol.h). */
const MOUNT_MODE = { DIR: 0, FILE: 1, COPYUP: 2, INHERIT: 4 } as const;

/** config-linux.md#default-devices */
export const DEFAULT_DEVICES: Required<Pick<Device, 'path' | 'type' | 'major' | 'minor'>>[] = [
  { path: '/dev/null', type: 'c', major: 1, minor: 3 },
  { path: '/dev/zero', type: 'c', major: 1, minor: 5 },
  { path: '/dev/full', type: 'c', major: 1, minor: 7 },
  { path: '/dev/random', type: 'c', major: 1, minor: 8 },
  { path: '/dev/urandom', type: 'c', major: 1, minor: 9 },
  { path: '/dev/tty', type: 'c', major: 5, minor: 0 },
];

/** runtime-linux.md#dev-symbolic-links */
const DEV_SYMLINKS: [target: string, link: string][] = [
  ['/proc/self/fd', '/dev/fd'],
  ['/proc/self/fd/0', '/dev/stdin'],
  ['/proc/self/fd/1', '/dev/stdout'],
  ['/proc/self/fd/2', '/dev/stderr'],
];

const DEVICE_TYPE: Record<string, number> = { c: S_IFCHR, u: S_IFCHR, b: S_IFBLK, p: S_IFIFO };

export function mountDestination(m: Mount, index: number, warnings: string[]): string {
  if (isAbsolute(m.destination)) return m.destination;
  // config.md#mounts: on Linux a relative destination is deprecated and taken relative to "/".
  warnings.push(`config.json: /mounts/${index}/destination: relative path "${m.destination}" is deprecated, taken relative to / (config.md#mounts)`);
  return '/' + m.destination;
}

const bad = (index: number, field: string, rule: string): ConfigError =>
  new ConfigError('config.json', [{ pointer: `/mounts/${index}/${field}`, rule, section: 'config.md#mounts' }]);

/** Kernel uid_map / gid_map text (user_namespaces(7)): "inside outside count" per line. */
export const mapText = (maps: readonly IdMap[]): string => maps.map((m) => `${m.containerID} ${m.hostID} ${m.size}\n`).join('');

function bindSource(m: Mount, index: number, facts: HostFacts): { source: string; mode: number } {
  if (!m.source) throw bad(index, 'source', 'a bind mount must have a source');
  const source = resolve(facts.bundle, m.source);
  const kind = facts.sourceKind(source);
  if (kind === 'missing') throw bad(index, 'source', `bind source ${source} does not exist`);
  return { source, mode: kind === 'file' ? MOUNT_MODE.FILE : MOUNT_MODE.DIR };
}

function isIdmapped(m: Mount): boolean {
  const options = m.options ?? [];
  return options.includes('idmap') || options.includes('ridmap') || !!m.uidMappings || !!m.gidMappings;
}

/**
 * Stage-1 steps of the idmapped mounts (config.md#posix-platform-mounts), in mount order:
 * the tree OP_MOUNT_TREE number n moves is the n-th of these. `propagation` is what the plan
 * applies to "/" of the container's mount namespace before its binds: a clone cut from the
 * host's namespace would otherwise stay a peer of a shared source, and what the container
 * mounts below it would appear on the host.
 */
export function idmapTreeSteps(spec: Spec, facts: HostFacts, propagation: number): PlanStep[] {
  const hasUserns = (spec.linux?.namespaces ?? []).some((n) => n.type === 'user');
  return (spec.mounts ?? []).flatMap((m, index) => {
    if (!isIdmapped(m)) return [];
    const o = parseMountOptions(m.options ?? []);
    if (m.type !== 'bind' && !(o.flags & MS.BIND)) throw bad(index, 'options', 'idmap and ridmap apply only to bind mounts (as runc)');
    if (!m.uidMappings !== !m.gidMappings) throw bad(index, m.uidMappings ? 'gidMappings' : 'uidMappings', 'uidMappings and gidMappings must be given together');
    // Without mappings of its own the mount takes the container's (config.md#mounts "idmap").
    const uid = m.uidMappings ?? (hasUserns ? spec.linux?.uidMappings : undefined);
    const gid = m.gidMappings ?? (hasUserns ? spec.linux?.gidMappings : undefined);
    if (!uid?.length || !gid?.length) throw bad(index, 'uidMappings', 'an idmapped mount needs uidMappings and gidMappings, or a container user namespace with mappings');
    const { source } = bindSource(m, index, facts);
    const rbind = (o.flags & MS.REC) !== 0 ? 1 : 0;
    return [{ op: Op.IDMAP_TREE, args: [source, mapText(uid), mapText(gid), rbind, o.extensions.has('ridmap') ? 1 : 0, propagation] }];
  });
}

/** A bind mount of a host path (a "cgroup" mount's binds and device binds are the runtime's own). */
function isPlainBind(m: Mount): boolean {
  return m.type !== 'cgroup' && !isIdmapped(m) && (m.type === 'bind' || (parseMountOptions(m.options ?? []).flags & MS.BIND) !== 0);
}

/**
 * Stage-1 steps that open the source of every bind mount when the init creates a user namespace,
 * in mount order (OP_MOUNT_SOURCE number n mounts the n-th): once the init is the container's
 * root (another host uid) a source below a directory only the runtime's user may search would
 * fail EACCES. runc 1.1 does the same from its parent (mountFds, nsexec send_mountsources), as
 * root only; the init needs no setns for it, so tsrun does it rootless too.
 */
export function bindSourceSteps(spec: Spec, facts: HostFacts): PlanStep[] {
  return (spec.mounts ?? []).flatMap((m, index) => (isPlainBind(m) ? [{ op: Op.BIND_SOURCE, args: [bindSource(m, index, facts).source] }] : []));
}

/** runc's mountPropagate: a read-only /dev is mounted writable, filled, and made read-only after pivot_root. */
const isReadonlyDev = (dest: string, flags: number): boolean => posix.normalize(dest) === '/dev' && (flags & MS.RDONLY) !== 0 && !(flags & MS.REMOUNT);

/** Numbers of the stage-1 objects a mount step takes; `nextSource` is absent when bind sources are not opened in stage 1. */
interface Taken {
  nextTree(): number;
  nextSource?(): number;
}

function mountSteps(m: Mount, index: number, facts: HostFacts, warnings: string[], taken: Taken): PlanStep[] {
  const dest = mountDestination(m, index, warnings);
  const o = parseMountOptions(m.options ?? []);
  if (isReadonlyDev(dest, o.flags)) o.flags &= ~MS.RDONLY;
  if (m.type === 'cgroup') return cgroupMountSteps(dest, o.flags, facts);
  const isBind = m.type === 'bind' || (o.flags & MS.BIND) !== 0;
  const steps: PlanStep[] = [];
  if (isIdmapped(m)) {
    const { mode } = bindSource(m, index, facts);
    steps.push({ op: Op.MOUNT_TREE, args: [taken.nextTree(), dest, mode, o.flags | MS.BIND, o.cleared, o.propagation] });
  } else if (isBind && taken.nextSource) {
    const { mode } = bindSource(m, index, facts);
    steps.push({ op: Op.MOUNT_SOURCE, args: [taken.nextSource(), dest, mode, o.flags | MS.BIND, o.cleared, o.propagation] });
  } else if (isBind) {
    const { source, mode } = bindSource(m, index, facts);
    steps.push({ op: Op.MOUNT, args: [source, dest, '', o.flags | MS.BIND, o.propagation, o.data, mode, o.cleared] });
  } else {
    const type = m.type ?? '';
    let mode: number = MOUNT_MODE.DIR;
    if (o.extensions.has('tmpcopyup')) {
      // runc copies up only into a tmpfs and ignores the option elsewhere.
      if (type === 'tmpfs') mode = MOUNT_MODE.COPYUP;
      else warnings.push(`config.json: /mounts/${index}/options: tmpcopyup ignored on a ${type || 'typeless'} mount (it applies to tmpfs only)`);
    }
    // runc's mountToRootfs: a tmpfs on an existing directory takes that directory's mode (runc 1.1
    // does it even over mode=; tsrun, as runc 1.2, keeps an explicit mode=).
    if (type === 'tmpfs' && !(o.flags & MS.REMOUNT) && !`,${o.data}`.includes(',mode=')) mode |= MOUNT_MODE.INHERIT;
    steps.push({ op: Op.MOUNT, args: [m.source ?? type, dest, type, o.flags, o.propagation, o.data, mode, o.cleared] });
  }
  if (o.recursiveSet || o.recursiveClear) steps.push({ op: Op.MOUNT_SETATTR, args: [dest, o.recursiveSet, o.recursiveClear, 1] });
  return steps;
}

/**
 * A "cgroup" mount shows the container its own cgroups: cgroup2 on a unified host; on v1 a
 * tmpfs with each hierarchy's container directory bound under it, as runc does.
 */
function cgroupMountSteps(dest: string, flags: number, facts: HostFacts): PlanStep[] {
  const common = flags & (MS.NOSUID | MS.NODEV | MS.NOEXEC | MS.RDONLY);
  if (facts.cgroupUnified) return [{ op: Op.MOUNT, args: ['cgroup2', dest, 'cgroup2', flags, 0, '', MOUNT_MODE.DIR, 0] }];
  const steps: PlanStep[] = [
    { op: Op.MOUNT, args: ['tmpfs', dest, 'tmpfs', common & ~MS.RDONLY, 0, 'mode=755', MOUNT_MODE.DIR, 0] },
  ];
  for (const bind of facts.cgroupBinds) {
    steps.push({ op: Op.MOUNT, args: [bind.hostPath, `${dest}/${bind.name}`, '', MS.BIND | common, 0, '', MOUNT_MODE.DIR, 0] });
  }
  if (common & MS.RDONLY) steps.push({ op: Op.REMOUNT_RO, args: [dest] });
  return steps;
}

function deviceSteps(devices: Device[], inUserNs: boolean): PlanStep[] {
  return devices.map((d) => {
    if (inUserNs) {
      // mknod(2) needs CAP_MKNOD in the initial user namespace: bind the host's node instead.
      return { op: Op.BIND_DEVICE, args: [d.path, d.path] };
    }
    const mode = DEVICE_TYPE[d.type] | (d.fileMode ?? 0o666);
    return { op: Op.MKNOD, args: [d.path, mode, d.major ?? 0, d.minor ?? 0, d.uid ?? 0, d.gid ?? 0] };
  });
}

/** Steps from binding the rootfs to just before pivot_root; `sourcesOpened`: bindSourceSteps is in the plan. */
export function rootfsSteps(spec: Spec, facts: HostFacts, inUserNs: boolean, sourcesOpened: boolean, warnings: string[]): PlanStep[] {
  const root = spec.root!;
  const steps: PlanStep[] = [{ op: Op.ROOTFS, args: [resolve(facts.bundle, root.path)] }];
  const mounts = spec.mounts ?? [];
  let trees = 0;
  let sources = 0;
  const taken: Taken = { nextTree: () => trees++, nextSource: sourcesOpened ? () => sources++ : undefined };
  mounts.forEach((m, i) => steps.push(...mountSteps(m, i, facts, warnings, taken)));

  const configured = new Set((spec.linux?.devices ?? []).map((d) => d.path));
  const devices = [...DEFAULT_DEVICES.filter((d) => !configured.has(d.path)), ...(spec.linux?.devices ?? [])];
  steps.push(...deviceSteps(devices, inUserNs));
  for (const [target, link] of DEV_SYMLINKS) steps.push({ op: Op.SYMLINK, args: [target, link] });
  const destinations = new Set(mounts.map((m, i) => mountDestination(m, i, [])));
  if (destinations.has('/dev/pts')) steps.push({ op: Op.SYMLINK, args: ['pts/ptmx', '/dev/ptmx'] });
  return steps;
}

/** Steps after pivot_root and the sysctls: read-only then masked paths (runc's order), read-only root. */
export function afterPivotSteps(spec: Spec): PlanStep[] {
  const steps: PlanStep[] = [];
  // The /dev entries (devices, symlinks, pts) exist by now (runc's finalizeRootfs).
  const roDev = (spec.mounts ?? []).some((m, i) => isReadonlyDev(mountDestination(m, i, []), parseMountOptions(m.options ?? []).flags));
  if (roDev) steps.push({ op: Op.REMOUNT_RO, args: ['/dev'] });
  for (const path of spec.linux?.readonlyPaths ?? []) steps.push({ op: Op.READONLY_PATH, args: [path] });
  for (const path of spec.linux?.maskedPaths ?? []) steps.push({ op: Op.MASK_PATH, args: [path] });
  if (spec.root?.readonly) steps.push({ op: Op.REMOUNT_RO, args: ['/'] });
  return steps;
}
