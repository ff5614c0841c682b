import { checkpoint } from '../../runtime/criu/checkpoint.js';
import { defineCommand } from '../command.js';
import { criuFlags, criuOptions } from './criu-flags.js';

export const checkpointCommand = defineCommand({
  command: 'checkpoint <id>',
  describe: 'checkpoint a running container with criu',
  builder: (y) =>
    criuFlags(y.positional('id', { type: 'string', demandOption: true }))
      .option('parent-path', { type: 'string', describe: 'path for previous criu image files in pre-dump' })
      .option('leave-running', { type: 'boolean', default: false, describe: 'leave the process running after checkpointing' })
      .option('pre-dump', { type: 'boolean', default: false, describe: "dump container's memory information only, leave the container running after this" })
      .option('page-server', { type: 'string', describe: 'ADDRESS:PORT of the page server' })
      .option('status-fd', { type: 'number', default: -1, describe: 'accepted for runc compatibility (with --lazy-pages only)', hidden: true })
      .example('$0 checkpoint --image-path /var/lib/ckpt demo', ''),
  handler: (a) => {
    checkpoint({ root: a.root, id: a.id, ...criuOptions(a), parentPath: a['parent-path'], leaveRunning: a['leave-running'], preDump: a['pre-dump'], pageServer: a['page-server'] });
    return 0;
  },
});
