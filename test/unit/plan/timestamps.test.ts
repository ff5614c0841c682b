import { describe, expect, it } from 'vitest';
import { withTimestamps } from '../../../src/plan/timestamps.js';
import { Op } from '../../../src/process/protocol.js';
import type { PlanStep } from '../../../src/plan/types.js';

const step = (op: number): PlanStep => ({ op: op as PlanStep['op'], args: [] });
const shape = (steps: PlanStep[]) => steps.map((s) => (s.op === Op.TIMESTAMP ? `@${String(s.args[0])}` : s.op));

describe('withTimestamps', () => {
  it('marks a create plan along the init path, the last mark before the start handshake', () => {
    const plan = [Op.OPEN_FIFO, Op.UNSHARE, Op.FORK, Op.ROOTFS, Op.MOUNT, Op.PIVOT_ROOT, Op.SETHOSTNAME, Op.CREATED, Op.CAPS, Op.EXEC].map(step);
    expect(shape(withTimestamps(plan))).toEqual([
      '@plan received', Op.OPEN_FIFO, Op.UNSHARE, '@namespaces', Op.FORK, '@clone', Op.ROOTFS, Op.MOUNT,
      '@mounts', Op.PIVOT_ROOT, '@pivot_root', Op.SETHOSTNAME, '@ready', Op.CREATED, Op.CAPS, Op.EXEC,
    ]);
  });

  it('marks an exec plan up to the execve (its socket stays open until then)', () => {
    const plan = [Op.SETNS, Op.FORK, Op.CAPS, Op.EXEC].map(step);
    expect(shape(withTimestamps(plan))).toEqual(['@plan received', Op.SETNS, '@namespaces', Op.FORK, '@clone', Op.CAPS, '@exec', Op.EXEC]);
  });

  it('marks --no-pivot plans at the chroot', () => {
    expect(shape(withTimestamps([Op.FORK, Op.CHROOT, Op.CREATED].map(step)))).toContain('@pivot_root');
  });
});
