// checkpoint on a host where criu cannot run (issue 15): Debian's criu 3.17 fails on this host's
// 6.18 kernel ("vdso: Unexpected rt vDSO area bounds"). The command fails, the container goes on
// running and stays usable, and criu's own reason is in its log (tsrun prints it too; runc 1.1.5
// prints only "criu failed: type DUMP errno 0"). Where criu runs, test/vm/checkpoint.test.ts.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { beforeAll, expect, it } from 'vitest';
import { otherRuntime } from '../helpers/host.js';
import { cgroupDirsOf } from '../helpers/leftovers.js';
import { forEachMode } from '../helpers/modes.js';
import { expectOk } from '../helpers/tsrun.js';

let criuRuns: boolean | undefined;
beforeAll(async () => {
  const r = await execa('criu', ['check'], { reject: false });
  criuRuns = r.exitCode === 0;
});

forEachMode((t) => {
  it('checkpoint fails where criu cannot run (criu check fails here); the container keeps running and exec still works', async (ctx) => {
    if (criuRuns) ctx.skip(); // `criu check` passed: this host can checkpoint (see the VM tier)
    const id = t.id('ck');
    expectOk(await t.tsrun(['run', '-d', '-b', t.bundle(t.args(['sleep', '1000'])), id]));
    const images = join(t.scratch(), `${id}-img`);
    const r = await t.tsrun(['checkpoint', '--image-path', images, id]);
    expect(r.exitCode, r.stderr).not.toBe(0);
    expect((await t.state(id)).status).toBe('running');
    expectOk(await t.tsrun(['exec', id, 'true']));
    const log = join(images, 'dump.log');
    // As root criu gets as far as its kernel checks; its reason is in dump.log (both runtimes).
    if (t.mode === 'root') expect(existsSync(log) && readFileSync(log, 'utf8'), r.stderr).toMatch(/Error \(criu\/[a-z-]+\.c:\d+\)/);
    if (!otherRuntime) expect(r.stderr).toMatch(/criu dump failed \(exit status \d+\): Error \(criu\//);
  });

  it('restore fails where criu cannot run and leaves no container and no cgroup behind', async (ctx) => {
    if (criuRuns) ctx.skip(); // `criu check` passed: this host can restore (see the VM tier)
    const id = t.id('rs');
    const bundle = t.bundle(t.args(['sleep', '1000']));
    expectOk(await t.tsrun(['run', '-d', '-b', bundle, id]));
    const images = join(t.scratch(), `${id}-img`);
    // The dump fails; the image folder has what a runtime writes before criu runs (descriptors.json).
    await t.tsrun(['checkpoint', '--image-path', images, id]);
    expectOk(await t.tsrun(['delete', '--force', id]));
    const r = await t.tsrun(['restore', '-d', '--image-path', images, '-b', bundle, id]);
    expect(r.exitCode, r.stderr).not.toBe(0);
    expect((await t.tsrun(['state', id])).exitCode).not.toBe(0);
    expect(cgroupDirsOf(id)).toEqual([]);
    if (!otherRuntime) expect(r.stderr).toMatch(/criu restore failed \(exit status \d+\)/);
  });
});
