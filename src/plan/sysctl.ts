// linux.sysctl (config-linux.md#sysctl): only keys of a namespace the container has of its own
// may be written, or the write would change the host. The rules are runc's
// (libcontainer/configs/validate: sysctl): IPC keys need an ipc namespace, net.* a network
// namespace, kernel.domainname a uts namespace; kernel.hostname is refused (the hostname field
// sets it); everything else is not namespaced and refused.
import { ConfigError } from '../errors.js';
import type { Namespace, Spec } from '../spec/types.js';
import { Op } from '../process/protocol.js';
import type { PlanStep } from './types.js';

const IPC_KEYS = new Set(['kernel.msgmax', 'kernel.msgmnb', 'kernel.msgmni', 'kernel.sem', 'kernel.shmall', 'kernel.shmmax', 'kernel.shmmni', 'kernel.shm_rmid_forced']);

/** A new namespace of this type (a joined one is the container's too, unless it is the host's: runc compares inodes; tsrun trusts the path). */
const owns = (namespaces: Namespace[], type: string) => namespaces.some((n) => n.type === type);

function rule(key: string, namespaces: Namespace[]): string | undefined {
  if (IPC_KEYS.has(key) || key.startsWith('fs.mqueue.')) return owns(namespaces, 'ipc') ? undefined : 'needs an ipc namespace (it would change the host\'s)';
  if (key.startsWith('net.')) return owns(namespaces, 'network') ? undefined : 'needs a network namespace (it would change the host\'s)';
  if (key === 'kernel.domainname') return owns(namespaces, 'uts') ? undefined : 'needs a uts namespace (it would change the host\'s)';
  if (key === 'kernel.hostname') return 'is not allowed: it conflicts with the hostname field (config.md#hostname)';
  return 'is not in a separate kernel namespace: it would change the host';
}

/**
 * The key in dotted form, its components checked: none empty, "." or ".." (issue 13 item 2:
 * "net/../kernel/X" would pass the net.* rule and open /proc/sys/kernel/X). sysctl(8) takes "/"
 * as a separator too; then a "." is part of a name and travels as "/" (the init swaps them back).
 */
function normalizeKey(key: string, pointer: string): string {
  const parts = key.includes('/') ? key.split('/') : key.split('.');
  const bad = parts.find((p) => p === '' || p === '.' || p === '..' || p.includes('\0'));
  if (bad !== undefined) {
    throw new ConfigError('config.json', [{ pointer, rule: `sysctl key ${JSON.stringify(key)} has an invalid component ${JSON.stringify(bad)} (empty, "." and ".." are not sysctl names)`, section: 'config-linux.md#sysctl' }]);
  }
  return parts.map((p) => p.replace(/\./g, '/')).join('.');
}

/** The OP_SYSCTL steps, after checking every key against the container's namespaces. */
export function sysctlSteps(spec: Spec): PlanStep[] {
  const namespaces = spec.linux?.namespaces ?? [];
  const steps: PlanStep[] = [];
  for (const [key, value] of Object.entries(spec.linux?.sysctl ?? {})) {
    const pointer = `/linux/sysctl/${key.replace(/~/g, '~0').replace(/\//g, '~1')}`;
    const dotted = normalizeKey(key, pointer);
    const why = rule(dotted, namespaces);
    if (why) throw new ConfigError('config.json', [{ pointer, rule: `sysctl ${dotted} ${why}`, section: 'config-linux.md#sysctl' }]);
    steps.push({ op: Op.SYSCTL, args: [dotted, value] });
  }
  return steps;
}
