// criu(8) is what checkpoint/restore drive (runc's and tsrun's). `criu check` tells whether its
// kernel checks pass here (Debian's criu 3.17 fails on 6.18: "vdso: Unexpected rt vDSO area
// bounds"); it needs root, as checkpoint does.
import { spawnSync } from 'node:child_process';
import { onPath } from '../facts.js';
import type { HostCheck } from '../types.js';

export function checkCriu(): HostCheck {
  const path = onPath('criu');
  if (!path) return { id: 'criu', verdict: 'missing', detail: 'criu is not on PATH', fix: 'apt-get install criu' };
  if (process.geteuid?.() !== 0) return { id: 'criu', verdict: 'missing', detail: `criu at ${path}; checkpoint/restore need root (criu needs CAP_CHECKPOINT_RESTORE)`, fix: 'run checkpoint/restore as root' };
  const r = spawnSync(path, ['check'], { encoding: 'utf8', timeout: 10_000 });
  if (r.status === 0) return { id: 'criu', verdict: 'ok', detail: `criu at ${path}; criu check passes` };
  const reason = `${r.stderr ?? ''}${r.stdout ?? ''}`.split('\n').find((l) => l.includes('Error')) ?? r.error?.message ?? `exit status ${r.status}`;
  return { id: 'criu', verdict: 'missing', detail: `criu at ${path}; criu check fails: ${reason.trim()}`, fix: 'a kernel and criu version that criu check accepts' };
}
