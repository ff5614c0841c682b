// A container without its own mount namespace mounts in the runtime's: the init binds the rootfs
// onto itself and mounts the config's mounts below it, there (runc's prepareRootfs, then chroot).
// runc 1.1 leaves all of it behind after delete; tsrun records which mount is the container's
// and detaches it (and so everything below it) when the container is deleted or its create fails.
import { readFileSync, readlinkSync, realpathSync } from 'node:fs';
import { unmountDetach } from '../native/index.js';

/**
 * Where the container's rootfs bind is in the runtime's mount namespace (state.json, from before
 * the init runs, so that delete finds it after a create that died half-way).
 */
export interface HostRootfsMount {
  /** readlink /proc/self/ns/mnt of the runtime that created it: another namespace is not touched. */
  mountNs: string;
  /** The rootfs as mountinfo shows it (symlinks resolved). */
  path: string;
  /** The topmost mount at path before create, if one was there: anything newer on top is the bind. */
  topBefore?: number;
  /** The bind's mount ID (proc(5) mountinfo field 1), once the init has made its mounts. */
  mountId?: number;
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

/** Before the init runs. */
export function hostRootfsBefore(rootfs: string): HostRootfsMount {
  let path = rootfs;
  try {
    path = realpathSync(rootfs);
  } catch {
    /* a missing rootfs fails the init's bind: nothing will be mounted there */
  }
  return { mountNs: readlinkSync('/proc/self/ns/mnt'), path, topBefore: topMountAt(path) };
}

/** The container's bind now: the new top mount at its path, if the init has made it. */
function currentBind(m: HostRootfsMount): number | undefined {
  const top = topMountAt(m.path);
  if (m.mountId !== undefined) return top === m.mountId ? top : undefined;
  return top !== m.topBefore ? top : undefined;
}

/** After the init made its mounts: the record with the bind's mount ID. */
export function withBindId(m: HostRootfsMount): HostRootfsMount {
  return { ...m, mountId: currentBind(m) };
}

/**
 * Detach the container's rootfs bind (and everything below it), if this process is in the
 * namespace it was made in and it is still the top mount at its path (a mount stacked on it
 * later is somebody else's: left).
 */
export function unmountHostRootfs(m: HostRootfsMount): void {
  if (readlinkSync('/proc/self/ns/mnt') !== m.mountNs || currentBind(m) === undefined) return;
  unmountDetach(m.path, `unmount the container's rootfs ${m.path}`);
}
