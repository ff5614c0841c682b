// linux.resources.unified (config-linux.md#unified): cgroup v2 file name → value, written as given.
import { RuntimeError } from '../../errors.js';
import type { LinuxResources } from '../../spec/types.js';
import type { Translation } from '../types.js';
import { ResourceError, translation } from './util.js';

export function unifiedV2(r: LinuxResources): Translation {
  const t = translation();
  for (const [file, value] of Object.entries(r.unified ?? {})) {
    // Only interface files of this cgroup: no path separators, no cgroup core files that move processes.
    if (file.includes('/') || file === '' || file.startsWith('.') || !file.includes('.')) throw new ResourceError(`unified[${JSON.stringify(file)}]`, value, 'not a cgroup v2 interface file name');
    if (file === 'cgroup.procs' || file === 'cgroup.threads' || file === 'cgroup.kill') throw new ResourceError(`unified[${JSON.stringify(file)}]`, value, 'this file is managed by the runtime');
    // One write per line: the example's multi-line io.max is parsed one device per write(2).
    const lines = value.split('\n').filter((l) => l.trim() !== '');
    for (const line of lines.length > 0 ? lines : [value]) t.writes.push({ file, value: line });
  }
  return t;
}

/** The spec: "If the unified field is set on a host with cgroup v1, the runtime MUST return an error." */
export function unifiedV1(r: LinuxResources): Translation {
  if (r.unified && Object.keys(r.unified).length > 0) {
    throw new RuntimeError('linux.resources.unified is set but this host uses cgroup v1: the unified keys apply to cgroup v2 only (config-linux.md#unified)');
  }
  return translation();
}
