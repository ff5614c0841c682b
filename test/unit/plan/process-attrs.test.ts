import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../../src/errors.js';
import { compilePlan } from '../../../src/plan/compile.js';
import { cpuMask } from '../../../src/plan/process-attrs.js';
import type { HostFacts, PlanStep } from '../../../src/plan/types.js';
import { Op } from '../../../src/process/protocol.js';
import type { Process, Spec } from '../../../src/spec/types.js';

const facts: HostFacts = {
  euid: 0, egid: 0, bundle: '/b', fifoPath: '/f', capLastCap: 40, noPivot: false, preserveFds: 0,
  sourceKind: () => 'directory', cgroupBinds: [], cgroupUnified: true,
};

const spec = (process: Partial<Process> = {}, linux: Spec['linux'] = {}): Spec => ({
  ociVersion: '1.3.0',
  root: { path: '/r' },
  process: { cwd: '/', user: { uid: 0, gid: 0 }, args: ['true'], ...process },
  linux: { namespaces: [{ type: 'pid' }, { type: 'mount' }], ...linux },
});

const ops = (steps: PlanStep[]) => steps.map((s) => s.op);
const step = (steps: PlanStep[], op: number) => steps.find((s) => s.op === op);
const issue = (fn: () => unknown): string => {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    return (e as Error).message;
  }
  throw new Error('no ConfigError');
};

describe('process attributes', () => {
  it('parses cpu lists into cpu_set_t bytes', () => {
    expect([...cpuMask('0-3,7')!]).toEqual([0x8f, 0, 0, 0, 0, 0, 0, 0]);
    expect(cpuMask('65')!.length).toBe(16);
    expect(cpuMask('3-1')).toBeUndefined();
    expect(cpuMask('a')).toBeUndefined();
    expect(cpuMask('')).toBeUndefined();
  });

  it('places oom_score_adj in stage 1 and the rest before the start handshake; affinity first and last', () => {
    const { steps } = compilePlan(spec({
      oomScoreAdj: 500, scheduler: { policy: 'SCHED_BATCH', nice: 5 }, ioPriority: { class: 'IOPRIO_CLASS_BE', priority: 6 },
      execCPUAffinity: { initial: '0', final: '1' },
    }, { personality: { domain: 'LINUX32', flags: ['ADDR_NO_RANDOMIZE'] } }), facts);
    const o = ops(steps);
    const oom = steps.findIndex((s) => s.op === Op.WRITE_FILE && s.args[0] === '/proc/self/oom_score_adj');
    expect(oom).toBeGreaterThan(-1);
    expect(oom).toBeLessThan(o.indexOf(Op.FORK));
    for (const op of [Op.SCHEDULER, Op.IOPRIO, Op.PERSONALITY]) {
      expect(o.indexOf(op)).toBeGreaterThan(o.indexOf(Op.PIVOT_ROOT));
      expect(o.indexOf(op)).toBeLessThan(o.indexOf(Op.CREATED));
    }
    expect(step(steps, Op.SCHEDULER)!.args).toEqual([3, 0, 5, 0, 0n, 0n, 0n]);
    expect(step(steps, Op.IOPRIO)!.args).toEqual([(2 << 13) | 6]);
    expect(step(steps, Op.PERSONALITY)!.args).toEqual([0x0008 | 0x0040000]);
    expect(o.indexOf(Op.CPU_AFFINITY)).toBe(o.indexOf(Op.OPEN_FIFO) + 1);
    expect(o.lastIndexOf(Op.CPU_AFFINITY)).toBe(o.indexOf(Op.EXEC) - 1);
  });

  it('refuses what runc refuses, naming the field', () => {
    expect(issue(() => compilePlan(spec({ rlimits: [{ type: 'RLIMIT_NOFILE', soft: 2048, hard: 1024 }] }), facts))).toMatch(
      /\/process\/rlimits\/0\/soft: soft limit 2048 must not exceed hard limit 1024 \(config.md#posix-process\)/,
    );
    expect(issue(() => compilePlan(spec({ rlimits: [{ type: 'RLIMIT_X', soft: 1, hard: 1 }] }), facts))).toMatch(/unknown rlimit RLIMIT_X/);
    expect(issue(() => compilePlan(spec({ scheduler: { policy: 'SCHED_OTHER', priority: 5 } }), facts))).toMatch(/\/process\/scheduler\/priority/);
    expect(issue(() => compilePlan(spec({ scheduler: { policy: 'SCHED_FIFO', priority: 0 } }), facts))).toMatch(/1\.\.99/);
    expect(issue(() => compilePlan(spec({ scheduler: { policy: 'SCHED_OTHER', nice: 20 } }), facts))).toMatch(/\/process\/scheduler\/nice/);
    expect(issue(() => compilePlan(spec({ scheduler: { policy: 'SCHED_BATCH', runtime: 10 } }), facts))).toMatch(/SCHED_DEADLINE/);
    expect(issue(() => compilePlan(spec({ ioPriority: { class: 'IOPRIO_CLASS_BE', priority: 8 } }), facts))).toMatch(/\/process\/ioPriority\/priority/);
    expect(issue(() => compilePlan(spec({ oomScoreAdj: 1001 }), facts))).toMatch(/\/process\/oomScoreAdj/);
    expect(issue(() => compilePlan(spec({ execCPUAffinity: { final: '1-x' } }), facts))).toMatch(/\/process\/execCPUAffinity\/final/);
    expect(issue(() => compilePlan(spec({}, { personality: { domain: 'LINUX', flags: ['NOPE'] } }), facts))).toMatch(/\/linux\/personality\/flags\/0/);
  });

  it('a profile or label for an LSM the host lacks is an error; with the LSM it is written for the next exec', () => {
    expect(issue(() => compilePlan(spec({ apparmorProfile: 'p' }), facts))).toMatch(/\/process\/apparmorProfile: apparmor is not enabled/);
    expect(issue(() => compilePlan(spec({ selinuxLabel: 'l' }), facts))).toMatch(/\/process\/selinuxLabel: selinux label is specified/);
    const lsm = { apparmor: true, selinux: true, apparmorExecAttr: '/proc/self/attr/apparmor/exec' };
    const { steps } = compilePlan(spec({ apparmorProfile: 'p', selinuxLabel: 'system_u:system_r:container_t:s0' }), { ...facts, lsm });
    const writes = steps.filter((s) => s.op === Op.WRITE_FILE).map((s) => s.args);
    expect(writes).toContainEqual(['/proc/self/attr/apparmor/exec', 'exec p']);
    expect(writes).toContainEqual(['/proc/thread-self/attr/exec', 'system_u:system_r:container_t:s0']);
  });

  it('loads the seccomp filter after the user switch whenever it still may (no_new_privs or CAP_SYS_ADMIN left)', () => {
    const seccomp = { bpf: Buffer.alloc(8), flags: 0 };
    const order = (p: Partial<Process>) => {
      const o = ops(compilePlan(spec(p), facts, { seccomp }).steps);
      return o.indexOf(Op.SECCOMP) > o.indexOf(Op.USER) ? 'late' : 'early';
    };
    expect(order({ noNewPrivileges: true, user: { uid: 1000, gid: 1000 } })).toBe('late');
    expect(order({})).toBe('early'); // no capabilities list: every capability is dropped (as runc)
    expect(order({ capabilities: { bounding: ['CAP_SYS_ADMIN'], effective: ['CAP_SYS_ADMIN'], permitted: ['CAP_SYS_ADMIN'] } })).toBe('late');
    expect(order({ capabilities: { bounding: ['CAP_KILL'], effective: ['CAP_KILL'], permitted: ['CAP_KILL'] } })).toBe('early');
    expect(order({ user: { uid: 1000, gid: 1000 } })).toBe('early');
  });
});
