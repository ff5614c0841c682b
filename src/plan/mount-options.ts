// mount(8) options → mount(2) flags (config.md#mounts: options are those of mount(8);
// anything that is not a flag is passed to the filesystem as data).
import { MS } from './constants.js';

const SET: Record<string, number> = {
  ro: MS.RDONLY, nosuid: MS.NOSUID, nodev: MS.NODEV, noexec: MS.NOEXEC, sync: MS.SYNCHRONOUS,
  remount: MS.REMOUNT, mand: MS.MANDLOCK, dirsync: MS.DIRSYNC, nosymfollow: MS.NOSYMFOLLOW,
  noatime: MS.NOATIME, nodiratime: MS.NODIRATIME, bind: MS.BIND, rbind: MS.BIND | MS.REC,
  relatime: MS.RELATIME, strictatime: MS.STRICTATIME, lazytime: MS.LAZYTIME, silent: 32768,
};

const CLEAR: Record<string, number> = {
  rw: MS.RDONLY, suid: MS.NOSUID, dev: MS.NODEV, exec: MS.NOEXEC, async: MS.SYNCHRONOUS,
  nomand: MS.MANDLOCK, atime: MS.NOATIME, diratime: MS.NODIRATIME, norelatime: MS.RELATIME,
  nostrictatime: MS.STRICTATIME, nolazytime: MS.LAZYTIME, symfollow: MS.NOSYMFOLLOW, loud: 32768,
  defaults: 0,
};

const PROPAGATION: Record<string, number> = {
  private: MS.PRIVATE, rprivate: MS.PRIVATE | MS.REC, shared: MS.SHARED, rshared: MS.SHARED | MS.REC,
  slave: MS.SLAVE, rslave: MS.SLAVE | MS.REC, unbindable: MS.UNBINDABLE, runbindable: MS.UNBINDABLE | MS.REC,
};

/** Options tsrun knows of but does not implement yet: refused, never ignored. */
const NOT_YET = new Set(['idmap', 'ridmap', 'recursive-ro', 'rro']);
/** runc's extensions that are steps, not mount(2) flags or data. */
const EXTENSIONS = new Set(['tmpcopyup']);

export interface ParsedMountOptions {
  flags: number;
  propagation: number;
  data: string;
  unsupported: string[];
  /** tmpcopyup: fill a new tmpfs with what its destination held (runc, podman --read-only). */
  tmpcopyup: boolean;
}

export function parseMountOptions(options: readonly string[]): ParsedMountOptions {
  let flags = 0;
  let propagation = 0;
  const data: string[] = [];
  const unsupported: string[] = [];
  for (const option of options) {
    if (option in SET) flags |= SET[option];
    else if (option in CLEAR) flags &= ~CLEAR[option];
    else if (option in PROPAGATION) propagation |= PROPAGATION[option];
    else if (NOT_YET.has(option)) unsupported.push(option);
    else if (EXTENSIONS.has(option)) continue;
    else data.push(option);
  }
  return { flags, propagation, data: data.join(','), unsupported, tmpcopyup: options.includes('tmpcopyup') };
}

export function propagationFlags(name: string): number | undefined {
  return PROPAGATION[name];
}

/** Every option name parseMountOptions turns into flags (for `tsrun features`). */
export const RECOGNIZED_MOUNT_OPTIONS: readonly string[] = [...Object.keys(SET), ...Object.keys(CLEAR), ...Object.keys(PROPAGATION), ...EXTENSIONS].sort();
