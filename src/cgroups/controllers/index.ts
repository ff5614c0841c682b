// All translators, per cgroup version. v1 results are keyed by the controller whose hierarchy
// holds the files; v2 results all go to the one unified directory.
import type { LinuxResources } from '../../spec/types.js';
import type { Translation } from '../types.js';
import { type BlkioContext, blkioV1, ioV2 } from './blkio.js';
import { cpuV1, cpuV2 } from './cpu.js';
import { cpuset } from './cpuset.js';
import { devicesV1, devicesV2 } from './devices.js';
import { hugetlbV1, hugetlbV2 } from './hugetlb.js';
import { memoryV1, type MemoryV1Context, memoryV2 } from './memory.js';
import { netClsV1, netPrioV1, networkV2 } from './network.js';
import { pids } from './pids.js';
import { rdma } from './rdma.js';
import { unifiedV1, unifiedV2 } from './unified.js';

export interface ControllerTranslation extends Translation {
  /** Kernel controller name: 'memory', 'cpu', 'net_cls', ... */
  controller: string;
}

const tag = (controller: string, t: Translation): ControllerTranslation => ({ controller, ...t });

export function translateV1(r: LinuxResources, ctx: BlkioContext & Partial<MemoryV1Context>): ControllerTranslation[] {
  unifiedV1(r);
  return [
    tag('devices', devicesV1(r)),
    tag('memory', memoryV1(r, { kmem: ctx.kmem ?? false })),
    tag('cpu', cpuV1(r)),
    tag('cpuset', cpuset(r)),
    tag('pids', pids(r)),
    tag('blkio', blkioV1(r, ctx)),
    tag('hugetlb', hugetlbV1(r)),
    tag('net_cls', netClsV1(r)),
    tag('net_prio', netPrioV1(r)),
    tag('rdma', rdma(r)),
  ];
}

/** `unified` comes last so its values override the translated ones (runc does the same). */
export function translateV2(r: LinuxResources, ctx: BlkioContext): ControllerTranslation[] {
  networkV2(r);
  return [
    tag('devices', devicesV2(r)),
    tag('memory', memoryV2(r)),
    tag('cpu', cpuV2(r)),
    tag('cpuset', cpuset(r)),
    tag('pids', pids(r)),
    tag('io', ioV2(r, ctx)),
    tag('hugetlb', hugetlbV2(r)),
    tag('rdma', rdma(r)),
    tag('unified', unifiedV2(r)),
  ];
}

/**
 * Whether `r` asks for a limit (rootless without a delegated cgroup can go on when not).
 * Device rules do not count: an unprivileged user cannot create device nodes anyway.
 */
export function hasResources(r: LinuxResources | undefined): boolean {
  if (!r) return false;
  const any = (t: Translation): boolean => t.writes.length > 0;
  try {
    return translateV1({ ...r, unified: undefined, devices: undefined }, { bfq: false }).some(any) || Object.keys(r.unified ?? {}).length > 0;
  } catch {
    return true;
  }
}
