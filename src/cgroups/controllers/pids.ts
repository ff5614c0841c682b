// linux.resources.pids (config-linux.md#pids); pids.max in v1 and v2 (cgroup-v1/pids.rst).
import type { LinuxResources } from '../../spec/types.js';
import type { Translation } from '../types.js';
import { translation } from './util.js';

/** A limit of 0 or -1 means no limit: "max". */
export function pids(r: LinuxResources): Translation {
  const t = translation();
  const limit = r.pids?.limit;
  if (limit !== undefined) t.writes.push({ file: 'pids.max', value: limit > 0 ? String(limit) : 'max' });
  return t;
}
