// v2 freezer (cgroup-v2.rst "Core Interface Files"): write 1/0 to cgroup.freeze; the
// "frozen" key of cgroup.events turns 1 once the whole subtree is frozen.
import { join } from 'node:path';
import { RuntimeError } from '../../errors.js';
import { flatKeyed } from '../stats-parse.js';
import { waitFor } from '../procs.js';
import type { CgroupIO } from '../types.js';

export const frozenV2 = (io: CgroupIO, dir: string): boolean => flatKeyed(io.read(join(dir, 'cgroup.events'))).frozen === 1;

export function setFrozenV2(io: CgroupIO, dir: string, frozen: boolean): void {
  io.write(join(dir, 'cgroup.freeze'), frozen ? '1' : '0');
  if (!waitFor(io, () => frozenV2(io, dir) === frozen, 5000)) {
    throw new RuntimeError(`cgroup: ${join(dir, 'cgroup.events')} did not report frozen ${frozen ? 1 : 0}`);
  }
}
