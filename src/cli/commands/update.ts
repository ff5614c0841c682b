import { readFileSync } from 'node:fs';
import { NotSupportedError, UsageError } from '../../errors.js';
import type { LinuxResources } from '../../spec/types.js';
import { update } from '../../runtime/update.js';
import { resourcesFromFlags } from '../../runtime/update-flags.js';
import { defineCommand } from '../command.js';

function readResources(path: string): LinuxResources {
  try {
    return JSON.parse(readFileSync(path === '-' ? 0 : path, 'utf8')) as LinuxResources;
  } catch (e) {
    throw new UsageError(`--resources ${path}: ${(e as Error).message}`);
  }
}

export const updateCommand = defineCommand({
  command: 'update <id>',
  describe: "change a running container's resource limits",
  builder: (y) =>
    y
      .positional('id', { type: 'string', demandOption: true })
      .option('resources', { alias: 'r', type: 'string', describe: 'JSON linux.resources file, - for stdin' })
      .option('memory', { type: 'string', describe: 'memory limit (e.g. 512m, -1)' })
      .option('memory-swap', { type: 'string', describe: 'memory+swap limit' })
      .option('memory-reservation', { type: 'string' })
      .option('kernel-memory', { type: 'string', hidden: true })
      .option('kernel-memory-tcp', { type: 'string' })
      .option('cpu-share', { alias: 'cpu-shares', type: 'number', describe: 'CPU shares (relative weight)' })
      .option('cpu-quota', { type: 'number' })
      .option('cpu-period', { type: 'number' })
      .option('cpu-burst', { type: 'number' })
      .option('cpu-rt-runtime', { type: 'number' })
      .option('cpu-rt-period', { type: 'number' })
      .option('cpu-idle', { type: 'number' })
      .option('cpuset-cpus', { type: 'string' })
      .option('cpuset-mems', { type: 'string' })
      .option('pids-limit', { type: 'number' })
      .option('blkio-weight', { type: 'number' })
      .option('l3-cache-schema', { type: 'string', describe: 'Intel RDT L3 cache schema (linux.intelRdt: not supported)' })
      .option('mem-bw-schema', { type: 'string', describe: 'Intel RDT memory bandwidth schema (linux.intelRdt: not supported)' })
      .example('$0 update --memory 256m --pids-limit 64 demo', ''),
  handler: (a) => {
    if (a['l3-cache-schema'] !== undefined || a['mem-bw-schema'] !== undefined) throw new NotSupportedError('linux.intelRdt (update --l3-cache-schema, --mem-bw-schema)');
    const base = a.resources !== undefined ? readResources(a.resources) : {};
    update({ root: a.root, id: a.id, resources: resourcesFromFlags(a, base) }); // warnings are logged by the cgroup manager
    return 0;
  },
});
