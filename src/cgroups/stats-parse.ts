// Parsers for the cgroup file formats (cgroup-v2.rst "Interface Files / Conventions"):
// single values, flat keyed ("key value" lines), nested keyed ("dev key=value ...").
import type { BlkioEntry, CgroupStats, StatsEntry } from './types.js';

/** A single value; "max" is reported as 0 ("no limit"), runc prints MaxUint64 as well. */
export function single(text: string | undefined): number {
  if (text === undefined) return 0;
  const s = text.trim();
  if (s === 'max' || s === '') return 0;
  const n = Number(s);
  return Number.isFinite(n) ? n : 0;
}

export function flatKeyed(text: string | undefined): Record<string, number> {
  const out: Record<string, number> = {};
  for (const line of (text ?? '').split('\n')) {
    const [k, v] = line.trim().split(/\s+/);
    if (k && v !== undefined && Number.isFinite(Number(v))) out[k] = Number(v);
  }
  return out;
}

/** Space-separated numbers (cpuacct.usage_percpu). */
export const numberList = (text: string | undefined): number[] =>
  (text ?? '')
    .trim()
    .split(/\s+/)
    .filter((s) => s !== '')
    .map(Number);

/** v1 blkio "MAJ:MIN Op value" lines, without the "Total" line. */
export function blkioV1Lines(text: string | undefined): BlkioEntry[] {
  const out: BlkioEntry[] = [];
  for (const line of (text ?? '').split('\n')) {
    const m = /^(\d+):(\d+)\s+(\w+)\s+(\d+)$/.exec(line.trim());
    if (m) out.push({ major: Number(m[1]), minor: Number(m[2]), op: m[3], value: Number(m[4]) });
  }
  return out;
}

/** v2 io.stat "MAJ:MIN rbytes=.. wbytes=.. rios=.. wios=.." into runc's v1-shaped lists. */
export function ioStat(text: string | undefined): CgroupStats['blkio'] {
  const bytes: BlkioEntry[] = [];
  const ios: BlkioEntry[] = [];
  for (const line of (text ?? '').split('\n')) {
    const [dev, ...kvs] = line.trim().split(/\s+/);
    const m = /^(\d+):(\d+)$/.exec(dev ?? '');
    if (!m) continue;
    const [major, minor] = [Number(m[1]), Number(m[2])];
    const kv = Object.fromEntries(kvs.map((s) => s.split('=')).map(([k, v]) => [k, Number(v)]));
    const push = (list: BlkioEntry[], op: string, v: number | undefined): void => {
      if (v !== undefined) list.push({ major, minor, op, value: v });
    };
    push(bytes, 'Read', kv.rbytes);
    push(bytes, 'Write', kv.wbytes);
    push(ios, 'Read', kv.rios);
    push(ios, 'Write', kv.wios);
  }
  return { ioServiceBytesRecursive: bytes, ioServicedRecursive: ios };
}

export const emptyEntry = (): StatsEntry => ({ usage: 0, max: 0, failcnt: 0, limit: 0 });

export function emptyStats(): CgroupStats {
  return {
    cpu: { usage: { total: 0, kernel: 0, user: 0 }, throttling: { periods: 0, throttled_periods: 0, throttled_time: 0 } },
    memory: { cache: 0, usage: emptyEntry(), swap: emptyEntry(), kernel: emptyEntry(), kernelTCP: emptyEntry(), raw: {} },
    pids: { current: 0, limit: 0 },
    blkio: { ioServiceBytesRecursive: [], ioServicedRecursive: [] },
    hugetlb: {},
  };
}
