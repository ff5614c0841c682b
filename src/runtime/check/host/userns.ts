// user_namespaces(7): the limit user.max_user_namespaces, and Debian's and Ubuntu's switches
// kernel.unprivileged_userns_clone and kernel.apparmor_restrict_unprivileged_userns.
import { readText } from '../facts.js';
import type { HostCheck } from '../types.js';
import type { CheckContext } from './context.js';

const sysctl = (name: string): string | undefined => readText(`/proc/sys/${name.replace(/\./g, '/')}`)?.trim();

export function checkUserns(ctx: CheckContext): HostCheck {
  const max = sysctl('user.max_user_namespaces');
  const clone = sysctl('kernel.unprivileged_userns_clone');
  const restrict = sysctl('kernel.apparmor_restrict_unprivileged_userns');
  const found = [`user.max_user_namespaces=${max ?? 'absent'}`, clone !== undefined && `kernel.unprivileged_userns_clone=${clone}`, restrict !== undefined && `kernel.apparmor_restrict_unprivileged_userns=${restrict}`].filter(Boolean).join(', ');
  const none = max === undefined || max === '0';
  const unprivileged = !none && clone !== '0' && restrict !== '1';
  if (!none && (unprivileged || !ctx.rootless)) return { id: 'userns', verdict: 'ok', detail: `user namespaces: ${found}` };
  const fix = none ? 'sysctl -w user.max_user_namespaces=15000' : clone === '0' ? 'sysctl -w kernel.unprivileged_userns_clone=1' : 'sysctl -w kernel.apparmor_restrict_unprivileged_userns=0 (or an AppArmor profile allowing userns for node)';
  // Rootless containers are user namespaces; as root only configs with one need them.
  return { id: 'userns', verdict: ctx.rootless ? 'fail' : 'missing', detail: `user namespaces unavailable${ctx.rootless ? ' to unprivileged users' : ''}: ${found}`, fix };
}
