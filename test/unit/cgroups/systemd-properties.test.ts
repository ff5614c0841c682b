import { describe, expect, it } from 'vitest';
import { unitObjectPath } from '../../../src/cgroups/systemd/bus.js';
import { INFINITY, propertyArgs, rangeToBytes, resourceProperties, scopeProperties } from '../../../src/cgroups/systemd/properties.js';

const byName = (r: Parameters<typeof resourceProperties>[0]) => Object.fromEntries(resourceProperties(r).map((p) => [p.name, p.value.join(' ')]));

describe('systemd unit properties (runc genV2ResourcesProperties)', () => {
  it('memory: MemoryMax, MemoryLow, MemorySwapMax as swap alone; -1 is infinity', () => {
    expect(byName({ memory: { limit: 64 << 20, reservation: 32 << 20, swap: 96 << 20 } })).toEqual({ MemoryMax: String(64 << 20), MemoryLow: String(32 << 20), MemorySwapMax: String(32 << 20) });
    expect(byName({ memory: { limit: -1, swap: -1 } })).toEqual({ MemoryMax: INFINITY, MemorySwapMax: INFINITY });
  });
  it('pids: TasksMax, 0 and -1 are infinity', () => {
    expect(byName({ pids: { limit: 42 } })).toEqual({ TasksMax: '42' });
    expect(byName({ pids: { limit: -1 } })).toEqual({ TasksMax: INFINITY });
  });
  it('cpu: CPUWeight from shares, the quota per second rounded up to 10 ms, the period, cpus/mems as bitmasks', () => {
    expect(byName({ cpu: { shares: 512, quota: 50000, period: 100000 } })).toEqual({ CPUWeight: '20', CPUQuotaPerSecUSec: '500000', CPUQuotaPeriodUSec: '100000' });
    expect(byName({ cpu: { quota: 12345 } }).CPUQuotaPerSecUSec).toBe('130000');
    expect(byName({ cpu: { cpus: '0-1', mems: '0' } })).toEqual({ AllowedCPUs: '1 3', AllowedMemoryNodes: '1 1' });
    expect(rangeToBytes('0,9-10')).toEqual([1, 6]);
    expect(() => rangeToBytes('3-1')).toThrow(/invalid/);
  });
  it('IOWeight from blockIO.weight', () => {
    expect(byName({ blockIO: { weight: 500 } })).toEqual({ IOWeight: String(Math.trunc(1 + (490 * 9999) / 990)) });
  });
  it('a scope: Delegate, the init pid, the slice; busctl words', () => {
    const args = propertyArgs(scopeProperties('d', 'system.slice', 1234));
    expect(args.slice(0, 11)).toEqual(['9', 'Description', 's', 'd', 'Slice', 's', 'system.slice', 'Delegate', 'b', 'true', 'PIDs']);
    expect(args.slice(11, 14)).toEqual(['au', '1', '1234']);
  });
  it('unit object paths escape as sd_bus_path_encode', () => {
    expect(unitObjectPath('tsrun-demo.scope')).toBe('/org/freedesktop/systemd1/unit/tsrun_2ddemo_2escope');
  });
});
