// The probe (test/probe/probe.cc) in the shared rootfs reports what a container sees: checked
// here against the base config once, so other tests can rely on its fields.
import { expect, it } from 'vitest';
import { BASE_HOSTNAME } from '../helpers/config.js';
import { forEachMode } from '../helpers/modes.js';
import { capNames, parseProbe, parseSyscall, probeArgs, syscallArgs } from '../helpers/probe.js';
import { expectOk, show } from '../helpers/tsrun.js';

forEachMode((t) => {
  it('reports ids, hostname, no seccomp, no no_new_privs, the default umask and personality, and no capability without process.capabilities (as runc)', async () => {
    const r = expectOk(await t.tsrun(['run', t.id('probe'), '-b', t.bundle(t.args(probeArgs()))]));
    const p = parseProbe(r.stdout);
    expect(p.uid, show(r)).toEqual({ real: 0, effective: 0, saved: 0 });
    expect(p.gid).toEqual({ real: 0, effective: 0, saved: 0 });
    expect(p.hostname).toBe(BASE_HOSTNAME);
    expect(p.seccomp).toBe(0);
    expect(p.noNewPrivs).toBe(0);
    expect(p.personality).toBe(0);
    // runc's default umask when process.user.umask is not set.
    expect(p.umask).toBe(0o022);
    expect(p.cpus.length).toBeGreaterThan(0);
    expect(p.sched?.policy).toBe(0);
    // The base config has no process.capabilities: no capability in any set (runc, crun).
    for (const set of ['bounding', 'effective', 'permitted', 'inheritable', 'ambient'] as const) expect(capNames(p.caps[set]), set).toEqual([]);
    expect(p.rlimits.RLIMIT_NOFILE).toBeDefined();
  });

  it('`probe syscall` makes one raw system call and reports its result', async () => {
    const r = expectOk(await t.tsrun(['run', t.id('probe'), '-b', t.bundle(t.args(syscallArgs('getpid')))]));
    expect(parseSyscall(r.stdout), show(r)).toEqual({ ret: 1, errno: 0 });
  });
});
