import { describe, expect, it } from 'vitest';
import { hostCgroupsFrom } from '../../../src/cgroups/layout.js';
import { checkCgroupsPath, containerPaths, defaultCgroupsPath, parseSystemdPath, systemdCgroupPath } from '../../../src/cgroups/path.js';
import { createCgroupManager } from '../../../src/cgroups/manager.js';
import { ConfigError } from '../../../src/errors.js';

const legacy = hostCgroupsFrom(
  `26 25 0:23 / /cg/cpu,cpuacct rw - cgroup cgroup rw,cpu,cpuacct
27 25 0:24 /docker/abc /cg/memory rw - cgroup cgroup rw,memory`,
  `3:cpuacct,cpu:/runtime
2:memory:/docker/abc/inner
0::/`,
);
const unified = hostCgroupsFrom('29 23 0:26 / /cg rw - cgroup2 cgroup2 rw', '0::/user.slice/me.scope\n');

describe('cgroupsPath resolution', () => {
  it('absolute: under each mount point', () => {
    expect(containerPaths(legacy, '/a/b')).toEqual({ 'cpu,cpuacct': '/cg/cpu,cpuacct/a/b', memory: '/cg/memory/a/b' });
    expect(containerPaths(unified, '/a/b')).toEqual({ unified: '/cg/a/b' });
  });
  it('relative: under the runtime own cgroup, seen through the mount root', () => {
    // cpu,cpuacct listed in another order in /proc/self/cgroup; memory mounted from /docker/abc.
    expect(containerPaths(legacy, 'c1')).toEqual({ 'cpu,cpuacct': '/cg/cpu,cpuacct/runtime/c1', memory: '/cg/memory/inner/c1' });
    expect(containerPaths(unified, 'x/c1')).toEqual({ unified: '/cg/user.slice/me.scope/x/c1' });
  });
  it('default is <id> below the runtime\'s own cgroup, as runc 1.1', () => {
    expect(defaultCgroupsPath('demo')).toBe('demo');
    expect(containerPaths(unified, defaultCgroupsPath('demo'))).toEqual({ unified: '/cg/user.slice/me.scope/demo' });
    expect(containerPaths(legacy, defaultCgroupsPath('demo'))).toEqual({ 'cpu,cpuacct': '/cg/cpu,cpuacct/runtime/demo', memory: '/cg/memory/inner/demo' });
  });
  it('normalizes; refuses escaping relative paths', () => {
    expect(checkCgroupsPath('/a/../b//c/')).toBe('/b/c/');
    expect(checkCgroupsPath('/../../x')).toBe('/x');
    expect(() => checkCgroupsPath('../x')).toThrow(ConfigError);
    expect(() => checkCgroupsPath('a/../..')).toThrow(/invalid cgroups path/);
  });
  it('systemd slice:prefix:name', () => {
    expect(parseSystemdPath('machine.slice:tsrun:c1')).toEqual({ slice: 'machine.slice', prefix: 'tsrun', name: 'c1' });
    expect(parseSystemdPath(':tsrun:c1').slice).toBe('system.slice');
    expect(() => parseSystemdPath('/a/b')).toThrow(/slice:prefix:name/);
    expect(systemdCgroupPath({ slice: 'a-b-c.slice', prefix: 'tsrun', name: 'c1' })).toBe('/a.slice/a-b.slice/a-b-c.slice/tsrun-c1.scope');
    expect(systemdCgroupPath({ slice: '-.slice', prefix: '', name: 'x.slice' })).toBe('/x.slice');
  });
});

describe('--systemd-cgroup', () => {
  const opts = (systemdRunning: boolean, cgroupsPath?: string) => ({ id: 'c1', cgroupsPath, rootless: false, systemd: true, host: { ...unified, systemdRunning } });
  it('systemd not running: says so; running: a scope <prefix>-<name>.scope in the slice, nothing asked of systemd before the init exists; a bad path is a config error first', () => {
    expect(() => createCgroupManager(opts(false))).toThrow(/systemd is not running on this host/);
    const m = createCgroupManager(opts(true, 'user.slice:p:c1'))!;
    expect(m.unit).toEqual({ name: 'p-c1.scope', slice: 'user.slice', user: false });
    expect(m.paths).toEqual({ unified: `${unified.unified!.mountpoint}/user.slice/p-c1.scope` });
    m.create();
    expect(m.apply({ pids: { limit: 5 } })).toEqual([]);
    // runc's defaults for empty parts: system.slice, the prefix tsrun and the id when no path is given.
    expect(createCgroupManager(opts(true))!.unit?.name).toBe('tsrun-c1.scope');
    expect(createCgroupManager(opts(true, '::c1'))!.unit).toEqual({ name: 'c1.scope', slice: 'system.slice', user: false });
    expect(() => createCgroupManager(opts(false, 'nocolons'))).toThrow(ConfigError);
  });
});
