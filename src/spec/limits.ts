// Limits of the kernel and of the plan that a JSON Schema cannot say, checked before anything
// is created so that a config beyond them fails naming its JSON path instead of deep in
// tsrun-init or the encoder: NUL bytes (every path, name and argument reaches the kernel as a C
// string), HOST_NAME_MAX (sethostname(2)), MAX_ARG_STRLEN (execve(2)), and the plan's own
// bounds (a u16 argument count per op, one sync message for the whole plan).
import type { ConfigIssue } from '../errors.js';

/** sethostname(2), setdomainname(2): HOST_NAME_MAX is 64 bytes on Linux. */
const HOST_NAME_MAX = 64;
/** execve(2): each argument and environment string, with its NUL, is at most 32 pages (MAX_ARG_STRLEN). */
const MAX_ARG_STRLEN = 32 * 4096;
/** OP_EXEC carries argc, then every argument and environment string: one op, a u16 count (protocol.h). */
const MAX_EXEC_STRINGS = 0xffff - 1;

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const escape = (k: string): string => k.replace(/~/g, '~0').replace(/\//g, '~1');

function nulIssues(value: unknown, pointer: string, out: ConfigIssue[]): void {
  if (typeof value === 'string') {
    if (value.includes('\0')) out.push({ pointer, rule: 'must not contain a NUL byte (the kernel takes it as a C string)', section: '' });
  } else if (Array.isArray(value)) {
    value.forEach((v, i) => nulIssues(v, `${pointer}/${i}`, out));
  } else if (isObject(value)) {
    for (const [k, v] of Object.entries(value)) {
      const p = `${pointer}/${escape(k)}`;
      if (k.includes('\0')) out.push({ pointer: p, rule: 'key must not contain a NUL byte', section: '' });
      nulIssues(v, p, out);
    }
  }
}

function execStringIssues(list: unknown, pointer: string, out: ConfigIssue[]): void {
  if (!Array.isArray(list)) return;
  list.forEach((s: unknown, i) => {
    if (typeof s === 'string' && Buffer.byteLength(s) + 1 > MAX_ARG_STRLEN) {
      out.push({ pointer: `${pointer}/${i}`, rule: `must be at most ${MAX_ARG_STRLEN - 1} bytes, the longest string execve(2) takes (MAX_ARG_STRLEN)`, section: 'config.md#process' });
    }
  });
}

/** Issues with `section` left empty where the caller's section table knows better. */
export function limitIssues(doc: unknown): ConfigIssue[] {
  const out: ConfigIssue[] = [];
  if (!isObject(doc)) return out;
  nulIssues(doc, '', out);
  for (const key of ['hostname', 'domainname']) {
    const v = doc[key];
    if (typeof v === 'string' && Buffer.byteLength(v) > HOST_NAME_MAX) {
      out.push({ pointer: `/${key}`, rule: `must be at most ${HOST_NAME_MAX} bytes (HOST_NAME_MAX, sethostname(2))`, section: `config.md#${key}` });
    }
  }
  const proc = doc['process'];
  if (isObject(proc)) {
    execStringIssues(proc['args'], '/process/args', out);
    execStringIssues(proc['env'], '/process/env', out);
    const count = (Array.isArray(proc['args']) ? proc['args'].length : 0) + (Array.isArray(proc['env']) ? proc['env'].length : 0);
    if (count > MAX_EXEC_STRINGS) {
      out.push({ pointer: '/process/args', rule: `process.args and process.env must hold at most ${MAX_EXEC_STRINGS} strings together (they hold ${count})`, section: 'config.md#process' });
    }
  }
  return out;
}

/** The largest of the config's parts that become plan steps: what to name when the plan is too big. */
export function largestPlanPart(doc: Record<string, unknown>): string {
  const proc = isObject(doc['process']) ? doc['process'] : {};
  const linux = isObject(doc['linux']) ? doc['linux'] : {};
  const parts: [string, unknown][] = [
    ['/process/args', proc['args']],
    ['/process/env', proc['env']],
    ['/mounts', doc['mounts']],
    ['/hooks', doc['hooks']],
    ['/linux/seccomp', linux['seccomp']],
    ['/linux/devices', linux['devices']],
    ['/linux/maskedPaths', linux['maskedPaths']],
    ['/linux/readonlyPaths', linux['readonlyPaths']],
    ['/linux/sysctl', linux['sysctl']],
  ];
  const size = (v: unknown) => (v === undefined ? 0 : JSON.stringify(v).length);
  return parts.sort((a, b) => size(b[1]) - size(a[1]))[0]![0];
}
