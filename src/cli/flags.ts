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

/**
 * A command's own boolean --rootless: runc's global --rootless (true|false|auto) shares the
 * key, and yargs then loses the command's boolean, so the words after the command are read too
 * (`--rootless`, `--rootless=true`).
 */
export function ownRootless(parsed: unknown, command: string): boolean {
  const words = process.argv.slice(process.argv.indexOf(command) + 1);
  return parsed === true || words.some((w) => w === '--rootless' || w === '--rootless=true');
}
