// criu(8) is what runc checkpoint/restore drive; tsrun has neither command yet.
import { onPath } from '../facts.js';
import type { HostCheck } from '../types.js';

export function checkCriu(): HostCheck {
  const path = onPath('criu');
  const found = path ? `criu at ${path}` : 'criu is not on PATH';
  return { id: 'criu', verdict: 'missing', detail: `${found}; tsrun has no checkpoint/restore`, fix: path ? 'none in tsrun yet (runc checkpoint)' : 'apt-get install criu, for runc checkpoint' };
}
