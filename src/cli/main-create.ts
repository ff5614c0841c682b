// The create CLI (dist/tsrun.create.cjs, see subset.ts): create, run and exec, without the
// other commands' code (criu, check, events, update, ...).
import { CREATE_COMMANDS } from './create-set.js';
import { runSubsetCli } from './subset.js';

runSubsetCli(CREATE_COMMANDS);
