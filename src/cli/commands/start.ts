import { start } from '../../runtime/start.js';
import { defineCommand } from '../command.js';

export const startCommand = defineCommand({
  command: 'start <id>',
  describe: 'run the process of a created container',
  builder: (y) => y.positional('id', { type: 'string', demandOption: true }),
  handler: (a) => {
    start({ root: a.root, id: a.id });
    return 0;
  },
});
