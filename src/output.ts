// Output in synchronous write(2)s to fd 1 or 2. process.stdout and process.stderr would first
// load Node's stream machinery (net.Socket for a pipe, SyncWriteStream for a file): ~2-3 ms of
// start-up for every `state`, and more for a `create` that warns. A non-blocking fd that fills
// up (EAGAIN) gets the rest through the stream. The write(2)s are the addon's (fs.writeSync and
// Buffer.from would be compiled anew at every start).
import { writeFd } from './native/index.js';

function writeAll(fd: 1 | 2, text: string): void {
  const left = writeFd(fd, text, fd === 1 ? 'stdout' : 'stderr');
  if (left === 0) return;
  const buf = Buffer.from(text);
  (fd === 1 ? process.stdout : process.stderr).write(buf.subarray(buf.length - left));
}

export const print = (text: string): void => writeAll(1, text);
export const printError = (text: string): void => writeAll(2, text);
