import { exec } from '../../runtime/exec.js';
import { defineCommand } from '../command.js';
import { count } from '../flags.js';
import { splitAfterId } from '../split-argv.js';

/** exec's options that take a value as the next word (runc exec --help). */
const VALUE_FLAGS = new Set(['--process', '-p', '--console-socket', '--cwd', '--env', '-e', '--user', '-u', '--additional-gids', '-g', '--cap', '-c', '--apparmor', '--process-label', '--pid-file', '--pidfd-socket', '--preserve-fds', '--cgroup']);
/** `[globals] exec [options] <id> [--] args...`: everything after the id is the program's. */
export const splitExecArgv = splitAfterId('exec', VALUE_FLAGS);

export const execCommand = defineCommand({
  command: 'exec <id>',
  containerStdio: true,
  describe: 'run a new process in a running container; exits with its status',
  splitArgv: splitExecArgv,
  builder: (y) =>
    y
      .positional('id', { type: 'string', demandOption: true })
      .option('process', { alias: 'p', type: 'string', describe: 'process.json (config.md#process) to run' })
      .option('tty', { alias: 't', type: 'boolean', default: false })
      .option('console-socket', { type: 'string' })
      .option('pidfd-socket', { type: 'string', describe: 'unix socket that receives a pidfd of the container process (runc 1.2)' })
      .option('cwd', { type: 'string' })
      .option('env', { alias: 'e', type: 'string', array: true, default: [] as string[] })
      .option('user', { alias: 'u', type: 'string', describe: 'uid[:gid]' })
      .option('additional-gids', { alias: 'g', type: 'number', array: true, default: [] as number[] })
      .option('cap', { alias: 'c', type: 'string', array: true, default: [] as string[] })
      .option('no-new-privs', { type: 'boolean', default: false })
      .option('apparmor', { type: 'string', describe: 'AppArmor profile for the process (process.apparmorProfile)' })
      .option('process-label', { type: 'string', describe: 'SELinux label for the process (process.selinuxLabel)' })
      .option('detach', { alias: 'd', type: 'boolean', default: false })
      .option('pid-file', { type: 'string' })
      .option('preserve-fds', { type: 'string', default: '0', coerce: count('preserve-fds', 65536) })
      .option('ignore-paused', { type: 'boolean', default: false })
      .option('cgroup', { type: 'string', array: true, default: [] as string[], describe: 'join an existing sub-cgroup: [<controller>[,<controller>]:]<path>' })
      .example('$0 exec demo -- ps', ''),
  handler: (a) =>
    exec({
      root: a.root,
      id: a.id,
      processFile: a.process,
      args: a.rest,
      tty: a.tty,
      consoleSocket: a['console-socket'],
      cwd: a.cwd,
      env: a.env.map(String),
      user: a.user,
      additionalGids: a['additional-gids'],
      caps: a.cap.map(String),
      noNewPrivs: a['no-new-privs'],
      apparmor: a.apparmor,
      processLabel: a['process-label'],
      detach: a.detach,
      pidFile: a['pid-file'],
      pidfdSocket: a['pidfd-socket'],
      preserveFds: a['preserve-fds'],
      ignorePaused: a['ignore-paused'],
      cgroups: a.cgroup.map(String),
    }),
});
