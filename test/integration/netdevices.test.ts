// linux.netDevices (config-linux.md#network-devices). Each root test makes its own network
// namespace (ip netns) with a veth pair and runs the runtime inside it (nsenter --net), so the
// "host" interfaces moved are the test's, never this machine's. A veth is virtual: when the
// container's namespace goes, the kernel destroys it (and its peer); the spec forbids moving it
// back, so delete does not (physical devices return by themselves; this host has none to spare).
// Rootless: an unprivileged runtime cannot move an interface (no CAP_NET_ADMIN in the host's
// network namespace), which is a clear error. runc 1.1.5 predates the field (runc 1.3) and
// ignores it: under TSRUN_TEST_RUNTIME those tests are skipped, the title says so.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterEach, expect, it } from 'vitest';
import type { DeepPartial, Spec } from '../helpers/config.js';
import { otherRuntime, poll, runtimeArgv } from '../helpers/host.js';
import { forEachMode } from '../helpers/modes.js';
import { expectFail, show } from '../helpers/tsrun.js';

const NO_RUNC = otherRuntime ? ' — SKIPPED: runc 1.1.5 has no linux.netDevices (runc 1.3)' : '';
const ip = (...args: string[]) => execFileSync('ip', args, { encoding: 'utf8' });
const made: string[] = [];
let seq = 0;

/** A fresh network namespace holding the veth pair nd0 / nd0p, nd0 with 10.9.8.7/24 and fd00::7/64. */
function testNetns(): string {
  const name = `tsrun-nd-${process.pid}-${++seq}`;
  ip('netns', 'add', name);
  made.push(name);
  ip('-n', name, 'link', 'add', 'nd0', 'type', 'veth', 'peer', 'name', 'nd0p');
  ip('-n', name, 'addr', 'add', '10.9.8.7/24', 'dev', 'nd0');
  ip('-n', name, 'addr', 'add', 'fd00::7/64', 'dev', 'nd0');
  return name;
}
const links = (ns: string) => ip('-n', ns, '-o', 'link').split('\n').map((l) => /^\d+: ([^:@]+)/.exec(l)?.[1]).filter(Boolean);

afterEach(() => {
  for (const ns of made.splice(0)) ip('netns', 'del', ns);
});

forEachMode((t) => {
  /** The runtime, inside the test's namespace. */
  async function inNetns(ns: string, args: string[]) {
    const [bin, ...pre] = runtimeArgv();
    const r = await execa('nsenter', [`--net=/run/netns/${ns}`, bin, ...pre, '--root', join(t.scratch(), 'nd-root'), ...args], { reject: false, timeout: 60_000, stdin: 'ignore' });
    return { ...r, stdout: String(r.stdout), stderr: String(r.stderr) };
  }
  const config = (netDevices: unknown, linux: DeepPartial<Spec>['linux'] = {}) =>
    t.args(['sh', '-c', 'ip -o link; ip -o addr'], { linux: { netDevices, ...linux } as DeepPartial<Spec>['linux'] });

  if (t.mode === 'rootless') {
    it.skipIf(!!otherRuntime)('rootless: netDevices fails create with a clear error (moving an interface needs CAP_NET_ADMIN in the host\'s network namespace), leaving nothing' + NO_RUNC, async () => {
      const id = t.id('nd');
      const r = await t.tsrun(['create', '-b', t.bundle(config({ nd0: {} })), id]);
      expectFail(r, /config\.json: \/linux\/netDevices: moving a host interface into the container needs CAP_NET_ADMIN in the host's network namespace, which a rootless runtime does not have/);
      expect(existsSync(t.stateDir(id)), show(r)).toBe(false);
    });
    return;
  }

  it.skipIf(!!otherRuntime)(`the device moves renamed, up, with its permanent global addresses; once the container is gone the veth is destroyed, not moved back${NO_RUNC}`, async () => {
    const ns = testNetns();
    const r = await inNetns(ns, ['run', '-b', t.bundle(config({ nd0: { name: 'ctr0' } })), t.id('nd')]);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^\d+: ctr0@\S+: <[^>]*\bUP\b[^>]*>/m);
    expect(r.stdout).toMatch(/ctr0\s+inet 10\.9\.8\.7\/24 .*scope global/);
    expect(r.stdout).toMatch(/ctr0\s+inet6 fd00::7\/64 .*scope global/);
    expect(r.stdout).not.toMatch(/\bnd0\b/);
    // The container's network namespace is freed by the kernel's cleanup_net work, after the
    // last process is gone: its veth end (and with it the peer nd0p) goes a moment later.
    await poll(() => links(ns).length === 1, 5000);
    expect(links(ns)).toEqual(['lo']);
  });

  it.skipIf(!!otherRuntime)(`a name with %d is a template the kernel fills (eth%d → eth0); without name the host name is kept${NO_RUNC}`, async () => {
    const ns = testNetns();
    const r = await inNetns(ns, ['run', '-b', t.bundle(config({ nd0: { name: 'eth%d' }, nd0p: {} })), t.id('nd')]);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^\d+: eth0@/m);
    expect(r.stdout).toMatch(/^\d+: nd0p@/m);
  });

  it.skipIf(!!otherRuntime)(`a host device that does not exist, or a name the container has (lo), fails create before any device moves, leaving nothing${NO_RUNC}`, async () => {
    const ns = testNetns();
    const id = t.id('nd');
    let r = await inNetns(ns, ['create', '-b', t.bundle(config({ nd0: {}, nope0: {} })), id]);
    expect(r.exitCode).not.toBe(0);
    expect(r.stderr).toMatch(/check network device nope0: if_nametoindex nope0: ENODEV/);
    expect(links(ns)).toEqual(['lo', 'nd0p', 'nd0']);
    r = await inNetns(ns, ['create', '-b', t.bundle(config({ nd0: { name: 'lo' } })), id]);
    expect(r.stderr).toMatch(/check network device nd0: RTM_NEWLINK lo exists in the container's network namespace: EEXIST/);
    expect(links(ns)).toEqual(['lo', 'nd0p', 'nd0']);
    expect(existsSync(join(t.scratch(), 'nd-root', id))).toBe(false);
  });

  it.skipIf(!!otherRuntime)(`bad names and a container without a network namespace are ConfigErrors naming the field${NO_RUNC}`, async () => {
    const id = t.id('nd');
    let r = await t.tsrun(['create', '-b', t.bundle(config({ nd0: { name: 'a/b' } })), id]);
    expectFail(r, /\/linux\/netDevices\/nd0\/name: "a\/b" is not an interface name/);
    r = await t.tsrun(['create', '-b', t.bundle(config({ nd0: { name: 'x' }, nd1: { name: 'x' } })), id]);
    expectFail(r, /\/linux\/netDevices\/nd1\/name: x is the container name of another device too/);
    r = await t.tsrun(['create', '-b', t.bundle(config({ nd0: {} }, { namespaces: [{ type: 'pid' }, { type: 'uts' }, { type: 'mount' }] })), id]);
    expectFail(r, /\/linux\/netDevices: needs a network namespace in linux.namespaces/);
    expect(existsSync(t.stateDir(id))).toBe(false);
  });
});
