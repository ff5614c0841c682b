// A process that joins existing namespaces becomes visible to what already runs in them, while
// it still holds the runtime's descriptors and privileges: until its execve (which resets the
// flag), it is non-dumpable, so they can neither ptrace it nor open its /proc/<pid>/fd
// (CVE-2016-9962; ptrace(2) "Ptrace access mode checking"). runc does the same, and only then:
// a non-dumpable process's /proc files belong to root, which tools such as slirp4netns, run
// as the rootless user on a created container, could not open.
import { Op } from '../process/protocol.js';
import type { PlanStep } from './types.js';

/** The step before OP_FORK when the plan joins any namespace (stage 2 inherits the flag). */
export function nonDumpableSteps(joinsNamespaces: boolean): PlanStep[] {
  return joinsNamespaces ? [{ op: Op.DUMPABLE, args: [0] }] : [];
}
