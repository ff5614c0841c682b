// Socket activation (command-line-interface.md#create "LISTEN_FDS", sd_listen_fds(3)): when
// tsrun itself was handed sockets (LISTEN_FDS=N with LISTEN_PID naming this process), fds
// 3..3+N-1 go to the container, before any --preserve-fds ones, and the container's
// environment says so. As runc (and go-systemd's activation.Files) the fds are passed only
// when LISTEN_PID matches, and the container sees LISTEN_PID=1.
import type { Process } from '../spec/types.js';

export function listenFdsOf(env: NodeJS.ProcessEnv = process.env, pid = process.pid): number {
  if (env.LISTEN_PID !== String(pid)) return 0;
  const n = Number(env.LISTEN_FDS);
  return Number.isInteger(n) && n > 0 ? n : 0;
}

/** The container's process with LISTEN_FDS/LISTEN_PID set (replacing any it had). */
export function withListenEnv(p: Process, count: number): Process {
  const env = (p.env ?? []).filter((e) => !e.startsWith('LISTEN_FDS=') && !e.startsWith('LISTEN_PID='));
  return { ...p, env: [...env, `LISTEN_FDS=${count}`, 'LISTEN_PID=1'] };
}
