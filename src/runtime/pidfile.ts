import { renameSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

/** Write a pid file atomically, as runc does (engines read it as soon as it exists). */
export function writePidFile(path: string, pid: number): void {
  const abs = resolve(path);
  const tmp = join(dirname(abs), `.${process.pid}.pid.tmp`);
  writeFileSync(tmp, String(pid));
  renameSync(tmp, abs);
}
