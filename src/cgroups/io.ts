// File operations on the real cgroup filesystem (Node opens every fd O_CLOEXEC) (kernel Documentation/admin-guide/cgroup-v2.rst,
// "Interface Files"): each value is written with a single write(2); files are never created.
import { accessSync, closeSync, constants, existsSync, mkdirSync, openSync, readdirSync, readFileSync, rmdirSync, writeSync } from 'node:fs';
import { attachDeviceProgram } from '../native/index.js';
import { sleepSync } from '../sleep.js';
import type { CgroupIO } from './types.js';

export const realCgroupIO: CgroupIO = {
  read: (path) => readFileSync(path, 'utf8'),
  write(path, value) {
    const fd = openSync(path, constants.O_WRONLY | constants.O_TRUNC);
    try {
      writeSync(fd, value);
    } finally {
      closeSync(fd);
    }
  },
  exists: (path) => existsSync(path),
  mkdirp: (path) => void mkdirSync(path, { recursive: true }),
  rmdir: (path) => rmdirSync(path),
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

/** errno code of a Node fs error ('ENOENT', 'EINVAL', ...), or the message. */
export function errCode(err: unknown): string {
  if (err && typeof err === 'object' && 'code' in err && typeof err.code === 'string') return err.code;
  return err instanceof Error ? err.message : String(err);
}
