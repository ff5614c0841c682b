// The runtime's end of the sync socket (SOCK_SEQPACKET: one read is one message).
// Messages and their order are documented in addon/init/protocol.h.
import { closeSync, writeSync } from 'node:fs';
import { constants } from 'node:os';
import { SyscallError } from '../errors.js';
import { recvMsg } from '../native/index.js';
import { MAX_MESSAGE, Msg } from './protocol.js';

export interface Message {
  type: number;
  payload: Buffer;
  /** Descriptors passed with the message (SCM_RIGHTS), close-on-exec; the receiver closes them. */
  fds: number[];
}

const ERRNO_NAMES = new Map(Object.entries(constants.errno).map(([name, n]) => [n, name]));
export const errnoName = (n: number): string => ERRNO_NAMES.get(n) ?? `errno ${n}`;

export class SyncSocket {
  constructor(readonly fd: number) {}

  send(type: number, payload: Buffer = Buffer.alloc(0)): void {
    if (payload.length + 4 > MAX_MESSAGE) throw new RangeError(`sync message of ${payload.length} bytes is over the ${MAX_MESSAGE} byte limit`);
    const head = Buffer.alloc(4);
    head.writeUInt32LE(type, 0);
    writeSync(this.fd, Buffer.concat([head, payload]));
  }

  /** The next message, or undefined when the init closed its end (it exited). */
  recv(): Message | undefined {
    // recvmsg, not read: MSG_SECCOMP_FD carries a descriptor, which a plain read would drop.
    const { data, fds } = recvMsg(this.fd, 64 * 1024);
    if (data.length === 0) return undefined;
    return { type: data.readUInt32LE(0), payload: data.subarray(4), fds };
  }

  close(): void {
    closeSync(this.fd);
  }
}

/** MSG_ERROR payload → SyscallError: {i32 errno, syscall, step, detail}. */
export function decodeInitError(payload: Buffer): SyscallError {
  const errno = payload.readInt32LE(0);
  const strings: string[] = [];
  let off = 4;
  for (let i = 0; i < 3 && off + 4 <= payload.length; i++) {
    const len = payload.readUInt32LE(off);
    strings.push(payload.subarray(off + 4, off + 4 + len).toString('utf8'));
    off += 4 + len;
  }
  const [syscall = '?', step = '?', detail = ''] = strings;
  return new SyscallError(syscall, errno, errnoName(errno), step, detail);
}

export { Msg };
