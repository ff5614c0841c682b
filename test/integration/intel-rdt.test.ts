// linux.intelRdt (config-linux.md#intelrdt) through resctrl. This host has no resctrl filesystem
// mounted (no Intel RDT / AMD PQoS), so what can be seen here is the spec's error, naming the
// missing filesystem, before anything exists, and `features` saying intelRdt does not work here.
// The group, schemata and MON group rules are unit tests on a fake tree (test/unit/resctrl.test.ts).
import { existsSync, readFileSync } from 'node:fs';
import { expect, it } from 'vitest';
import { otherRuntime } from '../helpers/host.js';
import { forEachMode } from '../helpers/modes.js';
import { expectFail, expectOk, show } from '../helpers/tsrun.js';

const mounted = readFileSync('/proc/self/mountinfo', 'utf8').split('\n').some((l) => / - resctrl /.test(l));
const SKIP = mounted ? ' — SKIPPED: this host has resctrl mounted' : '';

forEachMode((t) => {
  it.skipIf(mounted)(`intelRdt without a mounted resctrl fails create naming the missing filesystem, and leaves nothing (runc fails too, with its own message)${SKIP}`, async () => {
    const id = t.id('rdt');
    const r = await t.tsrun(['create', '-b', t.bundle(t.args(['true'], { linux: { intelRdt: { closID: 'gold', l3CacheSchema: 'L3:0=f' } } })), id]);
    expectFail(r, otherRuntime ? undefined : /config\.json: \/linux\/intelRdt: needs a mounted resctrl filesystem, and none is mounted in the runtime's mount namespace .* \(config-linux\.md#intelrdt\)/);
    expect(existsSync(t.stateDir(id)), show(r)).toBe(false);
  });

  it.skipIf(mounted || !!otherRuntime)(`features: intelRdt is not enabled on this host, and an annotation says why${SKIP}${otherRuntime ? ' — SKIPPED: runc 1.1.5\'s features has no intelRdt field' : ''}`, async () => {
    const doc = JSON.parse(expectOk(await t.tsrun(['features'])).stdout) as { linux: { intelRdt: unknown }; annotations: Record<string, string> };
    expect(doc.linux.intelRdt).toEqual({ enabled: false, schemata: false, monitoring: false });
    expect(doc.annotations['org.tsrun.intelRdt']).toMatch(/no resctrl filesystem is mounted/);
  });
});
