// --systemd-cgroup: needs systemd as PID 1 (sd_booted(3)), and tsrun has no D-Bus driver yet.
import type { HostCheck } from '../types.js';
import type { CheckContext } from './context.js';

export function checkSystemd(ctx: CheckContext): HostCheck {
  const running = ctx.cgroups.systemdRunning ? 'systemd is PID 1' : 'systemd is not running (no /run/systemd/system)';
  return { id: 'cgroup.systemd', verdict: 'missing', detail: `${running}; --systemd-cgroup fails: tsrun has no systemd cgroup driver`, fix: 'run without --systemd-cgroup (the cgroupfs driver)' };
}
