// Output in synchronous write(2)s to fd 1 or 2. process.stdout and process.stderr would first
// load Node's stream machinery (net.Socket for a pipe, SyncWriteStream for a file): ~2-3 ms of
// start-up for every `state`, and more for a `create` that warns. A non-blocking fd that fills
// up (EAGAIN) gets the rest through the stream.
import { writeSync } from 'node:fs';

function writeAll(fd: 1 | 2, text: string): void {
  const buf = Buffer.from(text);
  for (let off = 0; off < buf.length; ) {
    try {
      off += writeSync(fd, buf, off);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EAGAIN') throw e;
      (fd === 1 ? process.stdout : process.stderr).write(buf.subarray(off));
      return;
    }
  }
}

export const print = (text: string): void => writeAll(1, text);
export const printError = (text: string): void => writeAll(2, text);
