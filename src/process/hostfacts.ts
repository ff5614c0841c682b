// Collects the HostFacts the plan compiler needs (the compiler itself touches nothing).
import { existsSync, readFileSync, statSync } from 'node:fs';
import type { HostFacts, LsmFacts } from '../plan/types.js';
import { runningInUserNs } from './userns.js';

function capLastCap(): number {
  try {
    return Number(readFileSync('/proc/sys/kernel/cap_last_cap', 'utf8').trim());
  } catch {
    return 40;
  }
}

function readTrimmed(path: string): string {
  try {
    return readFileSync(path, 'utf8').trim();
  } catch {
    return '';
  }
}

/**
 * AppArmor is enabled when its module says so (runc's apparmor.IsEnabled); SELinux when
 * selinuxfs is mounted (what libselinux's is_selinux_enabled looks for).
 */
export function lsmFacts(): LsmFacts {
  return {
    apparmor: readTrimmed('/sys/module/apparmor/parameters/enabled') === 'Y',
    selinux: existsSync('/sys/fs/selinux/enforce'),
    apparmorExecAttr: existsSync('/proc/self/attr/apparmor/exec') ? '/proc/self/attr/apparmor/exec' : '/proc/self/attr/exec',
  };
}

function sourceKind(path: string): 'directory' | 'file' | 'missing' {
  try {
    return statSync(path).isDirectory() ? 'directory' : 'file';
  } catch {
    return 'missing';
  }
}

/** Cgroup hierarchies mounted on the host: mount point → the name shown under /sys/fs/cgroup. */
function cgroupHierarchies(): { mountPoint: string; root: string; fstype: string }[] {
  const out: { mountPoint: string; root: string; fstype: string }[] = [];
  for (const line of readFileSync('/proc/self/mountinfo', 'utf8').split('\n')) {
    const [left, right] = line.split(' - ');
    if (!right) continue;
    const fstype = right.split(' ')[0];
    if (fstype !== 'cgroup' && fstype !== 'cgroup2') continue;
    const fields = left.split(' ');
    out.push({ mountPoint: fields[4], root: fields[3], fstype });
  }
  return out;
}

export interface CgroupView {
  unified: boolean;
  /** name under the container's /sys/fs/cgroup → host directory to bind there. */
  binds: { name: string; hostPath: string }[];
}

/** The container's view of cgroups: its own directories when it has a cgroup, else the runtime's. */
export function cgroupView(containerPaths?: Record<string, string>): CgroupView {
  const hierarchies = cgroupHierarchies();
  const unified = hierarchies.length === 1 && hierarchies[0].fstype === 'cgroup2';
  const own = new Map<string, string>();
  for (const line of readFileSync('/proc/self/cgroup', 'utf8').trim().split('\n')) {
    const [, controllers, path] = line.split(':');
    own.set(controllers === '' ? '' : controllers, path);
  }
  const binds = hierarchies.flatMap((h) => {
    const name = h.mountPoint.split('/').pop()!;
    const fromManager = containerPaths && Object.values(containerPaths).find((p) => p.startsWith(h.mountPoint + '/'));
    if (fromManager) return [{ name, hostPath: fromManager }];
    const key = [...own.keys()].find((k) => (h.fstype === 'cgroup2' ? k === '' : k.split(',').includes(name) || k === `name=${name}`));
    if (key === undefined) return [];
    const rel = own.get(key)!;
    return [{ name, hostPath: h.mountPoint + (rel === '/' ? '' : rel) }];
  });
  return { unified, binds };
}

export function collectHostFacts(input: {
  bundle: string;
  fifoPath: string;
  noPivot: boolean;
  preserveFds: number;
  consoleSocket?: string;
  sessionKeyring?: string;
  cgroupPaths?: Record<string, string>;
  cgroupJoin?: string[];
}): HostFacts {
  const view = cgroupView(input.cgroupPaths);
  return {
    euid: process.geteuid!(),
    egid: process.getegid!(),
    inUserNs: runningInUserNs(),
    bundle: input.bundle,
    fifoPath: input.fifoPath,
    capLastCap: capLastCap(),
    noPivot: input.noPivot,
    preserveFds: input.preserveFds,
    consoleSocket: input.consoleSocket,
    sessionKeyring: input.sessionKeyring,
    sourceKind,
    cgroupBinds: view.binds,
    cgroupUnified: view.unified,
    cgroupJoin: input.cgroupJoin,
    lsm: lsmFacts(),
  };
}
