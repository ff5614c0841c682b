// A command's output in synchronous write(2)s to fd 1. process.stdout would first load Node's
// stream machinery (net.Socket for a pipe, SyncWriteStream for a file): ~2-3 ms of start-up
// for every `state`. A non-blocking fd 1 that fills up (EAGAIN) gets the rest through it.
import { writeSync } from 'node:fs';

export function print(text: string): void {
  const buf = Buffer.from(text);
  for (let off = 0; off < buf.length; ) {
    try {
      off += writeSync(1, buf, off);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EAGAIN') throw e;
      process.stdout.write(buf.subarray(off));
      return;
    }
  }
}
