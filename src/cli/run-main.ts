// How both CLIs (main.ts, main-lean.ts) end: the exit code their main gives, or the error's.
import { RuntimeError } from '../errors.js';
import { log } from '../log.js';
import { outputInStreams } from '../output.js';

/**
 * Ends the process now with code. A command of the fast path (subset.ts) writes its output
 * synchronously (output.ts) and registers no 'exit' handler: ending here skips Node's teardown
 * of the environment and the heap once the event loop drains (~1 M instructions, callgrind).
 * Output handed to process.stdout or stderr (a pipe that was full) waits for that drain.
 */
function endNow(code: number): void {
  process.exitCode = code;
  if (!outputInStreams()) (process as unknown as { reallyExit(code: number): never }).reallyExit(code);
}

/**
 * Runs main on the command line; undefined from main leaves the exit code to whoever took the
 * line over. With `end`, the process ends as soon as main has a code (endNow).
 */
export function runMain(main: (argv: string[]) => Promise<number | undefined>, end = false): void {
  const finish = (code: number) => (end ? endNow(code) : (process.exitCode = code));
  main(process.argv.slice(2)).then(
    (code) => {
      if (code !== undefined) finish(code);
    },
    (err: unknown) => {
      const msg = err instanceof Error ? err.message : String(err);
      log('error', msg);
      const code = err instanceof RuntimeError ? err.exitCode : 1;
      if (!(err instanceof RuntimeError) && process.env.TSRUN_DEBUG) {
        console.error(err); // through process.stderr: the process ends once it drained
        process.exitCode = code;
      } else finish(code);
    },
  );
}
