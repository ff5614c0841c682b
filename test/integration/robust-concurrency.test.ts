// Concurrency (issue 7, point 2): many tsrun processes at once on one --root.
//  - 50 concurrent creates of distinct ids: all succeed, none lost, `list` during them parses;
//  - 20 concurrent creates of the same id: exactly one wins, the others fail with runc's
//    "container with given ID already exists (<id>)" and do not disturb the winner;
//  - concurrent start/state/kill/list, then delete/state/kill, on one container: every
//    state.json read parses, the container is never reported missing before it is deleted,
//    every delete --force succeeds (runc's), a plain delete wins at most once, nothing is left.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, expect, it } from 'vitest';
import { otherRuntime, pidAlive, poll } from '../helpers/host.js';
import { adoptOrphans, cgroupDirsOf, liveDescendants } from '../helpers/leftovers.js';
import { forEachMode, type Tier } from '../helpers/modes.js';
import { expectFail, expectOk, expectSpecState, show, type TsrunResult } from '../helpers/tsrun.js';

beforeAll(() => adoptOrphans());

const SLEEP = ['sleep', '1000'];

/** Read state.json directly, over and over, until stop() is called: how many reads, how many did not parse. */
function hammerStateFile(path: string) {
  let reads = 0;
  const broken: string[] = [];
  let running = true;
  const loop = (async () => {
    while (running) {
      let text: string;
      try {
        text = readFileSync(path, 'utf8');
      } catch {
        await new Promise((r) => setTimeout(r, 1));
        continue; // not there (yet, or any more): a missing file is not a torn one
      }
      reads++;
      try {
        JSON.parse(text);
      } catch {
        broken.push(text.slice(0, 200));
      }
      await new Promise((r) => setTimeout(r, 1));
    }
  })();
  return {
    async stop() {
      running = false;
      await loop;
      return { reads, broken };
    },
  };
}

// tsrun's words add the id; runc 1.1: "container does not exist", "container with given ID already exists".
const goneRe = (id: string) => new RegExp(`container ${otherRuntime ? '' : `${id} `}does not exist`);
const existsRe = (id: string) => (otherRuntime ? /container with given ID already exists/ : new RegExp(`container with given ID already exists \\(${id}\\)`));

/** A state call's result: a valid state document (returns it) or the container does not exist (undefined). */
function stateOrGone(r: TsrunResult, id: string): { status: string } | undefined {
  if (r.exitCode !== 0) {
    expect(r.stderr, show(r)).toMatch(goneRe(id));
    return undefined;
  }
  const doc: unknown = JSON.parse(r.stdout);
  expectSpecState(doc, show(r));
  return doc;
}

async function deleteAll(t: Tier, ids: string[]) {
  const rs = await Promise.all(ids.map((id) => t.tsrun(['delete', '--force', id])));
  for (const r of rs) expectOk(r);
}

forEachMode((t) => {
  it('50 concurrent creates of distinct ids all succeed; list during them parses; none is lost', async () => {
    const N = 50;
    const bundle = t.bundle(t.args(SLEEP));
    const ids = Array.from({ length: N }, () => t.id('par'));
    const lists: Promise<TsrunResult>[] = [];
    const creates = ids.map((id, i) => {
      if (i % 10 === 0) lists.push(t.tsrun(['list', '--format', 'json']));
      return t.tsrun(['create', id, '-b', bundle]);
    });
    const results = await Promise.all(creates);
    const failed = results.filter((r) => r.exitCode !== 0).map(show);
    for (const r of await Promise.all(lists)) {
      // runc prints `null` for no containers (yet); an empty array is as good (list.test.ts).
      const all = (JSON.parse(expectOk(r).stdout) ?? []) as { id: string; status: string }[];
      for (const c of all) expect(['creating', 'created'], show(r)).toContain(c.status);
    }
    const listed = JSON.parse(expectOk(await t.tsrun(['list', '--format', 'json'])).stdout) as { id: string; status: string; pid: number }[];
    const created = listed.filter((c) => ids.includes(c.id) && c.status === 'created' && pidAlive(c.pid));
    console.log(`[${t.mode}] concurrent creates: ${N}, created: ${created.length}, failed: ${failed.length}, lost: ${N - created.length - failed.length}`);
    expect(failed).toEqual([]);
    expect(created.length).toBe(N);
    await deleteAll(t, ids);
    expect(ids.flatMap(cgroupDirsOf)).toEqual([]);
  });

  it('20 concurrent creates of the same id: exactly one wins, the others fail with "container with given ID already exists (<id>)"', async () => {
    const N = 20;
    const id = t.id('same');
    const bundle = t.bundle(t.args(SLEEP));
    const reader = hammerStateFile(join(t.stateDir(id), 'state.json'));
    const results = await Promise.all(Array.from({ length: N }, () => t.tsrun(['create', id, '-b', bundle])));
    const { reads, broken } = await reader.stop();
    const winners = results.filter((r) => r.exitCode === 0);
    const losers = results.filter((r) => r.exitCode !== 0);
    console.log(`[${t.mode}] same-id creates: ${N}, won: ${winners.length}, "exists": ${losers.length}, state.json reads: ${reads}, torn: ${broken.length}`);
    expect(winners.length, results.map(show).join('\n')).toBe(1);
    for (const r of losers) {
      expect(r.signal, show(r)).toBeUndefined();
      expect(r.stderr, show(r)).toMatch(existsRe(id));
    }
    expect(broken).toEqual([]);
    const s = await t.state(id);
    expect(s.status).toBe('created');
    expect(pidAlive(s.pid!)).toBe(true);
  });

  it('concurrent start, state, kill and list on one container: every read parses, the container is never lost', async () => {
    const id = t.id('storm');
    expectOk(await t.tsrun(['create', id, '-b', t.bundle(t.args(SLEEP))]));
    const reader = hammerStateFile(join(t.stateDir(id), 'state.json'));
    const ops: Promise<[string, TsrunResult]>[] = [];
    const op = (name: string, args: string[]) => ops.push(t.tsrun(args).then((r) => [name, r]));
    op('start', ['start', id]);
    for (let i = 0; i < 15; i++) op('state', ['state', id]);
    // SIGUSR1 without a handler is ignored by the pid-namespace init (pid_namespaces(7)): the container survives.
    for (let i = 0; i < 8; i++) op('kill', ['kill', id, 'USR1']);
    for (let i = 0; i < 5; i++) op('list', ['list', '--format', 'json']);
    op('start', ['start', id]);
    const results = await Promise.all(ops);
    const { reads, broken } = await reader.stop();
    let starts = 0;
    for (const [name, r] of results) {
      if (name === 'start') starts += r.exitCode === 0 ? 1 : 0;
      else if (name === 'state') expect(stateOrGone(r, id), `lost: ${show(r)}`).toBeDefined();
      else if (name === 'kill') expectOk(r);
      else expect((JSON.parse(expectOk(r).stdout) as { id: string }[]).map((c) => c.id), show(r)).toContain(id);
    }
    console.log(`[${t.mode}] storm ops: ${results.length}, starts won: ${starts}, state.json reads: ${reads}, torn: ${broken.length}`);
    expect(starts).toBe(1);
    expect(broken).toEqual([]);
    expect((await t.state(id)).status).toBe('running');
  });

  it('concurrent delete --force, delete, state, kill on one container: every delete --force succeeds (runc), each other call sees it or sees it gone, nothing is left', async () => {
    const id = t.id('delstorm');
    expectOk(await t.tsrun(['create', id, '-b', t.bundle(t.args(SLEEP))]));
    expectOk(await t.tsrun(['start', id]));
    const { pid } = await t.state(id);
    const ops: Promise<[string, TsrunResult]>[] = [];
    const op = (name: string, args: string[]) => ops.push(t.tsrun(args).then((r) => [name, r]));
    for (let i = 0; i < 10; i++) {
      op('state', ['state', id]);
      if (i % 3 === 0) op('force', ['delete', '--force', id]);
      if (i % 3 === 1) op('delete', ['delete', id]);
      if (i % 2 === 0) op('kill', ['kill', id, 'KILL']);
    }
    const results = await Promise.all(ops);
    const gone = goneRe(id);
    let plainDeletes = 0;
    for (const [name, r] of results) {
      expect(r.signal, show(r)).toBeUndefined();
      if (name === 'state') stateOrGone(r, id);
      // runc: `delete --force` of a container that is already gone succeeds.
      if (name === 'force') expectOk(r);
      // A plain delete wins only once the container is stopped, and only once; else it is running or gone.
      if (name === 'delete') {
        if (r.exitCode === 0) plainDeletes++;
        else expect(r.stderr, show(r)).toMatch(new RegExp(`${gone.source}|that is not stopped: running`));
      }
      if (name === 'kill' && r.exitCode !== 0) expect(r.stderr, show(r)).toMatch(/does not exist|container not running/);
    }
    console.log(`[${t.mode}] delete storm ops: ${results.length}, plain deletes that won: ${plainDeletes}`);
    expect(plainDeletes).toBeLessThanOrEqual(1);
    expectFail(await t.tsrun(['delete', id]), gone);
    expect(await poll(() => !pidAlive(pid!), 3000)).toBe(true);
    expect(existsSync(t.stateDir(id))).toBe(false);
    expect(cgroupDirsOf(id)).toEqual([]);
    expect(await poll(() => liveDescendants().length === 0, 3000), liveDescendants().join(', ')).toBe(true);
  });
});
