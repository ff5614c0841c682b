// newuidmap(1)/newgidmap(1) (the uidmap package) write a rootless container's maps of more
// than its own id; they work only when setuid root (or with file capabilities).
import { statSync } from 'node:fs';
import { onPath } from '../facts.js';
import type { HostCheck } from '../types.js';

export function checkNewIdmap(helper: 'newuidmap' | 'newgidmap'): HostCheck {
  const path = onPath(helper);
  if (!path) return { id: helper, verdict: 'missing', detail: `${helper} is not on PATH: containers map only the user's own id`, fix: 'apt-get install uidmap' };
  const st = statSync(path);
  if (st.uid === 0 && st.mode & 0o4000) return { id: helper, verdict: 'ok', detail: `${path} is setuid root` };
  return {
    id: helper,
    verdict: 'missing',
    detail: `${path} is not setuid root (mode ${(st.mode & 0o7777).toString(8)}, owner ${st.uid}); file capabilities are not checked`,
    fix: `chown root ${path} && chmod u+s ${path} (or setcap cap_set${helper === 'newuidmap' ? 'uid' : 'gid'}+ep ${path})`,
  };
}
