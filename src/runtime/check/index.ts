// tsrun check: which features this host has for containers of this user (host/, one check a
// file) and, with a bundle, every field of its config.json the host cannot honour (bundle/).
import { resolve } from 'node:path';
import { detectHostCgroups } from '../../cgroups/layout.js';
import { bundleChecks } from './bundle/index.js';
import { hostChecks } from './host/index.js';
import type { CheckReport } from './types.js';

export interface CheckOptions {
  bundle?: string;
  /** Check for an unprivileged user also when root (the subordinate ids of $SUDO_USER). */
  rootless?: boolean;
  systemdCgroup?: boolean;
}

export function check(opts: CheckOptions = {}): CheckReport {
  const rootless = !!opts.rootless || process.geteuid!() !== 0;
  const host = hostChecks({ rootless, cgroups: detectHostCgroups() });
  const bundle = opts.bundle === undefined ? undefined : { path: resolve(opts.bundle), problems: bundleChecks(resolve(opts.bundle), host, !!opts.systemdCgroup) };
  const ok = host.every((c) => c.verdict !== 'fail') && (bundle?.problems.length ?? 0) === 0;
  return { ok, rootless, host, bundle };
}
