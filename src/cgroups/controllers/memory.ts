// linux.resources.memory (config-linux.md#memory).
// v1: Documentation/admin-guide/cgroup-v1/memory.rst; v2: cgroup-v2.rst "Memory Interface Files".
import type { LinuxResources } from '../../spec/types.js';
import type { Translation } from '../types.js';
import { ResourceError, translation, v2Limit } from './util.js';

type Memory = NonNullable<LinuxResources['memory']>;

const KERNEL_WARNING = 'linux.resources.memory.kernel is ignored: this kernel no longer sets kernel memory limits (memory.kmem.limit_in_bytes refuses writes since Linux 5.16 and is gone later)';

/** What the v1 memory cgroup of this host can take. */
export interface MemoryV1Context {
  /** memory.kmem.limit_in_bytes exists and still takes limits (Linux < 5.16). */
  kmem: boolean;
}

/** Whether a kernel `release` (uname -r) still sets v1 kmem limits: 5.16 stopped (kernel commit 58056f77502f). */
export function kmemLimitsWork(release: string): boolean {
  const [major, minor] = release.split('.').map((p) => parseInt(p, 10));
  if (!Number.isInteger(major) || !Number.isInteger(minor)) return false;
  return major < 5 || (major === 5 && minor < 16);
}

function checks(m: Memory, t: Translation, usageFile: string): void {
  if (m.checkBeforeUpdate && m.limit !== undefined && m.limit > 0) t.checks = [{ usageFile, limit: m.limit }];
}

export function memoryV1(r: LinuxResources, ctx: MemoryV1Context = { kmem: false }): Translation {
  const t = translation();
  const m = r.memory;
  if (!m) return t;
  // Unlimited memory and no explicit swap: unlimited swap too, else the old memsw would cap it.
  const swap = m.swap ?? (m.limit === -1 ? -1 : undefined);
  if (m.limit !== undefined) t.writes.push({ file: 'memory.limit_in_bytes', value: String(m.limit) });
  // v1 swap is memory+swap; the manager retries in the other order when the kernel refuses
  // memsw < limit during an update.
  if (swap !== undefined) {
    if (m.limit !== undefined && m.limit !== -1 && swap !== -1 && swap < m.limit) throw new ResourceError('memory.swap', swap, `memory+swap must be >= memory.limit (${m.limit})`);
    t.writes.push({ file: 'memory.memsw.limit_in_bytes', value: String(swap) });
  }
  if (m.reservation !== undefined) t.writes.push({ file: 'memory.soft_limit_in_bytes', value: String(m.reservation) });
  if (m.kernel !== undefined) {
    if (ctx.kmem) t.writes.push({ file: 'memory.kmem.limit_in_bytes', value: String(m.kernel) });
    else t.warnings.push(KERNEL_WARNING);
  }
  if (m.kernelTCP !== undefined) t.writes.push({ file: 'memory.kmem.tcp.limit_in_bytes', value: String(m.kernelTCP) });
  if (m.swappiness !== undefined) {
    if (m.swappiness < 0 || m.swappiness > 100) throw new ResourceError('memory.swappiness', m.swappiness, 'must be 0..100');
    t.writes.push({ file: 'memory.swappiness', value: String(m.swappiness) });
  }
  if (m.disableOOMKiller) t.writes.push({ file: 'memory.oom_control', value: '1' });
  if (m.useHierarchy !== undefined) t.writes.push({ file: 'memory.use_hierarchy', value: m.useHierarchy ? '1' : '0' });
  checks(m, t, 'memory.usage_in_bytes');
  return t;
}

/** v2 memory.swap.max holds swap alone: spec swap (memory+swap) minus limit. */
export function swapV2(limit: number | undefined, swap: number | undefined): string | undefined {
  if (swap === undefined || swap === 0) return limit === -1 && swap === undefined ? 'max' : undefined;
  if (swap === -1) return 'max';
  if (limit === undefined || limit === 0) throw new ResourceError('memory.swap', swap, 'a swap limit needs memory.limit on cgroup v2');
  if (limit === -1) return 'max';
  if (swap < limit) throw new ResourceError('memory.swap', swap, `memory+swap must be >= memory.limit (${limit})`);
  return String(swap - limit);
}

export function memoryV2(r: LinuxResources): Translation {
  const t = translation();
  const m = r.memory;
  if (!m) return t;
  const swap = swapV2(m.limit, m.swap);
  // Swap first: lowering memory.max cannot make it fail, and raising swap never needs memory.max.
  if (swap !== undefined) t.writes.push({ file: 'memory.swap.max', value: swap });
  if (m.limit !== undefined && m.limit !== 0) t.writes.push({ file: 'memory.max', value: v2Limit(m.limit) });
  if (m.reservation !== undefined && m.reservation !== 0) t.writes.push({ file: 'memory.low', value: v2Limit(m.reservation) });
  if (m.kernel !== undefined) t.warnings.push(KERNEL_WARNING);
  if (m.kernelTCP !== undefined) t.warnings.push('linux.resources.memory.kernelTCP is ignored on cgroup v2 (TCP memory is part of memory.max)');
  if (m.swappiness !== undefined) t.warnings.push('linux.resources.memory.swappiness is ignored on cgroup v2 (no per-cgroup swappiness)');
  if (m.disableOOMKiller) t.warnings.push('linux.resources.memory.disableOOMKiller is ignored on cgroup v2 (no memory.oom_control)');
  if (m.useHierarchy === false) t.warnings.push('linux.resources.memory.useHierarchy=false is ignored on cgroup v2 (always hierarchical)');
  checks(m, t, 'memory.current');
  return t;
}
