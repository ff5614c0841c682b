// Flag values yargs accepts but the runtime must not: `--preserve-fds many` parses as NaN.
import { UsageError } from '../errors.js';

/** A yargs coerce for flags that take a count: a non-negative integer, or a usage error naming the flag. */
export function count(flag: string, max = Number.MAX_SAFE_INTEGER): (value: unknown) => number {
  return (value) => {
    const n = Number(value);
    if (!Number.isSafeInteger(n) || n < 0 || n > max) throw new UsageError(`invalid --${flag} ${JSON.stringify(String(value))}: must be an integer in 0..${max}`);
    return n;
  };
}
