// nodeAs(mode, args): node (or, with `file`, another program) run as the tier's runner with a
// clean environment and stdin from /dev/null, output captured: for what is not a `tsrun` call
// of the runtime under test (the library's scripts, tsrun's own `check`).
import { execa } from 'execa';
import { isRoot, type Mode, nodeBin, runnerOf } from './host.js';

export interface NodeAsOptions {
  cwd?: string;
  /** Extra (or replaced) environment variables. */
  env?: Record<string, string>;
  /** Run this program instead of node (args are its arguments). */
  file?: string;
}

export function nodeAs(mode: Mode, args: string[], opts: NodeAsOptions = {}) {
  const who = runnerOf(mode);
  let file = opts.file ?? nodeBin;
  let argv = args;
  if (mode === 'rootless' && isRoot) {
    argv = [`--reuid=${who.uid}`, `--regid=${who.gid}`, '--clear-groups', '--', file, ...argv];
    file = 'setpriv';
  }
  const env = { PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin', HOME: who.home, USER: who.name, LANG: 'C.UTF-8', ...opts.env };
  return execa(file, argv, { cwd: opts.cwd, env, extendEnv: false, reject: false, stdin: 'ignore', timeout: 60_000 });
}
