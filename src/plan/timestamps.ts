// --debug plans: OP_TIMESTAMP marks along the init path (plan received → namespaces → clone →
// mounts → pivot_root → ready, or → exec for an exec plan), so the runtime can log where the
// init spends its time (protocol.h, MSG_TIMESTAMP). PURE.
import { Op } from '../process/protocol.js';
import type { PlanStep } from './types.js';

const mark = (label: string): PlanStep => ({ op: Op.TIMESTAMP, args: [label] });
/** The create plan's change of root (an exec plan's chroot into /proc/<pid>/root is not one). */
const switchesRoot = (s: PlanStep): boolean => s.op === Op.PIVOT_ROOT || s.op === Op.CHROOT || (s.op === Op.CHROOT_SHARED && s.args[0] === '');

export function withTimestamps(steps: PlanStep[]): PlanStep[] {
  // After OP_CREATED the sync socket is closed: the last mark of a create plan is 'ready'.
  const handshake = steps.some((s) => s.op === Op.CREATED);
  const out = [mark('plan received')];
  for (const s of steps) {
    if (s.op === Op.FORK) out.push(mark('namespaces'));
    if (switchesRoot(s)) out.push(mark('mounts'));
    if (s.op === Op.CREATED) out.push(mark('ready'));
    if (s.op === Op.EXEC && !handshake) out.push(mark('exec'));
    out.push(s);
    if (s.op === Op.FORK) out.push(mark('clone'));
    if (switchesRoot(s)) out.push(mark('pivot_root'));
  }
  return out;
}
