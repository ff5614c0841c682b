import { exec } from '../../runtime/exec.js';
import { defineCommand } from '../command.js';
import { count } from '../flags.js';

export const execCommand = defineCommand({
  command: 'exec <id> [args..]',
  describe: 'run a new process in a running container; exits with its status',
  builder: (y) =>
    y
      .positional('id', { type: 'string', demandOption: true })
      .positional('args', { type: 'string', array: true, default: [] as string[] })
      .option('process', { alias: 'p', type: 'string', describe: 'process.json (config.md#process) to run' })
      .option('tty', { alias: 't', type: 'boolean', default: false })
      .option('console-socket', { type: 'string' })
      .option('cwd', { type: 'string' })
      .option('env', { alias: 'e', type: 'string', array: true, default: [] as string[] })
      .option('user', { alias: 'u', type: 'string', describe: 'uid[:gid]' })
      .option('additional-gids', { alias: 'g', type: 'number', array: true, default: [] as number[] })
      .option('cap', { alias: 'c', type: 'string', array: true, default: [] as string[] })
      .option('no-new-privs', { type: 'boolean', default: false })
      .option('detach', { alias: 'd', type: 'boolean', default: false })
      .option('pid-file', { type: 'string' })
      .option('preserve-fds', { type: 'string', default: '0', coerce: count('preserve-fds') })
      .option('ignore-paused', { type: 'boolean', default: false })
      .parserConfiguration({ 'halt-at-non-option': true })
      .example('$0 exec demo -- ps', ''),
  handler: (a) =>
    exec({
      root: a.root,
      id: a.id,
      processFile: a.process,
      args: a.args.map(String),
      tty: a.tty,
      consoleSocket: a['console-socket'],
      cwd: a.cwd,
      env: a.env.map(String),
      user: a.user,
      additionalGids: a['additional-gids'],
      caps: a.cap.map(String),
      noNewPrivs: a['no-new-privs'],
      detach: a.detach,
      pidFile: a['pid-file'],
      preserveFds: a['preserve-fds'],
      ignorePaused: a['ignore-paused'],
    }),
});
