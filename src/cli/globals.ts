// What both command tables (registry.ts, lean.ts) and both parsers (fast.ts, yargs.ts) share:
// the global flags and how a parsed command is run. It imports no command.
import type { Argv } from 'yargs';
import { configureLog } from '../log.js';
import { defaultRoot } from '../state/store.js';
import type { Command, GlobalArgs } from './command.js';

export type AnyCommand = Command<any>; // eslint-disable-line @typescript-eslint/no-explicit-any
type Loader = () => Promise<AnyCommand>;
/** Command name → its description (for --help) and the loader of its module. */
export type CommandTable = Record<string, { describe: string; load: Loader }>;

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
