// The library API as a consumer uses it: `npm pack` of this checkout, the tarball installed
// offline into a temporary project, `import { Runtime } from 'tsrun'`, containers run as root
// and rootless; the consumer's TypeScript checked against the packed .d.ts; and the README's
// example script (examples/library.mjs) run as it is. tsrun only: runc has no library, so
// under TSRUN_TEST_RUNTIME these tests say they are skipped.
import { execa } from 'execa';
import { copyFileSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { nodeBin, otherRuntime, repoRoot } from '../helpers/host.js';
import { forEachMode } from '../helpers/modes.js';
import { nodeAs } from '../helpers/node.js';
import { testRootfs } from '../helpers/rootfs.js';
import { sandbox, stateRoot } from '../helpers/sandbox.js';

const fixtures = join(repoRoot, 'test', 'fixtures', 'library');

let consumer = '';

describe.skipIf(otherRuntime)(`library (tsrun only: ${otherRuntime ? `SKIPPED, ${otherRuntime} has no library API` : 'the packed package'})`, () => {
  beforeAll(async () => {
    consumer = join(sandbox(), 'consumer');
    mkdirSync(consumer, { mode: 0o755 });
    // --ignore-scripts: `prepare` would rebuild the checkout; the tarball takes dist/ and build/ as they are.
    const pack = await execa('npm', ['pack', '--ignore-scripts', '--pack-destination', consumer], { cwd: repoRoot, reject: false });
    expect(pack.exitCode, pack.stderr).toBe(0);
    const tgz = readdirSync(consumer).find((f) => f.endsWith('.tgz'))!;
    writeFileSync(join(consumer, 'package.json'), JSON.stringify({ name: 'consumer', version: '1.0.0', type: 'module', private: true }));
    // --offline: the package's dependencies are bundled in the tarball (bundleDependencies).
    const install = await execa('npm', ['install', '--offline', '--no-audit', '--no-fund', `./${tgz}`], { cwd: consumer, reject: false });
    expect(install.exitCode, install.stderr).toBe(0);
    for (const f of ['consumer.mjs', 'consumer.ts']) copyFileSync(join(fixtures, f), join(consumer, f));
  }, 180_000);

  it('the consumer TypeScript type-checks against the packed .d.ts (and its misuse does not)', async () => {
    const tsconfig = {
      compilerOptions: { strict: true, module: 'NodeNext', moduleResolution: 'NodeNext', target: 'ES2022', noEmit: true, types: ['node'], typeRoots: [join(repoRoot, 'node_modules', '@types')] },
      files: ['consumer.ts'],
    };
    writeFileSync(join(consumer, 'tsconfig.json'), JSON.stringify(tsconfig));
    const r = await execa(nodeBin, [join(repoRoot, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', consumer], { reject: false });
    expect(r.exitCode, r.stdout + r.stderr).toBe(0);
  });

  forEachMode((t) => {
    it('a consumer imports the installed package and drives containers through it', async () => {
      const echo = t.bundle(t.args(['sh', '-c', 'read x; echo out:$x; echo err >&2; exit 7']));
      const bad = t.bundle({ ...t.base(), hostname: 42 });
      const sleep = t.bundle(t.args(['sleep', '1000']));
      const ids = [t.id('lib-echo'), t.id('lib-bad'), t.id('lib-sleep')];
      const r = await nodeAs(t.mode, ['consumer.mjs', stateRoot(t.mode), echo, bad, sleep, ...ids], { cwd: consumer });
      expect(r.exitCode, r.stderr).toBe(0);
      const out = JSON.parse(r.stdout);
      expect(out.run).toEqual({ ok: { exitCode: 7, signal: null, status: 7, stdout: 'out:ping\n', stderr: 'err\n' } });
      expect(out.parallel).toEqual({ ok: [[7, 'out:\n'], [7, 'out:\n'], [7, 'out:\n']] });
      expect(out.check).toEqual({ ok: [true, 0, true] });
      expect(out.bad.ok.code).toBe('ERR_TSRUN_CONFIG');
      expect(out.bad.ok.issues).toContainEqual(expect.objectContaining({ pointer: '/hostname', section: expect.stringMatching(/config\.md/) }));
      expect(out.create).toEqual({ ok: 'created' });
      expect(out.startTwice).toEqual({ ok: { code: 'ERR_TSRUN_STATE', status: 'running' } });
      expect(out.list.ok).toContainEqual([ids[2], 'running']);
      // A rootless container has a cgroup only where one is delegated (README "Cgroups").
      const noCgroup = { error: 'ERR_TSRUN', message: expect.stringMatching(/has no cgroup/) };
      const cg = (ok: unknown) => (t.mode === 'root' ? { ok } : expect.toBeOneOf([{ ok }, noCgroup]));
      expect(out.ps).toEqual(cg(1));
      expect(out.pause).toEqual(cg(['paused', 'running']));
      expect(out.events).toEqual(cg(['stats', 'number']));
      expect(out.update).toEqual(cg([]));
      expect(out.exec).toEqual({ ok: 5 });
      expect(out.kill).toEqual({ ok: 'stopped' });
      expect(out.delete).toEqual({ ok: 'ERR_TSRUN_NOT_FOUND' });
      expect(out.features.ok).toMatch(/^1\./);
    });

    it('the README example script (examples/library.mjs) runs', async () => {
      const r = await nodeAs(t.mode, [join(repoRoot, 'examples', 'library.mjs'), testRootfs(), stateRoot(t.mode)], { cwd: repoRoot });
      expect(r.exitCode, r.stderr).toBe(0);
      const steps = r.stdout.trim().split('\n').map((l) => JSON.parse(l));
      expect(steps).toEqual([
        { step: 'run', status: 3, stdout: 'hello from tsrun\n' },
        { step: 'create', status: 'created' },
        { step: 'exec', stdout: 'sleep 1000' },
        { step: 'state', status: 'running' },
        { step: 'deleted', code: 'ERR_TSRUN_NOT_FOUND' },
      ]);
    });
  });
});
