// criu(8) is what checkpoint/restore drive (runc's and tsrun's); tsrun's are not yet shown to work
// on a real container (the dump of a container's stdio fails), so the verdict stays 'missing'.
import { onPath } from '../facts.js';
import type { HostCheck } from '../types.js';

export function checkCriu(): HostCheck {
  const path = onPath('criu');
  const found = path ? `criu at ${path}` : 'criu is not on PATH';
  return { id: 'criu', verdict: 'missing', detail: `${found}; tsrun checkpoint/restore are experimental (not yet shown working)`, fix: path ? 'use runc checkpoint for now' : 'apt-get install criu, for runc checkpoint' };
}
