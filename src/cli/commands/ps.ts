import { execFileSync } from 'node:child_process';
import { filterPsOutput, ps } from '../../runtime/ps.js';
import { defineCommand } from '../command.js';
import { splitAfterId } from '../split-argv.js';

export const psCommand = defineCommand({
  command: 'ps <id>',
  describe: 'list the processes of a container (ps(1) arguments after the id, default -ef)',
  // runc ps <id> -o pid,args: the words after the id are ps(1)'s (a `--` before them is dropped).
  splitArgv: splitAfterId('ps', new Set(['--format', '-f'])),
  builder: (y) =>
    y
      .positional('id', { type: 'string', demandOption: true })
      .option('format', { alias: 'f', choices: ['table', 'json'] as const, default: 'table' as const })
      .example('$0 ps demo -o pid,comm', ''),
  handler: (a) => {
    const pids = ps({ root: a.root, id: a.id });
    if (a.format === 'json') {
      // runc marshals an empty Go slice: `null` for a container with no process left.
      process.stdout.write(JSON.stringify(pids.length > 0 ? pids : null) + '\n');
      return 0;
    }
    const args = a.rest;
    const out = execFileSync('ps', args.length > 0 ? args : ['-ef'], { encoding: 'utf8' });
    process.stdout.write(filterPsOutput(out, pids).map((l) => l + '\n').join(''));
    return 0;
  },
});
