// Is the container's process the one we started? A pid alone can be recycled: the start time
// (field 22 of /proc/<pid>/stat, proc(5)) identifies the process.
import { readFileSync } from 'node:fs';

export interface ProcStat {
  /** Field 2, the command name (what prctl(PR_SET_NAME) or execve set). */
  comm: string;
  state: string;
  startTime: string;
}

export function readProcStat(pid: number): ProcStat | undefined {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  // The command name (field 2) may contain spaces and parentheses: split after the last ')'.
  const close = text.lastIndexOf(')');
  const fields = text.slice(close + 2).split(' ');
  return { comm: text.slice(text.indexOf('(') + 1, close), state: fields[0], startTime: fields[19] };
}

/** True when pid is alive (not a zombie) and started at startTime. */
export function isAlive(pid: number, startTime: string): boolean {
  if (pid <= 0) return false;
  const stat = readProcStat(pid);
  return stat !== undefined && stat.startTime === startTime && stat.state !== 'Z' && stat.state !== 'X';
}
