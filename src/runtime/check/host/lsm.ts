// Linux security modules: process.apparmorProfile and selinuxLabel fail create on a host
// without that module, as runc. Detected as create detects them (process/hostfacts.ts lsmFacts).
import { lsmFacts } from '../../../process/hostfacts.js';
import { readText } from '../facts.js';
import type { HostCheck } from '../types.js';

export function checkLsm(): HostCheck {
  const active = (readText('/sys/kernel/security/lsm') ?? '').trim() || 'unknown (no /sys/kernel/security/lsm)';
  const f = lsmFacts();
  const usable = [f.apparmor && 'apparmor', f.selinux && 'selinux'].filter(Boolean);
  if (usable.length) return { id: 'lsm', verdict: 'ok', detail: `LSMs: ${active}; for process labels: ${usable.join(' ')}` };
  return { id: 'lsm', verdict: 'missing', detail: `LSMs: ${active}; neither AppArmor nor SELinux is enabled: configs with process.apparmorProfile or process.selinuxLabel fail`, fix: 'boot with apparmor=1 security=apparmor (or SELinux), or drop those fields' };
}
