import { execFileSync } from 'node:child_process';
import { filterPsOutput, ps } from '../../runtime/ps.js';
import { defineCommand } from '../command.js';

export const psCommand = defineCommand({
  command: 'ps <id> [ps-args..]',
  describe: 'list the processes of a container (ps(1) arguments after --, default -ef)',
  builder: (y) =>
    y
      .positional('id', { type: 'string', demandOption: true })
      .positional('ps-args', { type: 'string', array: true, default: [] as string[] })
      .option('format', { alias: 'f', choices: ['table', 'json'] as const, default: 'table' as const })
      .example('$0 ps demo -- -o pid,comm', ''),
  handler: (a) => {
    const pids = ps({ root: a.root, id: a.id });
    if (a.format === 'json') {
      process.stdout.write(JSON.stringify(pids) + '\n');
      return 0;
    }
    // yargs leaves the words after `--` in `_`, behind the command name.
    const rest = ((a as { _?: (string | number)[] })._ ?? []).map(String);
    const args = [...(a['ps-args'] ?? []).map(String), ...rest.slice(rest.indexOf('ps') + 1)];
    const out = execFileSync('ps', args.length > 0 ? args : ['-ef'], { encoding: 'utf8' });
    process.stdout.write(filterPsOutput(out, pids).map((l) => l + '\n').join(''));
    return 0;
  },
});
