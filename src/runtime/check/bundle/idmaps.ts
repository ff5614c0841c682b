// A rootless container's uid/gid mappings (config-linux.md#user-namespace-mappings): past its
// own id, newuidmap/newgidmap must be setuid and /etc/subuid, /etc/subgid must cover each range.
import type { IdMapping } from '../../../spec/types.js';
import { subidRanges, subjectUser } from '../facts.js';
import type { BundleProblem } from '../types.js';
import { type BundleContext, hostHas, ptr } from './context.js';

function checkKind(ctx: BundleContext, kind: 'uid' | 'gid', maps: IdMapping[]): BundleProblem[] {
  const user = subjectUser();
  const own = kind === 'uid' ? user.uid : user.gid;
  if (maps.length === 1 && maps[0].size === 1 && maps[0].hostID === own) return []; // written directly
  const field = kind === 'uid' ? 'uidMappings' : 'gidMappings';
  const helper = kind === 'uid' ? 'newuidmap' : 'newgidmap';
  const section = 'config-linux.md#user-namespace-mappings';
  if (!hostHas(ctx, helper)) return [{ pointer: ptr('linux', field), section, reason: `mapping more than ${kind} ${own} needs ${helper}, which does not work here`, fix: ctx.host.find((c) => c.id === helper)?.fix ?? '' }];
  const ranges = subidRanges(`/etc/sub${kind}`, user);
  const out: BundleProblem[] = [];
  maps.forEach((m, i) => {
    const covered = (m.hostID === own && m.size === 1) || ranges.some((r) => m.hostID >= r.start && m.hostID + m.size <= r.start + r.count);
    if (!covered) {
      out.push({
        pointer: ptr('linux', field, i),
        section,
        reason: `host ${kind}s ${m.hostID}-${m.hostID + m.size - 1} are neither ${user.name}'s own ${kind} nor in its /etc/sub${kind} ranges (${ranges.map((r) => `${r.start}-${r.start + r.count - 1}`).join(', ') || 'none'})`,
        fix: `usermod --add-sub${kind}s ${m.hostID}-${m.hostID + m.size - 1} ${user.name}, or map only ${kind} ${own}`,
      });
    }
  });
  return out;
}

export function checkIdMappings(ctx: BundleContext): BundleProblem[] {
  if (!ctx.rootless || !ctx.spec.linux?.namespaces?.some((n) => n.type === 'user' && !n.path)) return [];
  return [...checkKind(ctx, 'uid', ctx.spec.linux.uidMappings ?? []), ...checkKind(ctx, 'gid', ctx.spec.linux.gidMappings ?? [])];
}
