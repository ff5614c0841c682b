// --debug create and exec log the init path's timings (MSG_TIMESTAMP through the sync socket),
// in order; without --debug the plan has no marks and nothing is logged. No timed assertion:
// the numbers are for `npm run bench`.
import { expect, it } from 'vitest';
import { otherRuntime } from '../helpers/host.js';
import { forEachMode } from '../helpers/modes.js';
import { expectOk } from '../helpers/tsrun.js';

const MARK = /^time="[^"]+" level=debug msg="init \d+: (.+) at \+(\d+\.\d{3}) ms"$/;
const marks = (stderr: string) =>
  stderr
    .split('\n')
    .map((l) => MARK.exec(l))
    .filter((m) => m !== null)
    .map((m) => ({ label: m[1], ms: Number(m[2]) }));

// The marks are tsrun-init's (MSG_TIMESTAMP); runc's --debug logs other lines.
const NOT_RUNC = ' — SKIPPED under the oracle: the init marks are tsrun-only --debug lines';

forEachMode((t) => {
  it.skipIf(!!otherRuntime)(`--debug create logs spawned → placed → plan received → namespaces → clone → mounts → pivot_root → ready, times rising${otherRuntime ? NOT_RUNC : ''}`, async () => {
    const id = t.id('timing');
    const r = await t.tsrun(['--debug', 'create', id, '-b', t.bundle(t.args(['sleep', '1000']))]);
    expectOk(r);
    const got = marks(r.stderr);
    expect(got.map((m) => m.label)).toEqual(['spawned', 'placed', 'plan received', 'namespaces', 'clone', 'mounts', 'pivot_root', 'ready']);
    for (let i = 1; i < got.length; i++) expect(got[i].ms, got[i].label).toBeGreaterThanOrEqual(got[i - 1].ms);
    expect((await t.state(id)).status).toBe('created');
  });

  it.skipIf(!!otherRuntime)(`--debug exec logs the exec path up to the execve${otherRuntime ? NOT_RUNC : ''}`, async () => {
    const id = t.id('timing-exec');
    expectOk(await t.tsrun(['run', '-d', '-b', t.bundle(t.args(['sleep', '1000'])), id]));
    const r = await t.tsrun(['--debug', 'exec', id, '--', 'true']);
    expectOk(r);
    expect(marks(r.stderr).map((m) => m.label)).toEqual(['spawned', 'placed', 'plan received', 'namespaces', 'clone', 'exec']);
  });

  it('without --debug, create logs no timings', async () => {
    const id = t.id('timing-quiet');
    const r = await t.tsrun(['create', id, '-b', t.bundle(t.args(['sleep', '1000']))]);
    expectOk(r);
    expect(marks(r.stderr)).toEqual([]);
  });
});
