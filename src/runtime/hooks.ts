import { warn } from '../log.js';
import { type HookKind, runHook } from '../process/hooks.js';
import type { Hook } from '../spec/types.js';

/**
 * poststop: a failing hook is logged as a warning and the remaining hooks and the lifecycle go
 * on (runtime.md#lifecycle step 13). A failing poststart hook is an error (step 9: start.ts).
 */
export function runRuntimeHooksLogged(kind: HookKind, hooks: readonly Hook[] | undefined, stateJson: string): void {
  for (const hook of hooks ?? []) {
    try {
      runHook(kind, hook, stateJson);
    } catch (e) {
      warn((e as Error).message);
    }
  }
}
