// linux.seccomp is compiled by libseccomp, dlopen'ed at run time (libseccomp.so.2), and loaded
// with the filter flags this kernel has (seccomp(2) SECCOMP_SET_MODE_FILTER flags).
import { seccompFilterFlags, seccompVersion } from '../../../native/index.js';
import { FILTER_FLAGS } from '../../../seccomp/compile.js';
import type { HostCheck } from '../types.js';

export function checkSeccomp(): HostCheck {
  // '' when dlopen("libseccomp.so.2") fails (addon/seccomp.cc libraryVersion).
  const version = seccompVersion();
  if (!version) return { id: 'seccomp', verdict: 'missing', detail: 'libseccomp.so.2 cannot be loaded: configs with linux.seccomp fail', fix: 'apt-get install libseccomp2' };
  const kernel = seccompFilterFlags();
  const flags = Object.keys(FILTER_FLAGS).filter((f) => kernel & FILTER_FLAGS[f]);
  return { id: 'seccomp', verdict: 'ok', detail: `libseccomp ${version}; kernel filter flags: ${flags.join(' ') || 'none'}` };
}
