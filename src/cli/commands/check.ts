import { check } from '../../runtime/check/index.js';
import { formatReport } from '../../runtime/check/format.js';
import { defineCommand } from '../command.js';
import { ownRootless } from '../flags.js';
import { print } from '../../output.js';

export const checkCommand = defineCommand({
  command: 'check',
  describe: 'say what this host supports for containers and, with --bundle, whether that bundle would run (exit 0) or why not',
  builder: (y) =>
    y
      .option('bundle', { alias: 'b', type: 'string', describe: 'also check this bundle’s config.json, field by field' })
      .option('rootless', { type: 'boolean', default: false, describe: "check for an unprivileged user (as root: $SUDO_USER's subordinate ids); implied when not root" })
      .option('format', { choices: ['text', 'json'] as const, default: 'text' as const })
      .example('$0 check --bundle bundles/busybox', '')
      .example('$0 check --rootless --format json', ''),
  handler: (a) => {
    const report = check({ bundle: a.bundle, rootless: ownRootless(a.rootless, 'check'), systemdCgroup: a['systemd-cgroup'] });
    print(a.format === 'json' ? JSON.stringify(report, null, 2) + '\n' : formatReport(report));
    return report.ok ? 0 : 1;
  },
});
