import { describe, expect, it } from 'vitest';
import { ConfigError, type ConfigIssue } from '../../src/errors.js';
import {
  parseConfigText,
  validateConfig,
  validateFeatures,
  validateState,
  warningsForConfig,
} from '../../src/spec/validate.js';

const minimal = () => ({ ociVersion: '1.3.0', root: { path: 'rootfs' } });

// What `runc spec` writes (rootful), plus the rest of config.md's and config-linux.md's fields.
const runcSpec = () => ({
  ociVersion: '1.3.0',
  process: {
    terminal: true,
    consoleSize: { height: 25, width: 80 },
    user: { uid: 0, gid: 0, umask: 18, additionalGids: [5, 6] },
    args: ['sh'],
    env: ['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin', 'TERM=xterm'],
    cwd: '/',
    capabilities: {
      bounding: ['CAP_AUDIT_WRITE', 'CAP_KILL', 'CAP_NET_BIND_SERVICE'],
      effective: ['CAP_AUDIT_WRITE', 'CAP_KILL', 'CAP_NET_BIND_SERVICE'],
      permitted: ['CAP_AUDIT_WRITE', 'CAP_KILL', 'CAP_NET_BIND_SERVICE'],
      ambient: ['CAP_NET_BIND_SERVICE'],
    },
    rlimits: [
      { type: 'RLIMIT_NOFILE', hard: 1024, soft: 1024 },
      { type: 'RLIMIT_CORE', hard: 18446744073709551615, soft: 0 },
    ],
    noNewPrivileges: true,
    apparmorProfile: 'acme_secure_profile',
    selinuxLabel: 'system_u:system_r:svirt_lxc_net_t:s0:c124,c675',
    oomScoreAdj: 100,
    scheduler: { policy: 'SCHED_DEADLINE', nice: 0, priority: 0, flags: ['SCHED_FLAG_RESET_ON_FORK'], runtime: 1000, deadline: 2000, period: 3000 },
    ioPriority: { class: 'IOPRIO_CLASS_IDLE', priority: 4 },
    execCPUAffinity: { initial: '7', final: '0-3,7' },
  },
  root: { path: 'rootfs', readonly: true },
  hostname: 'runc',
  domainname: 'foobarbaz.test',
  mounts: [
    { destination: '/proc', type: 'proc', source: 'proc' },
    { destination: '/dev', type: 'tmpfs', source: 'tmpfs', options: ['nosuid', 'strictatime', 'mode=755', 'size=65536k'] },
    { destination: '/dev/pts', type: 'devpts', source: 'devpts', options: ['nosuid', 'noexec', 'newinstance', 'ptmxmode=0666', 'mode=0620', 'gid=5'] },
    { destination: '/dev/shm', type: 'tmpfs', source: 'shm', options: ['nosuid', 'noexec', 'nodev', 'mode=1777', 'size=65536k'] },
    { destination: '/dev/mqueue', type: 'mqueue', source: 'mqueue', options: ['nosuid', 'noexec', 'nodev'] },
    { destination: '/sys', type: 'sysfs', source: 'sysfs', options: ['nosuid', 'noexec', 'nodev', 'ro'] },
    { destination: '/sys/fs/cgroup', type: 'cgroup', source: 'cgroup', options: ['nosuid', 'noexec', 'nodev', 'relatime', 'ro'] },
    {
      destination: '/data',
      source: '/volumes/data',
      options: ['rbind', 'idmap'],
      uidMappings: [{ containerID: 0, hostID: 100000, size: 65536 }],
      gidMappings: [{ containerID: 0, hostID: 100000, size: 65536 }],
    },
  ],
  hooks: {
    createRuntime: [{ path: '/usr/bin/fix-mounts', args: ['fix-mounts', 'arg1'], env: ['key1=value1'] }],
    createContainer: [{ path: '/usr/bin/mount-hook', timeout: 5 }],
    startContainer: [{ path: '/usr/bin/refresh-ldcache' }],
    poststart: [{ path: '/usr/bin/notify-start', timeout: 5 }],
    poststop: [{ path: '/usr/sbin/cleanup.sh', args: ['cleanup.sh', '-f'] }],
  },
  annotations: { 'com.example.key1': 'value1', 'com.example.empty': '' },
  linux: {
    uidMappings: [{ containerID: 0, hostID: 1000, size: 32000 }],
    gidMappings: [{ containerID: 0, hostID: 1000, size: 32000 }],
    timeOffsets: { monotonic: { secs: 172800, nanosecs: 0 }, boottime: { secs: -3600 } },
    sysctl: { 'net.ipv4.ip_forward': '1', 'net.core.somaxconn': '256' },
    resources: {
      devices: [
        { allow: false, access: 'rwm' },
        { allow: true, type: 'c', major: 10, minor: 229, access: 'rw' },
      ],
      memory: { limit: 536870912, reservation: 536870912, swap: 536870912, swappiness: 0, disableOOMKiller: false, checkBeforeUpdate: true },
      cpu: { shares: 1024, quota: 1000000, burst: 1000000, period: 500000, realtimeRuntime: 950000, realtimePeriod: 1000000, cpus: '2-3', mems: '0-7', idle: 0 },
      blockIO: {
        weight: 10,
        leafWeight: 10,
        weightDevice: [{ major: 8, minor: 0, weight: 500, leafWeight: 300 }, { major: 8, minor: 16, weight: 500 }],
        throttleReadBpsDevice: [{ major: 8, minor: 0, rate: 600 }],
        throttleWriteIOPSDevice: [{ major: 8, minor: 16, rate: 300 }],
      },
      hugepageLimits: [{ pageSize: '2MB', limit: 9223372036854772000 }],
      network: { classID: 1048577, priorities: [{ name: 'eth0', priority: 500 }] },
      pids: { limit: 32771 },
      rdma: { mlx5_1: { hcaHandles: 3, hcaObjects: 10000 }, mlx4_0: { hcaObjects: 1000 } },
      unified: { 'io.weight': '10', 'memory.high': '1073741824' },
    },
    cgroupsPath: '/myRuntime/myContainer',
    namespaces: [
      { type: 'pid' },
      { type: 'network' },
      { type: 'ipc' },
      { type: 'uts' },
      { type: 'mount' },
      { type: 'user' },
      { type: 'cgroup' },
      { type: 'time' },
    ],
    devices: [
      { path: '/dev/fuse', type: 'c', major: 10, minor: 229, fileMode: 438, uid: 0, gid: 0 },
      { path: '/dev/fifo', type: 'p' },
    ],
    netDevices: { eth0: { name: 'container_eth0' }, ens4: {} },
    seccomp: {
      defaultAction: 'SCMP_ACT_ERRNO',
      defaultErrnoRet: 1,
      architectures: ['SCMP_ARCH_X86_64', 'SCMP_ARCH_X86', 'SCMP_ARCH_X32'],
      flags: ['SECCOMP_FILTER_FLAG_LOG'],
      listenerPath: '/run/seccomp-agent.socket',
      listenerMetadata: 'foo',
      syscalls: [
        { names: ['getcwd', 'chmod'], action: 'SCMP_ACT_ALLOW' },
        { names: ['personality'], action: 'SCMP_ACT_ALLOW', args: [{ index: 0, value: 8, valueTwo: 0, op: 'SCMP_CMP_EQ' }] },
      ],
    },
    rootfsPropagation: 'slave',
    maskedPaths: ['/proc/acpi', '/proc/kcore', '/sys/firmware'],
    readonlyPaths: ['/proc/bus', '/proc/sys'],
    mountLabel: 'system_u:object_r:svirt_sandbox_file_t:s0:c715,c811',
    intelRdt: { closID: 'guaranteed_group', l3CacheSchema: 'L3:0=7f0;1=1f', memBwSchema: 'MB:0=20;1=70', schemata: ['L2:0=ff'], enableMonitoring: true },
    memoryPolicy: { mode: 'MPOL_INTERLEAVE', nodes: '0-3,7', flags: ['MPOL_F_STATIC_NODES'] },
    personality: { domain: 'LINUX' },
  },
  'org.example.extension': { anything: true },
});

/** The issues a validation throws (fails the test when it does not throw a ConfigError). */
function issuesOf(fn: () => void): ConfigIssue[] {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    return (e as ConfigError).issues;
  }
  throw new Error('expected a ConfigError');
}

describe('config.json schema', () => {
  it('accepts a minimal config', () => {
    expect(() => validateConfig(minimal())).not.toThrow();
  });

  it('accepts the runc spec example with every section filled in and unknown properties', () => {
    expect(() => validateConfig(runcSpec())).not.toThrow();
  });

  it('rejects a hostname of the wrong type', () => {
    expect(issuesOf(() => validateConfig({ ...minimal(), hostname: 5 }))).toEqual([
      { pointer: '/hostname', rule: 'must be string', section: 'config.md#hostname' },
    ]);
  });

  it('requires ociVersion', () => {
    expect(issuesOf(() => validateConfig({ root: { path: 'rootfs' } }))).toEqual([
      { pointer: '/ociVersion', rule: "must have required property 'ociVersion'", section: 'config.md#specification-version' },
    ]);
  });

  it('rejects an ociVersion that is not SemVer 2.0', () => {
    expect(issuesOf(() => validateConfig({ ...minimal(), ociVersion: '1.3' }))).toEqual([
      { pointer: '/ociVersion', rule: 'must match SemVer 2.0 (e.g. 1.3.0)', section: 'config.md#specification-version' },
    ]);
    expect(() => validateConfig({ ...minimal(), ociVersion: '1.3.0-rc.1+dev' })).not.toThrow();
  });

  it('requires a mount destination, pointing at the missing property', () => {
    const doc = { ...minimal(), mounts: [{ destination: '/proc', type: 'proc' }, { type: 'tmpfs', source: 'tmpfs' }] };
    expect(issuesOf(() => validateConfig(doc))).toEqual([
      { pointer: '/mounts/1/destination', rule: "must have required property 'destination'", section: 'config.md#mounts' },
    ]);
  });

  it('rejects duplicate namespace types', () => {
    const doc = { ...minimal(), linux: { namespaces: [{ type: 'pid' }, { type: 'mount' }, { type: 'uts' }, { type: 'pid' }] } };
    const issues = issuesOf(() => validateConfig(doc));
    expect(issues).toEqual([{ pointer: '/linux/namespaces/3/type', rule: "duplicate namespace type 'pid'", section: 'config-linux.md#namespaces' }]);
    expect(() => validateConfig(doc)).toThrow("config.json: /linux/namespaces/3/type: duplicate namespace type 'pid' (config-linux.md#namespaces)");
  });

  it('rejects an unknown namespace type', () => {
    const doc = { ...minimal(), linux: { namespaces: [{ type: 'pid' }, { type: 'mount' }, { type: 'net' }] } };
    expect(issuesOf(() => validateConfig(doc))).toEqual([
      { pointer: '/linux/namespaces/2/type', rule: 'must be one of pid, network, mount, ipc, uts, user, cgroup, time', section: 'config-linux.md#namespaces' },
    ]);
  });

  it('accepts rootfsPropagation shared, slave, private, unbindable and their r* forms (as runc and crun), nothing else', () => {
    for (const p of ['shared', 'slave', 'private', 'unbindable', 'rshared', 'rslave', 'rprivate', 'runbindable']) {
      expect(() => validateConfig({ ...minimal(), linux: { rootfsPropagation: p } }), p).not.toThrow();
    }
    expect(issuesOf(() => validateConfig({ ...minimal(), linux: { rootfsPropagation: 'rmaster' } }))).toEqual([
      { pointer: '/linux/rootfsPropagation', rule: 'must be one of shared, slave, private, unbindable, rshared, rslave, rprivate, runbindable', section: 'config-linux.md#rootfs-mount-propagation' },
    ]);
  });

  it('rejects an rlimit whose soft limit exceeds the hard limit, and duplicate rlimits', () => {
    const process = {
      cwd: '/',
      args: ['sh'],
      rlimits: [
        { type: 'RLIMIT_NOFILE', soft: 2048, hard: 1024 },
        { type: 'RLIMIT_NOFILE', soft: 1, hard: 1 },
      ],
    };
    expect(issuesOf(() => validateConfig({ ...minimal(), process }))).toEqual([
      { pointer: '/process/rlimits/0/soft', rule: 'soft limit 2048 must not exceed hard limit 1024', section: 'config.md#posix-process' },
      { pointer: '/process/rlimits/1/type', rule: "duplicate rlimit type 'RLIMIT_NOFILE'", section: 'config.md#posix-process' },
    ]);
  });

  it('checks process fields: args non-empty, cwd absolute, uid a uint32, rlimit names', () => {
    const process = { cwd: 'home', args: [], user: { uid: -1, gid: 0 }, rlimits: [{ type: 'NOFILE', soft: 1, hard: 1 }] };
    expect(issuesOf(() => validateConfig({ ...minimal(), process }))).toEqual([
      { pointer: '/process/cwd', rule: 'must be an absolute path', section: 'config.md#process' },
      { pointer: '/process/args', rule: 'must not be empty', section: 'config.md#process' },
      { pointer: '/process/user/uid', rule: 'must be >= 0', section: 'config.md#posix-platform-user' },
      { pointer: '/process/rlimits/0/type', rule: 'must be an RLIMIT_* name (e.g. RLIMIT_NOFILE)', section: 'config.md#posix-process' },
    ]);
  });

  it('reports the most specific branch of an anyOf once', () => {
    const doc = { ...minimal(), linux: { resources: { blockIO: { weightDevice: [{ major: 8, minor: 0 }] } } } };
    expect(issuesOf(() => validateConfig(doc))).toEqual([
      {
        pointer: '/linux/resources/blockIO/weightDevice/0',
        rule: "must have at least one of the properties 'weight', 'leafWeight'",
        section: 'config-linux.md#block-io',
      },
    ]);
  });

  it('requires major and minor for devices other than fifos', () => {
    const doc = { ...minimal(), linux: { devices: [{ path: '/dev/null', type: 'c', major: 1 }] } };
    expect(issuesOf(() => validateConfig(doc))).toEqual([
      { pointer: '/linux/devices/0/minor', rule: "must have required property 'minor'", section: 'config-linux.md#devices' },
    ]);
  });

  it('requires gidMappings along with uidMappings on a mount', () => {
    const doc = { ...minimal(), mounts: [{ destination: '/data', uidMappings: [{ containerID: 0, hostID: 1, size: 1 }] }] };
    expect(issuesOf(() => validateConfig(doc))).toEqual([
      { pointer: '/mounts/0/gidMappings', rule: "must be present when property 'uidMappings' is present", section: 'config.md#posix-platform-mounts' },
    ]);
  });

  it('rejects an empty annotation key', () => {
    const issues = issuesOf(() => validateConfig({ ...minimal(), annotations: { '': 'x' } }));
    expect(issues).toEqual([{ pointer: '/annotations/', rule: 'must not be empty', section: 'config.md#annotations' }]);
  });

  it('names the root for a document that is not an object', () => {
    expect(issuesOf(() => validateConfig([]))).toEqual([{ pointer: '/', rule: 'must be object', section: 'config.md' }]);
  });

  it('allows a relative mount destination but warns', () => {
    const doc = { ...minimal(), mounts: [{ destination: '/proc', type: 'proc' }, { destination: 'tmp', type: 'tmpfs' }], hooks: { prestart: [{ path: '/bin/true' }] } };
    expect(() => validateConfig(doc)).not.toThrow();
    expect(warningsForConfig(doc)).toEqual([
      'mounts/1/destination: relative path "tmp" is deprecated, taken relative to / (config.md#mounts)',
      'hooks/prestart: prestart hooks are deprecated, use createRuntime, createContainer or startContainer hooks (config.md#prestart)',
    ]);
    expect(warningsForConfig(runcSpec())).toEqual([]);
  });
});

describe('parseConfigText', () => {
  it('parses valid JSON', () => {
    expect(parseConfigText('{"ociVersion": "1.3.0"}')).toEqual({ ociVersion: '1.3.0' });
  });

  it('turns invalid JSON into a ConfigError at / with line and column', () => {
    const text = '{\n  "ociVersion": "1.3.0",\n  }\n';
    expect(issuesOf(() => parseConfigText(text))).toEqual([
      { pointer: '/', rule: 'invalid JSON: Expected double-quoted property name at line 3 column 3', section: 'bundle.md' },
    ]);
    expect(issuesOf(() => parseConfigText('[1,\n ]'))).toEqual([
      { pointer: '/', rule: "invalid JSON: Unexpected token ']' at line 2 column 2", section: 'bundle.md' },
    ]);
    expect(issuesOf(() => parseConfigText('{"a": '))).toEqual([
      { pointer: '/', rule: 'invalid JSON: Unexpected end of JSON input at line 1 column 7', section: 'bundle.md' },
    ]);
  });
});

describe('state schema', () => {
  const state = { ociVersion: '1.3.0', id: 'oci-container1', status: 'running', pid: 4422, bundle: '/containers/redis', annotations: { myKey: 'myValue' } };

  it('accepts a valid state', () => {
    expect(() => validateState(state)).not.toThrow();
    expect(() => validateState({ ociVersion: '1.3.0', id: 'c', status: 'stopped', bundle: '/b' })).not.toThrow();
  });

  it('rejects an invalid state', () => {
    const { pid: _pid, ...noPid } = state;
    expect(issuesOf(() => validateState({ ...noPid, status: 'created', bundle: 'relative' }))).toEqual([
      { pointer: '/pid', rule: "must have required property 'pid'", section: 'runtime.md#state' },
      { pointer: '/bundle', rule: 'must be an absolute path', section: 'runtime.md#state' },
    ]);
    expect(issuesOf(() => validateState({ ...state, status: 'paused' }))).toEqual([
      { pointer: '/status', rule: 'must be one of creating, created, running, stopped', section: 'runtime.md#state' },
    ]);
  });
});

describe('features schema', () => {
  it('accepts a features document and checks the version order', () => {
    const features = { ociVersionMin: '1.0.0', ociVersionMax: '1.3.0', hooks: ['createRuntime'], linux: { namespaces: ['pid'], seccomp: { enabled: true } } };
    expect(() => validateFeatures(features)).not.toThrow();
    expect(issuesOf(() => validateFeatures({ ...features, ociVersionMax: '0.9.0' }))).toEqual([
      { pointer: '/ociVersionMax', rule: 'must not be less than ociVersionMin (1.0.0)', section: 'features.md#specification-version' },
    ]);
    expect(issuesOf(() => validateFeatures({ ...features, extra: 1 }))).toEqual([
      { pointer: '/extra', rule: 'is not a known property', section: 'features.md' },
    ]);
  });
});
