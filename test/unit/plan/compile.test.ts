import { describe, expect, it } from 'vitest';
import { RuntimeError } from '../../../src/errors.js';
import { compilePlan } from '../../../src/plan/compile.js';
import { compileExecPlan } from '../../../src/plan/exec.js';
import { MS } from '../../../src/plan/constants.js';
import { encodePlan } from '../../../src/plan/encode.js';
import type { PlanStep } from '../../../src/plan/types.js';
import { Op, PLAN_MAGIC } from '../../../src/process/protocol.js';
import type { Spec } from '../../../src/spec/types.js';
import { testFacts } from './facts.js';

const facts = testFacts;

const spec = (over: Partial<Spec> = {}): Spec => ({
  ociVersion: '1.3.0',
  root: { path: 'rootfs', readonly: true },
  process: { cwd: '/', user: { uid: 0, gid: 0 }, args: ['sh', '-c', 'true'], env: ['PATH=/bin'] },
  hostname: 'h',
  mounts: [{ destination: '/proc', type: 'proc', source: 'proc', options: ['nosuid', 'noexec', 'nodev'] }],
  linux: { namespaces: [{ type: 'pid' }, { type: 'mount' }, { type: 'uts' }] },
  ...over,
});

const ops = (steps: PlanStep[]) => steps.map((s) => s.op);
const find = (steps: PlanStep[], op: number) => steps.filter((s) => s.op === op);

describe('compilePlan', () => {
  it('orders the stages: fifo first, namespaces, fork, rootfs, pivot, process, handshake, exec last', () => {
    const { steps } = compilePlan(spec(), facts());
    const o = ops(steps);
    expect(o[0]).toBe(Op.LOG);
    expect(o[1]).toBe(Op.OPEN_FIFO);
    expect(o.indexOf(Op.UNSHARE)).toBeLessThan(o.indexOf(Op.FORK));
    expect(o.filter((x) => x === Op.FORK)).toHaveLength(1);
    expect(o.indexOf(Op.FORK)).toBeLessThan(o.indexOf(Op.ROOTFS));
    expect(o.indexOf(Op.ROOTFS)).toBeLessThan(o.indexOf(Op.PIVOT_ROOT));
    expect(o.indexOf(Op.PIVOT_ROOT)).toBeLessThan(o.indexOf(Op.REMOUNT_RO));
    expect(o.indexOf(Op.CHECK_EXEC)).toBeLessThan(o.indexOf(Op.CREATED));
    // The waiting init holds only the container's privileges (issue 13 item 1, runc's order).
    const p = spec().process!;
    const locked = spec({ process: { ...p, noNewPrivileges: true, rlimits: [{ type: 'RLIMIT_NOFILE', soft: 64, hard: 64 }], capabilities: { bounding: ['CAP_KILL'], effective: ['CAP_KILL'], permitted: ['CAP_KILL'] } } });
    const l = ops(compilePlan(locked, facts(), { seccomp: { bpf: Buffer.alloc(8), flags: 0 } }).steps);
    for (const op of [Op.USER, Op.NO_NEW_PRIVS, Op.CAPS, Op.CAPS_BOUNDING, Op.RLIMIT, Op.PRESERVE_FDS, Op.SECCOMP]) {
      expect(l.indexOf(op), `op ${op}`).toBeGreaterThan(l.indexOf(Op.PIVOT_ROOT));
      expect(l.indexOf(op), `op ${op}`).toBeLessThan(l.indexOf(Op.CREATED));
    }
    expect(o[o.length - 1]).toBe(Op.EXEC);
  });

  it('unshares every new namespace in one call and resolves the rootfs against the bundle', () => {
    const { steps } = compilePlan(spec(), facts());
    expect(find(steps, Op.UNSHARE)[0].args).toEqual([0x20000000 | 0x00020000 | 0x04000000]);
    expect(find(steps, Op.ROOTFS)[0].args).toEqual(['/b/rootfs']);
    expect(find(steps, Op.SETHOSTNAME)[0].args).toEqual(['h']);
  });

  it('makes default devices with mknod as root and binds them in a user namespace', () => {
    const root = compilePlan(spec(), facts());
    expect(find(root.steps, Op.MKNOD).map((s) => s.args[0])).toEqual(['/dev/null', '/dev/zero', '/dev/full', '/dev/random', '/dev/urandom', '/dev/tty']);
    const userns = spec({
      linux: {
        namespaces: [{ type: 'user' }, { type: 'mount' }, { type: 'pid' }, { type: 'uts' }],
        uidMappings: [{ containerID: 0, hostID: 1000, size: 1 }],
        gidMappings: [{ containerID: 0, hostID: 1000, size: 1 }],
      },
    });
    const rootless = compilePlan(userns, facts({ euid: 1000, egid: 1000 }));
    expect(find(rootless.steps, Op.MKNOD)).toHaveLength(0);
    expect(find(rootless.steps, Op.BIND_DEVICE)).toHaveLength(6);
    expect(rootless.userns).toEqual({ uidMappings: [{ containerID: 0, hostID: 1000, size: 1 }], gidMappings: [{ containerID: 0, hostID: 1000, size: 1 }], denySetgroups: true });
    const o = ops(rootless.steps);
    // The init becomes the container's root after the other namespaces (and bind sources) exist.
    expect(o.indexOf(Op.UNSHARE_USER)).toBeLessThan(o.indexOf(Op.UNSHARE));
    expect(o.indexOf(Op.UNSHARE)).toBeLessThan(o.indexOf(Op.SETRESID));
  });

  it('translates mount options into flags, propagation and data', () => {
    const { steps } = compilePlan(
      spec({ mounts: [{ destination: '/data', type: 'bind', source: 'd', options: ['rbind', 'ro', 'nosuid', 'rprivate', 'size=1'] }] }),
      facts(),
    );
    const m = find(steps, Op.MOUNT)[0];
    expect(m.args).toEqual(['/b/d', '/data', '', MS.BIND | MS.REC | MS.RDONLY | MS.NOSUID, MS.PRIVATE | MS.REC, 'size=1', 0, 0]);
  });

  it('binds a file source on a file mount point', () => {
    const { steps } = compilePlan(spec({ mounts: [{ destination: '/etc/x.txt', type: 'bind', source: '/host/x.txt', options: ['bind'] }] }), facts());
    expect(find(steps, Op.MOUNT)[0].args[6]).toBe(1);
  });

  it('accepts a relative mount destination with a warning (config.md#mounts)', () => {
    const plan = compilePlan(spec({ mounts: [{ destination: 'tmp', type: 'tmpfs', source: 'tmpfs' }] }), facts());
    expect(find(plan.steps, Op.MOUNT)[0].args[1]).toBe('/tmp');
    expect(plan.warnings.join()).toContain('relative path "tmp" is deprecated');
  });

  it('expands a cgroup mount on a v1 host into a tmpfs and binds of the container cgroups', () => {
    const { steps } = compilePlan(spec({ mounts: [{ destination: '/sys/fs/cgroup', type: 'cgroup', source: 'cgroup', options: ['ro', 'nosuid'] }] }), facts());
    const mounts = find(steps, Op.MOUNT);
    expect(mounts[0].args.slice(0, 3)).toEqual(['tmpfs', '/sys/fs/cgroup', 'tmpfs']);
    expect(mounts[1].args.slice(0, 2)).toEqual(['/sys/fs/cgroup/memory/tsrun/x', '/sys/fs/cgroup/memory']);
    expect(find(steps, Op.REMOUNT_RO)[0].args).toEqual(['/sys/fs/cgroup']);
  });

  it('turns capability names into masks and warns about names the kernel lacks', () => {
    const plan = compilePlan(spec({ process: { ...spec().process!, capabilities: { bounding: ['CAP_KILL', 'CAP_CHECKPOINT_RESTORE'], effective: ['CAP_KILL'] } } }), facts({ capLastCap: 39 }));
    expect(find(plan.steps, Op.CAPS_BOUNDING)[0].args).toEqual([1n << 5n]);
    expect(find(plan.steps, Op.CAPS)[0].args).toEqual([1n << 5n, 0n, 0n, 0n]);
    // capabilities(7) order: bounding drop, the uid switch keeping caps, capset.
    const o = ops(plan.steps);
    expect(o.indexOf(Op.CAPS_BOUNDING)).toBeLessThan(o.indexOf(Op.USER));
    expect(o.indexOf(Op.USER)).toBeLessThan(o.indexOf(Op.CAPS));
    expect(find(plan.steps, Op.USER)[0].args[3]).toBe(1);
    expect(plan.warnings.join()).toContain('CAP_CHECKPOINT_RESTORE');
  });

  it('skips a capability name it does not know, with a warning (config.md#linux-process: MUST warn, SHOULD NOT fail; as runc)', () => {
    const plan = compilePlan(spec({ process: { ...spec().process!, capabilities: { bounding: ['CAP_KILL', 'CAP_NOPE'] } } }), facts());
    expect(find(plan.steps, Op.CAPS_BOUNDING)[0].args).toEqual([1n << 5n]);
    expect(plan.warnings.join()).toMatch(/ignoring unknown capability CAP_NOPE \(\/process\/capabilities\/bounding\/1/);
  });

  it('refuses what is wrong or not implemented, naming the field', () => {
    expect(() => compilePlan(spec({ process: { ...spec().process!, terminal: true } }), facts())).toThrow(/process.terminal needs --console-socket/);
    // runc's refusals without a mount namespace, before anything starts.
    expect(() => compilePlan(spec({ linux: { namespaces: [{ type: 'pid' }], maskedPaths: ['/proc/kcore'] } }), facts())).toThrow(/\/linux\/maskedPaths: unable to restrict sys entries without a private MNT namespace/);
    expect(() => compilePlan(spec({ linux: { namespaces: [{ type: 'pid' }], readonlyPaths: ['/proc/sys'] } }), facts())).toThrow(/\/linux\/readonlyPaths: unable to restrict sys entries without a private MNT namespace/);
    expect(() => compilePlan(spec({ linux: { namespaces: [{ type: 'pid' }] } }), facts({ noPivot: true }))).toThrow(/unable to use no-pivot without a private MNT namespace/);
    expect(() => compilePlan(spec(), facts({ euid: 1000 }))).toThrow(RuntimeError);
    expect(() => compilePlan(spec({ hostname: 'x', linux: { namespaces: [{ type: 'mount' }] } }), facts())).toThrow(/\/hostname: needs a uts namespace/);
    expect(() => compilePlan(spec({ mounts: [{ destination: '/m', type: 'bind', source: '/missing', options: ['bind'] }] }), facts())).toThrow(/\/mounts\/0\/source/);
  });

  it('without a mount namespace: the rootfs steps in the runtime\'s namespace, then chroot(2), no propagation after it; a new user namespace refused (runc chroot())', () => {
    const { steps } = compilePlan(spec({ linux: { namespaces: [{ type: 'pid' }, { type: 'uts' }], rootfsPropagation: 'shared' } }), facts());
    const o = ops(steps);
    expect(o).not.toContain(Op.PIVOT_ROOT);
    expect(o).not.toContain(Op.CHROOT);
    expect(o.indexOf(Op.ROOTFS)).toBeLessThan(o.indexOf(Op.CHROOT_SHARED));
    expect(o.indexOf(Op.MOUNT)).toBeLessThan(o.indexOf(Op.CHROOT_SHARED));
    // "/" is the runtime's: the mode goes to it once, before the rootfs bind (runc 1.1 prepareRoot).
    expect(find(steps, Op.MOUNT_PROPAGATION)).toHaveLength(1);
    expect(o.indexOf(Op.MOUNT_PROPAGATION)).toBeLessThan(o.indexOf(Op.ROOTFS));
    // root.readonly holds on the container's own rootfs bind (config.md#root).
    expect(o.lastIndexOf(Op.REMOUNT_RO)).toBeGreaterThan(o.indexOf(Op.CHROOT_SHARED));
    const userns = { namespaces: [{ type: 'pid' as const }, { type: 'uts' as const }, { type: 'user' as const }], uidMappings: [{ containerID: 0, hostID: 1000, size: 1 }], gidMappings: [{ containerID: 0, hostID: 1000, size: 1 }] };
    expect(() => compilePlan(spec({ linux: userns }), facts())).toThrow(/\/linux\/namespaces: a new user namespace needs a mount namespace too/);
    expect(() => compilePlan(spec({ linux: userns }), facts({ euid: 1000 }))).toThrow(/operation not permitted/);
    // exec: no mount namespace to join, so the root is taken by path, before the fork into the pid namespace.
    const exec = compileExecPlan(spec().process!, { pid: 42, namespaces: ['pid'], sharedMountNs: true, capLastCap: 40, preserveFds: 0 }).steps;
    expect(find(exec, Op.CHROOT_SHARED).map((s) => s.args)).toEqual([['/proc/42/root']]);
    expect(ops(exec).indexOf(Op.CHROOT_SHARED)).toBeLessThan(ops(exec).indexOf(Op.FORK));
  });

  it('refuses a capability outside the runtime\'s own bounding set without a new user namespace (docker --privileged on a daemon without CAP_SYS_RESOURCE)', () => {
    const withoutSysResource = ~(1n << 24n) & ((1n << 41n) - 1n);
    const caps = { bounding: ['CAP_SYS_RESOURCE'], permitted: ['CAP_CHOWN', 'CAP_SYS_RESOURCE'] };
    expect(() => compilePlan(spec({ process: { ...spec().process!, capabilities: caps } }), facts({ capBounding: withoutSysResource }))).toThrow(/\/process\/capabilities\/permitted\/1: CAP_SYS_RESOURCE is not in the runtime's own bounding set/);
    expect(() => compilePlan(spec({ process: { ...spec().process!, capabilities: { bounding: ['CAP_SYS_RESOURCE'] } } }), facts({ capBounding: withoutSysResource }))).not.toThrow();
    const userns = { namespaces: [{ type: 'pid' as const }, { type: 'mount' as const }, { type: 'uts' as const }, { type: 'user' as const }], uidMappings: [{ containerID: 0, hostID: 0, size: 65536 }], gidMappings: [{ containerID: 0, hostID: 0, size: 65536 }] };
    expect(() => compilePlan(spec({ process: { ...spec().process!, capabilities: caps }, linux: userns }), facts({ capBounding: withoutSysResource }))).not.toThrow();
  });
});

describe('encodePlan', () => {
  it('writes magic, version and length-prefixed args', () => {
    const buf = Buffer.from(encodePlan([{ op: Op.SETHOSTNAME, args: ['ab'] }, { op: Op.UMASK, args: [18] }]));
    expect(buf.readUInt32LE(0)).toBe(PLAN_MAGIC);
    expect(buf.readUInt32LE(4)).toBe(1);
    expect(buf.readUInt16LE(8)).toBe(Op.SETHOSTNAME);
    expect(buf.readUInt16LE(10)).toBe(1);
    expect(buf.readUInt32LE(12)).toBe(2);
    expect(buf.subarray(16, 18).toString()).toBe('ab');
    expect(buf.readUInt16LE(18)).toBe(Op.UMASK);
    expect(buf.readUInt32LE(22)).toBe(8);
    expect(buf.readBigUInt64LE(26)).toBe(18n);
    expect(buf.length).toBe(34);
  });
});

describe('terminal', () => {
  it('connects the console socket in stage 1, before any namespace op, and opens the pty before pivot_root, with the console size', () => {
    const s = spec({ process: { ...spec().process!, terminal: true, consoleSize: { height: 40, width: 120 } } });
    const { steps } = compilePlan(s, facts({ consoleSocket: '/tmp/c.sock' }));
    const o = ops(steps);
    expect(find(steps, Op.CONSOLE_CONNECT)[0].args).toEqual(['/tmp/c.sock']);
    expect(o.indexOf(Op.CONSOLE_CONNECT)).toBeLessThan(o.indexOf(Op.UNSHARE));
    expect(find(steps, Op.CONSOLE)[0].args).toEqual(['', 40, 120]);
    expect(o.indexOf(Op.CONSOLE)).toBeLessThan(o.indexOf(Op.PIVOT_ROOT));
  });

  it('enters the cgroup by itself before anything else, create and exec alike', () => {
    const join = ['/cg/pids/tsrun/c1/tasks', '/cg/memory/tsrun/c1/tasks'];
    const writes = (steps: PlanStep[]) => steps.slice(1, 3).map((s) => [s.op, ...s.args]);
    const expected = join.map((f) => [Op.WRITE_FILE, f, '0']);
    expect(writes(compilePlan(spec(), facts({ cgroupJoin: join })).steps)).toEqual(expected);
    const target = { pid: 42, namespaces: ['pid', 'mount'], capLastCap: 40, preserveFds: 0, cgroupJoin: join };
    const exec = compileExecPlan(spec().process!, target).steps;
    expect(writes(exec)).toEqual(expected);
    expect(ops(exec).indexOf(Op.SETNS)).toBe(3);
    expect(find(compilePlan(spec(), facts()).steps, Op.WRITE_FILE)).toHaveLength(0);
  });

  it('is non-dumpable from before the fork when it joins a namespace (CVE-2016-9962), create and exec alike', () => {
    const beforeFork = (steps: PlanStep[]) => steps[ops(steps).indexOf(Op.FORK) - 1];
    const joining = spec({ linux: { namespaces: [{ type: 'pid' }, { type: 'mount' }, { type: 'uts' }, { type: 'network', path: '/proc/7/ns/net' }] } });
    expect(beforeFork(compilePlan(joining, facts()).steps)).toEqual({ op: Op.DUMPABLE, args: [0] });
    expect(find(compilePlan(spec(), facts()).steps, Op.DUMPABLE)).toHaveLength(0);
    const exec = compileExecPlan(spec().process!, { pid: 42, namespaces: ['pid', 'mount'], capLastCap: 40, preserveFds: 0 }).steps;
    expect(beforeFork(exec)).toEqual({ op: Op.DUMPABLE, args: [0] });
  });
});
