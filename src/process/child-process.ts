// node:child_process on first use: loading it brings net, dgram and the stream stack (several
// ms of every start-up), and most commands never run a hook or newuidmap.
import { createRequire } from 'node:module';

type ChildProcess = typeof import('node:child_process');
let loaded: ChildProcess | undefined;

export const spawnSync: ChildProcess['spawnSync'] = ((...args: Parameters<ChildProcess['spawnSync']>) =>
  (loaded ??= createRequire(import.meta.url)('node:child_process') as ChildProcess).spawnSync(...args)) as ChildProcess['spawnSync'];
