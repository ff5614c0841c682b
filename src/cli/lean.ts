// The commands engines send most often, which neither compile a config nor start a process:
// the lean CLI (main-lean.ts) holds only these; registry.ts lists them with the others, so both
// parsers see the same entries.
import type { CommandTable } from './globals.js';

export const LEAN_COMMANDS = {
  start: { describe: 'start a created container', load: async () => (await import('./commands/start.js')).startCommand },
  state: { describe: 'print the state of a container', load: async () => (await import('./commands/state.js')).stateCommand },
  kill: { describe: 'signal a container', load: async () => (await import('./commands/kill.js')).killCommand },
  delete: { describe: 'delete a container', load: async () => (await import('./commands/delete.js')).deleteCommand },
  list: { describe: 'list containers', load: async () => (await import('./commands/list.js')).listCommand },
} satisfies CommandTable;
