// --pidfd-socket (runc 1.2, create/run/exec): a pidfd of the container's process goes to the
// unix socket with SCM_RIGHTS, the data "standard" for the container's init and "setns" for an
// exec'd process (runc libcontainer/init_linux.go setupPidfd). runc's init opens its own pidfd
// from inside; tsrun opens it in the runtime (pidfd_open(2) of the pid it was told), which names
// the same process and needs no path of the host reachable from the container.
import { closeSync } from 'node:fs';
import { pidfdOpen, sendToUnixSocket } from '../native/index.js';

export function sendPidfd(socket: string, pid: number, kind: 'standard' | 'setns'): void {
  const fd = pidfdOpen(pid);
  try {
    sendToUnixSocket(socket, Buffer.from(kind), [fd], `send the pidfd of ${pid} to --pidfd-socket ${socket}`);
  } finally {
    closeSync(fd);
  }
}

/** exec: the process already runs; one whose pidfd could not be delivered is killed, as runc's exec fails before its execve. */
export function sendPidfdOrKill(socket: string, pid: number): void {
  try {
    sendPidfd(socket, pid, 'setns');
  } catch (e) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      /* gone */
    }
    throw e;
  }
}
