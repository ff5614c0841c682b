// Commands whose words after the container id belong to someone else (exec: the program's
// arguments; ps: ps(1)'s options), as runc's urfave/cli stops parsing at the first positional.

/** Global options before the command word that take a value. */
const GLOBAL_VALUE_FLAGS = new Set(['--root', '--log', '--log-format', '--rootless', '--criu']);

/** `[globals] <word> [options] <id> [--] rest...`: cuts argv after the id; `valueFlags` are the
 *  command's options that take the next word as their value. A `--` right after the id is dropped. */
export function splitAfterId(word: string, valueFlags: ReadonlySet<string>): (argv: string[]) => { argv: string[]; rest: string[] } {
  return (argv) => {
    let seenWord = false;
    for (let i = 0; i < argv.length; i++) {
      const a = argv[i];
      if (a === '--') return { argv: argv.slice(0, i + 2), rest: argv.slice(i + 2) };
      if (a.startsWith('-')) {
        if (!a.includes('=') && (seenWord ? valueFlags : GLOBAL_VALUE_FLAGS).has(a)) i++;
        continue;
      }
      if (!seenWord) {
        seenWord = a === word;
        continue;
      }
      const after = argv[i + 1] === '--' ? i + 2 : i + 1;
      return { argv: argv.slice(0, i + 1), rest: argv.slice(after) };
    }
    return { argv, rest: [] };
  };
}
