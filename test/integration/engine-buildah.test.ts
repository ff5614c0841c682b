// buildah (Debian's 1.28) with `--runtime` tsrun, as root and rootless, on podman's storage of
// the tier (test/helpers/podman.ts): bud with several RUN steps (ENV, WORKDIR, USER honoured;
// a failing RUN fails the build with its status), `buildah run`, and the committed image run
// by podman. Each scenario runs with runc and with tsrun; the results must agree, and nothing
// in the build output or a container's output may come from tsrun.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isRoot, MODES, ROOT_SKIP_REASON, tsrunJs } from '../helpers/host.js';
import { hasCommand, IMAGE, makePodman, type Podman, type PodmanResult } from '../helpers/podman.js';
import { removeSandbox } from '../helpers/sandbox.js';

const RUNC = '/usr/sbin/runc';
const RUNTIMES = { runc: RUNC, tsrun: tsrunJs };
type Runtime = keyof typeof RUNTIMES;
const NO_BUILDAH = hasCommand('buildah') && hasCommand('podman') ? '' : 'SKIPPED: buildah or podman is not installed (.ci/run installs them)';
const show = (r: PodmanResult) => `exit ${r.exitCode}\n--- stdout:\n${r.stdout}\n--- stderr:\n${r.stderr}`;
/** Build output names layers and ids that differ per build: keep the lines the steps printed (stdout and stderr: sorted). */
const stepOutput = (r: PodmanResult) => `${r.stdout}\n${r.stderr}`.split('\n').filter((l) => /^step\d-(out|err)$/.test(l.trim())).sort();

afterAll(() => removeSandbox());

for (const mode of MODES) {
  const skip = NO_BUILDAH || (mode === 'root' && !isRoot ? ROOT_SKIP_REASON : '');
  describe.skipIf(!!skip)(`buildah ${mode === 'root' ? 'as root' : 'rootless'}${skip ? ` — ${skip}` : ''}`, () => {
    let pm: Podman;
    let ctx: string;
    beforeAll(async () => {
      pm = await makePodman(mode);
      ctx = join(pm.dir, 'context');
      mkdirSync(ctx, { recursive: true });
    }, 120_000);
    afterAll(async () => pm?.cleanup(), 60_000);

    /** tsrun's own lines start "tsrun: " or "tsrun-init: " (image and path names contain "tsrun" too). */
    const clean = (r: PodmanResult) => {
      expect(`${r.stdout}\n${r.stderr}`, 'tsrun in the output').not.toMatch(/\btsrun(-init)?: /);
      return r;
    };
    async function each<T>(scenario: (rt: Runtime) => Promise<T>): Promise<T> {
      const runc = await scenario('runc');
      const ours = await scenario('tsrun');
      expect(ours, 'tsrun vs runc').toEqual(runc);
      return ours;
    }
    function containerfile(name: string, text: string): string {
      const path = join(ctx, name);
      writeFileSync(path, text);
      return path;
    }
    const bud = (rt: Runtime, file: string, tag: string) => pm.buildah(['bud', '--runtime', RUNTIMES[rt], '--isolation', 'oci', '--network', 'none', '--layers=false', '-f', file, '-t', tag, ctx]);

    it('bud: RUN steps see ENV, WORKDIR and USER; their output is in the build log; podman runs the image', async () => {
      const file = containerfile('Containerfile.steps', [
        `FROM ${IMAGE}`,
        'ENV GREETING=hello',
        'WORKDIR /work',
        'RUN echo "$GREETING $(pwd) $(id -u)" > /work/root-step && echo step1-out && echo step1-err >&2',
        'USER 1000:1000',
        'RUN echo "$(id -u):$(id -g) $(pwd) $GREETING" > /tmp/user-step && echo step2-out',
        'USER 0',
        'RUN cat /work/root-step /tmp/user-step > /result',
        'CMD ["cat", "/result"]',
        '',
      ].join('\n'));
      await each(async (rt) => {
        const tag = `localhost/tsrun-built-${rt}:test`;
        const b = clean(await bud(rt, file, tag));
        expect(b.exitCode, show(b)).toBe(0);
        const run = clean(await pm.run(['run', '--rm', '--network', 'none', tag], { runtime: RUNTIMES[rt] }));
        expect(run.exitCode, show(run)).toBe(0);
        return [stepOutput(b), run.stdout];
      }).then((r) => expect(r).toEqual([['step1-err', 'step1-out', 'step2-out'], 'hello /work 0\n1000:1000 /work hello']));
    });

    it('bud: a failing RUN fails the build, with the step\'s exit status in the error', async () => {
      const file = containerfile('Containerfile.fail', [`FROM ${IMAGE}`, 'RUN echo step1-out', 'RUN exit 7', 'RUN echo never', ''].join('\n'));
      const r = await each(async (rt) => {
        const b = clean(await bud(rt, file, `localhost/tsrun-fail-${rt}:test`));
        return [b.exitCode !== 0, /exit status 7/.test(b.stderr), stepOutput(b), `${b.stdout}${b.stderr}`.includes('never')];
      });
      expect(r).toEqual([true, true, ['step1-out'], false]);
    });

    it('buildah from + run (output, exit status, --user, env) + commit, and podman runs the commit', async () => {
      await each(async (rt) => {
        const from = await pm.buildah(['from', '--name', `work-${mode}-${rt}-${process.pid}`, IMAGE]);
        expect(from.exitCode, show(from)).toBe(0);
        const c = from.stdout.trim().split('\n').pop()!;
        const seen: unknown[] = [];
        const r1 = clean(await pm.buildah(['run', '--runtime', RUNTIMES[rt], '--isolation', 'oci', '--network', 'none', c, '--', 'sh', '-c', 'echo run-out; echo run-err >&2; echo made > /made; exit 4']));
        seen.push(r1.exitCode, r1.stdout, r1.stderr.includes('run-err'));
        const r2 = clean(await pm.buildah(['run', '--runtime', RUNTIMES[rt], '--isolation', 'oci', '--network', 'none', '--user', '1000:1000', '--env', 'X=1', c, '--', 'sh', '-c', 'echo "$(id -u) $X"']));
        seen.push(r2.exitCode, r2.stdout);
        const commit = await pm.buildah(['commit', c, `localhost/tsrun-commit-${rt}:test`]);
        expect(commit.exitCode, show(commit)).toBe(0);
        await pm.buildah(['rm', c]);
        const run = clean(await pm.run(['run', '--rm', '--network', 'none', `localhost/tsrun-commit-${rt}:test`, 'cat', '/made'], { runtime: RUNTIMES[rt] }));
        seen.push(run.exitCode, run.stdout);
        return seen;
      }).then((r) => expect(r).toEqual([4, 'run-out', true, 0, '1000 1', 0, 'made']));
    });
  });
}
