// The commands and global flags, shared by the fast parser (fast.ts) and yargs (yargs.ts).
// Only the module of the command being run is loaded: the others are listed by name for --help,
// so `state` never pays for `create`.
import type { Argv } from 'yargs';
import { configureLog } from '../log.js';
import { defaultRoot } from '../state/store.js';
import type { Command, GlobalArgs } from './command.js';

export type AnyCommand = Command<any>; // eslint-disable-line @typescript-eslint/no-explicit-any
type Loader = () => Promise<AnyCommand>;

export const COMMANDS: Record<string, { describe: string; load: Loader }> = {
  create: { describe: 'create a container from a bundle', load: async () => (await import('./commands/create.js')).createCommand },
  start: { describe: 'start a created container', load: async () => (await import('./commands/start.js')).startCommand },
  state: { describe: 'print the state of a container', load: async () => (await import('./commands/state.js')).stateCommand },
  kill: { describe: 'signal a container', load: async () => (await import('./commands/kill.js')).killCommand },
  delete: { describe: 'delete a container', load: async () => (await import('./commands/delete.js')).deleteCommand },
  run: { describe: 'create, start and wait for a container', load: async () => (await import('./commands/run.js')).runCommand },
  exec: { describe: 'run a process in a running container', load: async () => (await import('./commands/exec.js')).execCommand },
  features: { describe: 'print the implemented features as JSON', load: async () => (await import('./commands/features.js')).featuresCommand },
  spec: { describe: 'write a starting config.json', load: async () => (await import('./commands/spec.js')).specCommand },
  pause: { describe: 'suspend every process of a container', load: async () => (await import('./commands/pause.js')).pauseCommand },
  resume: { describe: 'resume a paused container', load: async () => (await import('./commands/resume.js')).resumeCommand },
  ps: { describe: 'list the processes of a container', load: async () => (await import('./commands/ps.js')).psCommand },
  events: { describe: 'print container statistics and OOM events', load: async () => (await import('./commands/events.js')).eventsCommand },
  update: { describe: 'change the resource limits of a container', load: async () => (await import('./commands/update.js')).updateCommand },
  list: { describe: 'list containers', load: async () => (await import('./commands/list.js')).listCommand },
  checkpoint: { describe: 'checkpoint a running container with criu', load: async () => (await import('./commands/checkpoint.js')).checkpointCommand },
  restore: { describe: 'restore a container from a checkpoint', load: async () => (await import('./commands/restore.js')).restoreCommand },
  check: { describe: 'say what this host supports and whether a bundle would run', load: async () => (await import('./commands/check.js')).checkCommand },
};

export function globalFlags(y: Argv): Argv<GlobalArgs> {
  return y
    .option('root', { type: 'string', describe: 'state directory (default /run/tsrun, or $XDG_RUNTIME_DIR/tsrun when not root)' })
    .option('log', { type: 'string', describe: 'append log lines to this file' })
    .option('log-format', { choices: ['text', 'json'] as const, default: 'text' as const })
    .option('debug', { type: 'boolean', default: false })
    .option('systemd-cgroup', { type: 'boolean', default: false })
    .option('rootless', { type: 'string', describe: 'accepted for runc compatibility (auto-detected)', hidden: true })
    .option('criu', { type: 'string', describe: 'path to the criu binary (checkpoint, restore)' });
}

export type ParsedArgs = GlobalArgs & Record<string, unknown>;

/** Runs a command with its parsed arguments (from either parser); returns the exit code. */
export async function runCommand(c: AnyCommand, args: ParsedArgs, rest: string[] = []): Promise<number> {
  configureLog({ file: args.log, format: args['log-format'], debug: args.debug, containerStdio: c.containerStdio });
  return c.handler({ ...args, root: args.root ?? defaultRoot(), rest });
}
