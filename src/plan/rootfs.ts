// The filesystem steps of a plan: mounts, devices, symlinks, masked and read-only paths.
import { isAbsolute, resolve } from 'node:path';
import { ConfigError, NotSupportedError } from '../errors.js';
import { Op } from '../process/protocol.js';
import type { Device, Mount, Spec } from '../spec/types.js';
import { MS, S_IFBLK, S_IFCHR, S_IFIFO } from './constants.js';
import { parseMountOptions } from './mount-options.js';
import type { HostFacts, PlanStep } from './types.js';

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

function mountSteps(m: Mount, index: number, facts: HostFacts, warnings: string[]): PlanStep[] {
  const dest = mountDestination(m, index, warnings);
  const options = parseMountOptions(m.options ?? []);
  if (options.unsupported.length > 0) {
    throw new NotSupportedError(`mounts[${index}].options: ${options.unsupported.join(', ')}`);
  }
  if (m.uidMappings || m.gidMappings) throw new NotSupportedError(`mounts[${index}].uidMappings/gidMappings (idmapped mounts)`);
  const isBind = m.type === 'bind' || (options.flags & MS.BIND) !== 0;
  if (m.type === 'cgroup') return cgroupMountSteps(dest, options.flags, facts);
  if (isBind) {
    if (!m.source) throw new ConfigError('config.json', [{ pointer: `/mounts/${index}/source`, rule: 'a bind mount must have a source', section: 'config.md#mounts' }]);
    const source = resolve(facts.bundle, m.source);
    const kind = facts.sourceKind(source);
    if (kind === 'missing') {
      throw new ConfigError('config.json', [{ pointer: `/mounts/${index}/source`, rule: `bind source ${source} does not exist`, section: 'config.md#mounts' }]);
    }
    const flags = options.flags | MS.BIND;
    return [{ op: Op.MOUNT, args: [source, dest, '', flags, options.propagation, options.data, kind === 'file' ? 1 : 0] }];
  }
  const type = m.type ?? '';
  return [{ op: Op.MOUNT, args: [m.source ?? type, dest, type, options.flags, options.propagation, options.data, 0] }];
}

/**
 * A "cgroup" mount shows the container its own cgroups: cgroup2 on a unified host; on v1 a
 * tmpfs with each hierarchy's container directory bound under it, as runc does.
 */
function cgroupMountSteps(dest: string, flags: number, facts: HostFacts): PlanStep[] {
  const common = flags & (MS.NOSUID | MS.NODEV | MS.NOEXEC | MS.RDONLY);
  if (facts.cgroupUnified) return [{ op: Op.MOUNT, args: ['cgroup2', dest, 'cgroup2', flags, 0, '', 0] }];
  const steps: PlanStep[] = [
    { op: Op.MOUNT, args: ['tmpfs', dest, 'tmpfs', common & ~MS.RDONLY, 0, 'mode=755', 0] },
  ];
  for (const bind of facts.cgroupBinds) {
    steps.push({ op: Op.MOUNT, args: [bind.hostPath, `${dest}/${bind.name}`, '', MS.BIND | common, 0, '', 0] });
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

/** Steps from binding the rootfs to just before pivot_root. */
export function rootfsSteps(spec: Spec, facts: HostFacts, inUserNs: boolean, warnings: string[]): PlanStep[] {
  const root = spec.root!;
  const steps: PlanStep[] = [{ op: Op.ROOTFS, args: [resolve(facts.bundle, root.path)] }];
  const mounts = spec.mounts ?? [];
  mounts.forEach((m, i) => steps.push(...mountSteps(m, i, facts, warnings)));

  const configured = new Set((spec.linux?.devices ?? []).map((d) => d.path));
  const devices = [...DEFAULT_DEVICES.filter((d) => !configured.has(d.path)), ...(spec.linux?.devices ?? [])];
  steps.push(...deviceSteps(devices, inUserNs));
  for (const [target, link] of DEV_SYMLINKS) steps.push({ op: Op.SYMLINK, args: [target, link] });
  const destinations = new Set(mounts.map((m, i) => mountDestination(m, i, [])));
  if (destinations.has('/dev/pts')) steps.push({ op: Op.SYMLINK, args: ['pts/ptmx', '/dev/ptmx'] });
  return steps;
}

/** Steps after pivot_root: masked and read-only paths, read-only root. */
export function afterPivotSteps(spec: Spec): PlanStep[] {
  const steps: PlanStep[] = [];
  for (const path of spec.linux?.maskedPaths ?? []) steps.push({ op: Op.MASK_PATH, args: [path] });
  for (const path of spec.linux?.readonlyPaths ?? []) steps.push({ op: Op.READONLY_PATH, args: [path] });
  if (spec.root?.readonly) steps.push({ op: Op.REMOUNT_RO, args: ['/'] });
  return steps;
}
