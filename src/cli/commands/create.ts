import { create } from '../../runtime/create.js';
import { defineCommand } from '../command.js';
import { count } from '../flags.js';

export const createCommand = defineCommand({
  command: 'create <id>',
  containerStdio: true,
  describe: 'create a container from a bundle; it waits for "start"',
  builder: (y) =>
    y
      .positional('id', { type: 'string', demandOption: true, describe: 'container id' })
      .option('bundle', { alias: 'b', type: 'string', default: '.', describe: 'bundle directory (holds config.json)' })
      .option('pid-file', { type: 'string', describe: 'write the container process pid to this file' })
      .option('console-socket', { type: 'string', describe: 'unix socket that receives the pty master' })
      .option('no-pivot', { type: 'boolean', default: false, describe: 'use MS_MOVE + chroot instead of pivot_root' })
      .option('no-new-keyring', { type: 'boolean', default: false, describe: "keep the caller's session keyring instead of a new one" })
      .option('preserve-fds', { type: 'string', default: '0', coerce: count('preserve-fds'), describe: 'pass fds 3..3+N-1 to the container' })
      .example('$0 create -b bundles/busybox demo', ''),
  handler: (a) => {
    create({ root: a.root, id: a.id, bundle: a.bundle, pidFile: a['pid-file'], consoleSocket: a['console-socket'], noPivot: a['no-pivot'], preserveFds: a['preserve-fds'], systemdCgroup: a['systemd-cgroup'], noNewKeyring: a['no-new-keyring'] });
    return 0;
  },
});
