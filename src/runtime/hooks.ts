import { warn } from '../log.js';
import { type HookKind, runHooks } from '../process/hooks.js';
import type { Hook } from '../spec/types.js';

/** poststart and poststop: a failure is logged and the operation goes on (config.md#poststart, #poststop). */
export function runRuntimeHooksLogged(kind: HookKind, hooks: readonly Hook[] | undefined, stateJson: string): void {
  try {
    runHooks(kind, hooks, stateJson);
  } catch (e) {
    warn((e as Error).message);
  }
}
