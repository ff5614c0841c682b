// Idmapped mounts (mount_setattr(2) MOUNT_ATTR_IDMAP, 5.12) are per filesystem: each gained
// support in its own release (the kernel's FS_ALLOW_IDMAP flags).
import { kernelAtLeast, kernelText, readText } from '../facts.js';
import type { HostCheck } from '../types.js';

/** Filesystem → first kernel with idmapped mounts on it; statfs(2) f_type magic too. */
export const IDMAP_FILESYSTEMS: Record<string, { since: [number, number]; magic: number }> = {
  ext4: { since: [5, 12], magic: 0xef53 },
  xfs: { since: [5, 12], magic: 0x58465342 },
  vfat: { since: [5, 12], magic: 0x4d44 },
  btrfs: { since: [5, 15], magic: 0x9123683e },
  overlay: { since: [5, 19], magic: 0x794c7630 },
  tmpfs: { since: [6, 3], magic: 0x01021994 },
};

export const idmapWorksOn = (fs: string): boolean => {
  const e = IDMAP_FILESYSTEMS[fs];
  return !!e && kernelAtLeast(...e.since);
};

export function checkIdmap(): HostCheck {
  if (!kernelAtLeast(5, 12)) {
    return { id: 'idmap', verdict: 'missing', detail: `kernel ${kernelText()} has no idmapped mounts (5.12): mounts with idmap/ridmap fail`, fix: 'a kernel 5.12 or later' };
  }
  const present = new Set((readText('/proc/filesystems') ?? '').split('\n').map((l) => l.trim().split(/\s+/).pop()!));
  const on = Object.keys(IDMAP_FILESYSTEMS).filter((fs) => (present.has(fs) || fs === 'vfat') && idmapWorksOn(fs));
  return { id: 'idmap', verdict: 'ok', detail: `idmapped mounts on ${on.join(' ')} (kernel ${kernelText()})` };
}
