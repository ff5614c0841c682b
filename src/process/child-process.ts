// node:child_process on first use: loading it brings net, dgram and the stream stack (several
// ms of every start-up), and most commands never run a hook or newuidmap. Through
// process.getBuiltinModule, not createRequire: node:module costs ~0.3 ms to load.
type ChildProcess = typeof import('node:child_process');
let loaded: ChildProcess | undefined;

export const spawnSync: ChildProcess['spawnSync'] = ((...args: Parameters<ChildProcess['spawnSync']>) =>
  (loaded ??= process.getBuiltinModule('node:child_process')).spawnSync(...args)) as ChildProcess['spawnSync'];

export const spawn: ChildProcess['spawn'] = ((...args: Parameters<ChildProcess['spawn']>) =>
  (loaded ??= process.getBuiltinModule('node:child_process')).spawn(...args)) as ChildProcess['spawn'];
