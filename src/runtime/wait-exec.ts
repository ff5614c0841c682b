// After the start handshake the init still runs startContainer hooks and the process steps
// before execve. poststart hooks run "after the user-specified process is executed"
// (config.md#poststart), and a failing startContainer hook must make start fail
// (config.md#startcontainer-hooks): so start waits until the process has exec'd or died (start.ts
// first waits for the init to close its start connection, at its execve or death: most often
// the first look here then sees the program).
import { sleepSync } from '../sleep.js';
import { readProcStat } from '../state/liveness.js';

/** The name the init gives itself (OP_LOG); execve replaces it with the program's. */
const INIT_NAME = 'tsrun:[2:INIT]';

/**
 * Waits until `pid` runs the container's program. False when it died before: a zombie still
 * named as the init. A process already reaped (an engine's subreaper is quick) cannot be told
 * apart from one that exec'd and exited: that counts as started.
 */
export function waitExecOrExit(pid: number): boolean {
  for (let ms = 1; ; ms = Math.min(ms * 2, 20)) {
    const s = readProcStat(pid);
    if (!s) return true;
    if (s.comm !== INIT_NAME) return true;
    if (s.state === 'Z' || s.state === 'X') return false;
    sleepSync(ms);
  }
}
