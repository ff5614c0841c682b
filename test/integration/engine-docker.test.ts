// Docker (Debian's docker.io 20.10: dockerd, its managed containerd 1.6 and the runc v2 shim)
// with tsrun as a `runtimes` entry of daemon.json, against a private daemon (test/helpers/
// docker.ts). Every scenario runs with `--runtime runc` and `--runtime tsrun` in the same test
// and the two must agree: runc is the oracle. Nothing tsrun prints may reach a container's
// output, so every result of ours is checked for "tsrun".
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Docker, DOCKER_IMAGE as IMG, type DockerResult, startDocker } from '../helpers/docker.js';
import { isRoot, type Mode, MODES, poll, ROOT_SKIP_REASON } from '../helpers/host.js';
import { hasCommand } from '../helpers/podman.js';
import { removeSandbox } from '../helpers/sandbox.js';

const RUNTIMES = ['runc', 'tsrun'] as const;
type Runtime = (typeof RUNTIMES)[number];
const NO_DOCKER = hasCommand('dockerd') ? '' : 'SKIPPED: dockerd is not installed (.ci/run installs docker.io)';
const NO_ROOTLESSKIT = hasCommand('rootlesskit') ? '' : 'SKIPPED: rootlesskit is not installed (.ci/run installs it)';
/** Rootless dockerd runs as the tier's user under rootlesskit, started by root: the suite must be root. */
const skipOf = (mode: Mode) => NO_DOCKER || (isRoot ? '' : mode === 'root' ? ROOT_SKIP_REASON : 'SKIPPED: the rootless daemon is started by root as tsrun-test; run the suite as root') || (mode === 'rootless' ? NO_ROOTLESSKIT : '');
const CGROUP_SKIP = 'SKIPPED rootless: rootless dockerd on this cgroup v1 host has no cgroup to put limits in (Docker refuses them)';
const show = (r: DockerResult) => `exit ${r.exitCode}\n--- stdout:\n${r.stdout}\n--- stderr:\n${r.stderr}`;
const lines = (s: string) => s.replace(/\r/g, '').trim().split('\n');

afterAll(() => removeSandbox());

for (const mode of MODES) {
  const skip = skipOf(mode);
  const rootOnly = (title: string) => (mode === 'root' ? title : `${title} [${CGROUP_SKIP}]`);
  const itCg = mode === 'root' ? it : it.skip;
  describe.skipIf(!!skip)(`docker ${mode === 'root' ? 'as root' : 'rootless (rootlesskit)'}${skip ? ` — ${skip}` : ''}`, () => {
    let dk: Docker;
    let seq = 0;
    const name = (rt: Runtime) => `tsrun-itest-${mode}-${rt}-${process.pid}-${++seq}`;
    beforeAll(async () => {
      dk = await startDocker(mode);
    }, 120_000);
    afterAll(async () => dk?.stop(), 90_000);

    const ok = (r: DockerResult) => {
      expect(r.exitCode, show(r)).toBe(0);
      return r;
    };
    /** No line of tsrun's may be in what the container printed (the client's own output). */
    const clean = (r: DockerResult) => {
      expect(`${r.stdout}\n${r.stderr}`, 'tsrun wrote to the container output').not.toMatch(/tsrun/i);
      return r;
    };

    /** `docker run --rm --runtime R <args>` for runc and tsrun: exit status and stdout must agree. */
    async function both(args: string[], opts: { input?: string } = {}): Promise<DockerResult> {
      const [runc, ours] = [await dk.run(['run', '--rm', '--runtime', 'runc', ...args], opts), await dk.run(['run', '--rm', '--runtime', 'tsrun', ...args], opts)];
      clean(ours);
      expect([ours.exitCode, ours.stdout], `tsrun:\n${show(ours)}\nrunc:\n${show(runc)}`).toEqual([runc.exitCode, runc.stdout]);
      return ours;
    }
    /** A scenario run once per runtime, giving comparable values: tsrun's must equal runc's. */
    async function each<T>(scenario: (rt: Runtime) => Promise<T>): Promise<T> {
      const runc = await scenario('runc');
      const ours = await scenario('tsrun');
      expect(ours, 'tsrun vs runc').toEqual(runc);
      return ours;
    }

    it('the default run: `docker run --runtime tsrun --rm busybox echo hi`', async () => {
      expect(ok(await both([IMG, 'echo', 'hi'])).stdout).toBe('hi');
    });

    it('run --rm: stdout, stderr and the exit status of the process', async () => {
      const r = await both([IMG, 'sh', '-c', 'echo out; echo err >&2; exit 3']);
      expect([r.exitCode, r.stdout, r.stderr]).toEqual([3, 'out', 'err']);
    });

    it('a missing program exits 127; a killed one 128+signal (under --init: pid 1 ignores its own SIGKILL)', async () => {
      expect((await both([IMG, 'no-such-program'])).exitCode).toBe(127);
      expect((await both(['--init', IMG, 'sh', '-c', 'kill -KILL $$'])).exitCode).toBe(137);
    });

    it('-i (stdin reaches the process) and -t (a terminal)', async () => {
      expect(ok(await both(['-i', IMG, 'sh', '-c', 'cat; echo .'], { input: 'from-stdin\n' })).stdout).toBe('from-stdin\n.');
      const t = ok(await both(['-t', IMG, 'sh', '-c', 'test -t 0 && test -t 1 && test -t 2 && echo tty']));
      expect(lines(t.stdout)).toEqual(['tty']);
    });

    // The tmpfs is on a path the image does not have: on an existing directory runc 1.1 chmods
    // the tmpfs to that directory's mode, overriding mode= (rootfs_linux.go mountToRootfs).
    it('--user, --hostname, -e, -w, --read-only with --tmpfs', async () => {
      const script = 'id -u; id -g; hostname; echo "$FOO"; pwd; touch /x 2>/dev/null || echo root-ro; touch /scratch/t && echo tmpfs-rw; grep " /scratch " /proc/mounts | cut -d" " -f3';
      const r = ok(await both(['--user', '1000:1000', '--hostname', 'dk-test', '-e', 'FOO=bar', '-w', '/tmp', '--read-only', '--tmpfs', '/scratch:mode=1777', IMG, 'sh', '-c', script]));
      expect(lines(r.stdout)).toEqual(['1000', '1000', 'dk-test', 'bar', '/tmp', 'root-ro', 'tmpfs-rw', 'tmpfs']);
    });

    it('-v: a bind mount (ro) and a named volume kept between containers', async () => {
      const host = join(dk.dir, 'bind');
      mkdirSync(host, { recursive: true });
      writeFileSync(join(host, 'f'), 'from-host\n');
      await each(async (rt) => {
        const vol = `vol-${rt}-${process.pid}`;
        const w = ok(await dk.run(['run', '--rm', '--runtime', rt, '-v', `${host}:/b:ro`, '-v', `${vol}:/data`, IMG, 'sh', '-c', 'cat /b/f; touch /b/g 2>/dev/null || echo bind-ro; echo kept > /data/k']));
        const r = ok(await dk.run(['run', '--rm', '--runtime', rt, '-v', `${vol}:/data`, IMG, 'cat', '/data/k']));
        ok(await dk.run(['volume', 'rm', vol]));
        return [clean(w).stdout, clean(r).stdout];
      });
    });

    // Rootless dockerd binds a device from its container path on the host (runc and tsrun alike), so there the path stays /dev/zero.
    it('--shm-size, --ulimit, --sysctl, --device', async () => {
      const dev = mode === 'root' ? '/dev/z' : '/dev/zero';
      const script = `grep " /dev/shm " /proc/mounts | grep -o "size=[0-9a-z]*"; ulimit -n; cat /proc/sys/net/core/somaxconn; head -c 3 ${dev} | od -An -tx1`;
      const r = ok(await both(['--shm-size', '32m', '--ulimit', 'nofile=1024:2048', '--sysctl', 'net.core.somaxconn=1000', '--device', `/dev/zero:${dev}`, IMG, 'sh', '-c', script]));
      expect(lines(r.stdout).map((l) => l.trim())).toEqual(['size=32768k', '1024', '1000', '00 00 00']);
    });

    itCg(rootOnly('--memory, --pids-limit, --cpus reach the container cgroup (v1 paths on this host)'), async () => {
      const script = 'cat /sys/fs/cgroup/memory/memory.limit_in_bytes /sys/fs/cgroup/pids/pids.max /sys/fs/cgroup/cpu/cpu.cfs_quota_us 2>/dev/null || cat /sys/fs/cgroup/memory.max /sys/fs/cgroup/pids.max /sys/fs/cgroup/cpu.max';
      const r = ok(await both(['--memory', '64m', '--pids-limit', '50', '--cpus', '0.5', IMG, 'sh', '-c', script]));
      expect(r.stdout).toMatch(/^67108864\n50\n(50000|50000 100000)$/);
    });

    itCg(rootOnly('--memory with a process that overruns it: OOM-killed, exit 137, State.OOMKilled'), async () => {
      await each(async (rt) => {
        const n = name(rt);
        const r = await dk.run(['run', '--runtime', rt, '--name', n, '--memory', '16m', '--memory-swap', '16m', IMG, 'sh', '-c', 'head -c 200m /dev/zero | tail']);
        const st = ok(await dk.run(['inspect', '--format', '{{.State.ExitCode}} {{.State.OOMKilled}}', n]));
        ok(await dk.run(['rm', n]));
        return [r.exitCode, st.stdout.trim()];
      });
    });

    it('--cap-drop ALL --cap-add, --security-opt no-new-privileges', async () => {
      const caps = 'grep -E "^Cap(Eff|Bnd)|^NoNewPrivs" /proc/self/status';
      const a = ok(await both(['--cap-drop', 'ALL', '--cap-add', 'NET_BIND_SERVICE', '--cap-add', 'CHOWN', '--security-opt', 'no-new-privileges', IMG, 'sh', '-c', caps]));
      expect(lines(a.stdout)).toEqual(['CapEff:\t0000000000000401', 'CapBnd:\t0000000000000401', 'NoNewPrivs:\t1']);
    });

    // Docker's --privileged asks for every capability it knows: where the daemon's own bounding
    // set lacks one (this machine's has no CAP_SYS_RESOURCE), runc's create fails (exit 125) and
    // so must tsrun's, before the process starts, rather than the container's first output.
    it('--privileged: every device, every capability the daemon has; create fails as runc\'s does where it has not all', async () => {
      const r = await both(['--privileged', IMG, 'sh', '-c', 'grep -E "^Cap(Eff|Bnd)" /proc/self/status; ls /dev | grep -c .']);
      // Rootless dockerd binds only the host devices its user may open (14 here): the count is for root.
      if (r.exitCode === 0 && mode === 'root') expect(Number(lines(r.stdout)[2]), 'every host device').toBeGreaterThan(15);
      if (mode === 'rootless') expect(r.exitCode, show(r)).toBe(0);
      else expect(r.exitCode, show(r)).toBe(125);
    });

    // Rootless: under rootlesskit --net=host dockerd may not join the host's netns (netlink EPERM),
    // and proc of the host's pid namespace cannot be mounted from a user namespace (runc alike).
    it(`--network none${mode === 'root' ? ' and host, --pid host' : ''}, --ipc shareable and container:, --init${mode === 'root' ? '' : ' [--network host, --pid host SKIPPED rootless: see the comment]'}`, async () => {
      const none = ok(await both(['--network', 'none', IMG, 'sh', '-c', 'cat /proc/net/dev | tail -n +3 | cut -d: -f1 | tr -d " "']));
      expect(none.stdout).toBe('lo');
      if (mode === 'root') {
        const host = ok(await both(['--network', 'host', IMG, 'sh', '-c', 'cat /proc/net/dev | wc -l; hostname']));
        expect(lines(host.stdout)[1]).toBe(readFileSync('/proc/sys/kernel/hostname', 'utf8').trim());
        expect(ok(await both(['--pid', 'host', IMG, 'sh', '-c', 'test -d /proc/1 && test "$$" != 1 && echo host-pids'])).stdout).toBe('host-pids');
      }
      expect(ok(await both(['--init', IMG, 'cat', '/proc/1/comm'])).stdout).toBe('docker-init');
      await each(async (rt) => {
        const n = name(rt);
        ok(await dk.run(['run', '-d', '--runtime', rt, '--name', n, '--ipc', 'shareable', IMG, 'sleep', '1000']));
        const theirs = ok(await dk.run(['exec', n, 'readlink', '/proc/self/ns/ipc'])).stdout;
        const joined = ok(await dk.run(['run', '--rm', '--runtime', rt, '--ipc', `container:${n}`, IMG, 'readlink', '/proc/self/ns/ipc'])).stdout;
        ok(await dk.run(['rm', '-f', n]));
        return joined === theirs;
      });
    });

    it(`-d, then exec (output, exit status, -t), logs, cp${mode === 'root' ? ', top, stats, update, pause/unpause' : ` [top, stats, update, pause/unpause ${CGROUP_SKIP}]`}`, async () => {
      const src = join(dk.dir, 'cp-in');
      writeFileSync(src, 'copied-in\n');
      await each(async (rt) => {
        const n = name(rt);
        const seen: unknown[] = [];
        ok(await dk.run(['run', '-d', '--runtime', rt, '--name', n, ...(mode === 'root' ? ['--memory', '64m'] : []), IMG, 'sh', '-c', 'trap "echo bye; exit 0" TERM; echo started; sleep 1000 & wait']));
        const e = clean(await dk.run(['exec', n, 'sh', '-c', 'cat /proc/1/cmdline | tr "\\0" " "; echo; echo err >&2; exit 4']));
        seen.push(e.exitCode, e.stdout, e.stderr);
        seen.push(clean(ok(await dk.run(['exec', '-t', n, 'sh', '-c', 'test -t 1 && echo tty']))).stdout.trim());
        seen.push(clean(ok(await dk.run(['exec', '-u', '1000', '-w', '/tmp', '-e', 'X=1', n, 'sh', '-c', 'id -u; pwd; echo $X']))).stdout);
        expect(await poll(async () => (await dk.run(['logs', n])).stdout.includes('started'), 10_000, 200)).toBe(true);
        seen.push(ok(await dk.run(['logs', n])).stdout);
        // docker top is the runtime's `ps`, which reads the cgroup: none rootless here (runc fails alike).
        if (mode === 'root') seen.push(ok(await dk.run(['top', n])).stdout.includes('sleep 1000'));
        ok(await dk.run(['cp', src, `${n}:/tmp/in`]));
        seen.push(ok(await dk.run(['exec', n, 'cat', '/tmp/in'])).stdout);
        ok(await dk.run(['exec', n, 'sh', '-c', 'echo made-inside > /tmp/out']));
        ok(await dk.run(['cp', `${n}:/tmp/out`, join(dk.dir, `cp-out-${rt}`)]));
        seen.push(readFileSync(join(dk.dir, `cp-out-${rt}`), 'utf8'));
        if (mode === 'rootless') {
          ok(await dk.run(['rm', '-f', n]));
          return seen;
        }
        const stats = ok(await dk.run(['stats', '--no-stream', '--format', '{{.MemUsage}}|{{.PIDs}}', n])).stdout.trim();
        seen.push(/ \/ 64MiB\|[1-9]/.test(stats) || stats);
        ok(await dk.run(['update', '--memory', '96m', '--memory-swap', '128m', '--pids-limit', '40', n]));
        seen.push(ok(await dk.run(['exec', n, 'cat', '/sys/fs/cgroup/memory/memory.limit_in_bytes', '/sys/fs/cgroup/pids/pids.max'])).stdout);
        ok(await dk.run(['pause', n]));
        seen.push(ok(await dk.run(['inspect', '--format', '{{.State.Status}}', n])).stdout.trim());
        ok(await dk.run(['unpause', n]));
        seen.push(ok(await dk.run(['inspect', '--format', '{{.State.Status}}', n])).stdout.trim());
        ok(await dk.run(['rm', '-f', n]));
        return seen;
      });
    });

    it('stop (SIGTERM reaches the trap: exit 0), restart, kill (exit 137), rm -f of a running container', async () => {
      await each(async (rt) => {
        const n = name(rt);
        const seen: unknown[] = [];
        ok(await dk.run(['run', '-d', '--runtime', rt, '--name', n, IMG, 'sh', '-c', 'trap "echo bye; exit 0" TERM; echo started; sleep 1000 & wait']));
        ok(await dk.run(['stop', '-t', '10', n]));
        seen.push(ok(await dk.run(['inspect', '--format', '{{.State.Status}} {{.State.ExitCode}}', n])).stdout.trim());
        seen.push(ok(await dk.run(['logs', n])).stdout);
        ok(await dk.run(['restart', '-t', '10', n]));
        seen.push(ok(await dk.run(['inspect', '--format', '{{.State.Status}} {{.RestartCount}}', n])).stdout.trim());
        seen.push(clean(ok(await dk.run(['exec', n, 'echo', 'again']))).stdout);
        ok(await dk.run(['kill', n]));
        await dk.run(['wait', n]);
        seen.push(ok(await dk.run(['inspect', '--format', '{{.State.Status}} {{.State.ExitCode}}', n])).stdout.trim());
        ok(await dk.run(['start', n]));
        ok(await dk.run(['rm', '-f', n]));
        seen.push(ok(await dk.run(['ps', '-aq', '--filter', `name=${n}`])).stdout);
        return seen;
      });
    });

    itCg(mode === 'root' ? '--pid host: stop and rm of such a container (the shim kills every process of its cgroup: kill --all)' : '--pid host [SKIPPED rootless: proc of the host pid namespace cannot be mounted from a user namespace]', async () => {
      await each(async (rt) => {
        const n = name(rt);
        ok(await dk.run(['run', '-d', '--runtime', rt, '--pid', 'host', '--name', n, IMG, 'sh', '-c', 'sleep 1000 & sleep 1000']));
        ok(await dk.run(['stop', '-t', '1', n]));
        const st = ok(await dk.run(['inspect', '--format', '{{.State.Status}} {{.State.ExitCode}}', n])).stdout.trim();
        ok(await dk.run(['rm', n]));
        return st;
      });
      expect(dk.log().match(/.*failed to kill init's children.*/g) ?? [], 'dockerd log').toEqual([]);
    });

    it('--health-cmd: the health check (an exec) makes the container healthy', async () => {
      await each(async (rt) => {
        const n = name(rt);
        ok(await dk.run(['run', '-d', '--runtime', rt, '--name', n, '--health-cmd', 'test -e /tmp/ok', '--health-interval', '1s', '--health-retries', '1', IMG, 'sh', '-c', 'touch /tmp/ok; sleep 1000']));
        const health = await poll(async () => {
          const s = (await dk.run(['inspect', '--format', '{{.State.Health.Status}}', n])).stdout.trim();
          return s === 'healthy' ? s : '';
        }, 30_000, 500);
        ok(await dk.run(['rm', '-f', n]));
        return health;
      });
    });
  });
}
