// How both CLIs (main.ts, main-lean.ts) end: the exit code their main gives, or the error's.
import { RuntimeError } from '../errors.js';
import { log } from '../log.js';

/** Runs main on the command line; undefined from main leaves the exit code to whoever took the line over. */
export function runMain(main: (argv: string[]) => Promise<number | undefined>): void {
  main(process.argv.slice(2)).then(
    (code) => {
      if (code !== undefined) process.exitCode = code;
    },
    (err: unknown) => {
      const msg = err instanceof Error ? err.message : String(err);
      log('error', msg);
      if (!(err instanceof RuntimeError) && process.env.TSRUN_DEBUG) console.error(err);
      process.exitCode = err instanceof RuntimeError ? err.exitCode : 1;
    },
  );
}
