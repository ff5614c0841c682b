import { run } from '../../runtime/run.js';
import { defineCommand } from '../command.js';
import { count } from '../flags.js';

export const runCommand = defineCommand({
  command: 'run <id>',
  containerStdio: true,
  describe: 'create and start a container, wait for it and delete it; exits with its status',
  builder: (y) =>
    y
      .positional('id', { type: 'string', demandOption: true })
      .option('bundle', { alias: 'b', type: 'string', default: '.' })
      .option('pid-file', { type: 'string' })
      .option('detach', { alias: 'd', type: 'boolean', default: false })
      .option('keep', { type: 'boolean', default: false, describe: 'do not delete the container after it exits' })
      .option('no-subreaper', { type: 'boolean', default: false, describe: 'accepted for runc compatibility (tsrun waits as subreaper)', hidden: true })
      .option('console-socket', { type: 'string' })
      .option('no-pivot', { type: 'boolean', default: false })
      .option('no-new-keyring', { type: 'boolean', default: false, describe: "keep the caller's session keyring instead of a new one" })
      .option('preserve-fds', { type: 'string', default: '0', coerce: count('preserve-fds') })
      .example('$0 run -b bundles/busybox demo', ''),
  handler: (a) =>
    run({
      root: a.root,
      id: a.id,
      bundle: a.bundle,
      pidFile: a['pid-file'],
      detach: a.detach,
      keep: a.keep,
      consoleSocket: a['console-socket'],
      noPivot: a['no-pivot'],
      preserveFds: a['preserve-fds'],
      systemdCgroup: a['systemd-cgroup'],
      noNewKeyring: a['no-new-keyring'],
    }),
});
