import { statsEvent, watchEvents } from '../../runtime/events.js';
import { defineCommand } from '../command.js';

export const eventsCommand = defineCommand({
  command: 'events <id>',
  describe: 'print container statistics and OOM notices as JSON lines',
  builder: (y) =>
    y
      .positional('id', { type: 'string', demandOption: true })
      .option('stats', { type: 'boolean', default: false, describe: 'print the statistics once and exit' })
      .option('interval', { type: 'number', default: 5, describe: 'seconds between statistics' }),
  handler: async (a) => {
    const print = (e: unknown): void => void process.stdout.write(JSON.stringify(e) + '\n');
    if (a.stats) print(statsEvent({ root: a.root, id: a.id }));
    else await watchEvents({ root: a.root, id: a.id, intervalMs: Math.max(0.1, a.interval) * 1000 }, print);
    return 0;
  },
});
