// The text form of a check report: one line a check, one a problem, the fix indented below.
import type { CheckReport } from './types.js';

const MARK = { ok: 'ok     ', missing: 'missing', fail: 'FAIL   ' } as const;

export function formatReport(r: CheckReport): string {
  const lines = [`host (${r.rootless ? 'rootless' : 'root'}):`];
  for (const c of r.host) {
    lines.push(`  ${MARK[c.verdict]} ${c.id}: ${c.detail}`);
    if (c.fix && c.verdict !== 'ok') lines.push(`          fix: ${c.fix}`);
  }
  if (r.bundle) {
    const n = r.bundle.problems.length;
    lines.push(`bundle ${r.bundle.path}: ${n === 0 ? 'would run' : `${n} problem${n > 1 ? 's' : ''}: create would fail`}`);
    for (const p of r.bundle.problems) {
      lines.push(`  FAIL    ${p.pointer || '/'}: ${p.reason} (${p.section})`);
      lines.push(`          fix: ${p.fix}`);
    }
  }
  lines.push(r.ok ? 'ok' : 'not ok');
  return lines.join('\n') + '\n';
}
