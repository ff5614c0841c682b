// v1 freezer (cgroup-v1/freezer-subsystem.rst): write FROZEN/THAWED to freezer.state; reading
// it shows FREEZING until every task is stopped, so poll (and rewrite FROZEN, as the doc
// says a stuck FREEZING may need) until FROZEN.
import { join } from 'node:path';
import { RuntimeError } from '../../errors.js';
import { waitFor } from '../procs.js';
import type { CgroupIO } from '../types.js';

export const freezerState = (io: CgroupIO, dir: string): string => io.read(join(dir, 'freezer.state')).trim();

export function freezeV1(io: CgroupIO, dir: string): void {
  const file = join(dir, 'freezer.state');
  for (let attempt = 0; attempt < 50; attempt++) {
    io.write(file, 'FROZEN');
    if (waitFor(io, () => freezerState(io, dir) === 'FROZEN', 100)) return;
  }
  io.write(file, 'THAWED');
  throw new RuntimeError(`cgroup: ${file} stayed FREEZING: some task could not be frozen`);
}

export function thawV1(io: CgroupIO, dir: string): void {
  const file = join(dir, 'freezer.state');
  io.write(file, 'THAWED');
  if (!waitFor(io, () => freezerState(io, dir) === 'THAWED', 5000)) throw new RuntimeError(`cgroup: ${file} did not become THAWED`);
}
