// The decisions of create (runtime/create.ts) without acting on them: load and validate
// config.json, choose the cgroup, compile the seccomp profile and the plan. Whatever create
// would refuse before it starts tsrun-init is a problem here, with the same JSON path.
import { detectHostCgroups } from '../../../cgroups/layout.js';
import { createCgroupManager, hasResources } from '../../../cgroups/manager.js';
import type { HostCgroups } from '../../../cgroups/types.js';
import { ConfigError, NotSupportedError } from '../../../errors.js';
import { compilePlan } from '../../../plan/compile.js';
import { collectHostFacts } from '../../../process/hostfacts.js';
import { isRootless } from '../../../process/userns.js';
import { loadBundleSpec } from '../../../spec/load.js';
import type { Spec } from '../../../spec/types.js';
import { cgroupPlacement, createResources } from '../../cgroup.js';
import { seccompFor } from '../../seccomp.js';
import { DELEGATION_FIX } from '../host/delegation.js';
import type { BundleProblem } from '../types.js';

const fromConfigError = (e: ConfigError): BundleProblem[] =>
  e.issues.map((i) => ({ pointer: i.pointer, section: i.section || 'config.md', reason: i.rule, fix: 'correct config.json at that path' }));

/** A thrown error as a problem at `pointer` (a ConfigError names its own). */
function asProblems(e: unknown, pointer: string, section: string): BundleProblem[] {
  if (e instanceof ConfigError) return fromConfigError(e);
  if (e instanceof NotSupportedError) return [{ pointer: `/${e.field.replace(/\./g, '/')}`, section, reason: e.message, fix: 'drop the field: tsrun does not implement it yet' }];
  return [{ pointer, section, reason: (e as Error).message, fix: 'see the reason' }];
}

export function dryCreate(bundle: string, systemd: boolean): { spec?: Spec; cgroups: HostCgroups; rootless: boolean; problems: BundleProblem[] } {
  const cgroups = detectHostCgroups();
  const rootless = isRootless();
  let spec: Spec;
  try {
    spec = loadBundleSpec(bundle).spec;
  } catch (e) {
    return { cgroups, rootless, problems: asProblems(e, '', 'bundle.md') };
  }
  const problems: BundleProblem[] = [];
  const resources = createResources(spec, rootless);
  let cgroup;
  try {
    cgroup = createCgroupManager({ id: 'check', cgroupsPath: spec.linux?.cgroupsPath, rootless, systemd, host: cgroups });
    if (!cgroup && hasResources(resources)) {
      problems.push({ pointer: '/linux/resources', section: 'config-linux.md#control-groups', reason: `the cgroup is not delegated to uid ${process.geteuid!()}`, fix: `${DELEGATION_FIX}; or drop linux.resources` });
    }
  } catch (e) {
    problems.push(...asProblems(e, '/linux/cgroupsPath', 'config-linux.md#cgroups-path'));
  }
  let seccomp;
  try {
    seccomp = seccompFor(spec);
  } catch (e) {
    problems.push(...asProblems(e, '/linux/seccomp', 'config-linux.md#seccomp'));
  }
  try {
    const placement = cgroupPlacement(cgroup ?? null);
    const facts = collectHostFacts({ bundle, fifoPath: `${bundle}/exec.fifo`, noPivot: false, preserveFds: 0, cgroups, cgroupPaths: cgroup?.paths, cgroupJoin: placement.selfJoin });
    compilePlan(spec, facts, { seccomp });
  } catch (e) {
    problems.push(...asProblems(e, '', 'config.md'));
  }
  return { spec, cgroups, rootless, problems };
}
