// mount(8) options → mount(2) flags (config.md#mounts: options are those of mount(8);
// anything that is not a flag is passed to the filesystem as data).
import { MOUNT_ATTR, MS } from './constants.js';

const SET: Record<string, number> = {
  ro: MS.RDONLY, nosuid: MS.NOSUID, nodev: MS.NODEV, noexec: MS.NOEXEC, sync: MS.SYNCHRONOUS,
  remount: MS.REMOUNT, mand: MS.MANDLOCK, dirsync: MS.DIRSYNC, nosymfollow: MS.NOSYMFOLLOW,
  noatime: MS.NOATIME, nodiratime: MS.NODIRATIME, bind: MS.BIND, rbind: MS.BIND | MS.REC,
  relatime: MS.RELATIME, strictatime: MS.STRICTATIME, lazytime: MS.LAZYTIME, iversion: MS.I_VERSION,
  silent: MS.SILENT,
};

const CLEAR: Record<string, number> = {
  rw: MS.RDONLY, suid: MS.NOSUID, dev: MS.NODEV, exec: MS.NOEXEC, async: MS.SYNCHRONOUS,
  nomand: MS.MANDLOCK, atime: MS.NOATIME, diratime: MS.NODIRATIME, norelatime: MS.RELATIME,
  nostrictatime: MS.STRICTATIME, nolazytime: MS.LAZYTIME, symfollow: MS.NOSYMFOLLOW,
  noiversion: MS.I_VERSION, loud: MS.SILENT, defaults: 0,
};

const PROPAGATION: Record<string, number> = {
  private: MS.PRIVATE, rprivate: MS.PRIVATE | MS.REC, shared: MS.SHARED, rshared: MS.SHARED | MS.REC,
  slave: MS.SLAVE, rslave: MS.SLAVE | MS.REC, unbindable: MS.UNBINDABLE, runbindable: MS.UNBINDABLE | MS.REC,
};

/**
 * The AT_RECURSIVE options of config.md#mounts (footnote 3), as runc maps them: [set?, attr].
 * An atime value is one field of the attributes, not a bit, so setting one also clears the
 * field (mount_setattr(2): "must also include MOUNT_ATTR__ATIME in attr_clr").
 */
const RECURSIVE: Record<string, [set: boolean, attr: number]> = {
  rro: [true, MOUNT_ATTR.RDONLY], rrw: [false, MOUNT_ATTR.RDONLY],
  rnosuid: [true, MOUNT_ATTR.NOSUID], rsuid: [false, MOUNT_ATTR.NOSUID],
  rnodev: [true, MOUNT_ATTR.NODEV], rdev: [false, MOUNT_ATTR.NODEV],
  rnoexec: [true, MOUNT_ATTR.NOEXEC], rexec: [false, MOUNT_ATTR.NOEXEC],
  rnodiratime: [true, MOUNT_ATTR.NODIRATIME], rdiratime: [false, MOUNT_ATTR.NODIRATIME],
  rrelatime: [true, MOUNT_ATTR.RELATIME], rnorelatime: [false, MOUNT_ATTR.RELATIME],
  rnoatime: [true, MOUNT_ATTR.NOATIME], ratime: [false, MOUNT_ATTR.NOATIME],
  rstrictatime: [true, MOUNT_ATTR.STRICTATIME], rnostrictatime: [false, MOUNT_ATTR.STRICTATIME],
  rnosymfollow: [true, MOUNT_ATTR.NOSYMFOLLOW], rsymfollow: [false, MOUNT_ATTR.NOSYMFOLLOW],
};

/** Options that are not handed to mount(2) but change how the mount is made. */
const EXTENSIONS = new Set(['tmpcopyup', 'idmap', 'ridmap']);

export interface ParsedMountOptions {
  /** MS_* flags for mount(2). */
  flags: number;
  /** MS_* flags the options explicitly cleared ("rw", "suid", ...): never re-added from a locked source. */
  cleared: number;
  /** MS_SHARED|MS_SLAVE|MS_PRIVATE|MS_UNBINDABLE (maybe |MS_REC) for a separate mount(2) call; the last option given. */
  propagation: number;
  /** MOUNT_ATTR_* to set and clear recursively with mount_setattr(2) (the r* options). */
  recursiveSet: number;
  recursiveClear: number;
  /** tmpcopyup, idmap, ridmap. */
  extensions: Set<string>;
  /** Filesystem-specific options, comma separated. */
  data: string;
}

export function parseMountOptions(options: readonly string[]): ParsedMountOptions {
  const out: ParsedMountOptions = { flags: 0, cleared: 0, propagation: 0, recursiveSet: 0, recursiveClear: 0, extensions: new Set(), data: '' };
  const data: string[] = [];
  for (const option of options) {
    if (option in SET) {
      out.flags |= SET[option];
      out.cleared &= ~SET[option];
    } else if (option in CLEAR) {
      out.flags &= ~CLEAR[option];
      out.cleared |= CLEAR[option];
    } else if (option in PROPAGATION) {
      // mount(2) takes one propagation type a call: the last option given wins.
      out.propagation = PROPAGATION[option];
    }
    else if (option in RECURSIVE) {
      const [set, attr] = RECURSIVE[option];
      if (set) {
        const atime = (attr & MOUNT_ATTR._ATIME) === attr;
        // One atime mode at a time: the last wins.
        if (atime) out.recursiveSet &= ~MOUNT_ATTR._ATIME;
        out.recursiveSet |= attr;
        out.recursiveClear &= ~attr;
        if (atime) out.recursiveClear |= MOUNT_ATTR._ATIME;
      } else {
        out.recursiveClear |= attr;
        out.recursiveSet &= ~attr;
      }
    } else if (EXTENSIONS.has(option)) out.extensions.add(option);
    else data.push(option);
  }
  out.data = data.join(',');
  return out;
}

export function propagationFlags(name: string): number | undefined {
  return PROPAGATION[name];
}

/** Every option name parseMountOptions recognizes (for `tsrun features`). */
export const RECOGNIZED_MOUNT_OPTIONS: readonly string[] = [
  ...Object.keys(SET), ...Object.keys(CLEAR), ...Object.keys(PROPAGATION), ...Object.keys(RECURSIVE), ...EXTENSIONS,
].sort();
