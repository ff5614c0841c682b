// Which cgroup hierarchies the host has and where this process sits in them, from
// /proc/self/mountinfo (proc(5): "root" is field 4, "mount point" field 5, then the
// filesystem type and super options after the "-" separator) and /proc/self/cgroup
// (cgroups(7): "hierarchy-ID:controller-list:cgroup-path").
import { readFileSync } from 'node:fs';
import { RuntimeError } from '../errors.js';
import { unescapeMountField } from '../mountinfo-field.js';
import { pathExists } from '../native/index.js';
import type { Hierarchy, HostCgroups } from './types.js';

/** Super options of a v1 cgroup mount that are not controller names. */
const NOT_CONTROLLERS = new Set(['rw', 'ro', 'noprefix', 'clone_children', 'xattr', 'cpuset_v2_mode', 'favordynmods', 'nsdelegate', 'memory_recursiveprot', 'memory_localevents', 'memory_hugetlb_accounting', 'pids_localevents']);


export interface CgroupMount extends Hierarchy {
  fstype: 'cgroup' | 'cgroup2';
  /** v1: controllers and name= of the hierarchy, in mount-option order; v2: []. */
  controllers: string[];
}

export function parseMountinfo(text: string): CgroupMount[] {
  const out: CgroupMount[] = [];
  for (const line of text.split('\n')) {
    const fields = line.trim().split(' ');
    const sep = fields.indexOf('-');
    if (sep < 6) continue;
    const fstype = fields[sep + 1];
    if (fstype !== 'cgroup' && fstype !== 'cgroup2') continue;
    const superOpts = (fields[sep + 3] ?? '').split(',');
    const controllers = fstype === 'cgroup' ? superOpts.filter((o) => o && !NOT_CONTROLLERS.has(o) && !o.startsWith('release_agent=')) : [];
    out.push({ fstype, root: unescapeMountField(fields[3]), mountpoint: unescapeMountField(fields[4]), controllers });
  }
  return out;
}

const isDigits = (s: string): boolean => [...s].every((c) => c >= '0' && c <= '9');

/** key → cgroup path; the v2 line (`0::/x`) has key 'unified'. */
export function parseProcCgroup(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of text.split('\n')) {
    // hierarchy-ID:controller-list:cgroup-path (the path may hold colons)
    const l = line.trim();
    const first = l.indexOf(':');
    const second = first < 0 ? -1 : l.indexOf(':', first + 1);
    if (first < 1 || second < 0 || !isDigits(l.slice(0, first))) continue;
    const controllers = l.slice(first + 1, second);
    out[controllers === '' ? 'unified' : controllers] = l.slice(second + 1);
  }
  return out;
}

export function hostCgroupsFrom(mountinfo: string, procCgroup: string, systemdRunning = false): HostCgroups {
  const v1: Record<string, Hierarchy> = {};
  let unified: Hierarchy | undefined;
  for (const m of parseMountinfo(mountinfo)) {
    if (m.fstype === 'cgroup2') {
      unified ??= { mountpoint: m.mountpoint, root: m.root };
    } else if (m.controllers.length > 0) {
      const key = m.controllers.join(',');
      v1[key] ??= { mountpoint: m.mountpoint, root: m.root };
    }
  }
  // Only name=systemd (or other named hierarchies) mounted: the controllers live in v2.
  const hasV1Controllers = Object.keys(v1).some((k) => !k.startsWith('name='));
  const mode = hasV1Controllers ? (unified ? 'hybrid' : 'legacy') : 'unified';
  if (mode === 'unified' && !unified) throw new RuntimeError('no cgroup filesystem is mounted (see /proc/self/mountinfo)');
  return { mode, v1: mode === 'unified' ? {} : v1, unified, own: parseProcCgroup(procCgroup), systemdRunning };
}

/** The layout of this host. */
export function detectHostCgroups(): HostCgroups {
  return hostCgroupsFrom(
    readFileSync('/proc/self/mountinfo', 'utf8'),
    readFileSync('/proc/self/cgroup', 'utf8'),
    pathExists('/run/systemd/system'),
  );
}

/** The hierarchy key of the v1 hierarchy holding `controller` ('cpu' → 'cpu,cpuacct'). */
export function keyOf(keys: readonly string[], controller: string): string | undefined {
  return keys.find((k) => k.split(',').includes(controller));
}
