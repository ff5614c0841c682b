// Every bundle check: create's own decisions first, then what only tsrun-init or the kernel
// would refuse later.
import type { BundleProblem, HostCheck } from '../types.js';
import { dryCreate } from './dry-create.js';
import { checkIdmapMounts } from './mounts.js';
import { checkIdMappings } from './idmaps.js';
import { checkNamespaces } from './namespaces.js';
import { checkLsmLabels, checkSeccompFields } from './process.js';
import { checkControllers } from './resources.js';
import { checkRootfs } from './rootfs.js';

export function bundleChecks(bundle: string, host: HostCheck[], systemd: boolean): BundleProblem[] {
  const dry = dryCreate(bundle, systemd);
  if (!dry.spec) return dry.problems;
  const ctx = { bundle, spec: dry.spec, rootless: dry.rootless, cgroups: dry.cgroups, host };
  const later = [checkNamespaces, checkIdMappings, checkControllers, checkSeccompFields, checkLsmLabels, checkIdmapMounts, checkRootfs].flatMap((c) => c(ctx));
  // One line per field: a problem create names already is not repeated.
  const seen = new Set(dry.problems.map((p) => p.pointer));
  return [...dry.problems, ...later.filter((p) => !seen.has(p.pointer))];
}
