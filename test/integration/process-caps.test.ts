// process.capabilities (config.md#linux-process): the five sets applied in the kernel's order
// (bounding drop, keep caps across the uid switch, capset, ambient raise) and what they allow.
import { readFileSync } from 'node:fs';
import { expect, it } from 'vitest';
import { type DeepPartial, merge, type Spec, tmpfsMount } from '../helpers/config.js';
import { wideMappings } from '../helpers/idmaps.js';
import { otherRuntime } from '../helpers/host.js';
import { forEachMode } from '../helpers/modes.js';
import { capNames, parseProbe, PROBE } from '../helpers/probe.js';
import { expectOk, show } from '../helpers/tsrun.js';

const ALL_SETS = (names: string[]) => ({ bounding: names, effective: names, permitted: names, inheritable: names, ambient: names });
const capLastCap = Number(readFileSync('/proc/sys/kernel/cap_last_cap', 'utf8'));

forEachMode((t) => {
  // chown to another uid needs that uid mapped: the rootless tier maps its subordinate range.
  const wide = t.mode === 'root' ? {} : wideMappings(t.mode);
  const withTmp = (script: string, over: DeepPartial<Spec>): Spec => {
    const base = merge(t.base(wide ?? {}), over);
    return merge(base, { process: { args: ['sh', '-c', script] }, mounts: [...base.mounts!, tmpfsMount('/tmp')] });
  };
  const run = async (config: Spec) => t.tsrun(['run', t.id('caps'), '-b', t.bundle(config)]);
  const chown = `touch /tmp/f && chown 1000:1000 /tmp/f && stat -c %u:%g /tmp/f; ${PROBE}`;

  it.skipIf(!wide)(`capabilities [] in every set: chown of a file to another uid fails, the probe shows five empty sets${wide ? '' : ' — SKIPPED: no /etc/subuid range for the runner'}`, async () => {
    const r = await run(withTmp(chown, { process: { capabilities: ALL_SETS([]) } }));
    expect(r.stderr, show(r)).toMatch(/chown.*Operation not permitted/);
    const p = parseProbe(r.stdout);
    for (const set of ['bounding', 'effective', 'permitted', 'inheritable', 'ambient'] as const) expect(capNames(p.caps[set]), set).toEqual([]);
  });

  it.skipIf(!wide)(`with CAP_CHOWN kept, the same chown succeeds and the sets hold only it${wide ? '' : ' — SKIPPED: no /etc/subuid range for the runner'}`, async () => {
    const r = expectOk(await run(withTmp(chown, { process: { capabilities: ALL_SETS(['CAP_CHOWN']) } })));
    expect(r.stdout, show(r)).toMatch(/^1000:1000$/m);
    const p = parseProbe(r.stdout);
    for (const set of ['bounding', 'effective', 'permitted', 'inheritable', 'ambient'] as const) expect(capNames(p.caps[set]), set).toEqual(['CAP_CHOWN']);
  });

  it.skipIf(!wide)(`as uid 1000, each set is applied as given: ambient survives execve into permitted and effective${wide ? '' : ' — SKIPPED: no /etc/subuid range for the runner'}`, async () => {
    const caps = {
      bounding: ['CAP_CHOWN', 'CAP_KILL', 'CAP_NET_BIND_SERVICE'],
      effective: ['CAP_CHOWN', 'CAP_KILL'],
      permitted: ['CAP_CHOWN', 'CAP_KILL'],
      inheritable: ['CAP_KILL', 'CAP_NET_BIND_SERVICE'],
      ambient: ['CAP_KILL'],
    };
    const r = expectOk(await run(merge(t.base(wide ?? {}), { process: { args: [PROBE], user: { uid: 1000, gid: 1000 }, capabilities: caps } })));
    const p = parseProbe(r.stdout);
    expect(p.uid.effective, show(r)).toBe(1000);
    // execve(2) of a file without file caps by a non-root user: P' = ambient, E' = ambient (capabilities(7)).
    expect(capNames(p.caps.bounding)).toEqual(caps.bounding);
    expect(capNames(p.caps.inheritable)).toEqual(caps.inheritable);
    expect(capNames(p.caps.ambient)).toEqual(['CAP_KILL']);
    expect(capNames(p.caps.permitted)).toEqual(['CAP_KILL']);
    expect(capNames(p.caps.effective)).toEqual(['CAP_KILL']);
  });

  it('an unknown capability name is a warning (--debug) naming it, and is skipped (config.md#linux-process: MUST warn, SHOULD NOT fail; as runc)', async () => {
    const r = expectOk(await t.tsrun(['--debug', 'run', t.id('badcap'), '-b', t.bundle(t.args([PROBE], { process: { capabilities: { bounding: ['CAP_CHOWN', 'CAP_NOPE'] } } }))]));
    expect(r.stderr, show(r)).toMatch(otherRuntime ? /CAP_NOPE/ : /ignoring unknown capability CAP_NOPE \(\/process\/capabilities\/bounding\/1/);
    expect(capNames(parseProbe(r.stdout).caps.bounding)).toEqual(['CAP_CHOWN']);
  });

  it.skipIf(capLastCap >= 40)(`a capability the kernel lacks is a warning (--debug) and is skipped${capLastCap >= 40 ? ' — SKIPPED: this kernel knows every capability tsrun knows (cap_last_cap 40)' : ''}`, async () => {
    const r = expectOk(await t.tsrun(['--debug', 'run', t.id('caps'), '-b', t.bundle(t.args([PROBE], { process: { capabilities: { bounding: ['CAP_KILL', 'CAP_CHECKPOINT_RESTORE'] } } }))]));
    expect(r.stderr).toMatch(/CAP_CHECKPOINT_RESTORE is not known to this kernel/);
    expect(capNames(parseProbe(r.stdout).caps.bounding)).toEqual(['CAP_KILL']);
  });

  // buildah's RUN: ambient capabilities that are not also permitted and inheritable. The note that
  // they are not raised must not reach the container's stderr (run shares it): --log or --debug only.
  it(`the note on ambient capabilities that are not raised goes to --log (logrus text) or --debug only, never the container's stderr; runc prints nothing either${otherRuntime ? ' — under the oracle the plain run only: the note is tsrun\'s' : ''}`, async () => {
    const caps = { bounding: ['CAP_KILL', 'CAP_CHOWN'], effective: ['CAP_KILL'], permitted: ['CAP_KILL'], inheritable: [], ambient: ['CAP_KILL', 'CAP_CHOWN'] };
    const bundle = t.bundle(t.args(['sh', '-c', 'echo out; echo err >&2'], { process: { capabilities: caps } }));
    const plain = expectOk(await t.tsrun(['run', t.id('amb'), '-b', bundle]));
    expect([plain.stdout, plain.stderr]).toEqual(['out\n', 'err\n']);
    const runc = await t.runc(['run', t.id('amb'), '-b', bundle]);
    expect([runc.exitCode, runc.stdout, runc.stderr]).toEqual([0, 'out\n', 'err\n']);
    if (otherRuntime) return; // the rest is tsrun's --log and --debug lines
    const log = `${t.scratch()}/amb-${Date.now()}.log`;
    const logged = expectOk(await t.tsrun(['--log', log, 'run', t.id('amb'), '-b', bundle]));
    expect(logged.stderr).toBe('err\n');
    expect(readFileSync(log, 'utf8')).toMatch(/^time="\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ" level=warning msg="ambient capabilities not in both permitted and inheritable are not raised: [^"]*"$/m);
    const debug = expectOk(await t.tsrun(['--debug', 'run', t.id('amb'), '-b', bundle]));
    expect(debug.stderr).toMatch(/level=warning msg="ambient capabilities not in both permitted and inheritable are not raised/);
  });

  const mknod = 'mknod /tmp/null c 1 3 && echo made';
  if (t.mode === 'root') {
    it('capabilities [] : mknod of a device fails; with CAP_MKNOD kept it succeeds', async () => {
      const denied = await run(withTmp(mknod, { process: { capabilities: ALL_SETS([]) } }));
      expect(denied.stderr, show(denied)).toMatch(/Operation not permitted/);
      expect(denied.stdout).not.toContain('made');
      const allowed = expectOk(await run(withTmp(mknod, { process: { capabilities: ALL_SETS(['CAP_MKNOD']) } })));
      expect(allowed.stdout).toBe('made\n');
    });
  } else {
    it('mknod of a device fails even with CAP_MKNOD: a user namespace never creates devices (user_namespaces(7))', async () => {
      const r = await run(withTmp(mknod, { process: { capabilities: ALL_SETS(['CAP_MKNOD']) } }));
      expect(r.stderr, show(r)).toMatch(/Operation not permitted/);
      expect(r.stdout).not.toContain('made');
    });
  }
});
