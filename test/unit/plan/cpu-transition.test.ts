import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../../src/errors.js';
import { cpuTransitionOf, eligibleCpu, ISOLATED_CPU_ANNOTATION } from '../../../src/plan/cpu-transition.js';
import { compileExecPlan } from '../../../src/plan/exec.js';
import { cpuMask } from '../../../src/plan/process-attrs.js';
import { Op } from '../../../src/process/protocol.js';

describe('isolated-cpu-affinity-transition (runc docs/isolated-cpu-affinity-transition.md)', () => {
  it('picks the cpu as runc does', () => {
    expect(eligibleCpu([], [4, 5])).toBeUndefined(); // no cpuset
    expect(eligibleCpu([0, 1], [])).toBeUndefined(); // no isolated cpu
    expect(eligibleCpu([0, 1], [4, 5])).toBeUndefined(); // a cpuset without isolated cpus
    expect(eligibleCpu([4, 5, 6, 7], [4, 5, 6, 7])).toBe(4); // all isolated: the first
    expect(eligibleCpu([2, 3, 4, 5], [0, 1, 2, 3])).toBe(4); // mixed: the first housekeeping cpu
  });

  it('accepts temporary and definitive, refuses anything else naming the annotation', () => {
    expect(cpuTransitionOf({ [ISOLATED_CPU_ANNOTATION]: 'temporary' })).toBe('temporary');
    expect(cpuTransitionOf({ [ISOLATED_CPU_ANNOTATION]: 'definitive' })).toBe('definitive');
    expect(cpuTransitionOf({})).toBeUndefined();
    expect(() => cpuTransitionOf({ [ISOLATED_CPU_ANNOTATION]: 'always' })).toThrow(ConfigError);
    expect(() => cpuTransitionOf({ [ISOLATED_CPU_ANNOTATION]: 'always' })).toThrow(/\/annotations\/org.opencontainers.runc.exec.isolated-cpu-affinity-transition: must be "temporary" or "definitive", not "always"/);
  });

  const plan = (mode: 'temporary' | 'definitive', cpuset: number[], isolated: number[]) =>
    compileExecPlan({ args: ['true'], cwd: '/', user: { uid: 0, gid: 0 } }, {
      pid: 1, namespaces: [], capLastCap: 40, preserveFds: 0, cgroupJoin: ['/cg/tasks'], cpuTransition: { mode, cpuset, isolated },
    }).steps;
  const around = (steps: ReturnType<typeof plan>) => {
    const join = steps.findIndex((s) => s.op === Op.WRITE_FILE && s.args[0] === '/cg/tasks');
    return { before: steps.slice(0, join).filter((s) => s.op === Op.CPU_AFFINITY), after: steps.slice(join + 1, join + 2).filter((s) => s.op === Op.CPU_AFFINITY) };
  };

  it('temporary: the eligible cpu before the cgroup join, the cpuset right after it', () => {
    const { before, after } = around(plan('temporary', [4, 5, 6, 7], [4, 5, 6, 7]));
    expect(before.map((s) => s.args[0])).toEqual([cpuMask('4')]);
    expect(after.map((s) => s.args[0])).toEqual([cpuMask('4,5,6,7')]);
  });

  it('definitive: the eligible cpu before the join, and it stays', () => {
    const { before, after } = around(plan('definitive', [4, 5, 6, 7], [4, 5, 6, 7]));
    expect(before.map((s) => s.args[0])).toEqual([cpuMask('4')]);
    expect(after).toEqual([]);
  });

  it('no eligible cpu (no nohz_full cpu in the cpuset): no step at all', () => {
    expect(plan('temporary', [0, 1], []).filter((s) => s.op === Op.CPU_AFFINITY)).toEqual([]);
  });
});
