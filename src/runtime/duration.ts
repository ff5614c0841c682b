// runc's `events --interval` is a Go duration ("5s", "250ms", "1m"); a bare number is seconds.
import { UsageError } from '../errors.js';

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

export function parseDurationMs(flag: string, text: string): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(text.trim());
  const ms = m ? Number(m[1]) * UNIT_MS[m[2] ?? 's'] : NaN;
  if (!(ms > 0)) throw new UsageError(`--${flag}: invalid duration ${JSON.stringify(text)} (use e.g. 5s, 250ms, 1m)`);
  return ms;
}
