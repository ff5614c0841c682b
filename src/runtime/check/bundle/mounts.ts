// mounts with idmap/ridmap (config.md#mounts, mount_setattr(2) MOUNT_ATTR_IDMAP): the kernel
// and the source's filesystem must support idmapped mounts.
import { statfsSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { IDMAP_FILESYSTEMS, idmapWorksOn } from '../host/idmap.js';
import type { BundleProblem } from '../types.js';
import { type BundleContext, hostHas, ptr } from './context.js';

function fsName(path: string): string | undefined {
  try {
    const type = statfsSync(path).type;
    return Object.keys(IDMAP_FILESYSTEMS).find((fs) => IDMAP_FILESYSTEMS[fs].magic === type);
  } catch {
    return undefined;
  }
}

export function checkIdmapMounts(ctx: BundleContext): BundleProblem[] {
  const out: BundleProblem[] = [];
  (ctx.spec.mounts ?? []).forEach((m, i) => {
    const idmapped = (m.options ?? []).some((o) => o === 'idmap' || o === 'ridmap') || !!m.uidMappings;
    if (!idmapped) return;
    const section = 'config.md#mounts';
    if (!hostHas(ctx, 'idmap')) {
      out.push({ pointer: ptr('mounts', i), section, reason: 'the kernel has no idmapped mounts (5.12)', fix: 'drop idmap/ridmap and the mount uidMappings, or a kernel 5.12+' });
      return;
    }
    if (!m.source) return;
    const source = isAbsolute(m.source) ? m.source : join(ctx.bundle, m.source);
    const fs = fsName(source);
    // Only a filesystem we know the support of is judged; others are left to the kernel.
    if (fs && !idmapWorksOn(fs)) out.push({ pointer: ptr('mounts', i), section, reason: `${source} is on ${fs}, which has idmapped mounts only from ${IDMAP_FILESYSTEMS[fs].since.join('.')}`, fix: 'a source on another filesystem, or drop idmap' });
  });
  return out;
}
