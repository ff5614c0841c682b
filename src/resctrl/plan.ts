// linux.intelRdt (config-linux.md#intelrdt) → what to do in a resctrl filesystem: which group
// (CTRL_MON) directory, whether tsrun creates it (and so removes it on delete), the schemata
// lines to write, and the MON group. PURE: the filesystem comes in as `exists`/`read`, so the
// spec's rules are unit tests (test/unit/resctrl.test.ts).
import { join } from 'node:path';
import { ConfigError } from '../errors.js';
import type { IntelRdt } from '../spec/types.js';

const SECTION = 'config-linux.md#intelrdt';

export interface ResctrlPlan {
  /** The CTRL_MON group directory the container's processes join. */
  group: string;
  /** tsrun makes the group: it removes it on delete (no closID given). */
  createGroup: boolean;
  /** The schemata file's content to write, l3CacheSchema, memBwSchema, then schemata (or nothing to write). */
  schemata?: string;
  /** enableMonitoring: mon_groups/<id> of the group, made and removed by tsrun. */
  monGroup?: string;
}

/** Whether a schemata file's current lines hold each wanted line (resctrl prints every domain of a resource). */
function holds(current: string, wanted: string[]): boolean {
  const norm = (l: string) => l.replace(/\s+/g, '').toLowerCase();
  const have = current.split('\n').map(norm);
  return wanted.every((line) => {
    const [res, domains] = norm(line).split(':');
    const row = have.find((h) => h.split(':')[0] === res);
    if (!row) return false;
    const rowDomains = new Set(row.split(':')[1].split(';'));
    return (domains ?? '').split(';').every((d) => rowDomains.has(d));
  });
}

export function resctrlPlan(rdt: IntelRdt, id: string, root: string, exists: (p: string) => boolean, read: (p: string) => string): ResctrlPlan {
  const fail = (pointer: string, rule: string): never => {
    throw new ConfigError('config.json', [{ pointer: `/linux/intelRdt${pointer}`, rule, section: SECTION }]);
  };
  const lines = [rdt.l3CacheSchema, rdt.memBwSchema, ...(rdt.schemata ?? [])].filter((l): l is string => !!l);
  for (const [field, value] of [['/l3CacheSchema', rdt.l3CacheSchema], ['/memBwSchema', rdt.memBwSchema]] as const) {
    if (value?.includes('\n')) fail(field, 'must not contain a newline');
  }
  if (rdt.closID !== undefined && rdt.closID !== '/' && (rdt.closID.includes('/') || rdt.closID === '.' || rdt.closID === '..')) {
    fail('/closID', `${JSON.stringify(rdt.closID)} is not a directory name of the resctrl root (or "/" for the default group)`);
  }
  const group = rdt.closID === '/' ? root : join(root, rdt.closID ?? id);
  const present = exists(group);
  let createGroup = false;
  if (rdt.closID === undefined) {
    // "runtimes MUST use the container ID ... and create the <container-id> directory."
    if (present) fail('', `the resctrl group ${group} of this container id exists already`);
    createGroup = true;
  } else if (lines.length === 0) {
    // closID alone: a pre-configured group, which must exist.
    if (!present) fail('/closID', `resctrl group ${group} does not exist (a closID without schemata names a pre-configured group)`);
  } else if (!present) {
    createGroup = true;
  } else if (!holds(read(join(group, 'schemata')), [rdt.l3CacheSchema, rdt.memBwSchema].filter((l): l is string => !!l))) {
    fail('/closID', `the schemata of the existing resctrl group ${group} do not match l3CacheSchema/memBwSchema`);
  }
  // An existing shared group's schemata are compared, not rewritten: another container may use it.
  const write = lines.length > 0 && (createGroup || (rdt.schemata ?? []).length > 0);
  return {
    group,
    createGroup,
    schemata: write ? `${lines.join('\n')}\n` : undefined,
    monGroup: rdt.enableMonitoring ? join(group, 'mon_groups', id) : undefined,
  };
}
