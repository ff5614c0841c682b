// create, run and exec start tsrun-init when they begin (src/process/launcher.ts PendingInit),
// so that its start overlaps validation and plan compilation. A command that fails before its
// plan is ready must still leave no process: the init is killed and reaped (not a zombie), and
// one that succeeds is unaffected by having been started early.
import { beforeAll, expect, it } from 'vitest';
import { poll } from '../helpers/host.js';
import { adoptOrphans, liveDescendants, zombieDescendants } from '../helpers/leftovers.js';
import { forEachMode } from '../helpers/modes.js';
import { expectFail, expectOk } from '../helpers/tsrun.js';

// Whatever a finished tsrun leaves is re-parented to this process, alive or as a zombie.
beforeAll(() => adoptOrphans());

forEachMode((t) => {
  /** New zombies (unreaped children of a finished tsrun) and live processes after `act`, once at most `live` remain. */
  async function leftoversOf(act: () => Promise<void>, live = 0): Promise<{ zombies: number[]; live: string[] }> {
    const before = new Set(zombieDescendants());
    await act();
    await poll(() => liveDescendants().length <= live, 3000);
    return { zombies: zombieDescendants().filter((pid) => !before.has(pid)), live: liveDescendants() };
  }

  it('a create refused for its config (after the init was started) leaves no process, alive or zombie', async () => {
    const id = t.id('early');
    const left = await leftoversOf(async () => {
      expectFail(await t.tsrun(['create', '-b', t.bundle(t.args([])), id]), /process\/args|args/);
      expectFail(await t.tsrun(['run', '-b', t.bundle(t.args([])), id]), /process\/args|args/);
    });
    expect(left).toEqual({ zombies: [], live: [] });
  });

  it('a create of an id that exists fails and leaves no second init; the first container still runs', async () => {
    const id = t.id('early');
    expectOk(await t.tsrun(['create', '-b', t.bundle(t.args(['sh', '-c', 'echo first'])), id]));
    try {
      const left = await leftoversOf(async () => {
        expectFail(await t.tsrun(['create', '-b', t.bundle(t.args(['true'])), id]), /exists/);
      }, 1);
      expect(left.zombies).toEqual([]);
      // The only live process is the first container's, waiting to start.
      expect(left.live).toHaveLength(1);
      const r = expectOk(await t.tsrun(['state', id]));
      expect(JSON.parse(r.stdout).status).toBe('created');
    } finally {
      await t.tsrun(['delete', '--force', id]);
    }
  });

  it('exec into a stopped container fails and leaves no process, alive or zombie', async () => {
    const id = t.id('early');
    expectOk(await t.tsrun(['run', '--detach', '-b', t.bundle(t.args(['true'])), id]));
    try {
      await poll(async () => JSON.parse((await t.tsrun(['state', id])).stdout).status === 'stopped', 5000, 50);
      const left = await leftoversOf(async () => {
        expectFail(await t.tsrun(['exec', id, 'true']), /stopped|not running/);
      });
      expect(left).toEqual({ zombies: [], live: [] });
    } finally {
      await t.tsrun(['delete', '--force', id]);
    }
  });

  it('exec and run started early work as before: output, exit codes', async () => {
    const id = t.id('early');
    const r = await t.tsrun(['run', '-b', t.bundle(t.args(['sh', '-c', 'echo ran; exit 3'])), id]);
    expect(r.exitCode).toBe(3);
    expect(r.stdout.trim()).toBe('ran');
    const id2 = t.id('early');
    expectOk(await t.tsrun(['run', '--detach', '-b', t.bundle(t.args(['sleep', '30'])), id2]));
    try {
      const e = await t.tsrun(['exec', id2, 'sh', '-c', 'echo in; exit 4']);
      expect(e.exitCode).toBe(4);
      expect(e.stdout.trim()).toBe('in');
    } finally {
      await t.tsrun(['delete', '--force', id2]);
    }
  });
});
