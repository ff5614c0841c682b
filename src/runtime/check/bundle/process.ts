// process fields the host must support: LSM labels (config.md#linux-process) and the
// seccomp library and flags (config-linux.md#seccomp).
import { FILTER_FLAGS } from '../../../seccomp/compile.js';
import { seccompFilterFlags } from '../../../native/index.js';
import { lsmFacts } from '../../../process/hostfacts.js';
import type { BundleProblem } from '../types.js';
import { type BundleContext, hostHas, ptr } from './context.js';

export function checkLsmLabels(ctx: BundleContext): BundleProblem[] {
  const f = lsmFacts();
  const p = ctx.spec.process;
  const out: BundleProblem[] = [];
  const section = 'config.md#linux-process';
  if (p?.apparmorProfile && !f.apparmor) out.push({ pointer: '/process/apparmorProfile', section, reason: 'AppArmor is not enabled on this host', fix: 'drop process.apparmorProfile, or enable AppArmor' });
  if (p?.selinuxLabel && !f.selinux) out.push({ pointer: '/process/selinuxLabel', section, reason: 'SELinux is not enabled on this host', fix: 'drop process.selinuxLabel, or enable SELinux' });
  return out;
}

export function checkSeccompFields(ctx: BundleContext): BundleProblem[] {
  const s = ctx.spec.linux?.seccomp;
  if (!s) return [];
  const section = 'config-linux.md#seccomp';
  if (!hostHas(ctx, 'seccomp')) return [{ pointer: '/linux/seccomp', section, reason: 'libseccomp.so.2 cannot be loaded', fix: 'apt-get install libseccomp2, or drop linux.seccomp' }];
  const kernel = seccompFilterFlags();
  return (s.flags ?? []).flatMap((flag, i) =>
    FILTER_FLAGS[flag] !== undefined && !(kernel & FILTER_FLAGS[flag]) ? [{ pointer: ptr('linux', 'seccomp', 'flags', i), section, reason: `the kernel has no seccomp filter flag ${flag}`, fix: `drop ${flag}` }] : [],
  );
}
