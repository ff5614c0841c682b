import { describe, expect, it } from 'vitest';
import { defaultSpec } from '../../src/runtime/spec.js';
import { pointerForStep } from '../../src/spec/step-pointer.js';
import type { Spec } from '../../src/spec/types.js';

const spec: Spec = {
  ...defaultSpec(undefined),
  hostname: 'h',
  hooks: { createContainer: [{ path: '/bin/a' }, { path: '/bin/b' }] },
};
spec.process!.rlimits = [{ type: 'RLIMIT_CORE', soft: 1, hard: 1 }, { type: 'RLIMIT_NOFILE', soft: 1, hard: 1 }];
spec.linux!.sysctl = { 'net.ipv4.ip_forward': '1' };

describe('pointerForStep: the config field a failed tsrun-init step came from', () => {
  const mqueue = spec.mounts!.findIndex((m) => m.destination === '/dev/mqueue');
  it.each([
    ['mount /dev/mqueue', `/mounts/${mqueue}`],
    ['mask /proc/kcore', `/linux/maskedPaths/${spec.linux!.maskedPaths!.indexOf('/proc/kcore')}`],
    ['readonly /proc/sys', `/linux/readonlyPaths/${spec.linux!.readonlyPaths!.indexOf('/proc/sys')}`],
    ['rlimit 7', '/process/rlimits/1'],
    ['sysctl net.ipv4.ip_forward', '/linux/sysctl/net.ipv4.ip_forward'],
    ['createContainer hook /bin/b', '/hooks/createContainer/1'],
    ['sethostname', '/hostname'],
    ['cwd /nope', '/process/cwd'],
    ['exec lookup', '/process/args/0'],
    ['bind device /dev/null', `/mounts/${spec.mounts!.findIndex((m) => m.destination === '/dev')}`],
  ])('%s → %s', (step, pointer) => {
    expect(pointerForStep(step, spec)).toBe(pointer);
  });

  it('stage-1 bind sources and idmapped trees are named by their host source, absolute or bundle-relative', () => {
    const mounts = [...spec.mounts!, { destination: '/a', type: 'bind', source: '/srv/a', options: ['bind'] }, { destination: '/b', type: 'bind', source: 'data/b', options: ['bind'] }];
    const n = spec.mounts!.length;
    expect(pointerForStep('bind source /srv/a', { ...spec, mounts })).toBe(`/mounts/${n}`);
    expect(pointerForStep('idmapped tree /bundle/data/b', { ...spec, mounts })).toBe(`/mounts/${n + 1}`);
  });

  it('a default device with no /dev mount → /mounts (the root filesystem holds /dev)', () => {
    expect(pointerForStep('mknod /dev/null', { ...spec, mounts: [] })).toBe('/mounts');
  });

  it.each([['mount /not/a/mount'], ['receive plan'], ['fork'], ['startContainer hook /bin/x']])('%s → nothing (no field to name)', (step) => {
    expect(pointerForStep(step, spec)).toBeUndefined();
  });
});

it('a failed cgroup join names linux.cgroupsPath when the config set it', () => {
  const step = 'write /sys/fs/cgroup/pids/mine/c1/tasks';
  expect(pointerForStep(step, { ...spec, linux: { ...spec.linux, cgroupsPath: '/mine/c1' } })).toBe('/linux/cgroupsPath');
  expect(pointerForStep(step, spec)).toBeUndefined();
});

it('a step name cut at 255 bytes by the init still finds its mount', () => {
  const long = `/${'x'.repeat(5000)}`;
  const withLong: Spec = { ...spec, mounts: [...spec.mounts!, { destination: long, type: 'tmpfs', source: 'tmpfs' }] };
  expect(pointerForStep(`mount ${long}`.slice(0, 255), withLong)).toBe(`/mounts/${spec.mounts!.length}`);
});
