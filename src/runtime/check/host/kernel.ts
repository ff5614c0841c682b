// System calls tsrun needs or uses, by the kernel release that added them: openat2(2) 5.6
// (every path in the rootfs is resolved with RESOLVE_IN_ROOT), pidfd_open(2) 5.3 (every
// signal goes through a pidfd), time namespaces 5.6 (time_namespaces(7)).
import { existsSync } from 'node:fs';
import { kernelAtLeast, kernelText } from '../facts.js';
import type { HostCheck } from '../types.js';

export function checkOpenat2(): HostCheck {
  if (kernelAtLeast(5, 6)) return { id: 'openat2', verdict: 'ok', detail: `kernel ${kernelText()} has openat2 (5.6)` };
  return { id: 'openat2', verdict: 'fail', detail: `kernel ${kernelText()} has no openat2 (5.6): tsrun resolves every mount target with RESOLVE_IN_ROOT`, fix: 'a kernel 5.6 or later' };
}

export function checkPidfd(): HostCheck {
  if (kernelAtLeast(5, 3)) return { id: 'pidfd', verdict: 'ok', detail: `kernel ${kernelText()} has pidfd_open (5.3)` };
  return { id: 'pidfd', verdict: 'fail', detail: `kernel ${kernelText()} has no pidfd_open (5.3): tsrun signals containers through pidfds`, fix: 'a kernel 5.3 or later' };
}

export function checkTimens(): HostCheck {
  if (kernelAtLeast(5, 6) && existsSync('/proc/self/ns/time')) return { id: 'timens', verdict: 'ok', detail: `kernel ${kernelText()} has time namespaces` };
  return { id: 'timens', verdict: 'missing', detail: `kernel ${kernelText()} has no time namespaces (5.6, CONFIG_TIME_NS): configs with a time namespace or linux.timeOffsets fail`, fix: 'a kernel 5.6 or later built with CONFIG_TIME_NS' };
}
