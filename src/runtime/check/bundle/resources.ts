// linux.resources needs each controller it writes to (config-linux.md#control-groups): a v1
// hierarchy mounted for it, or the controller in v2's cgroup.controllers.
import { translateV1, translateV2 } from '../../../cgroups/controllers/index.js';
import { keyOf } from '../../../cgroups/layout.js';
import { createResources } from '../../cgroup.js';
import { hostControllers } from '../host/cgroups.js';
import type { BundleProblem } from '../types.js';
import type { BundleContext } from './context.js';

/** The linux.resources field of each controller's writes (for the JSON path). */
const FIELD: Record<string, string> = {
  memory: 'memory', cpu: 'cpu', cpuset: 'cpu', pids: 'pids', blkio: 'blockIO', io: 'blockIO', hugetlb: 'hugepageLimits', net_cls: 'network', net_prio: 'network', rdma: 'rdma', devices: 'devices', unified: 'unified',
};

export function checkControllers(ctx: BundleContext): BundleProblem[] {
  const resources = createResources(ctx.spec, ctx.rootless);
  const v2 = ctx.cgroups.mode === 'unified';
  let used: string[];
  try {
    const t = v2 ? translateV2(resources, { bfq: false }) : translateV1(resources, { bfq: false });
    used = t.filter((c) => c.writes.length > 0).map((c) => c.controller);
  } catch {
    return []; // a field this layout refuses: dry-create reports it
  }
  const have = hostControllers(ctx.cgroups);
  // v2: devices is a BPF program and unified names its own files; neither is a controller.
  const missing = used.filter((c) => !(v2 && (c === 'devices' || c === 'unified')) && (v2 ? !have.includes(c) : keyOf(Object.keys(ctx.cgroups.v1), c) === undefined));
  return missing.map((c) => ({
    pointer: `/linux/resources/${FIELD[c] ?? c}`,
    section: 'config-linux.md#control-groups',
    reason: `this host has no ${c} cgroup controller (it has: ${have.sort().join(' ')})`,
    fix: v2 ? `enable ${c} in the parent's cgroup.subtree_control, or drop linux.resources.${FIELD[c] ?? c}` : `mount the ${c} v1 hierarchy (mount -t cgroup -o ${c} cgroup /sys/fs/cgroup/${c}), or drop linux.resources.${FIELD[c] ?? c}`,
  }));
}
