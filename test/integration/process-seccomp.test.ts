// linux.seccomp (config-linux.md#seccomp) in real containers: a Docker-like default profile,
// default and per-rule errnos, every action, every argument operator and the filter flags,
// checked with `probe syscall` (test/probe/probe.cc).
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import type { DeepPartial, Spec } from '../helpers/config.js';
import { oracleSkip, otherRuntime, repoRoot } from '../helpers/host.js';
import { forEachMode } from '../helpers/modes.js';
import { parseProbe, parseSyscall, probeArgs, syscallArgs } from '../helpers/probe.js';
import { type Agent, startAgent } from '../helpers/seccomp-agent.js';
import { expectFail, expectOk, show, type TsrunResult } from '../helpers/tsrun.js';
import type { Seccomp } from '../../src/spec/types.js';

const DEFAULT_PROFILE = JSON.parse(readFileSync(join(repoRoot, 'test', 'fixtures', 'seccomp', 'default-profile.json'), 'utf8')) as Seccomp;
const EPERM = 1;
const ENOSYS = 38;
const SIGSYS = 31;
/**
 * The syscall the filters act on: one neither runtime's init makes after loading the filter.
 * runc 1.1's init calls getppid after it (standard_init_linux.go: the parent-death check), so a
 * rule on getppid breaks runc itself; getpgid is made by the probe alone.
 */
const VICTIM = 'getpgid';
/** runc 1.1 rejects any linux.seccomp.flags ("seccomp flags are not yet supported by runc"). */
const NO_FLAGS = 'runc 1.1 takes no linux.seccomp.flags (runc 1.2.0 does, #3588; WAIT_KILLABLE_RECV since runc 1.4.1, #5172)';

/** A profile allowing everything but `rules`. */
const allowBut = (syscalls: Seccomp['syscalls'], extra: Partial<Seccomp> = {}): Seccomp => ({ defaultAction: 'SCMP_ACT_ALLOW', syscalls, ...extra });

forEachMode((t) => {
  async function run(args: string[], seccomp: Seccomp, over: DeepPartial<Spec> = {}): Promise<TsrunResult> {
    return t.tsrun(['run', t.id('sc'), '-b', t.bundle(t.args(args, { ...over, linux: { seccomp } }))]);
  }
  async function call(seccomp: Seccomp, name: string, ...args: (number | string)[]) {
    const r = expectOk(await run(syscallArgs(name, ...args), seccomp));
    return parseSyscall(r.stdout);
  }

  it('the Docker-like default profile loads: the probe runs in filter mode; a syscall outside it fails with EPERM', async () => {
    const r = expectOk(await run(['sh', '-c', `${probeArgs()[0]} && ${syscallArgs('keyctl', 0).join(' ')} && ${syscallArgs('getppid').join(' ')}`], DEFAULT_PROFILE));
    expect(parseProbe(r.stdout).seccomp, show(r)).toBe(2);
    const [keyctl, getppid] = r.stdout.trim().split('\n').slice(-2).map(parseSyscall);
    expect(keyctl).toEqual({ ret: -1, errno: EPERM });
    expect(getppid.errno).toBe(0);
  });

  it('the default profile\'s argument rules: personality only with listed domains, clone3 gets ENOSYS', async () => {
    const script = ['personality 0xffffffff', 'personality 0x40000', 'unshare 0x10000000'].map((c) => syscallArgs(...(c.split(' ') as [string, ...string[]])).join(' ')).join(' && ');
    const r = expectOk(await run(['sh', '-c', script], DEFAULT_PROFILE));
    const [query, noRandomize, unshare] = r.stdout.trim().split('\n').map(parseSyscall);
    expect(query.errno, show(r)).toBe(0);
    expect(noRandomize).toEqual({ ret: -1, errno: EPERM });
    expect(unshare).toEqual({ ret: -1, errno: EPERM });
    expect(await call(DEFAULT_PROFILE, '435')).toEqual({ ret: -1, errno: ENOSYS }); // clone3 on x86_64
  });

  it('defaultErrnoRet: a syscall outside the profile fails with the configured errno', async () => {
    expect(await call({ ...DEFAULT_PROFILE, defaultErrnoRet: 95 }, 'keyctl', 0)).toEqual({ ret: -1, errno: 95 });
  });

  it.skipIf(!!otherRuntime)(`defaultErrnoRet with an action that takes no errno fails create, naming the field (config-linux.md#seccomp MUST; deliberate difference from runc: runc 1.1 ignores the errno)${oracleSkip('runc 1.1 creates the container')}`, async () => {
    const id = t.id('sc');
    const r = await t.tsrun(['create', id, '-b', t.bundle(t.args(['true'], { linux: { seccomp: { defaultAction: 'SCMP_ACT_ALLOW', defaultErrnoRet: 5 } } }))]);
    expectFail(r, /\/linux\/seccomp\/defaultErrnoRet: SCMP_ACT_ALLOW does not take an errno \(config-linux.md#seccomp\)/);
    expect(existsSync(t.stateDir(id)), show(r)).toBe(false);
  });

  it('SCMP_ACT_ERRNO with errnoRet, and without it EPERM', async () => {
    expect(await call(allowBut([{ names: [VICTIM], action: 'SCMP_ACT_ERRNO', errnoRet: 77 }]), VICTIM)).toEqual({ ret: -1, errno: 77 });
    expect(await call(allowBut([{ names: [VICTIM], action: 'SCMP_ACT_ERRNO' }]), VICTIM)).toEqual({ ret: -1, errno: EPERM });
  });

  for (const action of ['SCMP_ACT_KILL_PROCESS', 'SCMP_ACT_KILL_THREAD', 'SCMP_ACT_KILL', 'SCMP_ACT_TRAP']) {
    it(`${action} ends the process with SIGSYS (run exits 128+31)`, async () => {
      const r = await run(syscallArgs(VICTIM), allowBut([{ names: [VICTIM], action }]));
      expect(r.exitCode, show(r)).toBe(128 + SIGSYS);
      expect(r.stdout).toBe('');
    });
  }

  it('SCMP_ACT_LOG lets the call through; SCMP_ACT_TRACE without a tracer fails it with ENOSYS (seccomp(2))', async () => {
    expect((await call(allowBut([{ names: [VICTIM], action: 'SCMP_ACT_LOG' }]), VICTIM)).errno).toBe(0);
    expect(await call(allowBut([{ names: [VICTIM], action: 'SCMP_ACT_TRACE', errnoRet: 5 }]), VICTIM)).toEqual({ ret: -1, errno: ENOSYS });
  });

  it('SCMP_ACT_ALLOW rules under a default SCMP_ACT_ERRNO, and names unknown to libseccomp are skipped', async () => {
    const profile: Seccomp = { ...DEFAULT_PROFILE, syscalls: [...DEFAULT_PROFILE.syscalls!, { names: ['no_such_syscall_tsrun'], action: 'SCMP_ACT_ALLOW' }] };
    expect((await call(profile, 'getpid')).errno).toBe(0);
  });

  // One rule on getpgid's first argument per operator; the call is made with 4, 5 and 6.
  const cases: [string, number, number, number[]][] = [
    ['SCMP_CMP_NE', 5, 0, [4, 6]],
    ['SCMP_CMP_LT', 5, 0, [4]],
    ['SCMP_CMP_LE', 5, 0, [4, 5]],
    ['SCMP_CMP_EQ', 5, 0, [5]],
    ['SCMP_CMP_GE', 5, 0, [5, 6]],
    ['SCMP_CMP_GT', 5, 0, [6]],
    ['SCMP_CMP_MASKED_EQ', 0b110, 0b100, [4, 5]], // (arg & 6) == 4
  ];
  for (const [op, value, valueTwo, matching] of cases) {
    it(`args ${op}: only arguments ${matching.join(', ')} of 4, 5, 6 match`, async () => {
      const profile = allowBut([{ names: ['getpgid'], action: 'SCMP_ACT_ERRNO', errnoRet: 77, args: [{ index: 0, value, valueTwo, op }] }]);
      const script = [4, 5, 6].map((n) => syscallArgs('getpgid', n).join(' ')).join('; ');
      const r = expectOk(await run(['sh', '-c', script], profile));
      const hits = r.stdout.trim().split('\n').map(parseSyscall).map((res, i) => (res.errno === 77 ? 4 + i : 0)).filter(Boolean);
      expect(hits, show(r)).toEqual(matching);
    });
  }

  it('several comparisons on one argument are ORed, one rule each (as runc)', async () => {
    const args = [{ index: 0, value: 4, op: 'SCMP_CMP_EQ' }, { index: 0, value: 6, op: 'SCMP_CMP_EQ' }];
    const r = expectOk(await run(['sh', '-c', [4, 5, 6].map((n) => syscallArgs('getpgid', n).join(' ')).join('; ')], allowBut([{ names: ['getpgid'], action: 'SCMP_ACT_ERRNO', errnoRet: 77, args }])));
    expect(r.stdout.trim().split('\n').map(parseSyscall).map((x) => x.errno === 77)).toEqual([true, false, true]);
  });

  it.skipIf(!!otherRuntime)(`flags TSYNC, LOG, SPEC_ALLOW and WAIT_KILLABLE_RECV load${oracleSkip(NO_FLAGS)}`, async () => {
    const flags = ['SECCOMP_FILTER_FLAG_TSYNC', 'SECCOMP_FILTER_FLAG_LOG', 'SECCOMP_FILTER_FLAG_SPEC_ALLOW', 'SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV'];
    const r = expectOk(await run(probeArgs(), allowBut([{ names: ['keyctl'], action: 'SCMP_ACT_ERRNO' }], { flags })));
    expect(parseProbe(r.stdout).seccomp, show(r)).toBe(2);
  });

  it.skipIf(!!otherRuntime)(`with CAP_SYS_ADMIN kept the filter is loaded after the user switch too: a profile denying setresuid and capset runs (deliberate difference from runc: runc 1.1 loads it before its own setgroups and capset, which it then denies)${oracleSkip('runc 1.1 fails "setgroups: operation not permitted"')}`, async () => {
    const profile = allowBut([{ names: ['setresuid', 'setresgid', 'setgroups', 'capset'], action: 'SCMP_ACT_ERRNO' }]);
    const admin = ['CAP_SYS_ADMIN'];
    const r = expectOk(await run(probeArgs(), profile, { process: { capabilities: { bounding: admin, effective: admin, permitted: admin } } }));
    expect(parseProbe(r.stdout).seccomp, show(r)).toBe(2);
  });

  it('with noNewPrivileges the filter is loaded after the user switch: a profile denying setresuid still runs as uid 1000', async () => {
    const profile = allowBut([{ names: ['setresuid', 'setresgid', 'setgroups', 'capset'], action: 'SCMP_ACT_ERRNO' }]);
    if (t.mode === 'rootless') {
      // Only container root is mapped in the rootless tier: check the order with capset instead.
      const r = expectOk(await run(probeArgs(), profile, { process: { noNewPrivileges: true, capabilities: { bounding: ['CAP_KILL'], effective: ['CAP_KILL'], permitted: ['CAP_KILL'] } } }));
      expect(parseProbe(r.stdout).seccomp, show(r)).toBe(2);
      return;
    }
    const r = expectOk(await run(probeArgs(), profile, { process: { noNewPrivileges: true, user: { uid: 1000, gid: 1000 } } }));
    const p = parseProbe(r.stdout);
    expect(p.uid.effective, show(r)).toBe(1000);
    expect(p.seccomp).toBe(2);
  });
});

// SCMP_ACT_NOTIFY: the listener goes to an agent on listenerPath with the container process state.
forEachMode((t) => {
  const agents: Agent[] = [];
  afterEach(() => agents.splice(0).forEach((a) => a.stop()));
  const notifyProfile = (listenerPath: string, flags: string[] = []): Seccomp => ({
    defaultAction: 'SCMP_ACT_ALLOW',
    listenerPath,
    listenerMetadata: 'tsrun-test-metadata',
    flags,
    syscalls: [{ names: [VICTIM], action: 'SCMP_ACT_NOTIFY' }],
  });

  for (const nnp of [false, true]) {
    const withFlags = nnp && !otherRuntime;
    it(`delivers the listener and the state to the agent, which answers the notified syscall${nnp ? ` (noNewPrivileges: filter after the user switch; ${withFlags ? 'with TSYNC and WAIT_KILLABLE_RECV' : `no flags under the oracle: ${NO_FLAGS}`})` : ''}`, async () => {
      const agent = await startAgent(t.scratch(), `agent-${t.mode}-${nnp}`, 4242);
      agents.push(agent);
      const id = t.id('notify');
      const flags = withFlags ? ['SECCOMP_FILTER_FLAG_TSYNC', 'SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV'] : [];
      const config = t.args(syscallArgs(VICTIM), { process: { noNewPrivileges: nnp }, linux: { seccomp: notifyProfile(agent.socket, flags) } });
      const r = expectOk(await t.tsrun(['run', id, '-b', t.bundle(config)]));
      expect(parseSyscall(r.stdout), show(r)).toEqual({ ret: 4242, errno: 0 });
      const state = agent.state()!;
      expect(agent.listenerReceived()).toBe(true);
      expect(state).toMatchObject({ fds: ['seccompFd'], metadata: 'tsrun-test-metadata' });
      expect(state.ociVersion).toMatch(/^\d+\.\d+\.\d+/);
      const s = state.state as Record<string, unknown>;
      expect(s).toMatchObject({ id, status: 'creating' });
      expect(s.pid).toBe(state.pid);
      expect(state.pid).toBeGreaterThan(0);
    });
  }

  it('the listener fd does not leak into the container: its shell holds only 0, 1 and 2', async () => {
    const agent = await startAgent(t.scratch(), `agent-fds-${t.mode}`, 1);
    agents.push(agent);
    const r = expectOk(await t.tsrun(['run', t.id('notify'), '-b', t.bundle(t.args(['sh', '-c', 'ls /proc/$$/fd; true'], { linux: { seccomp: notifyProfile(agent.socket) } }))]));
    expect(agent.listenerReceived(), show(r)).toBe(true);
    expect(r.stdout.split('\n').filter(Boolean).sort(), show(r)).toEqual(['0', '1', '2']);
  });

  const getfd = t.mode === 'rootless' && !!otherRuntime;
  it.skipIf(getfd)(`exec: the new process gets its own filter and its listener goes to the agent with the container's running state${getfd ? oracleSkip("runc 1.1's exec takes the listener from its init with pidfd_getfd(2), which it may not do rootless (EPERM)") : ''}`, async () => {
    const agent = await startAgent(t.scratch(), `agent-exec-${t.mode}`, 77, 2);
    agents.push(agent);
    const id = t.id('notify');
    // Flags before the id: runc's CLI (urfave/cli v1) takes no flag after an argument.
    expectOk(await t.tsrun(['run', '-d', '-b', t.bundle(t.args(['sleep', '1000'], { linux: { seccomp: notifyProfile(agent.socket) } })), id]));
    const r = expectOk(await t.tsrun(['exec', id, ...syscallArgs(VICTIM)]));
    expect(parseSyscall(r.stdout), show(r)).toEqual({ ret: 77, errno: 0 });
    const exec = agent.state(1)!;
    expect(agent.listenerReceived(1)).toBe(true);
    expect(exec.state).toMatchObject({ id, status: 'running', pid: agent.state(0)!.pid });
    expect(exec.pid).not.toBe(agent.state(0)!.pid);
  });

  it('nobody on listenerPath: create fails naming the socket and leaves nothing', async () => {
    const path = join(t.scratch(), 'nobody.sock');
    const id = t.id('notify');
    const r = await t.tsrun(['create', id, '-b', t.bundle(t.args(['true'], { linux: { seccomp: notifyProfile(path) } }))]);
    // runc's wording (process_linux.go sendContainerProcessState)
    expectFail(r, new RegExp(`failed to connect with seccomp agent specified in the seccomp profile: dial unix ${path}: connect: no such file or directory`));
    expect(existsSync(t.stateDir(id)), show(r)).toBe(false);
  });
});
