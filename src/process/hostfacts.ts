// Collects the HostFacts the plan compiler needs (the compiler itself touches nothing).
import { readFileSync, statSync } from 'node:fs';
import { basename } from 'node:path';
import type { Hierarchy, HostCgroups } from '../cgroups/types.js';
import { pathExists } from '../native/index.js';
import type { HostFacts, LsmFacts } from '../plan/types.js';
import { runningInUserNs } from './userns.js';

function capLastCap(): number {
  try {
    return Number(readFileSync('/proc/sys/kernel/cap_last_cap', 'utf8').trim());
  } catch {
    return 40;
  }
}

function capBounding(): bigint | undefined {
  // proc(5): a "CapBnd:\t<hex>" line
  const status = `\n${readTrimmed('/proc/self/status')}\n`;
  const at = status.indexOf('\nCapBnd:');
  if (at < 0) return undefined;
  const hex = status.slice(at + '\nCapBnd:'.length, status.indexOf('\n', at + 1)).trim();
  return hex !== '' && [...hex].every((c) => (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')) ? BigInt(`0x${hex}`) : undefined;
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
    selinux: pathExists('/sys/fs/selinux/enforce'),
    apparmorExecAttr: pathExists('/proc/self/attr/apparmor/exec') ? '/proc/self/attr/apparmor/exec' : '/proc/self/attr/exec',
  };
}

function sourceKind(path: string): 'directory' | 'file' | 'missing' {
  try {
    return statSync(path).isDirectory() ? 'directory' : 'file';
  } catch {
    return 'missing';
  }
}

export interface CgroupView {
  unified: boolean;
  /** name under the container's /sys/fs/cgroup → host directory to bind there. */
  binds: { name: string; hostPath: string }[];
}

/** The container's view of cgroups: its own directories when it has a cgroup, else the runtime's. */
export function cgroupView(host: HostCgroups, containerPaths?: Record<string, string>): CgroupView {
  const hierarchies: [string, Hierarchy][] = [...Object.entries(host.v1), ...(host.unified ? [['unified', host.unified] as [string, Hierarchy]] : [])];
  const binds = hierarchies.flatMap(([key, h]) => {
    const name = basename(h.mountpoint);
    const fromManager = containerPaths && Object.values(containerPaths).find((p) => p.startsWith(h.mountpoint + '/'));
    if (fromManager) return [{ name, hostPath: fromManager }];
    const own = host.own[key];
    if (own === undefined) return [];
    return [{ name, hostPath: h.mountpoint + (own === '/' ? '' : own) }];
  });
  return { unified: host.mode === 'unified', binds };
}

export function collectHostFacts(input: {
  bundle: string;
  fifoPath: string;
  noPivot: boolean;
  preserveFds: number;
  consoleSocket?: string;
  sessionKeyring?: string;
  cgroups: HostCgroups;
  cgroupPaths?: Record<string, string>;
  cgroupJoin?: string[];
}): HostFacts {
  const view = cgroupView(input.cgroups, input.cgroupPaths);
  return {
    euid: process.geteuid!(),
    egid: process.getegid!(),
    inUserNs: runningInUserNs(),
    bundle: input.bundle,
    fifoPath: input.fifoPath,
    capLastCap: capLastCap(),
    capBounding: capBounding(),
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
