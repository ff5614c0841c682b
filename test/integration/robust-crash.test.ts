// Crash consistency (issue 7, point 1): tsrun is SIGKILLed at every named step of `create`
// (TSRUN_TEST_CRASH_AT=<step>, src/crash-point.ts), then
//   - `list` shows the half-made container only as creating or stopped,
//   - `delete --force` succeeds and removes everything: state directory, cgroup, processes
//     (the orphaned tsrun-init included: this test process is their subreaper), mounts;
//   - the id can be used again.
// And a create that fails by itself (bad config, failing hook, missing binary) leaves nothing.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, expect, it } from 'vitest';
import { CREATE_STEPS, type CreateStep } from '../../src/crash-point.js';
import type { Spec } from '../helpers/config.js';
import { mountsUnder, otherRuntime, poll } from '../helpers/host.js';
import { adoptOrphans, cgroupDirsOf, liveDescendants } from '../helpers/leftovers.js';
import { forEachMode, type Tier } from '../helpers/modes.js';
import { testRootfs } from '../helpers/rootfs.js';
import { expectFail, expectOk, show, type TsrunResult } from '../helpers/tsrun.js';

/** Steps a config reaches only with a user namespace: the root tier's base config has none. */
const USERNS_STEPS: CreateStep[] = ['userns-ready', 'maps-written'];
/** After this step the container is complete; killing tsrun then is killing a finished create. */
const COMPLETE: CreateStep = 'state-created';

beforeAll(() => adoptOrphans());

/** A config that reaches every step: a runtime hook (prestart) so the hook sync happens. */
function crashConfig(t: Tier): Spec {
  return t.args(['sleep', '1000'], { hooks: { prestart: [{ path: '/bin/true', args: ['true'] }] } });
}

interface Leftovers {
  stateDir: boolean;
  cgroups: string[];
  processes: string[];
  mounts: string[];
}

async function leftoversOf(t: Tier, id: string): Promise<Leftovers> {
  // An orphaned init notices the runtime is gone on its next sync read; give it the moment it needs.
  const processes = (await poll(() => liveDescendants().length === 0, 5000)) ? [] : liveDescendants();
  return {
    stateDir: existsSync(t.stateDir(id)),
    cgroups: cgroupDirsOf(id),
    processes,
    mounts: mountsUnder(testRootfs()),
  };
}

const clean = (l: Leftovers) => !l.stateDir && l.cgroups.length === 0 && l.processes.length === 0 && l.mounts.length === 0;

async function listStatus(t: Tier, id: string): Promise<string | undefined> {
  const r = expectOk(await t.tsrun(['list', '--format', 'json']));
  // runc prints "null" for no container.
  const all = (JSON.parse(r.stdout || '[]') ?? []) as { id: string; status: string }[];
  return all.find((c) => c.id === id)?.status;
}

function crashed(r: TsrunResult): boolean {
  return r.signal === 'SIGKILL' && r.stderr.includes('TSRUN_TEST_CRASH_AT=');
}

/** The crash points are tsrun's own fault injection (src/crash-point.ts): runc has none. */
const NO_CRASH_POINTS = ' — SKIPPED under the oracle: TSRUN_TEST_CRASH_AT is tsrun\'s own fault injection';

forEachMode((t) => {
  it.skipIf(!!otherRuntime)(`SIGKILL at every step of create (${CREATE_STEPS.length} steps): delete --force leaves nothing, list says creating or stopped${NO_CRASH_POINTS}`, async () => {
    const bundle = t.bundle(crashConfig(t));
    const expected = CREATE_STEPS.filter((s) => t.mode === 'rootless' || !USERNS_STEPS.includes(s));
    let tried = 0;
    const problems: string[] = [];
    for (const step of expected) {
      const id = t.id(`crash-${step}`);
      const pidFile = join(t.scratch(), `${id}.pid`);
      const r = await t.tsrun(['create', id, '-b', bundle, '--pid-file', pidFile], { env: { TSRUN_TEST_CRASH_AT: step } });
      if (!crashed(r)) {
        problems.push(`${step}: not reached: ${show(r)}`);
        continue;
      }
      tried++;
      const status = await listStatus(t, id);
      const allowed = step === COMPLETE ? ['created'] : ['creating', 'stopped', undefined];
      if (!allowed.includes(status)) problems.push(`${step}: list shows the container as ${status}`);
      const s = await t.tsrun(['state', id]);
      if (s.exitCode === 0) {
        const doc = JSON.parse(s.stdout) as { status: string };
        if (!(step === COMPLETE ? ['created'] : ['creating', 'stopped']).includes(doc.status)) problems.push(`${step}: state says ${doc.status}`);
      }
      const d = await t.tsrun(['delete', '--force', id]);
      if (d.exitCode !== 0) problems.push(`${step}: ${show(d)}`);
      const left = await leftoversOf(t, id);
      if (!clean(left)) problems.push(`${step}: leftovers ${JSON.stringify(left)}`);
    }
    console.log(`[${t.mode}] fault points tried: ${tried}, leftovers: ${problems.length}`);
    expect(problems).toEqual([]);
    expect(tried).toBe(expected.length);
  });

  it.skipIf(!!otherRuntime)(`the root tier reaches no user-namespace step; the rootless tier reaches them (steps are not silently skipped)${NO_CRASH_POINTS}`, async () => {
    const id = t.id('crash-userns');
    const r = await t.tsrun(['create', id, '-b', t.bundle(crashConfig(t))], { env: { TSRUN_TEST_CRASH_AT: 'userns-ready' } });
    if (t.mode === 'root') expectOk(r);
    else expect(crashed(r), show(r)).toBe(true);
  });

  it('an unknown TSRUN_TEST_CRASH_AT value is inert: create completes', async () => {
    const id = t.id('crash-inert');
    expectOk(await t.tsrun(['create', id, '-b', t.bundle(crashConfig(t))], { env: { TSRUN_TEST_CRASH_AT: 'no-such-step' } }));
    expect((await t.state(id)).status).toBe('created');
  });

  it.skipIf(!!otherRuntime)(`after a crash and delete --force the same id can be created again${NO_CRASH_POINTS}`, async () => {
    const id = t.id('crash-reuse');
    const bundle = t.bundle(crashConfig(t));
    const r = await t.tsrun(['create', id, '-b', bundle], { env: { TSRUN_TEST_CRASH_AT: 'pid' } });
    expect(crashed(r), show(r)).toBe(true);
    expectOk(await t.tsrun(['delete', '--force', id]));
    expectOk(await t.tsrun(['create', id, '-b', bundle]));
    expect((await t.state(id)).status).toBe('created');
  });

  // runc words them "Spec.hostname of type string" and "error running hook #0".
  const FAILING: [string, (t: Tier) => Spec, RegExp][] = [
    ['a bad config', (t) => ({ ...t.base(), hostname: 42 }) as unknown as Spec, otherRuntime ? /hostname/ : /\/hostname/],
    ['a failing prestart hook', (t) => t.args(['sleep', '1000'], { hooks: { prestart: [{ path: '/bin/false' }] } }), otherRuntime ? /hook/ : /prestart/],
    ['a failing createRuntime hook', (t) => t.args(['sleep', '1000'], { hooks: { createRuntime: [{ path: '/bin/false' }] } }), otherRuntime ? /hook/ : /createRuntime/],
    ['a failing createContainer hook', (t) => t.args(['sleep', '1000'], { hooks: { createContainer: [{ path: '/bin/false' }] } }), otherRuntime ? /hook/ : /createContainer/],
    ['exec of a missing binary', (t) => t.args(['/no/such/binary']), /no\/such\/binary|ENOENT/],
  ];
  it.each(FAILING)('a create that fails on %s cleans up by itself', async (_what, make, stderr) => {
    const id = t.id('failcreate');
    const r = await t.tsrun(['create', id, '-b', t.bundle(make(t))]);
    expectFail(r, stderr);
    expect(r.signal, show(r)).toBeUndefined();
    const left = await leftoversOf(t, id);
    expect(left, show(r)).toEqual({ stateDir: false, cgroups: [], processes: [], mounts: [] });
    expect(await listStatus(t, id)).toBeUndefined();
  });
});
