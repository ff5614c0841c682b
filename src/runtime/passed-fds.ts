// --preserve-fds N and LISTEN_FDS (issue 13 item 6): fds 3..3+N-1 go to the container, so each
// must be one the caller passed (runc fails on a missing one). Node opens its own before any
// JS runs, in the lowest free numbers: where the caller left a hole, an event loop fd fills it.
// Node also marks some inherited fds close-on-exec, so that flag tells nothing. What tells:
// libuv's kinds (epoll, eventfd, io_uring) and pipes whose both ends tsrun holds (its wakeup
// pipes); such an fd, or a missing one, in the range is refused. Checked before tsrun opens
// anything of its own.
import { readdirSync, readlinkSync } from 'node:fs';
import { UsageError } from '../errors.js';

/** Above this the container would get more fds than any RLIMIT_NOFILE default allows. */
export const MAX_PASSED_FDS = 1 << 16;
const RUNTIME_KINDS = /^anon_inode:\[(eventpoll|eventfd|io_uring|signalfd|timerfd)\]$/;

function target(fd: number): string | undefined {
  try {
    return readlinkSync(`/proc/self/fd/${fd}`);
  } catch {
    return undefined;
  }
}

export function checkPassedFds(count: number, what = '--preserve-fds'): void {
  if (!Number.isSafeInteger(count) || count < 0 || count > MAX_PASSED_FDS) throw new UsageError(`invalid ${what} ${count}: must be an integer in 0..${MAX_PASSED_FDS}`);
  if (count === 0) return;
  const pipes = new Map<string, number>();
  for (const name of readdirSync('/proc/self/fd')) {
    const t = target(Number(name));
    if (t?.startsWith('pipe:')) pipes.set(t, (pipes.get(t) ?? 0) + 1);
  }
  for (let fd = 3; fd < 3 + count; fd++) {
    const t = target(fd);
    const own = t !== undefined && (RUNTIME_KINDS.test(t) || (t.startsWith('pipe:') && (pipes.get(t) ?? 0) > 1));
    if (t === undefined || own) {
      throw new UsageError(`${what} ${count}: fd ${fd} is ${t === undefined ? 'not open' : `not one the caller passed (${t} is tsrun's own)`}; the caller must pass fds 3..${2 + count}`);
    }
  }
}
