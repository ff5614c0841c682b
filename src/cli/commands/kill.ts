import { killAll } from '../../runtime/kill-all.js';
import { kill } from '../../runtime/kill.js';
import { parseSignal } from '../../runtime/signal.js';
import { defineCommand } from '../command.js';

export const killCommand = defineCommand({
  command: 'kill <id> [signal]',
  describe: 'send a signal (default SIGTERM) to the container process',
  builder: (y) =>
    y
      .positional('id', { type: 'string', demandOption: true })
      .positional('signal', { type: 'string', default: 'SIGTERM', describe: 'name (KILL, SIGKILL) or number' })
      .option('all', { alias: 'a', type: 'boolean', default: false, describe: 'signal every process of the container' })
      .example('$0 kill demo KILL', ''),
  handler: (a) => {
    if (a.all) {
      killAll({ root: a.root, id: a.id, signal: parseSignal(String(a.signal)) });
      return 0;
    }
    kill({ root: a.root, id: a.id, signal: parseSignal(String(a.signal)) });
    return 0;
  },
});
