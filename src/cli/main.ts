#!/usr/bin/env node
// tsrun's command line (runc-compatible). The lines engines send (global flags, a command, its
// flags and ids) are parsed by fast.ts without loading yargs; every other line goes to yargs,
// which defines the behaviour (help, usage errors, unusual syntax).
import { parseFast } from './fast.js';
import { COMMANDS, runCommand } from './registry.js';
import { runMain } from './run-main.js';

runMain(async (argv) => {
  const fast = await parseFast(argv, COMMANDS);
  if (fast) return runCommand(fast.command, fast.args, fast.rest);
  return (await import('./yargs.js')).parseWithYargs(argv);
});
