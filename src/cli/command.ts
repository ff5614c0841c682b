import type { Argv } from 'yargs';

/** Global flags, as runc has them. */
export interface GlobalArgs {
  root?: string;
  log?: string;
  'log-format'?: 'text' | 'json';
  debug?: boolean;
  'systemd-cgroup'?: boolean;
}

/** One CLI command: its usage line, flags, and a handler that returns the exit code. */
export interface Command<A> {
  command: string;
  describe: string;
  builder: (y: Argv<GlobalArgs>) => Argv<A>;
  handler: (args: A & GlobalArgs & { root: string }) => Promise<number> | number;
}

export const defineCommand = <A>(c: Command<A>): Command<A> => c;
