// Whether this user may make the container's cgroup (a delegated, writable subtree): a
// rootless container without one runs only when its config asks for no limit.
import { canDelegate } from '../../../cgroups/manager.js';
import type { HostCheck } from '../types.js';
import type { CheckContext } from './context.js';

export const DELEGATION_FIX = 'run under `systemd-run --user --scope -p Delegate=yes`, or chown a cgroup v2 subtree (with its cgroup.procs, cgroup.subtree_control, cgroup.threads) to the user and point linux.cgroupsPath at it';

export function checkDelegation(ctx: CheckContext): HostCheck {
  if (!ctx.rootless) return { id: 'cgroup.delegation', verdict: 'ok', detail: 'root manages every cgroup' };
  if (canDelegate({ id: 'check', rootless: true, systemd: false, host: ctx.cgroups })) {
    return { id: 'cgroup.delegation', verdict: 'ok', detail: `the default cgroup <id> (below the cgroup tsrun runs in) is writable by uid ${process.geteuid!()}` };
  }
  return {
    id: 'cgroup.delegation',
    verdict: 'missing',
    detail: `no cgroup is delegated to uid ${process.geteuid!()}: containers run without one, and configs with linux.resources fail`,
    fix: DELEGATION_FIX,
  };
}
