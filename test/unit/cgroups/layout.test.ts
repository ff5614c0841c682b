import { describe, expect, it } from 'vitest';
import { hostCgroupsFrom, keyOf, parseMountinfo, parseProcCgroup } from '../../../src/cgroups/layout.js';
import { unescapeMountField } from '../../../src/mountinfo-field.js';

// This host: v1 controllers one per hierarchy, plus an empty cgroup2 at /sys/fs/cgroup/unified.
const HYBRID = `31 23 0:28 / /sys/fs/cgroup rw,relatime - tmpfs tmpfs rw,mode=755
32 31 0:29 / /sys/fs/cgroup/cpu rw,relatime - cgroup cgroup rw,cpu
33 31 0:30 / /sys/fs/cgroup/cpuacct rw,relatime - cgroup cgroup rw,cpuacct
35 31 0:32 / /sys/fs/cgroup/memory rw,relatime - cgroup cgroup rw,memory
37 31 0:34 / /sys/fs/cgroup/freezer rw,relatime - cgroup cgroup rw,freezer
40 31 0:37 / /sys/fs/cgroup/systemd rw,relatime - cgroup cgroup rw,xattr,release_agent=/x,name=systemd
41 31 0:38 / /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw`;
const HYBRID_PROC = `9:name=systemd:/
4:memory:/process_api/ee0d
2:cpuacct:/
1:cpu:/
0::/`;

// A classic Docker/Debian v1 layout with co-mounted controllers and an escaped mount point.
const LEGACY = `25 24 0:22 / /sys/fs/cgroup rw - tmpfs tmpfs rw
26 25 0:23 / /sys/fs/cgroup/cpu,cpuacct rw,nosuid shared:9 - cgroup cgroup rw,cpu,cpuacct
27 25 0:24 /docker/abc /sys/fs/cgroup/my\\040memory rw master:3 - cgroup cgroup rw,memory`;

const UNIFIED = `29 23 0:26 / /sys/fs/cgroup rw,nosuid,nodev,noexec,relatime shared:4 - cgroup2 cgroup2 rw,nsdelegate,memory_recursiveprot
30 23 0:27 / /proc rw - proc proc rw`;

describe('layout detection', () => {
  it('parses cgroup mounts only, with controllers from super options', () => {
    const m = parseMountinfo(LEGACY);
    expect(m).toEqual([
      { fstype: 'cgroup', root: '/', mountpoint: '/sys/fs/cgroup/cpu,cpuacct', controllers: ['cpu', 'cpuacct'] },
      { fstype: 'cgroup', root: '/docker/abc', mountpoint: '/sys/fs/cgroup/my memory', controllers: ['memory'] },
    ]);
  });
  it('parses /proc/self/cgroup', () => {
    expect(parseProcCgroup(HYBRID_PROC)).toEqual({ 'name=systemd': '/', memory: '/process_api/ee0d', cpuacct: '/', cpu: '/', unified: '/' });
  });
  it('/proc/self/cgroup: a path may hold colons; a line that is not hierarchy-ID:controllers:path is skipped', () => {
    expect(parseProcCgroup('3:memory:/a:b:c\nx:pids:/p\n:cpu:/q\n4:blkio\n0::/u\n')).toEqual({ memory: '/a:b:c', unified: '/u' });
  });
  it('mountinfo path fields: \\ooo escapes, and fields without any', () => {
    expect(['/a\\040b\\011c\\134d', '/plain', ''].map(unescapeMountField)).toEqual(['/a b\tc\\d', '/plain', '']);
  });
  it('hybrid (this host)', () => {
    const h = hostCgroupsFrom(HYBRID, HYBRID_PROC);
    expect(h.mode).toBe('hybrid');
    expect(Object.keys(h.v1)).toEqual(['cpu', 'cpuacct', 'memory', 'freezer', 'name=systemd']);
    expect(h.unified).toEqual({ mountpoint: '/sys/fs/cgroup/unified', root: '/' });
    expect(h.own.memory).toBe('/process_api/ee0d');
  });
  it('legacy', () => {
    const h = hostCgroupsFrom(LEGACY, '');
    expect(h.mode).toBe('legacy');
    expect(h.v1['cpu,cpuacct']).toEqual({ mountpoint: '/sys/fs/cgroup/cpu,cpuacct', root: '/' });
    expect(keyOf(Object.keys(h.v1), 'cpuacct')).toBe('cpu,cpuacct');
    expect(keyOf(Object.keys(h.v1), 'pids')).toBeUndefined();
  });
  it('unified', () => {
    const h = hostCgroupsFrom(UNIFIED, '0::/user.slice/session-1.scope\n', true);
    expect(h.mode).toBe('unified');
    expect(h.v1).toEqual({});
    expect(h.unified?.mountpoint).toBe('/sys/fs/cgroup');
    expect(h.own.unified).toBe('/user.slice/session-1.scope');
    expect(h.systemdRunning).toBe(true);
  });
  it('no cgroup mount at all is an error', () => {
    expect(() => hostCgroupsFrom('30 23 0:27 / /proc rw - proc proc rw', '')).toThrow(/no cgroup filesystem/);
  });
});
