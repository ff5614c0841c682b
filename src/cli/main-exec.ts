// The exec CLI (dist/tsrun.exec.cjs, see subset.ts): exec without create's code (validation,
// cgroup creation, hooks), whose functions a shared bundle's code cache would hold all the same.
import { EXEC_COMMANDS } from './exec-set.js';
import { runSubsetCli } from './subset.js';

runSubsetCli(EXEC_COMMANDS);
