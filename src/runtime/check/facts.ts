// The host as the checks read it: files of /proc, /sys and /etc, read once and shared. Every
// check is a pure function of these (and of the few probes the addon makes).
import { existsSync, readFileSync } from 'node:fs';
import { userInfo } from 'node:os';

export function readText(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

/** Kernel release as [major, minor] (/proc/sys/kernel/osrelease, as uname -r). */
export function kernelVersion(): [number, number] {
  const m = /^(\d+)\.(\d+)/.exec(readText('/proc/sys/kernel/osrelease') ?? '');
  return m ? [Number(m[1]), Number(m[2])] : [0, 0];
}

export const kernelAtLeast = (major: number, minor: number): boolean => {
  const [a, b] = kernelVersion();
  return a > major || (a === major && b >= minor);
};

export const kernelText = (): string => (readText('/proc/sys/kernel/osrelease') ?? 'unknown').trim();

/** A program by name on PATH, as execvp(3) finds it. */
export function onPath(name: string): string | undefined {
  for (const dir of (process.env.PATH ?? '/usr/bin:/bin').split(':')) {
    const p = `${dir || '.'}/${name}`;
    if (existsSync(p)) return p;
  }
  return undefined;
}

/** The user whose subordinate ids matter: the caller, or, as root with --rootless, $SUDO_USER. */
export function subjectUser(): { name: string; uid: number; gid: number } {
  const sudo = process.env.SUDO_USER;
  if (process.geteuid!() === 0 && sudo) return { name: sudo, uid: Number(process.env.SUDO_UID ?? -1), gid: Number(process.env.SUDO_GID ?? -1) };
  let name = String(process.geteuid!());
  try {
    name = userInfo().username;
  } catch {
    /* no passwd entry: subid files may still name the uid */
  }
  return { name, uid: process.geteuid!(), gid: process.getegid!() };
}

export interface SubidRange {
  start: number;
  count: number;
}

/** The ranges /etc/subuid or /etc/subgid (subuid(5)) give a user, by name or number. */
export function subidRanges(file: string, user: { name: string; uid: number }): SubidRange[] {
  const out: SubidRange[] = [];
  for (const line of (readText(file) ?? '').split('\n')) {
    const [who, start, count] = line.trim().split(':');
    if (who !== user.name && who !== String(user.uid)) continue;
    if (/^\d+$/.test(start ?? '') && /^\d+$/.test(count ?? '')) out.push({ start: Number(start), count: Number(count) });
  }
  return out;
}
