// Whether tsrun itself runs in a user namespace other than the initial one, as rootless
// podman runs its runtime (as uid 0 of the user's namespace). runc's userns.RunningInUserNS:
// the initial namespace's uid_map is the identity over the whole range (user_namespaces(7)).
import { readFileSync } from 'node:fs';

let cached: boolean | undefined;

export function runningInUserNs(): boolean {
  if (cached === undefined) {
    let map = '';
    try {
      map = readFileSync('/proc/self/uid_map', 'utf8');
    } catch {
      /* no user namespaces in this kernel: the initial one */
    }
    cached = map !== '' && map.trim().split(' ').filter((w) => w !== '').join(' ') !== '0 0 4294967295';
  }
  return cached;
}

/**
 * Unprivileged in the sense of runc's rootless mode: not root, or root of a user namespace
 * (no cgroup unless delegated, devices bound from the host instead of mknod).
 */
export const isRootless = (): boolean => process.geteuid!() !== 0 || runningInUserNs();
