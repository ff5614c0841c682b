// Date.prototype.toISOString without V8's date cache: its first use loads ICU's time zone
// (/etc/localtime and the zoneinfo it names), ~0.8 MiB of RSS in every create and run, for a
// string that is UTC anyway. Days to a civil date: H. Hinnant, "chrono-Compatible Low-Level
// Date Algorithms" (civil_from_days).

const pad = (n: number, width = 2): string => String(n).padStart(width, '0');

/** `2026-12-02T18:31:33.314Z` for ms since the epoch (years 0000-9999, as toISOString prints them). */
export function isoTime(ms: number = Date.now()): string {
  const days = Math.floor(ms / 86_400_000);
  const inDay = ms - days * 86_400_000;
  const z = days + 719_468;
  const era = Math.floor(z / 146_097);
  const doe = z - era * 146_097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36_524) - Math.floor(doe / 146_096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const day = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  const year = yoe + era * 400 + (month <= 2 ? 1 : 0);
  const h = Math.floor(inDay / 3_600_000);
  const m = Math.floor((inDay % 3_600_000) / 60_000);
  const s = Math.floor((inDay % 60_000) / 1000);
  return `${pad(year, 4)}-${pad(month)}-${pad(day)}T${pad(h)}:${pad(m)}:${pad(s)}.${pad(inDay % 1000, 3)}Z`;
}
