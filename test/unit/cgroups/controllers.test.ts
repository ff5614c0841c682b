import { describe, expect, it } from 'vitest';
import { blkioV1, blkioWeightToIOWeight, ioV2 } from '../../../src/cgroups/controllers/blkio.js';
import { cpuV1, cpuV2, sharesToWeight } from '../../../src/cgroups/controllers/cpu.js';
import { cpuset } from '../../../src/cgroups/controllers/cpuset.js';
import { deviceEntry, devicesV1, devicesV2, withDefaultDeviceRules } from '../../../src/cgroups/controllers/devices.js';
import { deviceProgram } from '../../../src/cgroups/devices/bpf.js';
import { deviceList } from '../../../src/cgroups/devices/list.js';
import { hugetlbV1, hugetlbV2 } from '../../../src/cgroups/controllers/hugetlb.js';
import { hasResources, translateV1, translateV2 } from '../../../src/cgroups/controllers/index.js';
import { kmemLimitsWork, memoryV1, memoryV2, swapV2 } from '../../../src/cgroups/controllers/memory.js';
import { netClsV1, netPrioV1, networkV2 } from '../../../src/cgroups/controllers/network.js';
import { pids } from '../../../src/cgroups/controllers/pids.js';
import { rdma } from '../../../src/cgroups/controllers/rdma.js';
import { unifiedV1, unifiedV2 } from '../../../src/cgroups/controllers/unified.js';
import { NotSupportedError, RuntimeError } from '../../../src/errors.js';
import { createResources } from '../../../src/runtime/cgroup.js';

const files = (t: { writes: { file: string; value: string }[] }): string[] => t.writes.map((w) => `${w.file}=${w.value}`);

describe('memory', () => {
  it('v1: every field', () => {
    const t = memoryV1({ memory: { limit: 1000, swap: 2000, reservation: 500, kernel: 1, kernelTCP: 300, swappiness: 10, disableOOMKiller: true, useHierarchy: true } });
    expect(files(t)).toEqual([
      'memory.limit_in_bytes=1000',
      'memory.memsw.limit_in_bytes=2000',
      'memory.soft_limit_in_bytes=500',
      'memory.kmem.tcp.limit_in_bytes=300',
      'memory.swappiness=10',
      'memory.oom_control=1',
      'memory.use_hierarchy=1',
    ]);
    expect(t.warnings).toHaveLength(1);
    expect(t.warnings[0]).toMatch(/memory.kernel is ignored/);
  });
  it('v1: memory.kernel is written where the kernel still takes it, else a warning', () => {
    expect(files(memoryV1({ memory: { kernel: 1 << 20 } }, { kmem: true }))).toEqual([`memory.kmem.limit_in_bytes=${1 << 20}`]);
    expect(memoryV1({ memory: { kernel: 1 << 20 } }, { kmem: true }).warnings).toEqual([]);
    expect(memoryV1({ memory: { kernel: 1 << 20 } }, { kmem: false }).warnings[0]).toMatch(/memory.kernel is ignored.*5\.16/);
    expect([kmemLimitsWork('4.19.0-21-amd64'), kmemLimitsWork('5.15.0'), kmemLimitsWork('5.16.1'), kmemLimitsWork('6.18.44-fc'), kmemLimitsWork('x')]).toEqual([true, true, false, false, false]);
  });
  it('v1: unlimited memory makes swap unlimited too', () => {
    expect(files(memoryV1({ memory: { limit: -1 } }))).toEqual(['memory.limit_in_bytes=-1', 'memory.memsw.limit_in_bytes=-1']);
  });
  it('v1: rejects swap below limit and bad swappiness', () => {
    expect(() => memoryV1({ memory: { limit: 2000, swap: 1000 } })).toThrow(/memory.swap = 1000/);
    expect(() => memoryV1({ memory: { swappiness: 101 } })).toThrow(/swappiness/);
  });
  it('v1/v2: checkBeforeUpdate becomes a usage check', () => {
    expect(memoryV1({ memory: { limit: 10, checkBeforeUpdate: true } }).checks).toEqual([{ usageFile: 'memory.usage_in_bytes', limit: 10 }]);
    expect(memoryV2({ memory: { limit: 10, checkBeforeUpdate: true } }).checks).toEqual([{ usageFile: 'memory.current', limit: 10 }]);
    expect(memoryV2({ memory: { limit: 10 } }).checks).toBeUndefined();
  });
  it('v2: swap is swap - limit, -1 is max', () => {
    expect(files(memoryV2({ memory: { limit: 1000, swap: 3000, reservation: 100 } }))).toEqual(['memory.swap.max=2000', 'memory.max=1000', 'memory.low=100']);
    expect(files(memoryV2({ memory: { limit: -1 } }))).toEqual(['memory.swap.max=max', 'memory.max=max']);
    expect(files(memoryV2({ memory: { limit: 1000, swap: -1 } }))).toEqual(['memory.swap.max=max', 'memory.max=1000']);
    expect(swapV2(1000, 1000)).toBe('0');
    expect(swapV2(1000, undefined)).toBeUndefined();
    expect(() => swapV2(undefined, 1000)).toThrow(/needs memory.limit/);
    expect(() => swapV2(2000, 1000)).toThrow(/>= memory.limit/);
  });
  it('v2: v1-only fields are warnings, not writes', () => {
    const t = memoryV2({ memory: { kernel: 1, kernelTCP: 1, swappiness: 5, disableOOMKiller: true } });
    expect(t.writes).toEqual([]);
    expect(t.warnings).toHaveLength(4);
  });
});

describe('cpu', () => {
  it('shares → weight as runc', () => {
    expect(sharesToWeight(2)).toBe(1);
    expect(sharesToWeight(1024)).toBe(39);
    expect(sharesToWeight(262144)).toBe(10000);
  });
  it('v1: every field, period before quota', () => {
    const t = cpuV1({ cpu: { shares: 512, quota: 50000, period: 100000, burst: 1000, realtimeRuntime: 950, realtimePeriod: 1000, idle: 1 } });
    expect(files(t)).toEqual(['cpu.shares=512', 'cpu.cfs_period_us=100000', 'cpu.cfs_quota_us=50000', 'cpu.cfs_burst_us=1000', 'cpu.rt_period_us=1000', 'cpu.rt_runtime_us=950', 'cpu.idle=1']);
    expect(files(cpuV1({ cpu: { quota: -1 } }))).toEqual(['cpu.cfs_quota_us=-1']);
  });
  it('v2: weight, cpu.max, burst, idle', () => {
    expect(files(cpuV2({ cpu: { shares: 1024, quota: 50000, period: 200000, burst: 10, idle: 1 } }))).toEqual(['cpu.weight=39', 'cpu.max=50000 200000', 'cpu.max.burst=10', 'cpu.idle=1']);
    expect(files(cpuV2({ cpu: { quota: 20000 } }))).toEqual(['cpu.max=20000 100000']);
    expect(files(cpuV2({ cpu: { quota: -1, period: 50000 } }))).toEqual(['cpu.max=max 50000']);
    expect(files(cpuV2({ cpu: { period: 50000 } }))).toEqual(['cpu.max=max 50000']);
  });
  it('v2: realtime is not supported, shares out of range refused', () => {
    expect(() => cpuV2({ cpu: { realtimeRuntime: 1 } })).toThrow(NotSupportedError);
    expect(() => cpuV2({ cpu: { shares: 1 } })).toThrow(/2..262144/);
  });
  it('cpuset', () => {
    expect(files(cpuset({ cpu: { cpus: '0-1', mems: '0' } }))).toEqual(['cpuset.cpus=0-1', 'cpuset.mems=0']);
    expect(files(cpuset({ cpu: { shares: 2 } }))).toEqual([]);
  });
});

describe('pids', () => {
  it('limit, 0 and -1 are max', () => {
    expect(files(pids({ pids: { limit: 32 } }))).toEqual(['pids.max=32']);
    expect(files(pids({ pids: { limit: 0 } }))).toEqual(['pids.max=max']);
    expect(files(pids({ pids: { limit: -1 } }))).toEqual(['pids.max=max']);
    expect(files(pids({}))).toEqual([]);
  });
});

describe('blkio / io', () => {
  const blockIO = {
    weight: 500,
    leafWeight: 300,
    weightDevice: [{ major: 8, minor: 0, weight: 600, leafWeight: 200 }],
    throttleReadBpsDevice: [{ major: 8, minor: 0, rate: 1048576 }],
    throttleWriteBpsDevice: [{ major: 8, minor: 0, rate: 0 }],
    throttleReadIOPSDevice: [{ major: 8, minor: 16, rate: 100 }],
    throttleWriteIOPSDevice: [{ major: 8, minor: 16, rate: 200 }],
  };
  it('weight conversion as runc', () => {
    expect(blkioWeightToIOWeight(10)).toBe(1);
    expect(blkioWeightToIOWeight(500)).toBe(4950);
    expect(blkioWeightToIOWeight(1000)).toBe(10000);
  });
  it('v1 CFQ files', () => {
    expect(files(blkioV1({ blockIO }, { bfq: false }))).toEqual([
      'blkio.weight=500',
      'blkio.leaf_weight=300',
      'blkio.weight_device=8:0 600',
      'blkio.leaf_weight_device=8:0 200',
      'blkio.throttle.read_bps_device=8:0 1048576',
      'blkio.throttle.write_bps_device=8:0 0',
      'blkio.throttle.read_iops_device=8:16 100',
      'blkio.throttle.write_iops_device=8:16 200',
    ]);
  });
  it('v1 BFQ files, leaf weights ignored with a warning', () => {
    const t = blkioV1({ blockIO }, { bfq: true });
    expect(files(t).slice(0, 2)).toEqual(['blkio.bfq.weight=500', 'blkio.bfq.weight_device=8:0 600']);
    expect(t.warnings.length).toBeGreaterThan(0);
  });
  it('v2 io.weight (converted) or io.bfq.weight (as is), io.max', () => {
    const t = ioV2({ blockIO }, { bfq: false });
    expect(files(t)).toEqual(['io.weight=4950', 'io.weight=8:0 5960', 'io.max=8:0 rbps=1048576', 'io.max=8:0 wbps=max', 'io.max=8:16 riops=100', 'io.max=8:16 wiops=200']);
    expect(t.warnings).toHaveLength(1);
    expect(files(ioV2({ blockIO: { weight: 500 } }, { bfq: true }))).toEqual(['io.bfq.weight=500']);
  });
});

describe('hugetlb, network, rdma', () => {
  it('hugetlb v1/v2', () => {
    const r = { hugepageLimits: [{ pageSize: '2MB', limit: 209715200 }, { pageSize: '1GB', limit: -1 }] };
    expect(files(hugetlbV1(r))).toEqual(['hugetlb.2MB.limit_in_bytes=209715200', 'hugetlb.1GB.limit_in_bytes=-1']);
    expect(files(hugetlbV2(r))).toEqual(['hugetlb.2MB.max=209715200', 'hugetlb.1GB.max=max']);
    expect(() => hugetlbV1({ hugepageLimits: [{ pageSize: '../x', limit: 1 }] })).toThrow(/pageSize/);
  });
  it('net_cls / net_prio on v1, refused on v2', () => {
    const r = { network: { classID: 1048577, priorities: [{ name: 'eth0', priority: 500 }, { name: 'lo', priority: 1000 }] } };
    expect(files(netClsV1(r))).toEqual(['net_cls.classid=1048577']);
    expect(files(netPrioV1(r))).toEqual(['net_prio.ifpriomap=eth0 500', 'net_prio.ifpriomap=lo 1000']);
    expect(() => networkV2(r)).toThrow(NotSupportedError);
    expect(networkV2({}).writes).toEqual([]);
  });
  it('rdma', () => {
    expect(files(rdma({ rdma: { mlx5_1: { hcaHandles: 3, hcaObjects: 10000 }, mlx4_0: { hcaObjects: 1 }, none: {} } }))).toEqual([
      'rdma.max=mlx5_1 hca_handle=3 hca_object=10000',
      'rdma.max=mlx4_0 hca_object=1',
    ]);
  });
});

describe('unified', () => {
  it('v2: written as given, one line per write', () => {
    expect(files(unifiedV2({ unified: { 'io.max': '259:0 rbps=2097152 wiops=120\n253:0 rbps=2097152 wiops=120', 'hugetlb.1GB.max': '1073741824' } }))).toEqual([
      'io.max=259:0 rbps=2097152 wiops=120',
      'io.max=253:0 rbps=2097152 wiops=120',
      'hugetlb.1GB.max=1073741824',
    ]);
  });
  it('v2: refuses paths and runtime-owned files', () => {
    expect(() => unifiedV2({ unified: { '../x.max': '1' } })).toThrow(/interface file/);
    expect(() => unifiedV2({ unified: { 'cgroup.procs': '1' } })).toThrow(/managed by the runtime/);
  });
  it('v1: refused with a clear error', () => {
    expect(() => unifiedV1({ unified: { 'memory.max': '1' } })).toThrow(RuntimeError);
    expect(() => unifiedV1({ unified: { 'memory.max': '1' } })).toThrow(/cgroup v1/);
    expect(() => translateV1({ unified: { 'memory.max': '1' } }, { bfq: false })).toThrow(/cgroup v2 only/);
  });
});

describe('devices', () => {
  it('v1: entries to devices.allow / devices.deny in order', () => {
    const t = devicesV1({
      devices: [
        { allow: false, access: 'rwm' },
        { allow: true, type: 'c', major: 1, minor: 3, access: 'rwm' },
        { allow: true, type: 'c', major: 136, access: 'rw' },
        { allow: false, type: 'b', major: 8, minor: -1, access: 'm' },
      ],
    });
    expect(files(t)).toEqual(['devices.deny=a', 'devices.allow=c 1:3 rwm', 'devices.allow=c 136:* rw', 'devices.deny=b 8:* m']);
    // The kernel reads only the "a" of a type-a entry: it is always the whole-table rule.
    expect(deviceEntry({ allow: true, type: 'a', major: 1 })).toBe('a');
  });
  it('v1: bad type or access', () => {
    expect(() => deviceEntry({ allow: true, type: 'x' })).toThrow(/a, b or c/);
    expect(() => deviceEntry({ allow: true, access: 'rx' })).toThrow(/r, w, m/);
  });
  it('v2: a device program and no file writes; none without rules', () => {
    const t = devicesV2({ devices: [{ allow: false, access: 'rwm' }] });
    expect(t.writes).toEqual([]);
    expect(t.program).toEqual(deviceProgram(deviceList([{ allow: false, access: 'rwm' }])));
    expect(translateV2({ devices: [{ allow: false }] }, { bfq: false }).find((x) => x.controller === 'devices')?.program).toBeDefined();
    expect(devicesV2({ devices: [] }).program).toBeUndefined();
    expect(devicesV2({}).program).toBeUndefined();
    expect(() => devicesV2({ devices: [{ allow: true, type: 'q' }] })).toThrow(/a, b or c/);
  });
  it("runc's default rules come after the config's, then every created device", () => {
    const rules = withDefaultDeviceRules([{ allow: false, access: 'rwm' }], [{ type: 'c', major: 1, minor: 3 }, { type: 'b', major: 7, minor: 0 }, { type: 'p' }]);
    expect(rules.map(deviceEntry)).toEqual(['a', 'c *:* m', 'b *:* m', 'c 5:1 rwm', 'c 136:* rwm', 'c 5:2 rwm', 'c 10:200 rwm', 'c 1:3 rwm', 'b 7:0 rwm']);
    expect(rules[0]).toEqual({ allow: false, access: 'rwm' });
    expect(rules.slice(1).every((r) => r.allow)).toBe(true);
  });
  it('a config without a deny-all rule starts from deny-all, as runc (no rule reaches every host device)', () => {
    expect(withDefaultDeviceRules([], []).map(deviceEntry).slice(0, 2)).toEqual(['a', 'c *:* m']);
    expect(withDefaultDeviceRules([], [])[0]).toEqual({ allow: false, access: 'rwm' });
    // Docker --privileged: an allow-all after the deny-all still opens everything.
    const privileged = withDefaultDeviceRules([{ allow: true, access: 'rwm' }], []);
    expect(privileged.slice(0, 2)).toEqual([{ allow: false, access: 'rwm' }, { allow: true, access: 'rwm' }]);
  });
});

describe('hasResources', () => {
  it('limits count, device rules alone do not', () => {
    expect(hasResources(undefined)).toBe(false);
    expect(hasResources({ devices: [{ allow: false, access: 'rwm' }] })).toBe(false);
    expect(hasResources({ pids: { limit: 5 } })).toBe(true);
    expect(hasResources({ unified: { 'memory.high': '1' } })).toBe(true);
  });
});

describe('createResources', () => {
  const spec = { ociVersion: '1.3.0', linux: { resources: { pids: { limit: 5 }, devices: [{ allow: false, access: 'rwm' }] }, devices: [{ path: '/dev/fuse', type: 'c', major: 10, minor: 229 }] } };
  it("root: the config's rules, runc's defaults, every created device", () => {
    const r = createResources(spec, false);
    expect(r.pids).toEqual({ limit: 5 });
    const entries = (r.devices ?? []).map(deviceEntry);
    expect(entries[0]).toBe('a');
    expect(entries).toEqual(expect.arrayContaining(['c *:* m', 'c 1:3 rwm', 'c 1:9 rwm', 'c 5:0 rwm', 'c 10:229 rwm']));
    const none = createResources({ ociVersion: '1.3.0' }, false).devices ?? [];
    expect(none[0]).toEqual({ allow: false, access: 'rwm' });
    expect(none.slice(1).every((d) => d.allow)).toBe(true);
  });
  it('rootless: no device rules at all', () => {
    expect(createResources(spec, true)).toEqual({ pids: { limit: 5 }, devices: undefined });
  });
});
