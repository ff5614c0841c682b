import type { Argv } from 'yargs';

/** Global flags, as runc has them. */
export interface GlobalArgs {
  root?: string;
  log?: string;
  'log-format'?: 'text' | 'json';
  debug?: boolean;
  'systemd-cgroup'?: boolean;
  /** The criu binary for checkpoint and restore. */
  criu?: string;
}

/** One CLI command: its usage line, flags, and a handler that returns the exit code. */
export interface Command<A> {
  command: string;
  describe: string;
  builder: (y: Argv<GlobalArgs>) => Argv<A>;
  handler: (args: A & GlobalArgs & { root: string; rest: string[] }) => Promise<number> | number;
  /**
   * Commands that run a program (exec) take its arguments verbatim after the container id,
   * options like `sh -c` included: this cuts them off the command line before yargs parses it
   * (yargs' halt-at-non-option stops at the command name itself).
   */
  splitArgv?: (argv: string[]) => { argv: string[]; rest: string[] };
  /** Its stderr is the container's (create, run, exec): warnings go only to --log or --debug (log.ts). */
  containerStdio?: boolean;
}

export const defineCommand = <A>(c: Command<A>): Command<A> => c;
