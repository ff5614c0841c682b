// The commands that compile a config and start a process: the create CLI (main-create.ts)
// holds only these; registry.ts lists them with the others, so both parsers see the same entries.
import { EXEC_COMMANDS } from './exec-set.js';
import type { CommandTable } from './globals.js';

export const CREATE_COMMANDS = {
  create: { describe: 'create a container from a bundle', load: async () => (await import('./commands/create.js')).createCommand },
  run: { describe: 'create, start and wait for a container', load: async () => (await import('./commands/run.js')).runCommand },
  ...EXEC_COMMANDS,
} satisfies CommandTable;
