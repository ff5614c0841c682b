// The full command line through yargs: help, version, usage errors and every form the fast
// parser (fast.ts) leaves to it. Loaded only when needed: yargs costs ~25 ms of start-up.
import yargs, { type Argv } from 'yargs';
import { joinDashValues, record } from './fast.js';
import { UnknownCommandError, UsageError } from '../errors.js';
import { OCI_VERSION as SPEC_VERSION, TSRUN_VERSION as VERSION } from '../version.js';
import { COMMANDS, globalFlags, runCommand, type AnyCommand, type ParsedArgs } from './registry.js';

/** yargs' wording where runc's is clearer: a missing id names the command (runc: '"create" requires exactly 1 argument(s)'). */
function usageMessage(msg: string, argv: string[], command: string | undefined): string {
  if (command && msg.startsWith('Not enough non-option arguments')) return `"${command}" requires a container id (see tsrun ${command} --help)`;
  const choice = /^Invalid values:\s+Argument: log-format, Given: "([^"]*)"/.exec(msg);
  if (choice) return `invalid log-format: ${choice[1]}`;
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

/** Parses argv and runs its command through `run` (tests pass a recorder); returns the exit code. */
export async function parseWithYargs(
  argv: string[],
  run: (c: AnyCommand, args: ParsedArgs, rest: string[]) => Promise<number> = runCommand,
): Promise<number> {
  // The first word that is not a global flag or its value: the command (runc's words for others).
  const valued = new Set(record(globalFlags)!.flags.filter((f) => f.type !== 'boolean').flatMap((f) => f.spellings));
  const at = argv.findIndex((a, i) => !a.startsWith('-') && !(valued.has(argv[i - 1]) && i > 0 && !argv.slice(0, i - 1).includes('--')));
  const first = at < 0 ? undefined : argv[at];
  if (first === 'help') {
    // runc help [command]: that command's --help.
    const topic = argv[at + 1];
    if (topic !== undefined && !Object.hasOwn(COMMANDS, topic)) throw new UnknownCommandError(topic);
    return parseWithYargs(topic === undefined ? ['--help'] : [topic, '--help'], run);
  }
  // runc with no command prints its help and exits 0 (urfave/cli's default action).
  if (first === undefined && !argv.some((a) => ['-h', '--help', '-v', '--version'].includes(a))) return parseWithYargs([...argv, '--help'], run);
  if (first !== undefined && !Object.hasOwn(COMMANDS, first)) throw new UnknownCommandError(first);
  const word = first;
  const command = word ? await COMMANDS[word].load() : undefined;
  let rest: string[] = [];
  if (command?.splitArgv) ({ argv, rest } = command.splitArgv(argv));
  argv = joinDashValues(argv, command ? [globalFlags, command.builder as (y: Argv) => unknown] : [globalFlags]);
  let exitCode = 0;
  let y = globalFlags(yargs(argv))
    .scriptName('tsrun')
    .usage('Usage: $0 [global options] <command> [command options] [arguments...]\n\nAn OCI container runtime (runtime spec ' + SPEC_VERSION + ') with runc\'s command line.')
    // runc -v: "runc version 1.1.5 / commit / spec / go / libseccomp"; tsrun names node instead of go.
    .version(`tsrun version ${VERSION}\nspec: ${SPEC_VERSION}\nnode: ${process.version}`)
    .alias('version', 'v')
    .help()
    .alias('help', 'h')
    .wrap(Math.min(120, yargs().terminalWidth()))
    .strict()
    // runc's flags are named --no-pivot, --no-new-keyring, --no-new-privs: not negations; and
    // a repeatable flag (--env, --cap) takes one value each time, as runc's do.
    .parserConfiguration({ 'boolean-negation': false, 'greedy-arrays': false })
    .fail((msg, err) => {
      // YError: yargs' own (a failed coerce of a flag value); anything else is thrown as it came.
      if (err && err.name !== 'YError') throw err;
      throw new UsageError(usageMessage(msg ?? err?.message ?? '', argv, word));
    });
  for (const [name, entry] of Object.entries(COMMANDS)) {
    if (name === word && command) {
      const c = command;
      // runc's help of a command starts with its usage line too.
      const usage = `Usage: $0 ${c.command.replace(/^(\S+)/, '$1 [command options]')}\n\n${c.describe}`;
      y = y.command(c.command, c.describe, (yy) => c.builder(yy.usage(usage)), async (args: ParsedArgs) => {
        exitCode = await run(c, args, rest);
      });
    } else {
      y = y.command(name, entry.describe);
    }
  }
  await y.parseAsync();
  return exitCode;
}
