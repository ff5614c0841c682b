import { resume } from '../../runtime/resume.js';
import { defineCommand } from '../command.js';

export const resumeCommand = defineCommand({
  command: 'resume <id>',
  describe: 'resume every process of a paused container',
  builder: (y) => y.positional('id', { type: 'string', demandOption: true }),
  handler: (a) => {
    resume({ root: a.root, id: a.id });
    return 0;
  },
});
