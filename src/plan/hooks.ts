// Hook steps of a plan (config.md#posix-platform-hooks): the runtime runs prestart and
// createRuntime hooks when the init asks (OP_HOOKS_SYNC, after the namespaces and mounts exist,
// before pivot_root); the init itself runs createContainer (before pivot_root) and
// startContainer (after start, before the user process) in the container's namespaces.
import { HookPoint, Op } from '../process/protocol.js';
import type { Hook, Hooks } from '../spec/types.js';
import type { PlanStep } from './types.js';

/**
 * A hook the init runs. Without `env` it gets the container process's environment, as runc's
 * init runs it with the environment it has set up from process.env.
 */
export function runHookStep(kind: 'createContainer' | 'startContainer', h: Hook, processEnv: readonly string[]): PlanStep {
  return { op: Op.RUN_HOOK, args: [kind, h.path, (h.args ?? [h.path]).join('\0'), (h.env ?? processEnv).join('\0'), h.timeout ?? 0] };
}

/** `sync`: the runtime has work at this point even without hooks (linux.netDevices moves devices then). */
export function containerHookSteps(hooks: Hooks | undefined, processEnv: readonly string[], sync = false): PlanStep[] {
  const needState = sync || [hooks?.prestart, hooks?.createRuntime, hooks?.createContainer, hooks?.startContainer].some((l) => (l ?? []).length > 0);
  if (!needState) return [];
  return [
    { op: Op.HOOKS_SYNC, args: [HookPoint.CREATE_RUNTIME] },
    ...(hooks?.createContainer ?? []).map((h) => runHookStep('createContainer', h, processEnv)),
  ];
}
