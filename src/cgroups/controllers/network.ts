// linux.resources.network (config-linux.md#network): v1 net_cls and net_prio only
// (cgroup-v1/net_cls.rst, net_prio.rst); cgroup v2 has neither controller.
import { NotSupportedError } from '../../errors.js';
import type { LinuxResources } from '../../spec/types.js';
import type { Translation } from '../types.js';
import { translation } from './util.js';

export function netClsV1(r: LinuxResources): Translation {
  const t = translation();
  if (r.network?.classID !== undefined) t.writes.push({ file: 'net_cls.classid', value: String(r.network.classID) });
  return t;
}

/** One write per interface: the kernel parses a single "ifname prio" per write. */
export function netPrioV1(r: LinuxResources): Translation {
  const t = translation();
  for (const p of r.network?.priorities ?? []) t.writes.push({ file: 'net_prio.ifpriomap', value: `${p.name} ${p.priority}` });
  return t;
}

export function networkV2(r: LinuxResources): Translation {
  const n = r.network;
  if (n && (n.classID !== undefined || (n.priorities ?? []).length > 0)) {
    throw new NotSupportedError('linux.resources.network on cgroup v2', 'net_cls/net_prio exist only in cgroup v1; use a cgroup BPF program');
  }
  return translation();
}
