// The runtime's log: --log FILE (appended) in --log-format text|json, as runc (logrus) writes it:
// text `time="2026-01-02T03:04:05Z" level=debug msg="..."`, json lines {"level","msg","time"}
// (containerd's shim reads them). Without --log: debug lines (--debug) and warnings on stderr in
// that format, errors as `tsrun: <msg>`. create, run and exec share their stderr with the
// container, so their warnings (about a config that works) go only to --log, or with --debug.
// The log file's open and writes are the addon's: engines pass --log to every command, and
// fs.openSync and writeSync would be compiled anew at each.
import { constants } from 'node:fs';
import { errnoText, RuntimeError, SyscallError } from './errors.js';
import { isoTime } from './iso-time.js';
import { closeFd, openFile, writeFd } from './native/index.js';
import { printError } from './output.js';

export type Level = 'debug' | 'info' | 'warning' | 'error';

export interface LogOptions {
  file?: string;
  format?: 'text' | 'json';
  debug?: boolean;
  /** The command's stderr is the container's (create, run, exec): no warnings there unless --debug. */
  containerStdio?: boolean;
}

let options: LogOptions = {};
let fd: number | undefined;

/** Opens --log now, as runc does at start-up: a path that cannot be opened fails the command. */
export function configureLog(o: LogOptions): void {
  if (fd !== undefined) closeFd(fd);
  fd = undefined;
  options = o;
  if (!o.file) return;
  try {
    fd = openFile(o.file, constants.O_WRONLY | constants.O_CREAT | constants.O_APPEND, 0o644);
  } catch (e) {
    options = { ...o, file: undefined };
    throw new RuntimeError(`open ${o.file}: ${e instanceof SyscallError ? errnoText(e.errno) : String(e)}`);
  }
}

/** logrus' TextFormatter quotes a value only when it has a character outside [A-Za-z0-9-._/@^+]. */
const quote = (s: string): string => (s !== '' && /^[A-Za-z0-9\-._/@^+]+$/.test(s) ? s : JSON.stringify(s));
/** RFC 3339 to the second, as logrus' default (time.RFC3339). */
const now = (): string => isoTime().replace(/\.\d{3}Z$/, 'Z');

export function formatLine(level: Level, msg: string, format: LogOptions['format'] = options.format): string {
  const time = now();
  if (format === 'json') return JSON.stringify({ level, msg, time }) + '\n';
  return `time="${time}" level=${level} msg=${quote(msg)}\n`;
}

function toStderr(text: string): void {
  try {
    printError(text);
  } catch {
    /* a log line that cannot be written (stderr a closed pipe) does not fail the command */
  }
}

export function log(level: Level, msg: string): void {
  if (level === 'debug' && !options.debug) return;
  if (fd !== undefined) {
    try {
      writeFd(fd, formatLine(level, msg), options.file!);
      // runc prints a fatal error on stderr as well, as the bare message.
      if (level === 'error') toStderr(`tsrun: ${msg}\n`);
      return;
    } catch {
      /* fall through to stderr */
    }
  }
  if (level === 'warning' && options.containerStdio && !options.debug) return;
  toStderr(level === 'error' && options.format !== 'json' ? `tsrun: ${msg}\n` : formatLine(level, msg));
}

export const debug = (msg: string): void => log('debug', msg);
export const debugEnabled = (): boolean => !!options.debug;
export const warn = (msg: string): void => log('warning', msg);
