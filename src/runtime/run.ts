// run: create + start, then (unless detached) wait for the process, forward signals to it,
// delete the container and return its exit status (128+N when killed by signal N, as a shell).
import { constants } from 'node:os';
import { setChildSubreaper, waitPidAsync } from '../native/index.js';
import { create, type CreateOptions } from './create.js';
import { deleteContainer } from './delete.js';
import { kill } from './kill.js';
import { start } from './start.js';

const FORWARDED: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGQUIT', 'SIGUSR1', 'SIGUSR2', 'SIGWINCH'];

export async function run(opts: CreateOptions & { detach: boolean }): Promise<number> {
  // The container process is the init's grandchild; as subreaper we inherit it and can wait for it.
  if (!opts.detach) setChildSubreaper();
  const record = create(opts);
  try {
    start(opts);
  } catch (e) {
    deleteContainer({ ...opts, force: true });
    throw e;
  }
  if (opts.detach) return 0;
  const forward = (sig: NodeJS.Signals) => {
    try {
      kill({ ...opts, signal: constants.signals[sig] });
    } catch {
      /* already gone */
    }
  };
  for (const sig of FORWARDED) process.on(sig, forward);
  const status = await waitPidAsync(record.pid);
  for (const sig of FORWARDED) process.off(sig, forward);
  deleteContainer({ ...opts, force: true });
  return status.signal ? 128 + status.signal : status.exitCode;
}
