import { deleteContainer } from '../../runtime/delete.js';
import { defineCommand } from '../command.js';

export const deleteCommand = defineCommand({
  command: 'delete <id>',
  describe: 'delete a stopped container (--force: kill it first)',
  builder: (y) =>
    y.positional('id', { type: 'string', demandOption: true }).option('force', { alias: 'f', type: 'boolean', default: false }),
  handler: (a) => {
    deleteContainer({ root: a.root, id: a.id, force: a.force });
    return 0;
  },
});
