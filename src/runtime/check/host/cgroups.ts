// The cgroup layout (cgroups(7); v1, hybrid, v2) and its controllers, as create sees them
// (cgroups/layout.ts).
import { readText } from '../facts.js';
import type { HostCgroups } from '../../../cgroups/types.js';
import type { HostCheck } from '../types.js';
import type { CheckContext } from './context.js';

/** Controllers of the host: v1 hierarchies' names, or the v2 root's cgroup.controllers. */
export function hostControllers(h: HostCgroups): string[] {
  if (h.mode === 'unified') return (readText(`${h.unified!.mountpoint}/cgroup.controllers`) ?? '').trim().split(/\s+/).filter(Boolean);
  return Object.keys(h.v1).flatMap((k) => k.split(',')).filter((c) => !c.startsWith('name='));
}

export function checkCgroupLayout(ctx: CheckContext): HostCheck {
  const h = ctx.cgroups;
  const layout = h.mode === 'unified' ? `v2 at ${h.unified!.mountpoint}` : h.mode === 'hybrid' ? `v1 hybrid (controllers in v1, an empty cgroup2 at ${h.unified!.mountpoint})` : 'v1';
  return { id: 'cgroup.layout', verdict: 'ok', detail: `cgroup ${layout}; controllers: ${hostControllers(h).sort().join(' ') || 'none'}` };
}
