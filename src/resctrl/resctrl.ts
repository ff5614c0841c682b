// The resctrl filesystem (Documentation/filesystems/resctrl.rst) for linux.intelRdt: found in
// the runtime's /proc/self/mountinfo; groups are directories, a process joins one by writing its
// pid to the group's `tasks` file (its children inherit it: fork copies the closid and rmid).
import { existsSync, mkdirSync, readFileSync, rmdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError } from '../errors.js';
import type { IntelRdt } from '../spec/types.js';
import { resctrlPlan } from './plan.js';

/** What state.json keeps of the container's resctrl groups (for exec and delete). */
export interface ResctrlRecord {
  group: string;
  createdGroup: boolean;
  monGroup?: string;
}

/** The mount point of the first resctrl filesystem in a mountinfo text, if any. */
export function resctrlMountOf(mountinfo: string): string | undefined {
  for (const line of mountinfo.split('\n')) {
    const fields = line.split(' ');
    const sep = fields.indexOf('-');
    if (sep > 0 && fields[sep + 1] === 'resctrl') return fields[4].replace(/\\(\d{3})/g, (_m, o: string) => String.fromCharCode(parseInt(o, 8)));
  }
  return undefined;
}

export function resctrlMount(): string | undefined {
  return resctrlMountOf(readFileSync('/proc/self/mountinfo', 'utf8'));
}

/** config-linux.md#intelrdt: "If no mounted resctrl pseudo-filesystem is available ... MUST generate an error." */
export function requireResctrl(): string {
  const root = resctrlMount();
  if (!root) {
    throw new ConfigError('config.json', [{
      pointer: '/linux/intelRdt',
      rule: 'needs a mounted resctrl filesystem, and none is mounted in the runtime\'s mount namespace (/proc/self/mountinfo; mount -t resctrl resctrl /sys/fs/resctrl on a host with Intel RDT or AMD PQoS)',
      section: 'config-linux.md#intelrdt',
    }]);
  }
  return root;
}

/** Creates the groups and writes the schemata; returns what delete must undo. Nothing is left on failure. */
export function setupResctrl(rdt: IntelRdt, id: string, root: string): ResctrlRecord {
  const plan = resctrlPlan(rdt, id, root, existsSync, (p) => readFileSync(p, 'utf8'));
  const record: ResctrlRecord = { group: plan.group, createdGroup: plan.createGroup };
  try {
    if (plan.createGroup) mkdirSync(plan.group);
    if (plan.schemata) writeFileSync(join(plan.group, 'schemata'), plan.schemata);
    if (plan.monGroup) {
      mkdirSync(plan.monGroup);
      record.monGroup = plan.monGroup;
    }
    return record;
  } catch (e) {
    removeResctrl(record);
    throw e;
  }
}

/** A process joins the container's group (its MON group when monitoring, which is inside it). */
export function joinResctrl(record: ResctrlRecord, pid: number): void {
  writeFileSync(join(record.monGroup ?? record.group, 'tasks'), String(pid));
}

/** delete: the MON group always, the CTRL_MON group only when tsrun made it (config-linux.md#intelrdt). */
export function removeResctrl(record: ResctrlRecord): void {
  if (record.monGroup && existsSync(record.monGroup)) rmdirSync(record.monGroup);
  if (record.createdGroup && existsSync(record.group)) rmdirSync(record.group);
}
