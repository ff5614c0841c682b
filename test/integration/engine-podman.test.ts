// Podman (Debian's 4.3, with conmon) using tsrun as its OCI runtime, as root and rootless:
// the everyday commands work and give what runc gives on the same machine. Podman calls the
// runtime as conmon and podman itself do (recorded in the "records" test): create with
// --log-format=json --log, --bundle, --pid-file, --console-socket; start; exec --process
// --detach [--tty --console-socket]; kill with signal numbers; pause, resume, delete --force,
// the last four with no PATH and no HOME.
import { execFileSync } from 'node:child_process';
import { chownSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isRoot, MODES, ROOT_SKIP_REASON, runnerOf, tsrunJs } from '../helpers/host.js';
import { hasCommand, IMAGE, makePodman, type Podman, type PodmanResult, recordingRuntime } from '../helpers/podman.js';
import { removeSandbox } from '../helpers/sandbox.js';

const RUNC = '/usr/sbin/runc';
const NO_PODMAN = hasCommand('podman') ? '' : 'SKIPPED: podman is not installed (.ci/run installs it)';
const show = (r: PodmanResult) => `exit ${r.exitCode}\n--- stdout:\n${r.stdout}\n--- stderr:\n${r.stderr}`;
const ok = (r: PodmanResult) => {
  expect(r.exitCode, show(r)).toBe(0);
  return r;
};
const lines = (s: string) => s.replace(/\r/g, '').trim().split('\n');

afterAll(() => removeSandbox());

describe('the runtime as engines start it', () => {
  it('dist/tsrun.js runs with an empty environment (no PATH, no HOME; its #! names node absolutely) and XDG_RUNTIME_DIR="" counts as unset', () => {
    expect(readFileSync(tsrunJs, 'utf8').split('\n')[0]).toMatch(/^#!\/\S+\/node$/);
    const out = execFileSync(tsrunJs, ['list', '--format', 'json'], { env: { XDG_RUNTIME_DIR: '' }, encoding: 'utf8' });
    expect(JSON.parse(out)).toBeInstanceOf(Array);
  });
});

for (const mode of MODES) {
  const skip = NO_PODMAN || (mode === 'root' && !isRoot ? ROOT_SKIP_REASON : '');
  describe.skipIf(!!skip)(`podman ${mode === 'root' ? 'as root' : 'rootless'}${skip ? ` — ${skip}` : ''}`, () => {
    let pm: Podman;
    let seq = 0;
    const name = () => `tsrun-${mode}-${process.pid}-${++seq}`;
    beforeAll(async () => {
      pm = await makePodman(mode);
    }, 120_000);
    afterAll(async () => pm?.cleanup(), 60_000);

    /** `podman run --rm` with tsrun and with runc: both results. */
    async function both(args: string[]): Promise<[PodmanResult, PodmanResult | undefined]> {
      const run = ['run', '--rm', '--network', 'none', ...args];
      const ours = await pm.run(run);
      const theirs = existsSync(RUNC) ? await pm.run(run, { runtime: RUNC }) : undefined;
      return [ours, theirs];
    }

    it('run --rm: the output and the exit status of the process, as with runc', async () => {
      const [ours, runc] = await both([IMAGE, 'sh', '-c', 'echo out; echo err >&2; exit 3']);
      expect(ours.exitCode, show(ours)).toBe(3);
      expect(ours.stdout).toBe('out');
      expect(ours.stderr).toContain('err');
      if (runc) expect([runc.exitCode, runc.stdout]).toEqual([ours.exitCode, ours.stdout]);
    });

    it('run of a missing program exits 127, as with runc', async () => {
      const [ours, runc] = await both([IMAGE, 'no-such-program']);
      expect(ours.exitCode, show(ours)).toBe(127);
      if (runc) expect(runc.exitCode).toBe(127);
    });

    it('--user, --hostname, --read-only, --cap-drop ALL and a -v bind mount, as with runc', async () => {
      const vol = join(pm.dir, 'vol');
      mkdirSync(vol, { recursive: true });
      writeFileSync(join(vol, 'f'), 'from-host\n');
      const script = 'id -u; id -g; hostname; cat /vol/f; touch /x 2>/dev/null || echo root-ro; touch /tmp/t && echo tmp-rw; grep CapEff /proc/self/status';
      const [ours, runc] = await both(['--user', '1000:1000', '--hostname', 'engine-test', '--read-only', '--cap-drop', 'ALL', '-v', `${vol}:/vol:ro`, IMAGE, 'sh', '-c', script]);
      ok(ours);
      expect(lines(ours.stdout)).toEqual(['1000', '1000', 'engine-test', 'from-host', 'root-ro', 'tmp-rw', 'CapEff:\t0000000000000000']);
      if (runc) expect(lines(runc.stdout)).toEqual(lines(ours.stdout));
    });

    if (mode === 'root') {
      it('--memory and --pids-limit reach the container\'s cgroup, as with runc', async () => {
        const script = 'cat /sys/fs/cgroup/memory/memory.limit_in_bytes 2>/dev/null || cat /sys/fs/cgroup/memory.max; cat /sys/fs/cgroup/pids/pids.max 2>/dev/null || cat /sys/fs/cgroup/pids.max';
        const [ours, runc] = await both(['--memory', '64m', '--pids-limit', '50', IMAGE, 'sh', '-c', script]);
        expect(lines(ok(ours).stdout)).toEqual(['67108864', '50']);
        if (runc) expect(lines(runc.stdout)).toEqual(lines(ours.stdout));
      });
    } else {
      it.skip('--memory and --pids-limit [SKIPPED: rootless podman on this cgroup v1 host has no cgroup to put them in]', () => {});
    }

    it('run -t: the process has a terminal (conmon\'s console socket)', async () => {
      const r = ok(await pm.run(['run', '--rm', '-t', '--network', 'none', IMAGE, 'sh', '-c', 'tty; test -t 0 -a -t 1 && echo both-tty']));
      expect(lines(r.stdout)).toEqual([expect.stringMatching(/^\/dev\/pts\/\d+$/), 'both-tty']);
    });

    it('run -d, exec (status, -t), top, stop, rm', async () => {
      const n = name();
      ok(await pm.run(['run', '-d', '--network', 'none', '--name', n, IMAGE, 'sh', '-c', 'trap "exit 0" TERM; echo > /tmp/ready; sleep 1000 & wait']));
      const e = await pm.run(['exec', n, 'sh', '-c', 'cat /proc/1/cmdline | tr "\\0" " "; echo; exit 4']);
      expect(e.exitCode, show(e)).toBe(4);
      expect(e.stdout).toContain('trap "exit 0" TERM');
      const t = ok(await pm.run(['exec', '-t', n, 'tty']));
      expect(t.stdout.trim()).toMatch(/^\/dev\/pts\/\d+$/);
      const top = ok(await pm.run(['top', n]));
      expect(top.stdout).toContain('sleep 1000');
      ok(await pm.run(['stop', '--time', '10', n]));
      const state = ok(await pm.run(['inspect', '--format', '{{.State.Status}} {{.State.ExitCode}}', n]));
      expect(state.stdout.trim()).toBe('exited 0');
      ok(await pm.run(['rm', n]));
    });

    if (mode === 'root') {
      it('pause and unpause', async () => {
        const n = name();
        ok(await pm.run(['run', '-d', '--network', 'none', '--name', n, IMAGE, 'sleep', '1000']));
        ok(await pm.run(['pause', n]));
        expect(ok(await pm.run(['inspect', '--format', '{{.State.Status}}', n])).stdout.trim()).toBe('paused');
        ok(await pm.run(['unpause', n]));
        expect(ok(await pm.run(['inspect', '--format', '{{.State.Status}}', n])).stdout.trim()).toBe('running');
        ok(await pm.run(['rm', '-f', '--time', '0', n]));
      });
    } else {
      it.skip('pause and unpause [SKIPPED: rootless podman on this cgroup v1 host has no freezer cgroup]', () => {});
    }

    it('kill (SIGKILL → exit 137), and rm -f of a running container', async () => {
      const a = name();
      const b = name();
      ok(await pm.run(['run', '-d', '--network', 'none', '--name', a, IMAGE, 'sleep', '1000']));
      ok(await pm.run(['run', '-d', '--network', 'none', '--name', b, IMAGE, 'sleep', '1000']));
      ok(await pm.run(['kill', a]));
      ok(await pm.run(['wait', a]));
      expect(ok(await pm.run(['inspect', '--format', '{{.State.Status}} {{.State.ExitCode}}', a])).stdout.trim()).toBe('exited 137');
      ok(await pm.run(['rm', '-f', '--time', '0', b]));
      ok(await pm.run(['rm', a]));
      expect(ok(await pm.run(['ps', '-a', '-q', '--filter', `name=${a}`, '--filter', `name=${b}`])).stdout.trim()).toBe('');
    });

    it('records the calls podman and conmon make: every one succeeds (start, kill and delete come without HOME)', async () => {
      const log = join(pm.dir, `calls-${++seq}.log`);
      writeFileSync(log, '');
      if (isRoot) chownSync(log, runnerOf(mode).uid, runnerOf(mode).gid);
      const runtime = recordingRuntime(pm.dir, log);
      const n = name();
      ok(await pm.run(['run', '-d', '--network', 'none', '--name', n, IMAGE, 'sleep', '1000'], { runtime }));
      ok(await pm.run(['exec', n, 'true'], { runtime }));
      ok(await pm.run(['exec', '-t', n, 'true'], { runtime }));
      ok(await pm.run(['rm', '-f', '--time', '0', n], { runtime }));
      const calls = readFileSync(log, 'utf8').trim().split('\n').map((l) => l.split('\t'));
      const verbs = calls.map(([, , , argv]) => argv.split(' ').find((w) => ['create', 'start', 'exec', 'kill', 'delete', 'state'].includes(w)));
      const short = (argv: string) => argv.replaceAll(pm.dir, '<dir>').replace(/[0-9a-f]{64}/g, '<id>');
      console.log(`podman ${mode} → tsrun calls:\n${calls.map((c) => `  rc=${c[0]} ${c[1] || 'no-PATH'} ${c[2] || 'no-HOME'} ${short(c[3])}`).join('\n')}`);
      expect(calls.filter(([rc]) => rc !== '0'), 'failed calls').toEqual([]);
      for (const verb of ['create', 'start', 'exec', 'kill', 'delete']) expect(verbs, verb).toContain(verb);
      expect(calls.find(([, , , argv]) => argv.includes(' create '))?.[3]).toMatch(/^--log-format=json --log \S+ create --bundle \S+ --pid-file \S+/);
    });
  });
}
