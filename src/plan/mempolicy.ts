// linux.memoryPolicy (config-linux.md#memory-policy) → OP_MEMPOLICY: set_mempolicy(2) in the
// container before the start handshake. The rules are the kernel's (mm/mempolicy.c mpol_new,
// sanitize_mpol_flags), checked here so that a bad value is a ConfigError naming the field
// instead of an EINVAL from the init.
import { ConfigError, type ConfigIssue } from '../errors.js';
import { Op } from '../process/protocol.js';
import type { MemoryPolicy } from '../spec/types.js';
import { parseNumberList } from './num-list.js';
import type { PlanStep } from './types.js';

const SECTION = 'config-linux.md#memory-policy';
const AT = '/linux/memoryPolicy';

/** linux/mempolicy.h modes. */
export const MPOL_MODE: Record<string, number> = {
  MPOL_DEFAULT: 0, MPOL_PREFERRED: 1, MPOL_BIND: 2, MPOL_INTERLEAVE: 3, MPOL_LOCAL: 4, MPOL_PREFERRED_MANY: 5,
  MPOL_WEIGHTED_INTERLEAVE: 6,
};
/** linux/mempolicy.h mode flags, OR'd into the mode argument. */
export const MPOL_FLAG: Record<string, number> = {
  MPOL_F_STATIC_NODES: 1 << 15, MPOL_F_RELATIVE_NODES: 1 << 14, MPOL_F_NUMA_BALANCING: 1 << 13,
};
/** The kernel's MAX_NUMNODES is at most 1 << 10 (CONFIG_NODES_SHIFT ≤ 10). */
const MAX_NODES = 1024;

/** Modes whose node list must be empty, and those that need at least one node (set_mempolicy(2)). */
const NO_NODES = new Set(['MPOL_DEFAULT', 'MPOL_LOCAL']);
const SOME_NODES = new Set(['MPOL_BIND', 'MPOL_INTERLEAVE', 'MPOL_WEIGHTED_INTERLEAVE', 'MPOL_PREFERRED_MANY']);

/** A node list → the nodemask bytes (bit n = node n), a whole number of longs. */
function nodeMask(nodes: number[]): Buffer {
  const mask = Buffer.alloc(Math.max(1, Math.ceil((Math.max(-1, ...nodes) + 1) / 64)) * 8);
  for (const n of nodes) mask[n >> 3] |= 1 << (n & 7);
  return mask;
}

export function memoryPolicySteps(policy: MemoryPolicy | undefined): PlanStep[] {
  if (!policy) return [];
  const issues: ConfigIssue[] = [];
  const issue = (pointer: string, rule: string) => issues.push({ pointer: `${AT}${pointer}`, rule, section: SECTION });
  const mode = MPOL_MODE[policy.mode];
  if (mode === undefined) issue('/mode', `unknown mode ${policy.mode}`);
  let flags = 0;
  (policy.flags ?? []).forEach((f, i) => {
    if (f in MPOL_FLAG) flags |= MPOL_FLAG[f];
    else issue(`/flags/${i}`, `unknown flag ${f}`);
  });
  const parsed = parseNumberList(policy.nodes ?? '', MAX_NODES, 'node');
  const nodes = typeof parsed === 'string' ? [] : parsed;
  if (typeof parsed === 'string') issue('/nodes', parsed);
  else if (NO_NODES.has(policy.mode) && nodes.length) issue('/nodes', `${policy.mode} takes no nodes`);
  else if (SOME_NODES.has(policy.mode) && !nodes.length) issue('/nodes', `${policy.mode} needs at least one node`);
  const has = (f: string) => (policy.flags ?? []).includes(f);
  if (has('MPOL_F_STATIC_NODES') && has('MPOL_F_RELATIVE_NODES')) {
    issue('/flags', 'MPOL_F_STATIC_NODES and MPOL_F_RELATIVE_NODES are mutually exclusive');
  }
  // mpol_new: MPOL_DEFAULT ignores flags, MPOL_LOCAL and an empty MPOL_PREFERRED refuse the node flags.
  const nodeFlags = has('MPOL_F_STATIC_NODES') || has('MPOL_F_RELATIVE_NODES');
  if (nodeFlags && (policy.mode === 'MPOL_DEFAULT' || policy.mode === 'MPOL_LOCAL' || (policy.mode === 'MPOL_PREFERRED' && !nodes.length))) {
    issue('/flags', `MPOL_F_STATIC_NODES and MPOL_F_RELATIVE_NODES need a node list, which ${policy.mode}${policy.mode === 'MPOL_PREFERRED' ? ' without nodes' : ''} has not`);
  }
  // sanitize_mpol_flags: NUMA balancing is for MPOL_BIND and MPOL_PREFERRED_MANY only.
  if (has('MPOL_F_NUMA_BALANCING') && policy.mode !== 'MPOL_BIND' && policy.mode !== 'MPOL_PREFERRED_MANY') {
    issue('/flags', `MPOL_F_NUMA_BALANCING needs mode MPOL_BIND or MPOL_PREFERRED_MANY, not ${policy.mode}`);
  }
  if (issues.length) throw new ConfigError('config.json', issues);
  const mask = nodeMask(nodes);
  // set_mempolicy(mode | flags, nodemask, maxnode): the kernel reads maxnode - 1 bits (mm/mempolicy.c
  // get_nodes), so maxnode is the mask's bit count + 1, as libnuma passes it. No nodes: a NULL mask.
  return [{ op: Op.MEMPOLICY, args: [mode | flags, nodes.length ? mask : Buffer.alloc(0), nodes.length ? mask.length * 8 + 1 : 0] }];
}
