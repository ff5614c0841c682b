// The device access list a v1 devices cgroup ends up with after a sequence of devices.allow /
// devices.deny writes, computed as the kernel does it (security/device_cgroup.c:
// devcgroup_update_access, dev_exception_add/_rm, match_exception[_partial]). cgroup v2 has no
// list: the same verdicts come from a BPF program compiled from this list (bpf.ts), so a config
// means the same on both versions.
import type { DeviceRule } from '../../spec/types.js';
import { ResourceError } from '../controllers/util.js';

/** Access bits as BPF_DEVCG_ACC_* (include/uapi/linux/bpf.h). */
export const ACC = { m: 1, r: 2, w: 4 } as const;
/** Device types as BPF_DEVCG_DEV_* . */
export const DEV = { b: 1, c: 2 } as const;

/** One exception of the list; a wildcard major/minor is undefined. */
export interface DeviceException {
  type: 'b' | 'c';
  major?: number;
  minor?: number;
  /** ACC bits */
  access: number;
}

/** defaultAllow: exceptions are denied; otherwise exceptions are the only devices allowed. */
export interface DeviceList {
  defaultAllow: boolean;
  exceptions: DeviceException[];
}

export function accessBits(access: string | undefined, field = 'devices[].access'): number {
  const a = access ?? 'rwm';
  // runc takes any sequence of r, w and m, repeats too ("rrw"); empty is refused, as by runc.
  if (!/^[rwm]+$/.test(a)) throw new ResourceError(field, a, 'must be a combination of r, w, m');
  let bits = 0;
  for (const c of a) bits |= ACC[c as keyof typeof ACC];
  return bits;
}

export const accessString = (bits: number): string => (['r', 'w', 'm'] as const).filter((c) => bits & ACC[c]).join('');

/** A type "a" rule (the default when absent) replaces the whole list, whatever its other fields: the kernel reads only the "a". */
export function isWholeTable(rule: DeviceRule): boolean {
  const type = rule.type ?? 'a';
  if (!['a', 'b', 'c'].includes(type)) throw new ResourceError('devices[].type', type, 'must be a, b or c');
  return type === 'a';
}

const sameDevice = (a: DeviceException, b: DeviceException): boolean => a.type === b.type && a.major === b.major && a.minor === b.minor;
const wildcard = (n: number | undefined): number | undefined => (n === undefined || n === -1 ? undefined : n);

/** The list after writing `rules` in order into a new cgroup (which starts as "a *:* rwm", allow all). */
export function deviceList(rules: readonly DeviceRule[]): DeviceList {
  let defaultAllow = true;
  let exceptions: DeviceException[] = [];
  for (const rule of rules) {
    accessBits(rule.access);
    if (isWholeTable(rule)) {
      defaultAllow = rule.allow;
      exceptions = [];
      continue;
    }
    const ex: DeviceException = { type: rule.type as 'b' | 'c', major: wildcard(rule.major), minor: wildcard(rule.minor), access: accessBits(rule.access) };
    // An allow in allow-all mode (or a deny in deny-all mode) takes the access out of a matching exception.
    if (rule.allow === defaultAllow) {
      exceptions = exceptions.map((e) => (sameDevice(e, ex) ? { ...e, access: e.access & ~ex.access } : e)).filter((e) => e.access !== 0);
    } else {
      const same = exceptions.find((e) => sameDevice(e, ex));
      if (same) same.access |= ex.access;
      else exceptions.push(ex);
    }
  }
  return { defaultAllow, exceptions };
}

/** Whether an access of `access` bits to device `type major:minor` passes the list (devcgroup_legacy_check_permission). */
export function allowed(list: DeviceList, type: 'b' | 'c', major: number, minor: number, access: number): boolean {
  const matches = (e: DeviceException): boolean => e.type === type && (e.major === undefined || e.major === major) && (e.minor === undefined || e.minor === minor);
  // Allow-all: denied when any exception overlaps the access; deny-all: allowed when one exception covers all of it.
  if (list.defaultAllow) return !list.exceptions.some((e) => matches(e) && (access & e.access) !== 0);
  return list.exceptions.some((e) => matches(e) && (access & ~e.access) === 0);
}

/** The list as devices.list prints it (one "type major:minor access" line per exception; "a *:* rwm" when all is allowed). */
export function listLines(list: DeviceList): string[] {
  if (list.defaultAllow) return ['a *:* rwm'];
  const n = (x: number | undefined): string => (x === undefined ? '*' : String(x));
  return list.exceptions.map((e) => `${e.type} ${n(e.major)}:${n(e.minor)} ${accessString(e.access)}`);
}
