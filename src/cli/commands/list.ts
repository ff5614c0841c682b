import { list } from '../../runtime/list.js';
import { defineCommand } from '../command.js';
import { print } from '../print.js';

export const listCommand = defineCommand({
  command: 'list',
  describe: 'list containers',
  builder: (y) =>
    y
      .option('format', { alias: 'f', choices: ['table', 'json'] as const, default: 'table' as const })
      .option('quiet', { alias: 'q', type: 'boolean', default: false, describe: 'print only ids' }),
  handler: (a) => {
    const rows = list({ root: a.root });
    if (a.quiet) print(rows.map((r) => r.id + '\n').join(''));
    else if (a.format === 'json') print(JSON.stringify(rows) + '\n');
    else {
      const table = [['ID', 'PID', 'STATUS', 'BUNDLE', 'CREATED', 'OWNER'], ...rows.map((r) => [r.id, String(r.pid), r.status, r.bundle, r.created, r.owner])];
      const widths = table[0].map((_, i) => Math.max(...table.map((row) => row[i].length)));
      print(table.map((row) => row.map((c, i) => c.padEnd(widths[i])).join('   ').trimEnd() + '\n').join(''));
    }
    return 0;
  },
});
