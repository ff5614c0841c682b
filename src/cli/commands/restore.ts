import { setChildSubreaper } from '../../native/index.js';
import { restore } from '../../runtime/criu/restore.js';
import { waitForeground } from '../../runtime/foreground.js';
import { defineCommand } from '../command.js';
import { criuFlags, criuOptions } from './criu-flags.js';

export const restoreCommand = defineCommand({
  command: 'restore <id>',
  containerStdio: true,
  describe: 'restore a container from a previous checkpoint',
  builder: (y) =>
    criuFlags(y.positional('id', { type: 'string', demandOption: true }))
      .option('bundle', { alias: 'b', type: 'string', default: '.' })
      .option('detach', { alias: 'd', type: 'boolean', default: false })
      .option('pid-file', { type: 'string' })
      .option('console-socket', { type: 'string' })
      .option('no-subreaper', { type: 'boolean', default: false, describe: 'accepted for runc compatibility (tsrun waits as subreaper)', hidden: true })
      .option('no-pivot', { type: 'boolean', default: false, describe: 'accepted for runc compatibility (criu restores the mounts)', hidden: true })
      .option('lsm-profile', { type: 'string', describe: 'LSM profile for the restored process, TYPE:NAME' })
      .option('lsm-mount-context', { type: 'string', describe: 'LSM mount context for the restore' })
      .example('$0 restore -d --image-path /var/lib/ckpt -b bundles/busybox demo', ''),
  handler: async (a) => {
    // criu --restore-detached leaves the restored init to the nearest subreaper: this process.
    if (!a.detach) setChildSubreaper();
    const opts = { root: a.root, id: a.id, systemdCgroup: a['systemd-cgroup'] };
    const record = await restore({ ...opts, ...criuOptions(a), bundle: a.bundle, pidFile: a['pid-file'], consoleSocket: a['console-socket'], lsmProfile: a['lsm-profile'], lsmMountContext: a['lsm-mount-context'] });
    return a.detach ? 0 : waitForeground(opts, record.pid);
  },
});
