// The kernel's list format ("0-3,7": cpus, memory nodes; cpuset(7) "List format") → numbers.

/** The sorted, distinct numbers of a list below `limit`, or why it is not one. The empty string is the empty list. */
export function parseNumberList(list: string, limit: number, what: string): number[] | string {
  if (list === '') return [];
  const out = new Set<number>();
  for (const part of list.split(',')) {
    const m = /^(\d+)(?:-(\d+))?$/.exec(part);
    if (!m) return `${JSON.stringify(part)} is not a ${what} number or a range such as 0-3`;
    const [lo, hi] = [Number(m[1]), Number(m[2] ?? m[1])];
    if (hi < lo) return `range ${part} ends before it starts`;
    if (hi >= limit) return `${what} ${hi} is not below ${limit}`;
    for (let n = lo; n <= hi; n++) out.add(n);
  }
  return [...out].sort((a, b) => a - b);
}
