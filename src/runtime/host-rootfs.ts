// A container without its own mount namespace mounts in the runtime's: the init binds the rootfs
// onto itself and mounts the config's mounts below it, there (runc's prepareRootfs, then chroot).
// runc 1.1 leaves all of it behind after delete; tsrun records which mount is the container's
// and detaches it (and so everything below it) when the container is deleted or its create fails.
import { readFileSync, readlinkSync, realpathSync } from 'node:fs';
import { unmountDetach } from '../native/index.js';
import { unescapeMountField } from '../mountinfo-field.js';

/**
 * Where the container's rootfs bind is in the runtime's mount namespace (state.json, from before
 * the init runs, so that delete finds it after a create that died half-way).
 */
export interface HostRootfsMount {
  /** readlink /proc/self/ns/mnt of the runtime that created it: another namespace is not touched. */
  mountNs: string;
  /** The rootfs as mountinfo shows it (symlinks resolved). */
  path: string;
  /** The mount path was on before create (at it or above it): the bind is mounted on that one. */
  below?: number;
  /** The bind's mount ID (proc(5) mountinfo field 1), once the init has made its mounts. */
  mountId?: number;
}

interface MountEntry {
  id: number;
  parent: number;
  point: string;
}


function mountinfo(): MountEntry[] {
  return readFileSync('/proc/self/mountinfo', 'utf8')
    .split('\n')
    .map((line) => line.split(' '))
    .filter((f) => f.length > 5)
    .map((f) => ({ id: Number(f[0]), parent: Number(f[1]), point: unescapeMountField(f[4]) }));
}

/** The topmost mount at `point`: of stacked mounts there, the one that is no other's parent. */
function topAt(mounts: MountEntry[], point: string): MountEntry | undefined {
  const at = mounts.filter((m) => m.point === point);
  return at.find((m) => !at.some((o) => o.parent === m.id));
}

/** The mount `path` is on: the topmost at the longest mount point at or above it. */
function mountOf(mounts: MountEntry[], path: string): MountEntry | undefined {
  const above = (p: string) => p === '/' || p === path || path.startsWith(p + '/');
  const point = mounts.map((m) => m.point).filter(above).sort((a, b) => b.length - a.length)[0];
  return point === undefined ? undefined : topAt(mounts, point);
}

/** Before the init runs. */
export function hostRootfsBefore(rootfs: string): HostRootfsMount {
  let path = rootfs;
  try {
    path = realpathSync(rootfs);
  } catch {
    /* a missing rootfs fails the init's bind: nothing will be mounted there */
  }
  return { mountNs: readlinkSync('/proc/self/ns/mnt'), path, below: mountOf(mountinfo(), path)?.id };
}

/**
 * The container's bind now: the top mount at its path, mounted on the one that was there before
 * (and, once known, with its ID). Namespace inodes and mount IDs are reused once freed: the
 * three together tell a later namespace's mount from this one.
 */
function currentBind(m: HostRootfsMount): number | undefined {
  const top = topAt(mountinfo(), m.path);
  if (!top || top.parent !== m.below) return undefined;
  return m.mountId === undefined || top.id === m.mountId ? top.id : undefined;
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
