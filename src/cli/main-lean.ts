// The lean CLI (dist/tsrun.lean.cjs): main.ts for the commands of lean.ts only, a third of the
// code to read and compile at each start (state: ~2 ms less CPU, ~1.5 MiB less RSS, measured
// with `npm run bench`). dist/tsrun.js runs it for a line that names one of them and no create,
// run or exec; any line it cannot take on the fast path (another command, --help, yargs'
// forms) it hands, unparsed and before doing anything, to the whole CLI.
import { parseFast } from './fast.js';
import { runCommand } from './globals.js';
import { LEAN_COMMANDS } from './lean.js';
import { runMain } from './run-main.js';

/** Set by dist/tsrun.js (scripts/code-cache.mjs): runs the whole CLI, dist/tsrun.code.cjs, on process.argv. */
const WHOLE_CLI = 'tsrun.wholeCli';

runMain(async (argv) => {
  const fast = await parseFast(argv, LEAN_COMMANDS);
  if (fast) return runCommand(fast.command, fast.args, fast.rest);
  const whole = (globalThis as Record<symbol, unknown>)[Symbol.for(WHOLE_CLI)];
  if (typeof whole !== 'function') throw new Error('tsrun: the lean CLI runs only from dist/tsrun.js');
  whole();
  return undefined;
});
