// Performing a translation on one cgroup directory.
import { join } from 'node:path';
import { RuntimeError } from '../errors.js';
import { errCode } from './io.js';
import type { CgroupIO, CgroupWrite, Translation } from './types.js';

/** A write the kernel refused: the file, the value and why. */
export class CgroupWriteError extends RuntimeError {
  constructor(
    readonly path: string,
    readonly value: string,
    /** The errno name, as SyscallError's. */
    override readonly code: string,
    hint = '',
  ) {
    super(`cgroup: write ${JSON.stringify(value)} to ${path}: ${code}${hint ? ` (${hint})` : ''}`);
  }
}

function hintFor(code: string, w: CgroupWrite, controller: string): string {
  if (code === 'ENOENT') return `no such interface file: the ${controller} controller is not available in this cgroup`;
  if (code === 'EBUSY' && w.file.startsWith('memory.')) return 'the current usage is above the new limit';
  return '';
}

/** memory.checkBeforeUpdate: refuse a limit below the current usage. */
function runChecks(io: CgroupIO, dir: string, t: Translation): void {
  for (const c of t.checks ?? []) {
    const path = join(dir, c.usageFile);
    if (!io.exists(path)) continue; // a new cgroup: nothing is charged yet
    const usage = Number(io.read(path).trim());
    if (Number.isFinite(usage) && usage > c.limit) {
      throw new RuntimeError(`linux.resources.memory.limit ${c.limit} is below the current usage ${usage} (${path}) and checkBeforeUpdate is set`);
    }
  }
}

/**
 * Write every value in order. A refused write is retried once after the others, which settles
 * the ordering constraints between files (v1 memory.limit_in_bytes <= memory.memsw.limit_in_bytes,
 * cpu.cfs_quota_us vs period) whatever the current values are.
 */
export function applyTranslation(io: CgroupIO, dir: string, t: Translation, controller: string): void {
  runChecks(io, dir, t);
  const failed: { w: CgroupWrite; err: unknown }[] = [];
  for (const w of t.writes) {
    try {
      io.write(join(dir, w.file), w.value);
    } catch (err) {
      if (errCode(err) === 'ENOENT') throw new CgroupWriteError(join(dir, w.file), w.value, 'ENOENT', hintFor('ENOENT', w, controller));
      failed.push({ w, err });
    }
  }
  for (const { w, err } of failed) {
    try {
      io.write(join(dir, w.file), w.value);
    } catch {
      const code = errCode(err);
      throw new CgroupWriteError(join(dir, w.file), w.value, code, hintFor(code, w, controller));
    }
  }
}
