// The per-process fields of config.md#posix-process and #linux-process, checked with the probe:
// rlimits, noNewPrivileges, oomScoreAdj, umask, personality, scheduler, ioPriority,
// execCPUAffinity, apparmorProfile and selinuxLabel. Where the kernel refuses a value to an
// unprivileged user, the rootless test checks that create fails clearly and leaves nothing.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import type { DeepPartial, Spec } from '../helpers/config.js';
import { oracleSkip, otherRuntime, tsrunWording } from '../helpers/host.js';
import { forEachMode } from '../helpers/modes.js';
import { parseProbe, probeArgs, type ProbeReport } from '../helpers/probe.js';
import { expectFail, expectOk, show } from '../helpers/tsrun.js';

/** Whether the suite's root has a capability in its effective set (this VM's root may lack some). */
function hostRootHas(cap: number): boolean {
  const eff = /^CapEff:\s+([0-9a-f]+)$/m.exec(readFileSync('/proc/self/status', 'utf8'))![1];
  return ((BigInt(`0x${eff}`) >> BigInt(cap)) & 1n) === 1n;
}
const CAP_SYS_RESOURCE = 24;
const apparmor = existsSync('/sys/module/apparmor/parameters/enabled') && readFileSync('/sys/module/apparmor/parameters/enabled', 'utf8').trim() === 'Y';
const selinux = existsSync('/sys/fs/selinux/enforce');
// runc 1.1 ignores the runtime-spec 1.2 fields (ORACLE.md case 4): process.scheduler,
// process.ioPriority and linux.personality came with runc 1.2.0 ("updated to OCI runtime-spec
// 1.2.0"), process.execCPUAffinity with runc 1.3.0 (#4327).
const runc12 = oracleSkip('runc 1.1 ignores this runtime-spec 1.2 field (runc 1.2.0 implements it)');
const runc13 = oracleSkip('runc 1.1 ignores process.execCPUAffinity (runc 1.3.0 implements it, #4327)');

forEachMode((t) => {
  async function probe(over: DeepPartial<Spec>): Promise<ProbeReport> {
    const r = expectOk(await t.tsrun(['run', t.id('attr'), '-b', t.bundle(t.args(probeArgs(), over))]));
    return parseProbe(r.stdout);
  }
  /** create must fail with `message` (tsrun's words; runc's differ) and leave no state directory. */
  async function refused(over: DeepPartial<Spec>, message: RegExp): Promise<void> {
    const id = t.id('refused');
    const r = await t.tsrun(['create', id, '-b', t.bundle(t.args(probeArgs(), over))]);
    expectFail(r, tsrunWording(message));
    expect(existsSync(t.stateDir(id)), show(r)).toBe(false);
  }

  it('rlimits: each one as given (soft and hard)', async () => {
    const p = await probe({ process: { rlimits: [{ type: 'RLIMIT_NOFILE', soft: 512, hard: 1024 }, { type: 'RLIMIT_CORE', soft: 0, hard: 0 }] } });
    expect(p.rlimits.RLIMIT_NOFILE).toEqual({ soft: 512, hard: 1024 });
    expect(p.rlimits.RLIMIT_CORE).toEqual({ soft: 0, hard: 0 });
  });

  it('rlimits: soft above hard fails create with a ConfigError naming the field', async () => {
    await refused({ process: { rlimits: [{ type: 'RLIMIT_NOFILE', soft: 2048, hard: 1024 }] } }, /\/process\/rlimits\/0\/soft: soft limit 2048 must not exceed hard limit 1024 \(config.md#posix-process\)/);
  });

  const nofileHard = Number(/^Max open files\s+\S+\s+(\d+)/m.exec(readFileSync('/proc/self/limits', 'utf8'))![1]);
  if (t.mode === 'root') {
    const can = hostRootHas(CAP_SYS_RESOURCE);
    it.skipIf(!can)(`rlimits: a hard limit above the runtime's (needs CAP_SYS_RESOURCE)${can ? '' : ' — SKIPPED: this host\'s root lacks CAP_SYS_RESOURCE'}`, async () => {
      const p = await probe({ process: { rlimits: [{ type: 'RLIMIT_NOFILE', soft: 1024, hard: nofileHard + 1000 }] } });
      expect(p.rlimits.RLIMIT_NOFILE).toEqual({ soft: 1024, hard: nofileHard + 1000 });
    });
  } else {
    it('rlimits: raising a hard limit fails create, the kernel refuses it without CAP_SYS_RESOURCE in the initial user namespace', async () => {
      await refused({ process: { rlimits: [{ type: 'RLIMIT_NOFILE', soft: 1024, hard: nofileHard + 1000 }] } }, /rlimit 7: prlimit64 resource 7 soft 1024 hard \d+: EPERM \(errno 1\)/);
    });
  }

  it('noNewPrivileges: no_new_privs is set', async () => {
    expect((await probe({ process: { noNewPrivileges: true } })).noNewPrivs).toBe(1);
  });

  it('umask 0077', async () => {
    expect((await probe({ process: { user: { uid: 0, gid: 0, umask: 0o077 } } })).umask).toBe(0o077);
  });

  it('oomScoreAdj 500 (raising needs no privilege)', async () => {
    expect((await probe({ process: { oomScoreAdj: 500 } })).oomScoreAdj).toBe(500);
  });

  if (t.mode === 'root') {
    const can = hostRootHas(CAP_SYS_RESOURCE);
    it.skipIf(!can)(`oomScoreAdj -500 (lowering needs CAP_SYS_RESOURCE)${can ? '' : ' — SKIPPED: this host\'s root lacks CAP_SYS_RESOURCE'}`, async () => {
      expect((await probe({ process: { oomScoreAdj: -500 } })).oomScoreAdj).toBe(-500);
    });
  } else {
    it('oomScoreAdj -500: the kernel refuses lowering it without CAP_SYS_RESOURCE in the initial user namespace', async () => {
      await refused({ process: { oomScoreAdj: -500 } }, /oom_score_adj.*EACCES \(errno 13\)/);
    });
  }

  it.skipIf(!!otherRuntime)(`personality LINUX32: uname shows a 32-bit machine; flags are OR'd in${runc12}`, async () => {
    const p = await probe({ linux: { personality: { domain: 'LINUX32', flags: ['ADDR_NO_RANDOMIZE'] } } });
    expect(p.personality).toBe(0x0008 | 0x0040000);
    if (process.arch === 'x64') expect(p.machine).toBe('i686');
    expect((await probe({ linux: { personality: { domain: 'LINUX' } } })).personality).toBe(0);
  });

  it.skipIf(!!otherRuntime)(`scheduler SCHED_BATCH with nice 5, and SCHED_IDLE${runc12}`, async () => {
    const batch = await probe({ process: { scheduler: { policy: 'SCHED_BATCH', nice: 5 } } });
    expect(batch.sched).toMatchObject({ policy: 3, nice: 5 });
    expect((await probe({ process: { scheduler: { policy: 'SCHED_IDLE' } } })).sched?.policy).toBe(5);
  });

  it.skipIf(!!otherRuntime)(`scheduler with SCHED_FLAG_RESET_ON_FORK: the flag is kept${runc12}`, async () => {
    const p = await probe({ process: { scheduler: { policy: 'SCHED_BATCH', flags: ['SCHED_FLAG_RESET_ON_FORK'] } } });
    expect(p.sched).toMatchObject({ policy: 3, flags: 1 });
  });

  it.skipIf(!!otherRuntime)(`scheduler: priority with SCHED_OTHER fails create, as runc${runc12}`, async () => {
    await refused({ process: { scheduler: { policy: 'SCHED_OTHER', priority: 3 } } }, /\/process\/scheduler\/priority: priority can only be set for SCHED_FIFO or SCHED_RR/);
  });

  if (t.mode === 'root') {
    it.skipIf(!!otherRuntime)(`scheduler SCHED_FIFO priority 10 and nice -5 (root has CAP_SYS_NICE)${runc12}`, async () => {
      // With RT group scheduling (cgroup v1 cpu.rt_runtime_us) a new cgroup has no realtime budget
      // and sched_setattr is EPERM: give the container some, in a cgroup right under the root
      // (whose budget it is carved from).
      const rt = existsSync('/sys/fs/cgroup/cpu/cpu.rt_runtime_us')
        ? { linux: { cgroupsPath: `/tsrun-rt-${process.pid}`, resources: { cpu: { realtimeRuntime: 10000, realtimePeriod: 1000000 } } } }
        : {};
      expect((await probe({ ...rt, process: { scheduler: { policy: 'SCHED_FIFO', priority: 10 } } })).sched).toMatchObject({ policy: 1, priority: 10 });
      expect((await probe({ process: { scheduler: { policy: 'SCHED_OTHER', nice: -5 } } })).sched).toMatchObject({ policy: 0, nice: -5 });
    });

    it.skipIf(!!otherRuntime)(`scheduler SCHED_DEADLINE with runtime, deadline and period (sched_setattr)${runc12}`, async () => {
      const ms = 1_000_000;
      const p = await probe({ process: { scheduler: { policy: 'SCHED_DEADLINE', runtime: 2 * ms, deadline: 20 * ms, period: 20 * ms } } });
      expect(p.sched).toMatchObject({ policy: 6, runtime: 2 * ms, deadline: 20 * ms, period: 20 * ms });
    });

    it.skipIf(!!otherRuntime)(`ioPriority IOPRIO_CLASS_RT level 2${runc12}`, async () => {
      expect((await probe({ process: { ioPriority: { class: 'IOPRIO_CLASS_RT', priority: 2 } } })).ioprio).toEqual({ class: 1, priority: 2 });
    });
  } else {
    it.skipIf(!!otherRuntime)(`scheduler SCHED_FIFO: the kernel refuses it without CAP_SYS_NICE in the initial user namespace${runc12}`, async () => {
      await refused({ process: { scheduler: { policy: 'SCHED_FIFO', priority: 10 } } }, /scheduler: sched_setattr policy 1 priority 10 nice 0: EPERM \(errno 1\)/);
    });

    it.skipIf(!!otherRuntime)(`scheduler SCHED_DEADLINE: the kernel refuses it without CAP_SYS_NICE in the initial user namespace${runc12}`, async () => {
      const ms = 1_000_000;
      await refused({ process: { scheduler: { policy: 'SCHED_DEADLINE', runtime: 2 * ms, deadline: 20 * ms, period: 20 * ms } } }, /sched_setattr policy 6 .*EPERM/);
    });

    it.skipIf(!!otherRuntime)(`scheduler nice -5: the kernel refuses raising the priority without CAP_SYS_NICE${runc12}`, async () => {
      await refused({ process: { scheduler: { policy: 'SCHED_OTHER', nice: -5 } } }, /sched_setattr .*EPERM/);
    });

    it.skipIf(!!otherRuntime)(`ioPriority IOPRIO_CLASS_RT: the kernel refuses it without CAP_SYS_ADMIN/CAP_SYS_NICE${runc12}`, async () => {
      await refused({ process: { ioPriority: { class: 'IOPRIO_CLASS_RT', priority: 2 } } }, /io priority: ioprio_set class 1 level 2: EPERM \(errno 1\)/);
    });
  }

  it.skipIf(!!otherRuntime)(`ioPriority IOPRIO_CLASS_BE level 6, and IOPRIO_CLASS_IDLE${runc12}`, async () => {
    expect((await probe({ process: { ioPriority: { class: 'IOPRIO_CLASS_BE', priority: 6 } } })).ioprio).toEqual({ class: 2, priority: 6 });
    expect((await probe({ process: { ioPriority: { class: 'IOPRIO_CLASS_IDLE', priority: 0 } } })).ioprio?.class).toBe(3);
  });

  const smp = availableParallelism() >= 2;
  it.skipIf(!smp || !!otherRuntime)(`execCPUAffinity: initial while the init sets up (seen by a createContainer hook), final for the process${smp ? runc13 : ' — SKIPPED: one cpu'}`, async () => {
    const out = join(t.scratch(), `${t.id('aff')}.hook`);
    const hook = { path: '/bin/sh', args: ['sh', '-c', `grep Cpus_allowed_list /proc/self/status > ${out}`] };
    const p = await probe({ process: { execCPUAffinity: { initial: '1', final: '0' } }, hooks: { createContainer: [hook] } });
    expect(p.cpus).toEqual([0]);
    expect(readFileSync(out, 'utf8')).toMatch(/^Cpus_allowed_list:\s+1$/m);
  });

  it.skipIf(!!otherRuntime)(`execCPUAffinity: a malformed list fails create, naming the field${runc13}`, async () => {
    await refused({ process: { execCPUAffinity: { final: '0-x' } } }, /\/process\/execCPUAffinity\/final: must be a comma-separated list of numbers and ranges/);
  });

  it.skipIf(apparmor)(`apparmorProfile on a host without AppArmor fails create, as runc${apparmor ? ' — SKIPPED: this host has AppArmor' : ''}`, async () => {
    await refused({ process: { apparmorProfile: 'tsrun-test' } }, /\/process\/apparmorProfile: apparmor is not enabled on this host/);
  });

  it.skipIf(selinux)(`selinuxLabel on a host without SELinux fails create, as runc${selinux ? ' — SKIPPED: this host has SELinux' : ''}`, async () => {
    await refused({ process: { selinuxLabel: 'system_u:system_r:container_t:s0' } }, /\/process\/selinuxLabel: selinux label is specified in config, but selinux is disabled or not supported/);
  });

  it(`exec --process applies the same fields to the new process (oomScoreAdj, scheduler, ioPriority, capabilities, execCPUAffinity)${otherRuntime ? ' — under the oracle capabilities only: runc 1.1\'s exec ignores the others' : ''}`, async () => {
    const id = t.id('exec');
    // Flags before the id: runc's CLI (urfave/cli v1) takes no flag after an argument.
    expectOk(await t.tsrun(['run', '-d', '-b', t.bundle(t.args(['sleep', '1000'])), id]));
    const base = t.base().process!;
    const proc = {
      ...base,
      args: probeArgs(),
      oomScoreAdj: 600,
      scheduler: { policy: 'SCHED_BATCH', nice: 7 },
      ioPriority: { class: 'IOPRIO_CLASS_BE', priority: 5 },
      capabilities: { bounding: ['CAP_KILL'], effective: ['CAP_KILL'], permitted: ['CAP_KILL'] },
      execCPUAffinity: { final: '0' },
    };
    const file = join(t.scratch(), `${id}.process.json`);
    writeFileSync(file, JSON.stringify(proc), { mode: 0o644 });
    const r = expectOk(await t.tsrun(['exec', '--process', file, id]));
    const p = parseProbe(r.stdout);
    expect(p.caps.bounding, show(r)).toBe('0000000000000020');
    if (!otherRuntime) {
      expect(p.oomScoreAdj).toBe(600);
      expect(p.sched).toMatchObject({ policy: 3, nice: 7 });
      expect(p.ioprio).toEqual({ class: 2, priority: 5 });
      expect(p.cpus).toEqual([0]);
    }
    writeFileSync(file, JSON.stringify({ ...proc, rlimits: [{ type: 'RLIMIT_NOFILE', soft: 10, hard: 5 }] }));
    expectFail(await t.tsrun(['exec', '--process', file, id]), tsrunWording(/\/process\/rlimits\/0\/soft: soft limit 10 must not exceed hard limit 5/));
  });
});
