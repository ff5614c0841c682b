// linux.resources.devices (config-linux.md#allowed-device-list).
// v1: cgroup-v1/devices.rst — entries "type major:minor access" written to devices.allow or
// devices.deny, one per write; "a" alone is every device. v2 has no files: device access is a
// BPF_PROG_TYPE_CGROUP_DEVICE program compiled from the same rules (devices/bpf.ts).
import type { Device, DeviceRule, LinuxResources } from '../../spec/types.js';
import { type BpfInsn, deviceProgram } from '../devices/bpf.js';
import { accessBits, deviceList, isWholeTable } from '../devices/list.js';
import type { Translation } from '../types.js';
import { translation } from './util.js';

const num = (n: number | undefined): string => (n === undefined || n === -1 ? '*' : String(n));

export function deviceEntry(d: DeviceRule): string {
  const access = d.access ?? 'rwm';
  accessBits(access);
  if (isWholeTable(d)) return 'a';
  return `${d.type} ${num(d.major)}:${num(d.minor)} ${access}`;
}

/**
 * Deny-all first, as runc's device emulator starts (libcontainer/cgroups/devices: a rule list
 * without its own "a" rule starts from deny-all, not from the cgroup's allow-all): a config with
 * no device rules must not reach every host device. Then the config's rules, then runc's
 * (libcontainer/specconv AllowedDevices): mknod of any node,
 * the console, ptys, tun/tap (/dev/net/tun, 10:200: in runc 1.1, dropped in 1.2.0 and put back
 * in 1.2.4, runc#4555, since users rely on it; crun too); then every device the runtime creates, the linux.devices entries too
 * (config-linux.md#devices: they "MUST be available"; runc 1.1 leaves those denied), so that a
 * "deny all" config still gets a working /dev. Later rules win.
 */
export function withDefaultDeviceRules(rules: readonly DeviceRule[], created: readonly Pick<Device, 'type' | 'major' | 'minor'>[]): DeviceRule[] {
  const allow = (type: string, major?: number, minor?: number, access = 'rwm'): DeviceRule => ({ allow: true, type, major, minor, access });
  const nodes = created.filter((d) => d.type === 'c' || d.type === 'b' || d.type === 'u').map((d) => allow(d.type === 'b' ? 'b' : 'c', d.major, d.minor));
  const first = rules[0];
  const startsDenied = first !== undefined && !first.allow && isWholeTable(first) && first.access === 'rwm';
  return [...(startsDenied ? [] : [{ allow: false, access: 'rwm' }]), ...rules, allow('c', undefined, undefined, 'm'), allow('b', undefined, undefined, 'm'), allow('c', 5, 1), allow('c', 136), allow('c', 5, 2), allow('c', 10, 200), ...nodes];
}

/** Rules in order: later rules override earlier ones, as in the kernel's list. */
export function devicesV1(r: LinuxResources): Translation {
  const t = translation();
  for (const d of r.devices ?? []) t.writes.push({ file: d.allow ? 'devices.allow' : 'devices.deny', value: deviceEntry(d) });
  return t;
}

/** v2: the program, or none when the config has no device rules (then the cgroup's program is left as it is). */
export function devicesV2(r: LinuxResources): Translation & { program?: BpfInsn[] } {
  const t = translation();
  if (r.devices === undefined || r.devices.length === 0) return t;
  return { ...t, program: deviceProgram(deviceList(r.devices)) };
}
