// The runtime's log: --log FILE (appended) in --log-format text|json, as runc writes it
// (json lines {"level","msg","time"}, which containerd's shim reads). Without --log, stderr.
import { appendFileSync } from 'node:fs';

export type Level = 'debug' | 'info' | 'warning' | 'error';

export interface LogOptions {
  file?: string;
  format?: 'text' | 'json';
  debug?: boolean;
}

let options: LogOptions = {};

export function configureLog(o: LogOptions): void {
  options = o;
}

function line(level: Level, msg: string): string {
  const time = new Date().toISOString();
  if (options.format === 'json') return JSON.stringify({ level, msg, time }) + '\n';
  return `time="${time}" level=${level} msg=${JSON.stringify(msg)}\n`;
}

export function log(level: Level, msg: string): void {
  if (level === 'debug' && !options.debug) return;
  if (options.file) {
    try {
      appendFileSync(options.file, line(level, msg));
      if (level !== 'error') return;
    } catch {
      /* fall through to stderr */
    }
  }
  process.stderr.write(options.file || options.format === 'json' ? line(level, msg) : `tsrun: ${level === 'error' ? '' : level + ': '}${msg}\n`);
}

export const debug = (msg: string): void => log('debug', msg);
export const debugEnabled = (): boolean => !!options.debug;
export const warn = (msg: string): void => log('warning', msg);
