// The runtime's end of the sync socket (SOCK_SEQPACKET: one read is one message).
// Messages and their order are documented in addon/init/protocol.h.
import { SyscallError } from '../errors.js';
import { closeFd, recvMsg, writeFd } from '../native/index.js';
import { MAX_MESSAGE, Msg } from './protocol.js';

export interface Message {
  type: number;
  payload: Buffer;
  /** Descriptors passed with the message (SCM_RIGHTS), close-on-exec; the receiver closes them. */
  fds: number[];
}

// Only on the error path: node:os is not loaded by a command that succeeds.
let errnoNames: Map<number, string> | undefined;
export function errnoName(n: number): string {
  errnoNames ??= new Map(Object.entries(process.getBuiltinModule('node:os').constants.errno).map(([name, v]) => [v, name]));
  return errnoNames.get(n) ?? `errno ${n}`;
}

export class SyncSocket {
  constructor(readonly fd: number) {}

  // Typed arrays and DataView, not Buffer's alloc, writers and concat: V8 builtins rather than
  // Node functions compiled anew at every start.
  send(type: number, payload: Uint8Array = new Uint8Array(0)): void {
    if (payload.length + 4 > MAX_MESSAGE) throw new RangeError(`sync message of ${payload.length} bytes is over the ${MAX_MESSAGE} byte limit`);
    const message = new Uint8Array(4 + payload.length);
    new DataView(message.buffer).setUint32(0, type, true);
    message.set(payload, 4);
    writeFd(this.fd, message, 'to tsrun-init');
  }

  /** The next message, or undefined when the init closed its end (it exited). */
  recv(): Message | undefined {
    // recvmsg, not read: MSG_SECCOMP_FD carries a descriptor, which a plain read would drop.
    const { data, fds } = recvMsg(this.fd, 64 * 1024);
    if (data.length === 0) return undefined;
    return { type: int32At(data, 0) >>> 0 /* u32 */, payload: data.subarray(4), fds };
  }

  close(): void {
    closeFd(this.fd);
  }
}

/** The little-endian int32 at offset of bytes. */
export function int32At(bytes: Uint8Array, offset: number): number {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getInt32(offset, true);
}

/** n as the 4 little-endian bytes of an int32. */
export function int32Bytes(n: number): Uint8Array {
  const bytes = new Uint8Array(4);
  new DataView(bytes.buffer).setInt32(0, n, true);
  return bytes;
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
