// list: every container under --root with its status (runc list's fields).
import { statSync } from 'node:fs';
import { userInfo } from 'node:os';
import type { Status } from '../state/status.js';
import { ContainerStore } from '../state/store.js';
import type { GlobalOptions } from './options.js';
import { statusOf } from './status.js';

export interface ContainerSummary {
  ociVersion: string;
  id: string;
  pid: number;
  status: Status;
  bundle: string;
  created: string;
  owner: string;
  annotations: Record<string, string>;
}

function ownerOf(path: string): string {
  try {
    const uid = statSync(path).uid;
    return uid === process.geteuid?.() ? userInfo().username : String(uid);
  } catch {
    return '';
  }
}

export function list(opts: GlobalOptions): ContainerSummary[] {
  const store = new ContainerStore(opts.root);
  const out: ContainerSummary[] = [];
  for (const id of store.ids()) {
    let dir;
    try {
      dir = store.open(id, false);
    } catch {
      // No state.json yet: a create is under way (or died before writing it).
      out.push({ ociVersion: '', id, pid: 0, status: 'creating', bundle: '', created: '', owner: '', annotations: {} });
      continue;
    }
    try {
      const r = dir.read();
      const status = statusOf(r, dir);
      const live = status !== 'stopped' && status !== 'creating';
      out.push({
        ociVersion: r.ociVersion,
        id,
        pid: live ? r.pid : 0,
        status,
        bundle: r.bundle,
        created: r.created,
        owner: ownerOf(dir.path),
        annotations: r.annotations ?? {},
      });
    } finally {
      dir.unlock();
    }
  }
  return out;
}
