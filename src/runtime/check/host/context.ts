// What every host check is given.
import type { HostCgroups } from '../../../cgroups/types.js';

export interface CheckContext {
  /** Checking for an unprivileged user (not root, or --rootless). */
  rootless: boolean;
  cgroups: HostCgroups;
}
