// Several-range user namespaces for tests that need more ids than the runner's own: container 0
// is the runner, containers 1..size its subordinate range from /etc/subuid and /etc/subgid
// (written by global-setup.ts), mapped by newuidmap/newgidmap.
import { readFileSync } from 'node:fs';
import type { DeepPartial, Spec } from './config.js';
import { type Mode, runnerOf } from './host.js';

function subRange(file: string, name: string): { start: number; size: number } | undefined {
  let text = '';
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
  const line = text.split('\n').find((l) => l.startsWith(`${name}:`));
  if (!line) return undefined;
  const [, start, size] = line.split(':');
  return { start: Number(start), size: Number(size) };
}

/**
 * linux.uidMappings/gidMappings that map containers 0..size to the runner plus its subordinate
 * ids (rootless), or undefined when the runner has none (the caller skips, saying why).
 */
export function wideMappings(mode: Mode): DeepPartial<Spec> | undefined {
  const who = runnerOf(mode);
  const uids = subRange('/etc/subuid', who.name);
  const gids = subRange('/etc/subgid', who.name);
  if (!uids || !gids) return undefined;
  return {
    linux: {
      uidMappings: [{ containerID: 0, hostID: who.uid, size: 1 }, { containerID: 1, hostID: uids.start, size: uids.size }],
      gidMappings: [{ containerID: 0, hostID: who.gid, size: 1 }, { containerID: 1, hostID: gids.start, size: gids.size }],
    },
  };
}
