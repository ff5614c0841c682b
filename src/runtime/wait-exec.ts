// After the start handshake the init still runs startContainer hooks and the process steps
// before execve. poststart hooks run "after the user-specified process is executed"
// (config.md#poststart), and a failing startContainer hook must make start fail
// (config.md#startcontainer-hooks): so start waits until the process has exec'd or died.
import { readFileSync } from 'node:fs';

/** The name the init gives itself (OP_LOG); execve replaces it with the program's. */
const INIT_NAME = 'tsrun:[2:INIT]';

const sleepCell = new Int32Array(new SharedArrayBuffer(4));

function commAndState(pid: number): { comm: string; state: string } | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const open = stat.indexOf('(');
    const close = stat.lastIndexOf(')');
    return { comm: stat.slice(open + 1, close), state: stat.slice(close + 2, close + 3) };
  } catch {
    return undefined;
  }
}

/**
 * Waits until `pid` runs the container's program. False when it died before: a zombie still
 * named as the init. A process already reaped (an engine's subreaper is quick) cannot be told
 * apart from one that exec'd and exited: that counts as started.
 */
export function waitExecOrExit(pid: number): boolean {
  for (let ms = 1; ; ms = Math.min(ms * 2, 20)) {
    const s = commAndState(pid);
    if (!s) return true;
    if (s.comm !== INIT_NAME) return true;
    if (s.state === 'Z' || s.state === 'X') return false;
    Atomics.wait(sleepCell, 0, 0, ms);
  }
}
