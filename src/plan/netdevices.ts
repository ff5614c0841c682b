// linux.netDevices (config-linux.md#network-devices): which host interfaces move, under which
// names. The runtime moves them (runtime/netdevices.ts) when the init has made the container's
// network namespace and waits at OP_HOOKS_SYNC; the init itself does nothing for them.
import { ConfigError, type ConfigIssue } from '../errors.js';
import type { Spec } from '../spec/types.js';

const SECTION = 'config-linux.md#network-devices';

export interface NetDeviceMove {
  host: string;
  /** The name in the container: the entry's `name`, else the host name; may be a `%d` template. */
  name: string;
}

/** dev_valid_name (net/core/dev.c): 1..15 bytes (IFNAMSIZ - 1), not "." or "..", no '/', ':' or white space. */
function validName(n: string): boolean {
  return n.length > 0 && Buffer.byteLength(n) < 16 && n !== '.' && n !== '..' && !/[/:\s]/.test(n);
}

export function netDeviceMoves(spec: Spec, rootless: boolean): NetDeviceMove[] {
  const devices = spec.linux?.netDevices;
  if (!devices || Object.keys(devices).length === 0) return [];
  if (rootless) {
    throw new ConfigError('config.json', [{ pointer: '/linux/netDevices', rule: 'moving a host interface into the container needs CAP_NET_ADMIN in the host\'s network namespace, which a rootless runtime does not have', section: SECTION }]);
  }
  const issues: ConfigIssue[] = [];
  const ns = spec.linux?.namespaces ?? [];
  if (!ns.some((n) => n.type === 'network')) issues.push({ pointer: '/linux/netDevices', rule: 'needs a network namespace in linux.namespaces (the devices would stay in the runtime\'s)', section: SECTION });
  const moves: NetDeviceMove[] = [];
  const taken = new Set<string>();
  for (const [host, entry] of Object.entries(devices)) {
    const at = `/linux/netDevices/${host.replace(/~/g, '~0').replace(/\//g, '~1')}`;
    const name = entry.name ?? host;
    if (!validName(host)) issues.push({ pointer: at, rule: `${JSON.stringify(host)} is not an interface name (1 to 15 bytes, no '/', ':' or space)`, section: SECTION });
    if (!validName(name)) issues.push({ pointer: `${at}/name`, rule: `${JSON.stringify(name)} is not an interface name (1 to 15 bytes, no '/', ':' or space)`, section: SECTION });
    else if (!name.includes('%d') && taken.has(name)) issues.push({ pointer: `${at}/name`, rule: `${name} is the container name of another device too`, section: SECTION });
    taken.add(name);
    moves.push({ host, name });
  }
  if (issues.length) throw new ConfigError('config.json', issues);
  return moves;
}
