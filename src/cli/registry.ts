// The commands, shared by the fast parser (fast.ts) and yargs (yargs.ts). Only the module of the
// command being run is loaded: the others are listed by name for --help, so `state` never pays
// for `create`. The lean ones (lean.ts) and create, run, exec (create-set.ts) are also the whole
// of a CLI bundle of their own (subset.ts).
import { CREATE_COMMANDS as C } from './create-set.js';
import { LEAN_COMMANDS as L } from './lean.js';
import type { CommandTable } from './globals.js';

export { globalFlags, runCommand, type AnyCommand, type CommandTable, type ParsedArgs } from './globals.js';

// In --help's order.
export const COMMANDS: CommandTable = {
  create: C.create,
  start: L.start,
  state: L.state,
  kill: L.kill,
  delete: L.delete,
  run: C.run,
  exec: C.exec,
  features: { describe: 'print the implemented features as JSON', load: async () => (await import('./commands/features.js')).featuresCommand },
  spec: { describe: 'write a starting config.json', load: async () => (await import('./commands/spec.js')).specCommand },
  pause: { describe: 'suspend every process of a container', load: async () => (await import('./commands/pause.js')).pauseCommand },
  resume: { describe: 'resume a paused container', load: async () => (await import('./commands/resume.js')).resumeCommand },
  ps: { describe: 'list the processes of a container', load: async () => (await import('./commands/ps.js')).psCommand },
  events: { describe: 'print container statistics and OOM events', load: async () => (await import('./commands/events.js')).eventsCommand },
  update: { describe: 'change the resource limits of a container', load: async () => (await import('./commands/update.js')).updateCommand },
  list: L.list,
  checkpoint: { describe: 'checkpoint a running container with criu', load: async () => (await import('./commands/checkpoint.js')).checkpointCommand },
  restore: { describe: 'restore a container from a checkpoint', load: async () => (await import('./commands/restore.js')).restoreCommand },
  check: { describe: 'say what this host supports and whether a bundle would run', load: async () => (await import('./commands/check.js')).checkCommand },
};
