// `update` flags (runc's names) → LinuxResources. Byte sizes take k/m/g/t suffixes (powers of 1024), -1 is unlimited.
import { UsageError } from '../errors.js';
import type { LinuxResources } from '../spec/types.js';

export interface UpdateFlags {
  memory?: string;
  'memory-swap'?: string;
  'memory-reservation'?: string;
  'kernel-memory'?: string;
  'kernel-memory-tcp'?: string;
  'cpu-shares'?: number;
  'cpu-quota'?: number;
  'cpu-period'?: number;
  'cpu-burst'?: number;
  'cpu-rt-runtime'?: number;
  'cpu-rt-period'?: number;
  'cpu-idle'?: number;
  'cpuset-cpus'?: string;
  'cpuset-mems'?: string;
  'pids-limit'?: number;
  'blkio-weight'?: number;
}

export function parseBytes(flag: string, text: string): number {
  if (text.trim() === '-1') return -1;
  const m = /^(\d+(?:\.\d+)?)\s*([kmgt]?)i?b?$/i.exec(text.trim());
  if (!m) throw new UsageError(`--${flag}: invalid size ${JSON.stringify(text)} (use e.g. 512m, 1g, or -1)`);
  const mult = { '': 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3, t: 1024 ** 4 }[m[2].toLowerCase() as '' | 'k' | 'm' | 'g' | 't'];
  return Math.trunc(Number(m[1]) * mult);
}

/** Only the flags given; `base` (from --resources) is overridden field by field. */
export function resourcesFromFlags(f: UpdateFlags, base: LinuxResources = {}): LinuxResources {
  const r: LinuxResources = structuredClone(base);
  const bytes = (k: keyof UpdateFlags): number | undefined => (typeof f[k] === 'string' ? parseBytes(k, f[k] as string) : undefined);
  const memory = { limit: bytes('memory'), swap: bytes('memory-swap'), reservation: bytes('memory-reservation'), kernel: bytes('kernel-memory'), kernelTCP: bytes('kernel-memory-tcp') };
  const cpu = {
    shares: f['cpu-shares'],
    quota: f['cpu-quota'],
    period: f['cpu-period'],
    burst: f['cpu-burst'],
    realtimeRuntime: f['cpu-rt-runtime'],
    realtimePeriod: f['cpu-rt-period'],
    idle: f['cpu-idle'],
    cpus: f['cpuset-cpus'],
    mems: f['cpuset-mems'],
  };
  const defined = <T extends object>(o: T): Partial<T> => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
  if (Object.keys(defined(memory)).length > 0) r.memory = { ...r.memory, ...defined(memory) };
  if (Object.keys(defined(cpu)).length > 0) r.cpu = { ...r.cpu, ...defined(cpu) };
  if (f['pids-limit'] !== undefined) r.pids = { limit: f['pids-limit'] };
  if (f['blkio-weight'] !== undefined) r.blockIO = { ...r.blockIO, weight: f['blkio-weight'] };
  return r;
}
