import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ensureRtBudget, rtBudgetWrites, scaleRuntime } from '../../../src/cgroups/v1/rt-budget.js';
import { fakeIO, readAt, tempRoot, touch } from './fake.js';

let root = '';
afterEach(() => rmSync(root, { recursive: true, force: true }));

/** A cpu hierarchy mounted at <root>/cpu: each entry is a cgroup with its runtime (period 1 s). */
function hierarchy(groups: Record<string, number>): string {
  root = tempRoot();
  const files: Record<string, string> = {};
  for (const [dir, runtime] of Object.entries(groups)) {
    files[join('cpu', dir, 'cpu.rt_runtime_us')] = `${runtime}\n`;
    files[join('cpu', dir, 'cpu.rt_period_us')] = '1000000\n';
  }
  touch(root, files);
  return join(root, 'cpu');
}

describe('v1 realtime budget of the parents (sched-rt-group.rst, tg_rt_schedulable)', () => {
  it('runtimes convert between periods rounding up (the kernel compares runtime/period ratios)', () => {
    expect(scaleRuntime(10000n, 1000000n, 1000000n)).toBe(10000n);
    expect(scaleRuntime(5000n, 100000n, 1000000n)).toBe(50000n);
    expect(scaleRuntime(1n, 3n, 1000000n)).toBe(333334n);
  });

  it('every ancestor below the root gets what its children then hold, outermost first; the root is never written', () => {
    const cpu = hierarchy({ '.': 950000, a: 0, 'a/b': 0, 'a/b/c': 0, 'a/other': 20000, 'a/b/sib': 5000 });
    const writes = rtBudgetWrites(fakeIO(), join(cpu, 'a/b/c'), 10000n, 1000000n);
    expect(writes).toEqual([
      { file: join(cpu, 'a/cpu.rt_runtime_us'), value: '35000' },
      { file: join(cpu, 'a/b/cpu.rt_runtime_us'), value: '15000' },
    ]);
  });

  it('stops at the first ancestor that has enough; a container right under the root needs no write', () => {
    const cpu = hierarchy({ '.': 950000, a: 500000, 'a/b': 0, 'a/b/c': 0, c: 0 });
    expect(rtBudgetWrites(fakeIO(), join(cpu, 'a/b/c'), 10000n, 1000000n)).toEqual([{ file: join(cpu, 'a/b/cpu.rt_runtime_us'), value: '10000' }]);
    expect(rtBudgetWrites(fakeIO(), join(cpu, 'c'), 10000n, 1000000n)).toEqual([]);
  });

  it('ensureRtBudget writes them; a period of the container other than its parents\' is converted', () => {
    const cpu = hierarchy({ '.': 950000, a: 0, 'a/c': 0 });
    const io = fakeIO();
    ensureRtBudget(io, join(cpu, 'a/c'), 5000, 100000);
    expect(readAt(cpu, 'a/cpu.rt_runtime_us')).toBe('50000');
    expect(io.log.map((w) => w.path)).toEqual([join(cpu, 'a/cpu.rt_runtime_us')]);
  });
});
