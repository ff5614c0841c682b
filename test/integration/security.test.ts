// Issue 13: a created container holds no privilege it will not have after start, and what tsrun
// keeps on the host (state, pid files, cgroups, fds) cannot be turned against the host. Each test
// is the regression test of one item (README "Security"); each fails on the main before it.
import { readFileSync } from 'node:fs';
import { expect, it } from 'vitest';
import { poll } from '../helpers/host.js';
import { forEachMode } from '../helpers/modes.js';
import { capNames, PROBE } from '../helpers/probe.js';
import { expectOk, show } from '../helpers/tsrun.js';

// A config as locked down as engines make them: three capabilities, no_new_privs.
const CAPS = ['CAP_KILL', 'CAP_NET_BIND_SERVICE', 'CAP_AUDIT_WRITE'];
const LOCKED = { process: { noNewPrivileges: true, capabilities: { bounding: CAPS, effective: CAPS, permitted: CAPS } } };

/** The Cap* masks (as names) and NoNewPrivs of a /proc/<pid>/status text. */
function privileges(status: string): Record<string, string[] | string> {
  const field = (name: string) => new RegExp(`^${name}:\\s*(.*)$`, 'm').exec(status)?.[1].trim() ?? '';
  return {
    CapBnd: capNames(field('CapBnd')),
    CapPrm: capNames(field('CapPrm')),
    CapEff: capNames(field('CapEff')),
    NoNewPrivs: field('NoNewPrivs'),
  };
}

const EXPECTED = { CapBnd: CAPS.slice().sort(), CapPrm: CAPS.slice().sort(), CapEff: CAPS.slice().sort(), NoNewPrivs: '1' };
const sorted = (p: Record<string, string[] | string>) => Object.fromEntries(Object.entries(p).map(([k, v]) => [k, Array.isArray(v) ? v.slice().sort() : v]));

forEachMode((t) => {
  it('item 1: the init of a created container already holds only the config\'s capabilities and no_new_privs (/proc/<pid>/status)', async () => {
    const id = t.id('held');
    expectOk(await t.tsrun(['create', id, '-b', t.bundle(t.args([PROBE], LOCKED))]));
    const { pid } = await t.state(id);
    expect(sorted(privileges(readFileSync(`/proc/${pid}/status`, 'utf8')))).toEqual(EXPECTED);
  });

  it('item 1: an exec\'d process with CAP_SYS_PTRACE that hijacks the waiting init (ptrace, execve) gets no capability above the config\'s', async () => {
    const id = t.id('hijack');
    const { config, read } = t.withHostDir(t.args(['true'], LOCKED));
    expectOk(await t.tsrun(['create', id, '-b', t.bundle(config)]));
    // The attacker: an exec'd process with CAP_SYS_PTRACE (as `kubectl exec` into a pod with
    // shareProcessNamespace) makes pid 1 execve a shell that reports its own privileges.
    const report = 'grep -E "^(CapBnd|CapPrm|CapEff|NoNewPrivs):" /proc/self/status > /mnt/hijacked.tmp && mv /mnt/hijacked.tmp /mnt/hijacked';
    const r = expectOk(await t.tsrun(['exec', '--cap', 'CAP_SYS_PTRACE', id, PROBE, 'hijack', '1', '/bin/sh', '-c', report]));
    expect(r.stdout, show(r)).toContain('{"ret":0}');
    const status = await poll(() => read('hijacked'), 10000);
    expect(status, 'the hijacked init never reported').not.toBe('');
    expect(sorted(privileges(status))).toEqual(EXPECTED);
  });

  it('item 1: an exec\'d process with the init\'s capabilities cannot start the container through /proc/1/fd (exec.fifo is a socket)', async () => {
    const id = t.id('fifo');
    const { config, read } = t.withHostDir(t.args(['sh', '-c', 'echo started > /mnt/started']));
    expectOk(await t.tsrun(['create', id, '-b', t.bundle(config)]));
    // Every fd of the waiting init above stdio, opened for writing and written to (an open that
    // blocks, as on runc's O_PATH fifo with no reader, is given up after a second).
    const attack = 'for f in /proc/1/fd/*; do case ${f##*/} in 0|1|2) ;; *) timeout 1 sh -c \'echo x > "$1"\' _ $f && echo "wrote $f";; esac; done 2>&1; true';
    const r = expectOk(await t.tsrun(['exec', id, 'sh', '-c', attack]));
    await new Promise((done) => setTimeout(done, 500));
    expect(read('started'), `the write started the container: ${show(r)}`).toBe('');
    expect((await t.state(id)).status).toBe('created');
    // The check can see a start: `start` does start it.
    expectOk(await t.tsrun(['start', id]));
    expect(await poll(() => read('started'), 5000)).toBe('started\n');
  });
});
