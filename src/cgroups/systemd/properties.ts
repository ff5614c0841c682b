// linux.resources → the systemd unit properties runc sets for a v2 scope (runc
// libcontainer/cgroups/systemd/v2.go genV2ResourcesProperties; systemd.resource-control(5)).
// The cgroupfs driver still writes every field after the unit starts (runc's v2 Set does the
// same), so fields systemd has no property for are applied and the files agree with both.
import type { LinuxResources } from '../../spec/types.js';
import { blkioWeightToIOWeight } from '../controllers/blkio.js';
import { sharesToWeight } from '../controllers/cpu.js';

/** One D-Bus (sv) pair as busctl(1) spells it: the name, the signature, the value's words. */
export interface UnitProperty {
  name: string;
  sig: 's' | 'b' | 't' | 'au' | 'ay';
  value: string[];
}

/** systemd's "infinity" for uint64 properties. */
export const INFINITY = '18446744073709551615';

const t = (name: string, n: number | string): UnitProperty => ({ name, sig: 't', value: [String(n)] });
/** -1 (and 0 for TasksMax) is no limit. */
const limit = (n: number): string => (n < 0 ? INFINITY : String(n));

/** "0-2,4" → the little-endian bitmask bytes of AllowedCPUs/AllowedMemoryNodes (runc RangeToBits). */
export function rangeToBytes(list: string): number[] {
  const bytes: number[] = [];
  for (const part of list.split(',').map((s) => s.trim()).filter(Boolean)) {
    const [a, b = a] = part.split('-').map(Number);
    if (!Number.isInteger(a) || !Number.isInteger(b) || a < 0 || b < a) throw new RangeError(`invalid cpu/mem list ${JSON.stringify(list)}`);
    for (let i = a; i <= b; i++) bytes[i >> 3] = (bytes[i >> 3] ?? 0) | (1 << (i & 7));
  }
  return Array.from(bytes, (x) => x ?? 0);
}

export function resourceProperties(r: LinuxResources, opts: { quotaPeriod: boolean } = { quotaPeriod: true }): UnitProperty[] {
  const out: UnitProperty[] = [];
  const m = r.memory;
  if (m?.limit !== undefined && m.limit !== 0) out.push(t('MemoryMax', limit(m.limit)));
  if (m?.reservation !== undefined && m.reservation !== 0) out.push(t('MemoryLow', limit(m.reservation)));
  // The spec's swap is memory+swap (v1); MemorySwapMax is swap alone (runc ConvertMemorySwapToCgroupV2Value).
  if (m?.swap !== undefined && m.swap !== 0) {
    const swap = m.swap === -1 ? INFINITY : m.limit !== undefined && m.limit > 0 ? String(m.swap - m.limit) : undefined;
    if (swap !== undefined) out.push(t('MemorySwapMax', swap));
  }
  if (r.pids?.limit !== undefined) out.push(t('TasksMax', r.pids.limit > 0 ? String(r.pids.limit) : INFINITY));
  const c = r.cpu;
  if (c?.shares) out.push(t('CPUWeight', sharesToWeight(c.shares)));
  if (c?.quota !== undefined && c.quota !== 0) {
    const period = c.period || 100000;
    // systemd stores the quota per second in 10 ms steps: round up as runc does.
    let perSec = c.quota > 0 ? Math.trunc((c.quota * 1_000_000) / period) : -1;
    if (perSec > 0 && perSec % 10000 !== 0) perSec = (Math.trunc(perSec / 10000) + 1) * 10000;
    out.push(t('CPUQuotaPerSecUSec', perSec > 0 ? String(perSec) : INFINITY));
  }
  if (opts.quotaPeriod && c?.period) out.push(t('CPUQuotaPeriodUSec', c.period));
  if (c?.cpus) out.push(bits('AllowedCPUs', c.cpus));
  if (c?.mems) out.push(bits('AllowedMemoryNodes', c.mems));
  if (r.blockIO?.weight) out.push(t('IOWeight', blkioWeightToIOWeight(r.blockIO.weight)));
  return out;
}

function bits(name: string, list: string): UnitProperty {
  const bytes = rangeToBytes(list);
  return { name, sig: 'ay', value: [String(bytes.length), ...bytes.map(String)] };
}

/** The properties of a new scope holding `pid` (runc startUnit + systemd.scope(5)). */
export function scopeProperties(description: string, slice: string, pid: number): UnitProperty[] {
  return [
    { name: 'Description', sig: 's', value: [description] },
    { name: 'Slice', sig: 's', value: [slice] },
    // The container manages its own subtree (systemd.resource-control(5) Delegate=).
    { name: 'Delegate', sig: 'b', value: ['true'] },
    { name: 'PIDs', sig: 'au', value: ['1', String(pid)] },
    // Not ordered after basic.target, not stopped at shutdown before the container (runc sets it too).
    { name: 'DefaultDependencies', sig: 'b', value: ['false'] },
    ...['MemoryAccounting', 'CPUAccounting', 'IOAccounting', 'TasksAccounting'].map((name): UnitProperty => ({ name, sig: 'b', value: ['true'] })),
  ];
}

/** busctl's words of an a(sv) argument. */
export function propertyArgs(props: UnitProperty[]): string[] {
  return [String(props.length), ...props.flatMap((p) => [p.name, p.sig, ...p.value])];
}
