// The lean CLI (dist/tsrun.lean.cjs, see subset.ts): start, state, kill, delete and list, a
// third of the code (state: ~2.4 ms less CPU and ~1.3 MiB less RSS than the whole CLI).
import { LEAN_COMMANDS } from './lean.js';
import { runSubsetCli } from './subset.js';

runSubsetCli(LEAN_COMMANDS);
