// exec alone: the exec CLI (main-exec.ts) holds only its code; create-set.ts and registry.ts
// list it with the others, so every parser sees the same entry.
import type { CommandTable } from './globals.js';

export const EXEC_COMMANDS = {
  exec: { describe: 'run a process in a running container', load: async () => (await import('./commands/exec.js')).execCommand },
} satisfies CommandTable;
