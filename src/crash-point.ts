// Named steps of `create`, and a fault-injection hook for the crash-consistency tests
// (test/integration/robust-crash.test.ts): with TSRUN_TEST_CRASH_AT=<step>, tsrun SIGKILLs
// itself when it reaches that step, as an OOM killer or a power cut would, so that every
// half-finished state a create can leave is reachable on purpose. Without the variable the
// hook only logs the step name with --debug. It is inert for any other value too.
import { writeSync } from 'node:fs';
import { debug } from './log.js';

/** Every step of create where tsrun can die, in the order create reaches them. */
export const CREATE_STEPS = [
  'state-dir', // the container directory exists (locked), no state.json yet
  'state-creating', // state.json says "creating", pid 0, cgroup paths recorded
  'cgroup', // cgroup created and limits applied
  'init-spawned', // tsrun-init runs (stage 1), waiting for its plan, not yet in the cgroup
  'init-in-cgroup', // the init was placed in the cgroup
  'plan-sent', // the plan is on the sync socket
  'userns-ready', // mid-sync: the init asked for its id maps (user namespace plans only)
  'maps-written', // the id maps are written, not yet acknowledged
  'pid', // the container process (stage 2) exists; its pid is known only to this process
  'hooks', // the init asked for the prestart/createRuntime hooks (configs with such hooks only)
  'hooks-done', // the hooks ran, the init not yet told
  'created-received', // the init says it is ready; nothing recorded yet
  'pid-file', // --pid-file written (configs given --pid-file only)
  'state-pid', // state.json has the pid, still "creating"; the init still waits for MSG_CREATED_ACK
  'acked', // the init was told: it waits on exec.fifo, state.json still says "creating"
  'state-created', // state.json says "created": the container is complete
] as const;
export type CreateStep = (typeof CREATE_STEPS)[number];

const target = process.env.TSRUN_TEST_CRASH_AT;

/** Mark a step: logged with --debug; SIGKILL of this process when TSRUN_TEST_CRASH_AT names it. */
export function crashPoint(step: CreateStep): void {
  debug(`create step: ${step}`);
  if (target !== step) return;
  writeSync(2, `tsrun: TSRUN_TEST_CRASH_AT=${step}: killing myself with SIGKILL\n`);
  process.kill(process.pid, 'SIGKILL');
}
