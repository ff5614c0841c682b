// Signal the container process through a pidfd, so a recycled pid is never signalled:
// the pidfd is opened first, then the start time is checked, then the signal goes to the pidfd.
import { closeSync } from 'node:fs';
import { RuntimeError } from '../errors.js';
import { pidfdOpen, pidfdSendSignal } from '../native/index.js';
import { sleepSync } from '../sleep.js';
import { isAlive } from '../state/liveness.js';
import type { ContainerRecord } from '../state/record.js';

export function signalContainer(record: ContainerRecord, signal: number): void {
  let pidfd: number;
  try {
    pidfd = pidfdOpen(record.pid);
  } catch {
    throw new RuntimeError(`container ${record.id} is not running`);
  }
  try {
    if (!isAlive(record.pid, record.pidStartTime)) throw new RuntimeError(`container ${record.id} is not running`);
    pidfdSendSignal(pidfd, signal);
  } finally {
    closeSync(pidfd);
  }
}

/**
 * Wait (bounded) until the container process is gone or a zombie. A SIGKILLed process is most
 * often gone within a millisecond: the looks start 1 ms apart and back off to 10 ms (a first
 * sleep of 10 ms was most of `delete --force`'s time).
 */
export function waitGone(record: ContainerRecord, timeoutMs = 10_000): boolean {
  const until = Date.now() + timeoutMs;
  for (let ms = 1; isAlive(record.pid, record.pidStartTime); ms = Math.min(ms * 2, 10)) {
    if (Date.now() > until) return false;
    sleepSync(ms);
  }
  return true;
}

/** SIGKILL the container process (one that already ended is fine) and wait until it is gone; false if it outlived the wait. */
export function killAndWait(record: ContainerRecord): boolean {
  try {
    signalContainer(record, 9);
  } catch {
    /* it ended between the check and the signal */
  }
  return waitGone(record);
}
