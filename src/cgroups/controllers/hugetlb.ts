// linux.resources.hugepageLimits (config-linux.md#huge-page-limits).
// v1: cgroup-v1/hugetlb.rst hugetlb.<size>.limit_in_bytes; v2: hugetlb.<size>.max.
import type { LinuxResources } from '../../spec/types.js';
import type { Translation } from '../types.js';
import { ResourceError, translation, v2Limit } from './util.js';

/** Page sizes as the kernel names them in file names: 64KB, 2MB, 1GB. */
const PAGE_SIZE = /^\d+[KMG]B$/;

function limits(r: LinuxResources, suffix: string, fmt: (n: number) => string): Translation {
  const t = translation();
  for (const h of r.hugepageLimits ?? []) {
    if (!PAGE_SIZE.test(h.pageSize)) throw new ResourceError('hugepageLimits.pageSize', h.pageSize, 'must look like 2MB or 1GB');
    t.writes.push({ file: `hugetlb.${h.pageSize}.${suffix}`, value: fmt(h.limit) });
  }
  return t;
}

export const hugetlbV1 = (r: LinuxResources): Translation => limits(r, 'limit_in_bytes', String);
export const hugetlbV2 = (r: LinuxResources): Translation => limits(r, 'max', v2Limit);
