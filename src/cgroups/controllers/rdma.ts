// linux.resources.rdma (config-linux.md#rdma): rdma.max in v1 and v2 (cgroup-v1/rdma.rst):
// "<hca> hca_handle=<n> hca_object=<n>", one device per write.
import type { LinuxResources } from '../../spec/types.js';
import type { Translation } from '../types.js';
import { translation } from './util.js';

export function rdma(r: LinuxResources): Translation {
  const t = translation();
  for (const [hca, l] of Object.entries(r.rdma ?? {})) {
    const parts = [hca];
    if (l.hcaHandles !== undefined) parts.push(`hca_handle=${l.hcaHandles}`);
    if (l.hcaObjects !== undefined) parts.push(`hca_object=${l.hcaObjects}`);
    if (parts.length > 1) t.writes.push({ file: 'rdma.max', value: parts.join(' ') });
  }
  return t;
}
