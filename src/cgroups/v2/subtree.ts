// cgroup v2 controllers must be enabled in every ancestor's cgroup.subtree_control for the
// child to get their interface files (cgroup-v2.rst "Enabling and Disabling"). The leaf itself
// keeps its subtree_control empty ("no internal process" rule).
import { dirname, join } from 'node:path';
import type { CgroupIO } from '../types.js';

const words = (s: string): string[] => s.split(/\s+/).filter((w) => w !== '');

/** Ancestors of `dir` inside the cgroup2 mount, top-down (those with cgroup.controllers). */
function ancestors(io: CgroupIO, dir: string): string[] {
  const out: string[] = [];
  for (let d = dirname(dir); io.exists(join(d, 'cgroup.controllers')); d = dirname(d)) {
    out.unshift(d);
    if (dirname(d) === d) break;
  }
  return out;
}

function hasProcesses(io: CgroupIO, dir: string): boolean {
  try {
    return io.read(join(dir, 'cgroup.procs')).trim() !== '';
  } catch {
    return false;
  }
}

/**
 * Enable every available controller down to `dir`. One controller per write, and failures are
 * skipped: a controller that cannot be enabled shows up later as a missing file in apply().
 */
export function enableControllers(io: CgroupIO, dir: string): void {
  for (const [i, a] of ancestors(io, dir).entries()) {
    // A non-root ancestor with processes of its own (e.g. the systemd service tsrun runs in):
    // domain controllers fail EBUSY there, and a threaded one (pids, cpu) that succeeds makes it
    // a thread root, so the container's cgroup turns "domain invalid" and joining it fails
    // EOPNOTSUPP (cgroup-v2.rst "Threads"). Leave it alone; runc (fs2 CreateCgroupPath) then
    // refuses domain controllers too.
    if (i > 0 && hasProcesses(io, a)) continue;
    const available = words(io.read(join(a, 'cgroup.controllers')));
    const enabled = new Set(words(io.read(join(a, 'cgroup.subtree_control'))));
    for (const c of available) {
      if (enabled.has(c)) continue;
      try {
        io.write(join(a, 'cgroup.subtree_control'), `+${c}`);
      } catch {
        // e.g. EBUSY: the ancestor has processes of its own
      }
    }
  }
}
