import { closeSync, constants, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { RuntimeError } from '../errors.js';

/**
 * Write a pid file atomically, as runc does (engines read it as soon as it exists). The temporary
 * file is made with O_CREAT|O_EXCL|O_NOFOLLOW in the target's directory: a file or symlink a
 * local user planted at its name is refused, never followed or overwritten (issue 13 item 4).
 */
export function writePidFile(path: string, pid: number): void {
  const abs = resolve(path);
  const tmp = join(dirname(abs), `.${process.pid}.pid.tmp`);
  let fd: number;
  try {
    fd = openSync(tmp, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, 0o644);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new RuntimeError(`pid file ${abs}: cannot create its temporary file ${tmp} (${code}${code === 'EEXIST' ? ': something is already there; it is neither followed nor overwritten' : ''})`, { cause: e });
  }
  try {
    writeSync(fd, String(pid));
  } catch (e) {
    closeSync(fd);
    rmSync(tmp, { force: true });
    throw e;
  }
  closeSync(fd);
  renameSync(tmp, abs);
}
