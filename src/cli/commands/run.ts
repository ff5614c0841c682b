import { run } from '../../runtime/run.js';
import { defineCommand } from '../command.js';
import { count } from '../flags.js';

export const runCommand = defineCommand({
  command: 'run <id>',
  describe: 'create and start a container, wait for it and delete it; exits with its status',
  builder: (y) =>
    y
      .positional('id', { type: 'string', demandOption: true })
      .option('bundle', { alias: 'b', type: 'string', default: '.' })
      .option('pid-file', { type: 'string' })
      .option('detach', { alias: 'd', type: 'boolean', default: false })
      .option('console-socket', { type: 'string' })
      .option('pidfd-socket', { type: 'string', describe: 'unix socket that receives a pidfd of the container process (runc 1.2)' })
      .option('keep', { type: 'boolean', default: false, describe: 'do not delete the container after it exits (runc 1.2)' })
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
      consoleSocket: a['console-socket'],
      noPivot: a['no-pivot'],
      preserveFds: a['preserve-fds'],
      systemdCgroup: a['systemd-cgroup'],
      noNewKeyring: a['no-new-keyring'],
      pidfdSocket: a['pidfd-socket'],
      keep: a.keep,
    }),
});
