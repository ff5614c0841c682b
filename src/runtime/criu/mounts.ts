// The mounts criu must be told about: what a container has from the host (bind mounts, device
// nodes, the /dev/null over masked files) is not criu's to dump, only to name on dump and to
// map back to a host path on restore (criu --ext-mount-map KEY:VAL). As runc's
// addCriuDumpMount / addCriuRestoreMount (libcontainer/container_linux.go).
import { statSync } from 'node:fs';
import { isAbsolute, join, posix } from 'node:path';
import { DEFAULT_DEVICES } from '../../plan/rootfs.js';
import type { Mount, Spec } from '../../spec/types.js';

const isBindMount = (m: Mount): boolean => m.type === 'bind' || (m.options ?? []).some((o) => o === 'bind' || o === 'rbind');

/** The container's device paths (runc's c.config.Devices: the default ones and linux.devices). */
function devicePaths(spec: Spec): string[] {
  return [...new Set([...DEFAULT_DEVICES.map((d) => d.path), ...(spec.linux?.devices ?? []).map((d) => d.path)])];
}

/** One --ext-mount-map per name (the first pair of a name wins). */
const mapArgs = (pairs: [string, string][]): string[] => [...new Map(pairs.reverse())].flatMap(([k, v]) => ['--ext-mount-map', `${k}:${v}`]);

/**
 * criu dump: each bind mount named by its destination, masked files (bind mounts of /dev/null,
 * runc's addMaskPaths: only those that exist and are not directories) named /dev/null, devices by
 * their path. A cgroup2 mount is a real mount criu dumps (runc: "real mount(s)").
 */
export function dumpMountArgs(spec: Spec, initPid: number): string[] {
  const pairs: [string, string][] = [];
  for (const m of spec.mounts ?? []) if (isBindMount(m)) pairs.push([posix.normalize(m.destination), posix.normalize(m.destination)]);
  for (const path of spec.linux?.maskedPaths ?? []) {
    const st = statSync(`/proc/${initPid}/root${path}`, { throwIfNoEntry: false });
    if (st && !st.isDirectory()) pairs.push([path, '/dev/null']);
  }
  for (const path of devicePaths(spec)) pairs.push([path, path]);
  return mapArgs(pairs);
}

/** criu restore: the same names mapped to the host paths of this bundle's config. */
export function restoreMountArgs(spec: Spec, bundle: string): string[] {
  const pairs: [string, string][] = [];
  for (const m of spec.mounts ?? []) {
    if (!isBindMount(m) || !m.source) continue;
    pairs.push([posix.normalize(m.destination), isAbsolute(m.source) ? m.source : join(bundle, m.source)]);
  }
  if ((spec.linux?.maskedPaths ?? []).length > 0) pairs.push(['/dev/null', '/dev/null']);
  for (const path of devicePaths(spec)) pairs.push([path, path]);
  return mapArgs(pairs);
}
