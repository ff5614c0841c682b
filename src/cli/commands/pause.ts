import { pause } from '../../runtime/pause.js';
import { defineCommand } from '../command.js';

export const pauseCommand = defineCommand({
  command: 'pause <id>',
  describe: 'suspend every process of the container (cgroup freezer)',
  builder: (y) => y.positional('id', { type: 'string', demandOption: true }),
  handler: (a) => {
    pause({ root: a.root, id: a.id });
    return 0;
  },
});
