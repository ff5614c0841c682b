// The init's first steps: entering the container's cgroup by itself, so that everything it
// creates afterwards (namespaces, the container process) starts inside it.
import { Op } from '../process/protocol.js';
import type { PlanStep } from './types.js';

export function cgroupJoinSteps(files: readonly string[] | undefined): PlanStep[] {
  return (files ?? []).map((file) => ({ op: Op.WRITE_FILE, args: [file, '0'] }));
}
