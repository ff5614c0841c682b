import { statsEvent, watchEvents } from '../../runtime/events.js';
import { parseDurationMs } from '../../runtime/duration.js';
import { defineCommand } from '../command.js';

export const eventsCommand = defineCommand({
  command: 'events <id>',
  describe: 'print container statistics and OOM notices as JSON lines',
  builder: (y) =>
    y
      .positional('id', { type: 'string', demandOption: true })
      .option('stats', { type: 'boolean', default: false, describe: 'print the statistics once and exit' })
      .option('interval', { type: 'string', default: '5s', describe: 'time between statistics (5s, 250ms; a number is seconds)' }),
  handler: async (a) => {
    const print = (e: unknown): void => void process.stdout.write(JSON.stringify(e) + '\n');
    if (a.stats) print(statsEvent({ root: a.root, id: a.id }));
    else await watchEvents({ root: a.root, id: a.id, intervalMs: parseDurationMs('interval', a.interval) }, print);
    return 0;
  },
});
