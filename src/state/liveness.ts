// Is the container's process the one we started? A pid alone can be recycled: the start time
// (field 22 of /proc/<pid>/stat, proc(5)) identifies the process.
import { readFileSync } from 'node:fs';

export interface ProcStat {
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
  const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
  return { state: fields[0], startTime: fields[19] };
}

/** True when pid is alive (not a zombie) and started at startTime. */
export function isAlive(pid: number, startTime: string): boolean {
  if (pid <= 0) return false;
  const stat = readProcStat(pid);
  return stat !== undefined && stat.startTime === startTime && stat.state !== 'Z' && stat.state !== 'X';
}
