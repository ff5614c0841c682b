// Runs the hooks the runtime itself executes (prestart, createRuntime, poststart, poststop) in
// the runtime's namespaces, with the container's state JSON on stdin (config.md#posix-platform-hooks).
import { spawnSync } from './child-process.js';
import { RuntimeError } from '../errors.js';
import { cloexecFrom } from '../native/index.js';
import type { Hook } from '../spec/types.js';

export type HookKind = 'prestart' | 'createRuntime' | 'createContainer' | 'startContainer' | 'poststart' | 'poststop';

/**
 * runc's hooks (libcontainer/configs Command.Run): a hook without `env` inherits the runtime's
 * environment (Go's exec.Cmd with a nil Env), which hooks such as GPU or network ones rely on for
 * PATH; it runs in the bundle directory, where runc has changed to.
 */
export function runHook(kind: HookKind, hook: Hook, stateJson: string): void {
  const [argv0, ...rest] = hook.args ?? [hook.path];
  // A hook gets stdin (the state), stdout and stderr, nothing else of the caller's (issue 13
  // item 7): libuv's spawn closes no fd, so the ones tsrun inherited are made close-on-exec. The
  // init, already spawned, has its own; a later spawn of one re-opens what it passes (dup2).
  cloexecFrom(3);
  const env = hook.env ? Object.fromEntries(hook.env.map((e) => [e.slice(0, e.indexOf('=')), e.slice(e.indexOf('=') + 1)])) : process.env;
  const { bundle } = JSON.parse(stateJson) as { bundle?: string };
  const r = spawnSync(hook.path, rest, {
    argv0,
    env,
    cwd: bundle,
    input: stateJson,
    stdio: ['pipe', 'inherit', 'inherit'],
    timeout: hook.timeout ? hook.timeout * 1000 : undefined,
    killSignal: 'SIGKILL',
  });
  const code = (r.error as NodeJS.ErrnoException | undefined)?.code;
  // A hook need not read its stdin: EPIPE on writing the state is not its failure (Go's os/exec,
  // which runc runs hooks with, ignores it the same way); its exit status decides.
  if (r.error && !(code === 'EPIPE' && r.status !== null)) {
    throw new RuntimeError(`${kind} hook ${hook.path}: ${code === 'ETIMEDOUT' ? `timed out after ${hook.timeout}s` : r.error.message}`);
  }
  if (r.signal) throw new RuntimeError(`${kind} hook ${hook.path}: killed by ${r.signal}${hook.timeout ? ` (timeout ${hook.timeout}s)` : ''}`);
  if (r.status !== 0) throw new RuntimeError(`${kind} hook ${hook.path}: exit status ${r.status}`);
}

/** Runs every hook of the list in order; the first failure stops and is thrown. */
export function runHooks(kind: HookKind, hooks: readonly Hook[] | undefined, stateJson: string): void {
  for (const hook of hooks ?? []) runHook(kind, hook, stateJson);
}
