import { state } from '../../runtime/state.js';
import { defineCommand } from '../command.js';
import { print } from '../print.js';

export const stateCommand = defineCommand({
  command: 'state <id>',
  describe: "print the container's state (runtime.md#state) as JSON",
  builder: (y) => y.positional('id', { type: 'string', demandOption: true }),
  handler: (a) => {
    print(JSON.stringify(state({ root: a.root, id: a.id }), null, 2) + '\n');
    return 0;
  },
});
