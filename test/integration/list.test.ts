// `list [--format table|json] [-q]`: runc's columns (ID PID STATUS BUNDLE CREATED OWNER).
import { expect, it } from 'vitest';
import { forEachMode, type Tier } from '../helpers/modes.js';
import { expectOk, show } from '../helpers/tsrun.js';

/** Two containers: one created, one running. */
async function two(t: Tier) {
  const created = t.id('lsa');
  const running = t.id('lsb');
  const bundle = t.bundle(t.args(['sleep', '1000']));
  expectOk(await t.tsrun(['create', created, '-b', bundle]));
  expectOk(await t.tsrun(['create', running, '-b', bundle]));
  expectOk(await t.tsrun(['start', running]));
  return { created, running, bundle, pidCreated: (await t.state(created)).pid!, pidRunning: (await t.state(running)).pid! };
}

interface Row {
  id: string;
  pid: number;
  status: string;
  bundle: string;
  created: string;
  owner: string;
}

forEachMode((t) => {
  it('with no containers: the table is the header alone, json an empty list, -q nothing', async () => {
    const table = expectOk(await t.tsrun(['list']));
    expect(table.stdout.trim().split('\n'), show(table)).toHaveLength(1);
    expect(table.stdout).toMatch(/^ID\s+PID\s+STATUS\s+BUNDLE\s+CREATED\s+OWNER\s*$/m);
    const json = expectOk(await t.tsrun(['list', '--format', 'json']));
    // runc prints `null` for no containers; an empty array is as good.
    expect(JSON.parse(json.stdout) ?? [], show(json)).toEqual([]);
    expect(expectOk(await t.tsrun(['list', '-q'])).stdout).toBe('');
  });

  it('table: a header and one row per container with id, pid, status and bundle', async () => {
    const c = await two(t);
    const r = expectOk(await t.tsrun(['list']));
    const lines = r.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^ID\s+PID\s+STATUS\s+BUNDLE\s+CREATED\s+OWNER$/);
    expect(lines, show(r)).toHaveLength(3);
    const rows = lines.slice(1).map((l) => l.split(/\s+/));
    const byId = new Map(rows.map((f) => [f[0], f]));
    expect(byId.get(c.created)?.slice(0, 4), show(r)).toEqual([c.created, String(c.pidCreated), 'created', c.bundle]);
    expect(byId.get(c.running)?.slice(0, 4), show(r)).toEqual([c.running, String(c.pidRunning), 'running', c.bundle]);
    // CREATED is a timestamp: RFC 3339, as runc prints it.
    for (const f of rows) expect(Date.parse(f[4]), f.join(' ')).not.toBeNaN();
  });

  it('--format json: an array of objects with runc\'s fields', async () => {
    const c = await two(t);
    const r = expectOk(await t.tsrun(['list', '--format', 'json']));
    const rows = JSON.parse(r.stdout) as Row[];
    expect(rows, show(r)).toHaveLength(2);
    const byId = new Map(rows.map((row) => [row.id, row]));
    expect(byId.get(c.created)).toMatchObject({ id: c.created, pid: c.pidCreated, status: 'created', bundle: c.bundle });
    expect(byId.get(c.running)).toMatchObject({ id: c.running, pid: c.pidRunning, status: 'running', bundle: c.bundle });
    for (const row of rows) {
      expect(Date.parse(row.created), JSON.stringify(row)).not.toBeNaN();
      expect(row.owner, JSON.stringify(row)).toBeTypeOf('string');
    }
  });

  it('-q and --quiet print the ids alone, one a line', async () => {
    const c = await two(t);
    for (const flag of ['-q', '--quiet']) {
      const r = expectOk(await t.tsrun(['list', flag]));
      expect(r.stdout.split('\n').filter(Boolean).sort(), show(r)).toEqual([c.created, c.running].sort());
    }
  });

  it('a stopped container is listed as stopped with pid 0', async () => {
    const id = t.id('lsstopped');
    expectOk(await t.tsrun(['create', id, '-b', t.bundle(t.args(['true']))]));
    expectOk(await t.tsrun(['start', id]));
    expect((await t.waitStatus(id, 'stopped')).status).toBe('stopped');
    const rows = JSON.parse(expectOk(await t.tsrun(['list', '--format', 'json'])).stdout) as Row[];
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ id, status: 'stopped', pid: 0 });
  });

  it('list of a --root that does not exist is empty, not an error', async () => {
    const r = expectOk(await t.tsrun(['--root', `${t.scratch()}/never-made`, 'list', '-q'], { noRoot: true }));
    expect(r.stdout).toBe('');
  });
});
