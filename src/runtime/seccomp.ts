import { debug } from '../log.js';
import { compileSeccomp } from '../seccomp/compile.js';
import type { Spec } from '../spec/types.js';

/** The container's compiled seccomp filter, if it has a profile; skipped names are warnings (as runc). */
export function seccompFor(spec: Spec): { bpf: Buffer; flags: number } | undefined {
  const profile = spec.linux?.seccomp;
  if (!profile) return undefined;
  const { bpf, flags, skipped } = compileSeccomp(profile);
  if (skipped.length) debug(`seccomp: syscalls unknown to libseccomp skipped: ${skipped.join(', ')}`);
  return { bpf, flags };
}
