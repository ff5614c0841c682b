import { describe, expect, it } from 'vitest';
import { ConfigError, NotSupportedError } from '../../../src/errors.js';
import { compilePlan } from '../../../src/plan/compile.js';
import { MOUNT_ATTR, MS } from '../../../src/plan/constants.js';
import { parseMountOptions } from '../../../src/plan/mount-options.js';
import type { HostFacts, PlanStep } from '../../../src/plan/types.js';
import { Op } from '../../../src/process/protocol.js';
import type { Mount, Spec } from '../../../src/spec/types.js';
import { testFacts } from './facts.js';

const facts = (over: Partial<HostFacts> = {}) => testFacts({ cgroupBinds: [], cgroupUnified: true, ...over });

const spec = (over: Partial<Spec> = {}, linux: Spec['linux'] = {}): Spec => ({
  ociVersion: '1.3.0',
  root: { path: 'rootfs' },
  process: { cwd: '/', user: { uid: 0, gid: 0 }, args: ['true'] },
  mounts: [],
  ...over,
  linux: { namespaces: [{ type: 'pid' }, { type: 'mount' }, { type: 'ipc' }, { type: 'uts' }], ...linux },
});

const find = (steps: PlanStep[], op: number) => steps.filter((s) => s.op === op);
const mountPlan = (m: Mount, linux: Spec['linux'] = {}) => compilePlan(spec({ mounts: [m] }, linux), facts());

describe('parseMountOptions', () => {
  it('sets, clears and remembers what was cleared', () => {
    const o = parseMountOptions(['ro', 'nosuid', 'rw', 'suid', 'noexec', 'nosymfollow', 'iversion', 'size=1m', 'mode=755']);
    expect(o.flags).toBe(MS.NOEXEC | MS.NOSYMFOLLOW | MS.I_VERSION);
    expect(o.cleared).toBe(MS.RDONLY | MS.NOSUID);
    expect(o.data).toBe('size=1m,mode=755');
  });

  it('keeps the last propagation option (mount(2) takes one type a call)', () => {
    expect(parseMountOptions(['rshared', 'private']).propagation).toBe(MS.PRIVATE);
    expect(parseMountOptions(['rslave']).propagation).toBe(MS.SLAVE | MS.REC);
  });

  it('maps the recursive options to mount_setattr attributes, an atime mode clearing the atime field', () => {
    const o = parseMountOptions(['rro', 'rnosuid', 'rnoatime', 'rstrictatime', 'rexec']);
    expect(o.recursiveSet).toBe(MOUNT_ATTR.RDONLY | MOUNT_ATTR.NOSUID | MOUNT_ATTR.STRICTATIME);
    expect(o.recursiveClear).toBe(MOUNT_ATTR._ATIME | MOUNT_ATTR.NOEXEC);
    expect(parseMountOptions(['rrelatime']).recursiveClear).toBe(MOUNT_ATTR._ATIME);
  });

  it('takes tmpcopyup, idmap and ridmap as extensions, never as filesystem data', () => {
    const o = parseMountOptions(['tmpcopyup', 'idmap', 'ridmap']);
    expect([...o.extensions].sort()).toEqual(['idmap', 'ridmap', 'tmpcopyup']);
    expect(o.data).toBe('');
  });
});

describe('mount steps', () => {
  it('passes the cleared flags of a bind and follows r* options with OP_MOUNT_SETATTR', () => {
    const { steps } = mountPlan({ destination: '/d', type: 'bind', source: 'src', options: ['rbind', 'ro', 'suid', 'rnodev'] });
    expect(find(steps, Op.MOUNT)[0].args).toEqual(['/b/src', '/d', '', MS.BIND | MS.REC | MS.RDONLY, 0, '', 0, MS.NOSUID]);
    expect(find(steps, Op.MOUNT_SETATTR)[0].args).toEqual(['/d', MOUNT_ATTR.NODEV, 0, 1]);
  });

  it('copies up into a tmpfs only (mode 2), with a warning elsewhere', () => {
    // | 4: no mode=, so the tmpfs takes the mode of the directory it covers (runc)
    expect(find(mountPlan({ destination: '/etc', type: 'tmpfs', source: 'tmpfs', options: ['tmpcopyup'] }).steps, Op.MOUNT)[0].args[6]).toBe(2 | 4);
    expect(find(mountPlan({ destination: '/etc', type: 'tmpfs', source: 'tmpfs', options: ['tmpcopyup', 'mode=700'] }).steps, Op.MOUNT)[0].args[6]).toBe(2);
    const plan = mountPlan({ destination: '/x', type: 'proc', source: 'proc', options: ['tmpcopyup'] });
    expect(find(plan.steps, Op.MOUNT)[0].args[6]).toBe(0);
    expect(plan.warnings.join()).toContain('tmpcopyup ignored');
  });

  it('cuts idmapped trees in stage 1, before any namespace op, and moves them in stage 2 by number', () => {
    const maps = [{ containerID: 0, hostID: 1000, size: 10 }];
    const s = spec({
      mounts: [
        { destination: '/a', type: 'bind', source: '/a', options: ['rbind', 'ridmap'], uidMappings: maps, gidMappings: maps },
        { destination: '/plain', type: 'bind', source: '/p', options: ['bind'] },
        { destination: '/c', type: 'bind', source: '/c', options: ['bind', 'idmap', 'ro'] },
      ],
    }, { namespaces: [{ type: 'mount' }, { type: 'user' }], uidMappings: [{ containerID: 0, hostID: 5000, size: 1 }], gidMappings: [{ containerID: 0, hostID: 6000, size: 1 }] });
    const { steps } = compilePlan(s, facts());
    const ops = steps.map((x) => x.op);
    const trees = find(steps, Op.IDMAP_TREE);
    expect(trees.map((x) => x.args)).toEqual([
      // The last argument: the propagation "/" gets before the binds (rslave by default).
      ['/a', '0 1000 10\n', '0 1000 10\n', 1, 1, MS.SLAVE | MS.REC],
      ['/c', '0 5000 1\n', '0 6000 1\n', 0, 0, MS.SLAVE | MS.REC],
    ]);
    expect(ops.lastIndexOf(Op.IDMAP_TREE)).toBeLessThan(ops.indexOf(Op.UNSHARE_USER));
    expect(find(steps, Op.MOUNT_TREE).map((x) => x.args.slice(0, 2))).toEqual([[0, '/a'], [1, '/c']]);
    expect(find(steps, Op.MOUNT_TREE)[1].args[3]).toBe(MS.BIND | MS.RDONLY);
  });

  it('opens plain bind sources in stage 1 when it creates a user namespace (after the unshare, before becoming its root) and mounts them by number', () => {
    const maps = [{ containerID: 0, hostID: 1000, size: 10 }];
    const mounts = [
      { destination: '/a', type: 'bind', source: '/a', options: ['rbind', 'ro'] },
      { destination: '/i', type: 'bind', source: '/i', options: ['bind', 'idmap'] },
      { destination: '/n', type: 'none', source: '/n', options: ['bind'] },
      { destination: '/sys/fs/cgroup', type: 'cgroup', source: 'cgroup', options: ['ro'] },
    ];
    const { steps } = compilePlan(spec({ mounts }, { namespaces: [{ type: 'mount' }, { type: 'user' }], uidMappings: maps, gidMappings: maps }), facts());
    const ops = steps.map((x) => x.op);
    expect(find(steps, Op.BIND_SOURCE).map((x) => x.args)).toEqual([['/a'], ['/n']]);
    expect(ops.indexOf(Op.UNSHARE)).toBeLessThan(ops.indexOf(Op.BIND_SOURCE));
    expect(ops.lastIndexOf(Op.BIND_SOURCE)).toBeLessThan(ops.indexOf(Op.SETRESID));
    expect(find(steps, Op.MOUNT_SOURCE).map((x) => x.args.slice(0, 4))).toEqual([[0, '/a', 0, MS.BIND | MS.REC | MS.RDONLY], [1, '/n', 0, MS.BIND]]);
    expect(find(steps, Op.MOUNT_TREE).map((x) => x.args.slice(0, 2))).toEqual([[0, '/i']]);
    // Without a new user namespace the init keeps the runtime's credentials: binds stay OP_MOUNT.
    const plain = compilePlan(spec({ mounts: [mounts[0]] }), facts());
    expect(find(plain.steps, Op.BIND_SOURCE)).toHaveLength(0);
    expect(find(plain.steps, Op.MOUNT).some((x) => x.args[1] === '/a')).toBe(true);
  });

  it('refuses an idmap without mappings when the container has no user namespace', () => {
    expect(() => mountPlan({ destination: '/a', type: 'bind', source: '/a', options: ['bind', 'idmap'] })).toThrow(/\/mounts\/0\/uidMappings/);
  });
});

describe('rootfsPropagation', () => {
  it('applies the configured mode to "/" before the rootfs bind and again after pivot_root (runc prepareRoot); rslave when none is given', () => {
    const { steps } = compilePlan(spec({}, { rootfsPropagation: 'shared' }), facts());
    const props = find(steps, Op.MOUNT_PROPAGATION).map((x) => x.args[0]);
    expect(props).toEqual([MS.SHARED, MS.SHARED]);
    const ops = steps.map((x) => x.op);
    expect(ops.indexOf(Op.MOUNT_PROPAGATION)).toBeLessThan(ops.indexOf(Op.ROOTFS));
    expect(ops.lastIndexOf(Op.MOUNT_PROPAGATION)).toBeGreaterThan(ops.indexOf(Op.PIVOT_ROOT));
    const flags: Record<string, [number, number]> = {
      // After pivot_root: the container's "/" alone.
      rshared: [MS.SHARED | MS.REC, MS.SHARED], rslave: [MS.SLAVE | MS.REC, MS.SLAVE], rprivate: [MS.PRIVATE | MS.REC, MS.PRIVATE], private: [MS.PRIVATE, MS.PRIVATE], slave: [MS.SLAVE, MS.SLAVE],
      // An unbindable mount cannot be the source of the rootfs bind: private until pivot_root.
      runbindable: [MS.PRIVATE | MS.REC, MS.UNBINDABLE], unbindable: [MS.PRIVATE, MS.UNBINDABLE],
    };
    for (const [name, flag] of Object.entries(flags)) {
      expect(find(compilePlan(spec({}, { rootfsPropagation: name }), facts()).steps, Op.MOUNT_PROPAGATION).map((x) => x.args[0]), name).toEqual(flag);
    }
    expect(find(compilePlan(spec(), facts()).steps, Op.MOUNT_PROPAGATION).map((x) => x.args[0])).toEqual([MS.SLAVE | MS.REC]);
  });
});

describe('sysctl', () => {
  const plan = (sysctl: Record<string, string>, namespaces = spec().linux!.namespaces!) => compilePlan(spec({}, { namespaces, sysctl }), facts());

  it('writes namespaced keys, "/" separated ones in the dotted form', () => {
    const steps = find(plan({ 'kernel.shmmax': '1', 'fs/mqueue/msg_max': '2', 'kernel.domainname': 'd' }).steps, Op.SYSCTL);
    expect(steps.map((s) => s.args)).toEqual([['kernel.shmmax', '1'], ['fs.mqueue.msg_max', '2'], ['kernel.domainname', 'd']]);
    expect(find(plan({ 'net/ipv4/conf/eth0.100/forwarding': '1' }, [{ type: 'mount' }, { type: 'network' }]).steps, Op.SYSCTL)[0].args[0]).toBe('net.ipv4.conf.eth0/100.forwarding');
  });

  it('refuses keys of namespaces the container does not have, kernel.hostname, and host-wide keys', () => {
    expect(() => plan({ 'net.ipv4.ip_forward': '1' })).toThrow(ConfigError);
    expect(() => plan({ 'kernel.msgmax': '1' }, [{ type: 'mount' }])).toThrow(/needs an ipc namespace/);
    expect(() => plan({ 'kernel.hostname': 'x' })).toThrow(/conflicts with the hostname field/);
    expect(() => plan({ 'vm.swappiness': '1' })).toThrow(/\/linux\/sysctl\/vm\.swappiness: sysctl vm\.swappiness is not in a separate kernel namespace/);
  });
});

describe('mountLabel', () => {
  it('is a ConfigError without SELinux, and not supported (yet) with it', () => {
    expect(() => compilePlan(spec({}, { mountLabel: 'x' }), facts())).toThrow(/\/linux\/mountLabel: needs SELinux/);
    expect(() => compilePlan(spec({}, { mountLabel: 'x' }), facts({ lsm: { apparmor: false, selinux: true, apparmorExecAttr: '/proc/self/attr/exec' } }))).toThrow(NotSupportedError);
  });
});
