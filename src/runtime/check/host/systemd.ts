// --systemd-cgroup (cgroups/systemd/): a transient scope over D-Bus, which needs systemd as
// PID 1 (sd_booted(3)), the unified hierarchy and busctl(1); rootless, the user's bus too.
// The same test as features' systemd/systemdUser.
import { existsSync } from 'node:fs';
import { systemdDriver } from '../../features.js';
import type { HostCheck } from '../types.js';
import type { CheckContext } from './context.js';

export function checkSystemd(ctx: CheckContext): HostCheck {
  const d = systemdDriver();
  const found = [
    ctx.cgroups.systemdRunning ? 'systemd is PID 1' : 'systemd is not running (no /run/systemd/system)',
    ctx.cgroups.mode === 'unified' ? 'cgroup v2' : 'not cgroup v2',
    ['/usr/bin/busctl', '/bin/busctl'].some((p) => existsSync(p)) ? 'busctl present' : 'no busctl',
  ].join(', ');
  if (ctx.rootless ? d.systemdUser : d.systemd) return { id: 'cgroup.systemd', verdict: 'ok', detail: `${found}: --systemd-cgroup works` };
  return {
    id: 'cgroup.systemd',
    verdict: 'missing',
    detail: `${found}${ctx.rootless && d.systemd ? ", no user bus" : ''}: --systemd-cgroup fails`,
    fix: 'run without --systemd-cgroup (the cgroupfs driver), or on a systemd host with cgroup v2',
  };
}
