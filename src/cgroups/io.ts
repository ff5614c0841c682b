// File operations on the real cgroup filesystem (Node opens every fd O_CLOEXEC) (kernel Documentation/admin-guide/cgroup-v2.rst,
// "Interface Files"): each value is written with a single write(2); files are never created.
// The opens, writes, mkdirs and rmdirs every create and delete makes are the addon's (Node's fs
// functions would be compiled anew at every start).
import { accessSync, constants, readdirSync, readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { attachDeviceProgram, closeFd, makeDir, openFile, pathExists, removeDir, writeFd } from '../native/index.js';
import { sleepSync } from '../sleep.js';
import type { CgroupIO } from './types.js';

export const realCgroupIO: CgroupIO = {
  read: (path) => readFileSync(path, 'utf8'),
  write(path, value) {
    const fd = openFile(path, constants.O_WRONLY | constants.O_TRUNC);
    try {
      writeFd(fd, value, path);
    } finally {
      closeFd(fd);
    }
  },
  exists: pathExists,
  mkdirp,
  rmdir: removeDir,
  subdirs: (path) =>
    readdirSync(path, { withFileTypes: true })
      .filter((d) => d.isDirectory())
      .map((d) => d.name),
  files: (path) =>
    readdirSync(path, { withFileTypes: true })
      .filter((d) => d.isFile())
      .map((d) => d.name),
  writable(path) {
    try {
      accessSync(path, constants.W_OK);
      return true;
    } catch {
      return false;
    }
  },
  sleep: sleepSync,
  attachDeviceProgram,
};

/** mkdir -p (fs.mkdirSync's recursive: true): the missing directories from the top down. */
function mkdirp(path: string): void {
  try {
    makeDir(path, 0o777);
  } catch (err) {
    if (errCode(err) === 'EEXIST') return;
    if (errCode(err) !== 'ENOENT' || dirname(path) === path) throw err;
    mkdirp(dirname(path));
    mkdirp(path);
  }
}

/** errno code of a Node fs error ('ENOENT', 'EINVAL', ...), or the message. */
export function errCode(err: unknown): string {
  if (err && typeof err === 'object' && 'code' in err && typeof err.code === 'string') return err.code;
  return err instanceof Error ? err.message : String(err);
}
