// runc 1.2's annotation org.opencontainers.runc.exec.isolated-cpu-affinity-transition (runc
// docs/isolated-cpu-affinity-transition.md): on exec, before the process joins the container's
// cgroup, its affinity is set to one eligible cpu of the container's cpuset, so that it does not
// land on an isolated (nohz_full) core a real-time thread owns. "temporary" then gives it the
// cpuset's cpus back once it is in the cgroup; "definitive" keeps that one cpu (a kernel since 6.2
// keeps a requested affinity across the cpuset change, sched_setaffinity(2)).
import { ConfigError } from '../errors.js';
import { Op } from '../process/protocol.js';
import { cpuMask } from './process-attrs.js';
import type { PlanStep } from './types.js';

export const ISOLATED_CPU_ANNOTATION = 'org.opencontainers.runc.exec.isolated-cpu-affinity-transition';
export type CpuTransition = 'temporary' | 'definitive';

/** The annotation's value; any other than runc's two is a ConfigError naming it. */
export function cpuTransitionOf(annotations: Record<string, string> | undefined): CpuTransition | undefined {
  const value = annotations?.[ISOLATED_CPU_ANNOTATION];
  if (value === undefined) return undefined;
  if (value === 'temporary' || value === 'definitive') return value;
  throw new ConfigError('config.json', [{
    pointer: `/annotations/${ISOLATED_CPU_ANNOTATION.replace(/~/g, '~0').replace(/\//g, '~1')}`,
    rule: `must be "temporary" or "definitive", not ${JSON.stringify(value)} (runc docs/isolated-cpu-affinity-transition.md)`,
    section: 'config.md#annotations',
  }]);
}

/**
 * runc's heuristics: no cpuset or no isolated cpu, or a cpuset without isolated cpus: none; a
 * cpuset of isolated cpus only: its first; a mixed one: its first housekeeping (non-isolated) cpu.
 */
export function eligibleCpu(cpuset: number[], isolated: number[]): number | undefined {
  const inCpuset = cpuset.filter((c) => isolated.includes(c));
  if (!cpuset.length || !inCpuset.length) return undefined;
  if (inCpuset.length === cpuset.length) return cpuset[0];
  return cpuset.find((c) => !isolated.includes(c));
}

/** The steps around the cgroup join of an exec: `before` it, and `after` it (temporary only). */
export function cpuTransitionSteps(mode: CpuTransition | undefined, cpuset: number[], isolated: number[]): { before: PlanStep[]; after: PlanStep[] } {
  const cpu = mode ? eligibleCpu(cpuset, isolated) : undefined;
  if (cpu === undefined) return { before: [], after: [] };
  const before = [{ op: Op.CPU_AFFINITY, args: [cpuMask(String(cpu))!] }];
  return { before, after: mode === 'temporary' ? [{ op: Op.CPU_AFFINITY, args: [cpuMask(cpuset.join(','))!] }] : [] };
}
