// Writes the id maps of a new user namespace (user_namespaces(7)): directly where the kernel
// lets this process, through the setuid newuidmap/newgidmap helpers (uidmap package) otherwise.
import { spawnSync } from './child-process.js';
import { writeFileSync } from 'node:fs';
import { RuntimeError } from '../errors.js';
import { mapText } from '../plan/rootfs.js';
import type { IdMap, Plan } from '../plan/types.js';

/** An unprivileged process may write one line mapping its own id, and nothing else. */
function ownIdOnly(maps: IdMap[], id: number): boolean {
  return maps.length === 1 && maps[0].size === 1 && maps[0].hostID === id;
}

function runHelper(helper: string, pid: number, maps: IdMap[]): void {
  const args = [String(pid), ...maps.flatMap((m) => [m.containerID, m.hostID, m.size].map(String))];
  const r = spawnSync(helper, args, { encoding: 'utf8' });
  if (r.error || r.status !== 0) {
    const why = r.error ? r.error.message : (r.stderr || `exit ${r.status}`).trim();
    throw new RuntimeError(`${helper} ${args.join(' ')}: ${why} (install the uidmap package and give this user ranges in /etc/subuid and /etc/subgid)`);
  }
}

export function writeIdMaps(pid: number, userns: NonNullable<Plan['userns']>, euid: number, egid: number): void {
  const privileged = euid === 0;
  if (privileged || ownIdOnly(userns.gidMappings, egid)) {
    if (userns.denySetgroups) writeFileSync(`/proc/${pid}/setgroups`, 'deny');
    writeFileSync(`/proc/${pid}/gid_map`, mapText(userns.gidMappings));
  } else {
    runHelper('newgidmap', pid, userns.gidMappings);
  }
  if (privileged || ownIdOnly(userns.uidMappings, euid)) {
    writeFileSync(`/proc/${pid}/uid_map`, mapText(userns.uidMappings));
  } else {
    runHelper('newuidmap', pid, userns.uidMappings);
  }
}
