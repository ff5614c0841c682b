// tsrun as a library: `import { Runtime } from 'tsrun'` (README "Library"). Built apart from the
// CLI (scripts/bundle.mjs: dist/lib/), so the CLI never loads it.
export { Runtime } from './runtime.js';
export type { ContainerState, CreateOptions, EventsOptions, ExecOptions, RunOptions, RuntimeOptions, Signal } from './runtime.js';
export { ContainerProcess } from './process.js';
export type { ExitStatus, Output } from './process.js';
export type { StdioOption } from './stdio.js';
export type { ContainerEvent } from '../runtime/events.js';
export type { ContainerSummary } from '../runtime/list.js';
export type { CgroupStats } from '../cgroups/types.js';
export type { Status } from '../state/status.js';
export type { CheckOptions } from '../runtime/check/index.js';
export type { BundleProblem, CheckReport, HostCheck, Verdict } from '../runtime/check/types.js';
export type * from '../spec/types.js';
export {
  RuntimeError,
  SyscallError,
  ConfigError,
  NotSupportedError,
  StateTransitionError,
  ContainerNotFoundError,
  ContainerExistsError,
  UsageError,
} from '../errors.js';
export type { ConfigIssue } from '../errors.js';
export { CgroupDelegationError } from '../cgroups/manager.js';
export { ResourceError } from '../cgroups/controllers/util.js';
export { CgroupWriteError } from '../cgroups/write.js';
export { PlanTooLargeError } from '../process/launcher.js';
