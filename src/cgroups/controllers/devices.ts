// linux.resources.devices (config-linux.md#allowed-device-list).
// v1: cgroup-v1/devices.rst — entries "type major:minor access" written to devices.allow or
// devices.deny, one per write; "a" alone is every device. v2 has no files: device access is a
// BPF_PROG_TYPE_CGROUP_DEVICE program (not built yet).
import { NotSupportedError } from '../../errors.js';
import type { DeviceRule, LinuxResources } from '../../spec/types.js';
import type { Translation } from '../types.js';
import { ResourceError, translation } from './util.js';

const num = (n: number | undefined): string => (n === undefined || n === -1 ? '*' : String(n));

export function deviceEntry(d: DeviceRule): string {
  const type = d.type ?? 'a';
  if (!['a', 'b', 'c'].includes(type)) throw new ResourceError('devices[].type', type, 'must be a, b or c');
  const access = d.access ?? 'rwm';
  if (!/^[rwm]{1,3}$/.test(access)) throw new ResourceError('devices[].access', access, 'must be a combination of r, w, m');
  // "a" with any major/minor/access is the whole-table rule.
  if (type === 'a' && d.major === undefined && d.minor === undefined) return 'a';
  return `${type} ${num(d.major)}:${num(d.minor)} ${access}`;
}

/** Rules in order: later rules override earlier ones, as in the kernel's list. */
export function devicesV1(r: LinuxResources): Translation {
  const t = translation();
  for (const d of r.devices ?? []) t.writes.push({ file: d.allow ? 'devices.allow' : 'devices.deny', value: deviceEntry(d) });
  return t;
}

export function devicesV2(r: LinuxResources): Translation {
  if ((r.devices ?? []).length > 0) throw new NotSupportedError('linux.resources.devices on cgroup v2', 'needs a BPF_CGROUP_DEVICE program from the addon');
  return translation();
}
