// linux.namespaces (config-linux.md#namespaces): a user namespace where this user may not
// make one, a time namespace the kernel lacks, a path that names no namespace.
import { existsSync } from 'node:fs';
import type { BundleProblem } from '../types.js';
import { type BundleContext, hostHas, ptr } from './context.js';

export function checkNamespaces(ctx: BundleContext): BundleProblem[] {
  const out: BundleProblem[] = [];
  const section = 'config-linux.md#namespaces';
  (ctx.spec.linux?.namespaces ?? []).forEach((ns, i) => {
    if (ns.path) {
      if (!existsSync(ns.path)) out.push({ pointer: ptr('linux', 'namespaces', i, 'path'), section, reason: `${ns.path} does not exist`, fix: 'name a live namespace (/proc/<pid>/ns/<type>) or drop path to make a new one' });
      return;
    }
    if (ns.type === 'user' && !hostHas(ctx, 'userns')) out.push({ pointer: ptr('linux', 'namespaces', i), section, reason: 'this host does not let this user create user namespaces', fix: ctx.host.find((c) => c.id === 'userns')?.fix ?? '' });
    if (ns.type === 'time' && !hostHas(ctx, 'timens')) out.push({ pointer: ptr('linux', 'namespaces', i), section, reason: 'the kernel has no time namespaces', fix: 'drop the time namespace (and linux.timeOffsets), or a kernel 5.6+ with CONFIG_TIME_NS' });
  });
  return out;
}
