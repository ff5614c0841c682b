// subuid(5)/subgid(5): the ranges newuidmap/newgidmap let this user map beyond its own id.
// Without one a rootless container maps only the user itself (one id).
import { subidRanges, subjectUser } from '../facts.js';
import type { HostCheck } from '../types.js';

export function checkSubid(kind: 'uid' | 'gid'): HostCheck {
  const user = subjectUser();
  const file = `/etc/sub${kind}`;
  const ranges = subidRanges(file, user);
  const id = `sub${kind}`;
  if (ranges.length > 0) return { id, verdict: 'ok', detail: `${file}: ${user.name} has ${ranges.map((r) => `${r.start}-${r.start + r.count - 1}`).join(', ')}` };
  return {
    id,
    verdict: 'missing',
    detail: `${file}: no range for ${user.name}: containers map only ${kind} ${kind === 'uid' ? user.uid : user.gid}`,
    fix: `usermod --add-sub${kind}s 100000-165535 ${user.name}`,
  };
}
