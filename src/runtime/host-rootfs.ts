// A container without its own mount namespace mounts in the runtime's: the init binds the rootfs
// onto itself and mounts the config's mounts below it, there (runc's prepareRootfs, then chroot).
// runc 1.1 leaves all of it behind after delete; tsrun records which mount is the container's
// and detaches it (and so everything below it) when the container is deleted or its create fails.
import { readFileSync, readlinkSync, realpathSync } from 'node:fs';
import { unmountDetach } from '../native/index.js';

/** The container's rootfs bind in the runtime's mount namespace (state.json). */
export interface HostRootfsMount {
  /** readlink /proc/self/ns/mnt of the runtime that created it: another namespace is not touched. */
  mountNs: string;
  /** The rootfs as mountinfo shows it (symlinks resolved). */
  path: string;
  /** Its mount ID (proc(5) mountinfo field 1). */
  mountId: number;
}

/** Before the init runs: where its rootfs bind will be, and what is on top there now. */
export interface HostRootfsBefore {
  mountNs: string;
  path: string;
  /** The topmost mount at path before create, if one is there. */
  topBefore: number | undefined;
}

/** proc(5): the mount point field escapes space, tab, newline and backslash as \ooo. */
const unescape = (s: string): string => s.replace(/\\([0-7]{3})/g, (_, o: string) => String.fromCharCode(parseInt(o, 8)));

/** The ID of the topmost mount at `path` in this process's mount namespace (none: undefined). */
export function topMountAt(path: string): number | undefined {
  const at = readFileSync('/proc/self/mountinfo', 'utf8')
    .split('\n')
    .map((line) => line.split(' '))
    .filter((f) => f.length > 5 && unescape(f[4]) === path)
    .map((f) => ({ id: Number(f[0]), parent: Number(f[1]) }));
  // Stacked mounts at one point: the top one is no other's parent.
  return at.find((m) => !at.some((o) => o.parent === m.id))?.id;
}

export function hostRootfsBefore(rootfs: string): HostRootfsBefore {
  const path = realpathSync(rootfs);
  return { mountNs: readlinkSync('/proc/self/ns/mnt'), path, topBefore: topMountAt(path) };
}

/** After the init made its mounts: the container's rootfs bind, the new top mount at its path. */
export function hostRootfsMount(before: HostRootfsBefore): HostRootfsMount | undefined {
  const top = topMountAt(before.path);
  return top !== undefined && top !== before.topBefore ? { mountNs: before.mountNs, path: before.path, mountId: top } : undefined;
}

/**
 * Detach the container's rootfs bind, if this process is in the namespace it was made in and it
 * is still the top mount at its path (a mount stacked on it later is somebody else's: left).
 */
export function unmountHostRootfs(m: HostRootfsMount): void {
  if (readlinkSync('/proc/self/ns/mnt') !== m.mountNs || topMountAt(m.path) !== m.mountId) return;
  unmountDetach(m.path, `unmount the container's rootfs ${m.path}`);
}
