#!/usr/bin/env node
// tsrun's command line (runc-compatible). The lines engines send (global flags, a command, its
// flags and ids) are parsed by fast.ts without loading yargs; every other line goes to yargs,
// which defines the behaviour (help, usage errors, unusual syntax).
import { RuntimeError } from '../errors.js';
import { log } from '../log.js';
import { parseFast } from './fast.js';
import { runCommand } from './registry.js';

async function main(argv: string[]): Promise<number> {
  const fast = await parseFast(argv);
  if (fast) return runCommand(fast.command, fast.args, fast.rest);
  return (await import('./yargs.js')).parseWithYargs(argv);
}

main(process.argv.slice(2)).then(
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
