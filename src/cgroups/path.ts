// Where a container's cgroup lives (config-linux.md#cgroups-path).
//  - absolute cgroupsPath: relative to each hierarchy's mount point (spec MUST);
//  - relative cgroupsPath: relative to the cgroup tsrun itself runs in, per hierarchy,
//    as runc does (the spec leaves the location to the runtime);
//  - no cgroupsPath: `<id>`, relative like the above, as runc 1.1 does (libcontainer/specconv
//    leaves Parent empty and Name the id; fs/paths.go subsysPath joins a relative path to
//    GetOwnCgroupPath). Run from the root cgroup that is /<id> in each hierarchy; runc run from
//    memory:/a shows memory:/a/<id> in /proc/<pid>/cgroup. No parent cgroup of tsrun's own is made,
//    so none needs a share of a hierarchical budget (cgroup v1 cpu.rt_runtime_us) or outlives the container.
import { join, posix } from 'node:path';
import { ConfigError, RuntimeError } from '../errors.js';
import type { Hierarchy, HostCgroups } from './types.js';

export const defaultCgroupsPath = (id: string): string => id;

const pathError = (rule: string) => new ConfigError('config.json', [{ pointer: '/linux/cgroupsPath', rule, section: 'config-linux.md#cgroups-path' }]);

/**
 * The normalized cgroupsPath; `..` escaping the start point is invalid (spec: "MUST generate an
 * error"); so is the root cgroup, which holds the whole host (issue 13 item 5).
 */
export function checkCgroupsPath(cgroupsPath: string): string {
  const norm = posix.normalize(cgroupsPath);
  if (norm === '..' || norm.startsWith('../') || norm === '.' || norm === './' || cgroupsPath.includes('\0')) {
    throw pathError(`invalid cgroups path ${JSON.stringify(cgroupsPath)}`);
  }
  if (norm === '/') throw pathError(`${JSON.stringify(cgroupsPath)} is the root cgroup of the host: a container needs a cgroup of its own`);
  return norm;
}

/** The own cgroup of this process for hierarchy `key`, matching 'cpuacct,cpu' to 'cpu,cpuacct'. */
function ownCgroup(host: HostCgroups, key: string): string {
  if (host.own[key] !== undefined) return host.own[key];
  const want = key.split(',').sort().join(',');
  for (const [k, v] of Object.entries(host.own)) if (k.split(',').sort().join(',') === want) return v;
  return '/';
}

/** Absolute directory of the container cgroup in one hierarchy. */
export function cgroupDir(host: HostCgroups, key: string, hierarchy: Hierarchy, cgroupsPath: string): string {
  const inner = checkCgroupsPath(cgroupsPath);
  if (inner.startsWith('/')) return join(hierarchy.mountpoint, inner);
  // Own cgroup paths are relative to the hierarchy root; the mount shows `root` at `mountpoint`.
  const own = ownCgroup(host, key);
  const rel = posix.relative(hierarchy.root, own);
  if (rel.startsWith('..')) throw new RuntimeError(`cgroup ${own} of hierarchy ${key} is outside its mount ${hierarchy.mountpoint} (root ${hierarchy.root})`);
  return join(hierarchy.mountpoint, rel, inner);
}

/**
 * cgroupDir, refused when it is the runtime's own cgroup or one above it: destroying the
 * container's cgroup would kill tsrun and its callers (issue 13 item 5).
 */
function containerDir(host: HostCgroups, key: string, hierarchy: Hierarchy, cgroupsPath: string): string {
  const dir = cgroupDir(host, key, hierarchy, cgroupsPath);
  const rel = posix.relative(hierarchy.root, ownCgroup(host, key));
  if (rel.startsWith('..')) return dir;
  const own = join(hierarchy.mountpoint, rel);
  if (own === dir || own.startsWith(dir.endsWith('/') ? dir : `${dir}/`)) {
    throw pathError(`${JSON.stringify(cgroupsPath)} is ${own === dir ? '' : 'above '}the cgroup tsrun runs in (${ownCgroup(host, key)}): a container needs a cgroup of its own`);
  }
  return dir;
}

/** Container cgroup directories keyed by hierarchy (v1 keys as mounted, or 'unified'). */
export function containerPaths(host: HostCgroups, cgroupsPath: string): Record<string, string> {
  if (host.mode === 'unified') {
    if (!host.unified) throw new RuntimeError('no cgroup2 mount found');
    return { unified: containerDir(host, 'unified', host.unified, cgroupsPath) };
  }
  const out: Record<string, string> = {};
  for (const [key, h] of Object.entries(host.v1)) out[key] = containerDir(host, key, h, cgroupsPath);
  return out;
}

/** `slice:prefix:name` of the systemd driver (runc's --systemd-cgroup form). */
export interface SystemdPath {
  slice: string;
  prefix: string;
  name: string;
}

/** runc's defaults for empty parts: the slice system.slice (user.slice for a rootless user's manager). */
export function parseSystemdPath(cgroupsPath: string, rootless = false): SystemdPath {
  const parts = cgroupsPath.split(':');
  if (parts.length !== 3 || parts[2] === '') {
    throw new ConfigError('config.json', [{ pointer: '/linux/cgroupsPath', rule: `with --systemd-cgroup the path must be "slice:prefix:name", got ${JSON.stringify(cgroupsPath)}`, section: 'config-linux.md#cgroups-path' }]);
  }
  return { slice: parts[0] || (rootless ? 'user.slice' : 'system.slice'), prefix: parts[1], name: parts[2] };
}

/**
 * The cgroup path systemd gives a unit in a slice (systemd.slice(5): "a-b.slice" lives in
 * "a.slice/a-b.slice"); the unit is `<prefix>-<name>.scope`.
 */
export function systemdCgroupPath(p: SystemdPath): string {
  if (!p.slice.endsWith('.slice') || p.slice.includes('/')) throw new RuntimeError(`invalid systemd slice ${JSON.stringify(p.slice)}`);
  const base = p.slice.slice(0, -'.slice'.length);
  const dirs: string[] = [];
  if (base !== '-') {
    const words = base.split('-');
    for (let i = 1; i <= words.length; i++) dirs.push(`${words.slice(0, i).join('-')}.slice`);
  }
  const unit = p.name.endsWith('.slice') ? p.name : `${p.prefix ? `${p.prefix}-` : ''}${p.name}.scope`;
  return `/${[...dirs, unit].join('/')}`;
}
