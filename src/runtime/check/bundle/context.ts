// What every bundle check is given: the validated config and the host checks' verdicts.
import type { HostCgroups } from '../../../cgroups/types.js';
import type { Spec } from '../../../spec/types.js';
import type { HostCheck } from '../types.js';

export interface BundleContext {
  bundle: string;
  spec: Spec;
  /** As create decides it (process/userns.ts isRootless). */
  rootless: boolean;
  cgroups: HostCgroups;
  host: HostCheck[];
}

/** Whether the host check `id` found the feature (absent checks count as ok). */
export const hostHas = (ctx: BundleContext, id: string): boolean => (ctx.host.find((c) => c.id === id)?.verdict ?? 'ok') === 'ok';

/** JSON pointer escaping (RFC 6901). */
export const ptr = (...parts: (string | number)[]): string => parts.map((p) => `/${String(p).replace(/~/g, '~0').replace(/\//g, '~1')}`).join('');
