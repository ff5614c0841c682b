// Flag values yargs accepts but the runtime must not: `--preserve-fds many` parses as NaN.
import { UsageError } from '../errors.js';

/** A yargs coerce for flags that take a count: a non-negative integer, or a usage error naming the flag. */
export function count(flag: string): (value: unknown) => number {
  return (value) => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < 0) throw new UsageError(`invalid --${flag} ${JSON.stringify(String(value))}: must be a non-negative integer`);
    return n;
  };
}
