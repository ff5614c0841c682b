// How both CLIs (main.ts, main-lean.ts) end: the exit code their main gives, or the error's.
import { RuntimeError } from '../errors.js';
import { log } from '../log.js';
import { exitNow } from '../native/index.js';

/** Runs main on the command line; undefined from main leaves the exit code to whoever took the line over. */
export function runMain(main: (argv: string[]) => Promise<number | undefined>): void {
  main(process.argv.slice(2)).then(
    (code) => {
      if (code !== undefined) process.exitCode = code;
      setImmediate(endIfIdle);
    },
    (err: unknown) => {
      const msg = err instanceof Error ? err.message : String(err);
      log('error', msg);
      if (!(err instanceof RuntimeError) && process.env.TSRUN_DEBUG) console.error(err);
      process.exitCode = err instanceof RuntimeError ? err.exitCode : 1;
      setImmediate(endIfIdle);
    },
  );
}

// Once the command is done and nothing is pending (no handle or request: every write of ours is a
// synchronous write(2), see output.ts and log.ts), _exit(2) now: Node's own way out tears down
// its environment, isolate and platform threads first (~2 ms of a command's lifetime here). With anything
// still pending (a stream's write that met EAGAIN, a child not waited for), Node ends as usual.
function endIfIdle(): void {
  if (process.getActiveResourcesInfo().length === 0) exitNow(Number(process.exitCode ?? 0));
}
