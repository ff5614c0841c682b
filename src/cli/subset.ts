// A CLI of some commands only (main-lean.ts, main-create.ts: a bundle each, dist/tsrun.lean.cjs
// and dist/tsrun.create.cjs), so that a start reads and compiles only their code: V8's code
// cache of a bundle holds a record of every function it declares, run or not. The loader (dist/tsrun.cjs)
// picks the bundle from the words of the line; any line this cannot take on the fast path
// (another command, --help, yargs' forms) it hands, unparsed and before doing anything, to the
// whole CLI (main.ts, dist/tsrun.code.cjs).
import { parseFast } from './fast.js';
import { runCommand, type CommandTable } from './globals.js';
import { runMain } from './run-main.js';

/** Set by the loader, dist/tsrun.cjs (scripts/code-cache.mjs): runs the whole CLI on process.argv. */
const WHOLE_CLI = 'tsrun.wholeCli';

export function runSubsetCli(commands: CommandTable): void {
  runMain(async (argv) => {
    const fast = await parseFast(argv, commands);
    if (fast) return runCommand(fast.command, fast.args, fast.rest);
    const whole = (globalThis as Record<symbol, unknown>)[Symbol.for(WHOLE_CLI)];
    if (typeof whole !== 'function') throw new Error('tsrun: this CLI bundle runs only from dist/tsrun.js');
    whole();
    return undefined;
  });
}
