import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { RuntimeError } from '../../errors.js';
import { defaultSpec, specText } from '../../runtime/spec.js';
import { defineCommand } from '../command.js';

export const specCommand = defineCommand({
  command: 'spec',
  describe: 'write a starting config.json into the bundle directory',
  builder: (y) =>
    y
      .option('bundle', { alias: 'b', type: 'string', default: '.' })
      .option('rootless', { type: 'boolean', default: false, describe: 'a config for an unprivileged user (user namespace mapping you to root)' })
      .example('$0 spec --rootless -b bundles/mine', ''),
  handler: (a) => {
    const file = join(a.bundle, 'config.json');
    if (existsSync(file)) throw new RuntimeError(`${file} already exists; remove it first`);
    // runc's global --rootless (true|false|auto) shares the key, and yargs then loses spec's own
    // boolean: read the words after "spec" (`spec --rootless`, `--rootless=true`).
    const words = process.argv.slice(process.argv.indexOf('spec') + 1);
    const rootless = a.rootless === true || words.some((w) => w === '--rootless' || w === '--rootless=true');
    const spec = defaultSpec(rootless ? { uid: process.geteuid!(), gid: process.getegid!() } : undefined);
    writeFileSync(file, specText(spec));
    return 0;
  },
});
