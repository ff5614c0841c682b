#!/usr/bin/env node
// tsrun's command line (runc-compatible). Only the module of the command being run is
// loaded: the others are registered by name for --help, so `state` never pays for `create`.
import yargs, { type Argv } from 'yargs';
import { hideBin } from 'yargs/helpers';
import { RuntimeError, UsageError } from '../errors.js';
import { configureLog, log } from '../log.js';
import { defaultRoot } from '../state/store.js';
import { OCI_VERSION as SPEC_VERSION, TSRUN_VERSION as VERSION } from '../version.js';
import type { Command, GlobalArgs } from './command.js';


type Loader = () => Promise<Command<any>>; // eslint-disable-line @typescript-eslint/no-explicit-any
const COMMANDS: Record<string, { describe: string; load: Loader }> = {
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
};

function globalFlags(y: Argv): Argv<GlobalArgs> {
  return y
    .option('root', { type: 'string', describe: 'state directory (default /run/tsrun, or $XDG_RUNTIME_DIR/tsrun when not root)' })
    .option('log', { type: 'string', describe: 'append log lines to this file' })
    .option('log-format', { choices: ['text', 'json'] as const, default: 'text' as const })
    .option('debug', { type: 'boolean', default: false })
    .option('systemd-cgroup', { type: 'boolean', default: false })
    .option('rootless', { type: 'string', describe: 'accepted for runc compatibility (auto-detected)', hidden: true });
}

/** yargs' wording where runc's is clearer: a missing id names the command (runc: '"create" requires exactly 1 argument(s)'). */
function usageMessage(msg: string, argv: string[], command: string | undefined): string {
  if (command && msg.startsWith('Not enough non-option arguments')) return `"${command}" requires a container id (see tsrun ${command} --help)`;
  const unknown = /^Unknown arguments?: (.*)$/.exec(msg);
  if (unknown) {
    // yargs lists an unknown flag twice, as given and camel-cased: name each flag as it was given.
    const names = unknown[1].split(', ');
    const given = (n: string) => argv.find((a) => a === `--${n}` || a.startsWith(`--${n}=`) || a === `-${n}`);
    const flags = names.map(given).filter((a): a is string => a !== undefined).map((a) => a.split('=')[0]);
    if (flags.length > 0) return `flag provided but not defined: ${[...new Set(flags)].join(', ')}`;
  }
  return msg;
}

async function main(argv: string[]): Promise<number> {
  const word = argv.find((a) => !a.startsWith('-') && a in COMMANDS);
  const command = word ? await COMMANDS[word].load() : undefined;
  let rest: string[] = [];
  if (command?.splitArgv) ({ argv, rest } = command.splitArgv(argv));
  let exitCode = 0;
  let y = globalFlags(yargs(argv))
    .scriptName('tsrun')
    .usage('$0 [global options] <command> [options]\n\nAn OCI container runtime (runtime spec ' + SPEC_VERSION + ').')
    .version(`tsrun version ${VERSION}\nspec: ${SPEC_VERSION}`)
    .strict()
    // runc's flags are named --no-pivot, --no-new-keyring, --no-new-privs: not negations; and
    // a repeatable flag (--env, --cap) takes one value each time, as runc's do.
    .parserConfiguration({ 'boolean-negation': false, 'greedy-arrays': false })
    .demandCommand(1, 'a command is required (see --help)')
    .recommendCommands()
    // runc has no --no-<flag> negations: --no-such-flag is an unknown flag, not "such-flag" negated.
    .parserConfiguration({ 'boolean-negation': false })
    .fail((msg, err) => {
      // YError: yargs' own (a failed coerce of a flag value); anything else is thrown as it came.
      if (err && err.name !== 'YError') throw err;
      throw new UsageError(usageMessage(msg ?? err?.message ?? '', argv, word));
    });
  for (const [name, entry] of Object.entries(COMMANDS)) {
    if (name === word && command) {
      const c = command;
      y = y.command(c.command, c.describe, c.builder, async (args: GlobalArgs & Record<string, unknown>) => {
        configureLog({ file: args.log, format: args['log-format'], debug: args.debug });
        exitCode = await c.handler({ ...args, root: args.root ?? defaultRoot(), rest });
      });
    } else {
      y = y.command(name, entry.describe);
    }
  }
  await y.parseAsync();
  return exitCode;
}

main(hideBin(process.argv)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    const msg = err instanceof Error ? err.message : String(err);
    log('error', msg);
    if (!(err instanceof RuntimeError) && process.env.TSRUN_DEBUG) console.error(err);
    process.exitCode = err instanceof RuntimeError ? err.exitCode : 1;
  },
);
