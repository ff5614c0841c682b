// The command lines engines send, parsed without loading yargs (~25 ms of every start-up).
// Each command's flags are read off its own yargs builder through a recorder, so they are
// declared once. Only forms whose meaning under yargs is plain are accepted: `--name value`,
// `--name=value`, a one-letter alias `-b value`, a boolean `--name`/`-f`, positionals. Anything
// else returns undefined and yargs parses the line: --help, --version, an unknown, repeated or
// `--no-` flag, `--`, an empty value or one starting with '-', a boolean followed by true/false,
// a missing or extra positional, a builder using more than option/positional/example.
// test/unit/cli-fast.test.ts checks that both parsers give a handler the same arguments.
import type { Argv, Options, PositionalOptions } from 'yargs';
import { globalFlags, type AnyCommand, type CommandTable, type ParsedArgs } from './globals.js';

interface Flag {
  name: string;
  type: 'string' | 'boolean' | 'number';
  choices?: readonly unknown[];
  default?: unknown;
  /** yargs applies it to the value given and to the default. */
  coerce?: (value: unknown) => unknown;
  /** Repeatable (exec --env): only its default is taken here, a given one goes to yargs. */
  array?: boolean;
  /** How it is written: `--name`, `--alias`, `-a`. */
  spellings: string[];
  /** The keys yargs fills: name, aliases and their camelCase forms. */
  keys: string[];
}

interface Shape {
  flags: Flag[];
  positionals: Map<string, PositionalOptions>;
}

const OPTION_KEYS = new Set(['type', 'alias', 'default', 'choices', 'describe', 'hidden', 'coerce', 'array']);
const POSITIONAL_KEYS = new Set(['type', 'default', 'describe', 'demandOption']);
/** yargs' camel-case key of a flag: each '-' before a lower-case letter goes, the letter goes up. */
const camel = (s: string): string =>
  s.split('-').reduce((out, word, i) => (i === 0 ? word : word[0] >= 'a' && word[0] <= 'z' ? out + word[0].toUpperCase() + word.slice(1) : `${out}-${word}`), '');
const keysOf = (names: string[]): string[] => [...new Set(names.flatMap((n) => [n, camel(n)]))];

function flagOf(name: string, o: Options): Flag | undefined {
  const type = o.type ?? (o.choices ? 'string' : undefined);
  if (type !== 'string' && type !== 'boolean' && type !== 'number') return undefined;
  const aliases = o.alias === undefined ? [] : Array.isArray(o.alias) ? o.alias : [o.alias];
  const spellings = [name, ...aliases].map((a) => (a.length === 1 ? `-${a}` : `--${a}`));
  return { name, type, choices: o.choices, default: o.default, coerce: o.coerce, array: o.array, spellings, keys: keysOf([name, ...aliases]) };
}

/** Runs a yargs builder against a recorder; undefined when it uses anything but plain options and positionals. */
export function record(build: (y: Argv) => unknown): Shape | undefined {
  const shape: Shape = { flags: [], positionals: new Map() };
  let plain = true;
  const recorder: object = new Proxy(
    {},
    {
      get:
        (_target, method) =>
        (name: string, o: Options & PositionalOptions = {}) => {
          const known = (allowed: Set<string>) => Object.keys(o).every((k) => allowed.has(k));
          const flag = method === 'option' && known(OPTION_KEYS) ? flagOf(name, o) : undefined;
          if (flag) shape.flags.push(flag);
          else if (method === 'positional' && o.type === 'string' && known(POSITIONAL_KEYS)) shape.positionals.set(name, o);
          else if (method !== 'example') plain = false;
          return recorder;
        },
    },
  );
  build(recorder as Argv);
  return plain ? shape : undefined;
}

/** `kill <id> [signal]` → its positionals in order; undefined for a variadic one or one without a string type. */
function positionalsOf(usage: string, shape: Shape): { name: string; required: boolean; o: PositionalOptions }[] | undefined {
  const out = [];
  for (const word of usage.split(' ').slice(1)) {
    const m = /^(<|\[)([\w-]+)(>|\])$/.exec(word);
    const o = m && shape.positionals.get(m[2]);
    if (!m || !o) return undefined;
    out.push({ name: m[2], required: m[1] === '<', o });
  }
  return out;
}

const NUMBER = /^(0|[1-9][0-9]{0,14})$/;

/**
 * Reads the flag at argv[i] into args; returns how many more words it took (0 or 1), or
 * undefined when the form is not plain.
 */
function take(argv: string[], i: number, flags: Flag[], args: Record<string, unknown>, seen: Set<Flag>): number | undefined {
  // yargs reads `--no-x` as x=false, whatever x is (yargs-parser boolean-negation).
  if (argv[i].startsWith('--no-')) return undefined;
  const eq = argv[i].startsWith('--') ? argv[i].indexOf('=') : -1;
  const spelling = eq < 0 ? argv[i] : argv[i].slice(0, eq);
  const flag = flags.find((f) => f.spellings.includes(spelling));
  if (!flag || seen.has(flag) || flag.array) return undefined;
  seen.add(flag);
  if (flag.type === 'boolean') {
    if (eq >= 0 || argv[i + 1] === 'true' || argv[i + 1] === 'false') return undefined;
    for (const k of flag.keys) args[k] = true;
    return 0;
  }
  const text = eq < 0 ? argv[i + 1] : argv[i].slice(eq + 1);
  // A lone "-" is a value (runc: `update --resources -` reads stdin); yargs.ts joins it the same way.
  if (!text || (text.startsWith('-') && text !== '-')) return undefined;
  if (flag.choices && !flag.choices.includes(text)) return undefined;
  if (flag.type === 'number' && !NUMBER.test(text)) return undefined;
  const value = flag.type === 'number' ? Number(text) : text;
  for (const k of flag.keys) args[k] = flag.coerce ? flag.coerce(value) : value;
  return eq < 0 ? 1 : 0;
}

/**
 * `--resources -` → `--resources=-`: yargs takes a lone "-" for a positional, while runc's
 * flags take it as their value (the Docker shim's `update --resources - <id>`).
 */
export function joinDashValues(argv: string[], builders: ((y: Argv) => unknown)[]): string[] {
  const valued = new Set(builders.flatMap((b) => record(b)?.flags ?? []).filter((f) => f.type !== 'boolean').flatMap((f) => f.spellings));
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--') return [...out, ...argv.slice(i)];
    if (argv[i + 1] === '-' && valued.has(argv[i])) out.push(`${argv[i++]}=-`);
    else out.push(argv[i]);
  }
  return out;
}

/** The command (one of `commands`) and its arguments, as yargs would give them to the handler; undefined: ask yargs. */
export async function parseFast(line: string[], commands: CommandTable): Promise<{ command: AnyCommand; args: ParsedArgs; rest: string[] } | undefined> {
  let argv = line;
  let rest: string[] = [];
  const globals = record(globalFlags)!;
  const args: Record<string, unknown> = {};
  const seen = new Set<Flag>();
  let i = 0;
  for (; i < argv.length && argv[i].startsWith('-'); i++) {
    const more = take(argv, i, globals.flags, args, seen);
    if (more === undefined) return undefined;
    i += more;
  }
  const word = argv[i];
  if (word === undefined || !Object.hasOwn(commands, word)) return undefined;
  const command = await commands[word].load();
  // exec: the program's arguments after the id are its own, cut off as yargs.ts does.
  if (command.splitArgv) ({ argv, rest } = command.splitArgv(argv));
  const shape = record(command.builder as (y: Argv) => unknown);
  const positionals = shape && positionalsOf(command.command, shape);
  if (!shape || !positionals) return undefined;
  const flags = [...globals.flags, ...shape.flags];
  if (new Set(flags.flatMap((f) => f.keys)).size !== flags.reduce((n, f) => n + f.keys.length, 0)) return undefined;

  const values: string[] = [];
  for (i++; i < argv.length; i++) {
    if (!argv[i].startsWith('-')) {
      values.push(argv[i]);
      continue;
    }
    const more = take(argv, i, flags, args, seen);
    if (more === undefined) return undefined;
    i += more;
  }
  if (values.length > positionals.length || values.length < positionals.filter((p) => p.required).length) return undefined;
  for (const f of flags) {
    if (!seen.has(f) && f.default !== undefined) for (const k of f.keys) args[k] = f.coerce ? f.coerce(f.default) : f.default;
  }
  positionals.forEach((p, n) => {
    const value = n < values.length ? values[n] : p.o.default;
    if (value !== undefined) for (const k of keysOf([p.name])) args[k] = value;
  });
  return { command, args: { _: [word], $0: 'tsrun', ...args }, rest };
}
