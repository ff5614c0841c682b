// A private dockerd for the tests (Debian's docker.io 20.10): its own daemon.json, data-root,
// exec-root, unix socket and pidfile under the test sandbox, no iptables and no bridge, and
// its own managed containerd (under the exec-root). daemon.json's `runtimes` names tsrun
// (dist/tsrun.js) next to the built-in runc, and any extra runtimes a test asks for (the
// recording runtime of the engine-config corpus). The image is the test rootfs, `docker import`ed.
// Rootless: the same dockerd as the tier's user under rootlesskit (Debian's; the child part of
// docker.io's dockerd-rootless.sh, with --net=host: slirp4netns cannot open this machine's
// /dev/net/tun, 0600 root), cgroupfs driver; the client (root) talks to its socket.
import { execFileSync } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa, type ResultPromise } from 'execa';
import { isRoot, type Mode, mountsUnder, poll, runnerOf, tsrunJs } from './host.js';
import { testRootfs } from './rootfs.js';
import { sandbox } from './sandbox.js';

export const DOCKER_IMAGE = 'tsrun-busybox:test';
/** Debian's client (20.10, the daemon's own API); a newer client elsewhere on PATH also works. */
export const DOCKER_CLI = existsSync('/usr/bin/docker') ? '/usr/bin/docker' : 'docker';

export interface DockerResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

export interface Docker {
  dir: string;
  /** The docker client against this daemon. */
  run(args: string[], opts?: { input?: string; timeout?: number }): Promise<DockerResult>;
  /** The daemon's log so far (dockerd and its containerd). */
  log(): string;
  /** Removes every container, then stops dockerd (and with it its containerd) by its pid. */
  stop(): Promise<void>;
}

/** daemon.json for a private daemon under `dir` (the README's Engines section shows the same keys). */
export function daemonJson(dir: string, runtimes: Record<string, string>): object {
  return {
    runtimes: Object.fromEntries(Object.entries(runtimes).map(([name, path]) => [name, { path }])),
    'data-root': join(dir, 'data'),
    'exec-root': join(dir, 'exec'),
    pidfile: join(dir, 'docker.pid'),
    hosts: [`unix://${join(dir, 'docker.sock')}`],
    iptables: false,
    ip6tables: false,
    bridge: 'none',
    'storage-driver': 'vfs',
    'log-level': 'warn',
  };
}

function rootlessArgv(dir: string, conf: string): string[] {
  const who = runnerOf('rootless');
  const xdg = join(dir, 'xdg');
  mkdirSync(xdg, { recursive: true, mode: 0o700 });
  for (const d of [dir, xdg]) chownSync(d, who.uid, who.gid);
  chmodSync(dir, 0o755);
  const child = `rm -f /run/docker /run/containerd /run/xtables.lock; exec dockerd --config-file ${conf}`;
  const env = [`HOME=${dir}`, 'PATH=/usr/sbin:/usr/bin:/sbin:/bin', `XDG_RUNTIME_DIR=${xdg}`];
  const rk = ['rootlesskit', '--net=host', '--copy-up=/etc', '--copy-up=/run', '--propagation=rslave', `--state-dir=${join(xdg, 'rootlesskit')}`, 'sh', '-c', child];
  return ['setpriv', `--reuid=${who.uid}`, `--regid=${who.gid}`, '--init-groups', '--', 'env', '-i', ...env, ...rk];
}

export async function startDocker(mode: Mode = 'root', extraRuntimes: Record<string, string> = {}): Promise<Docker> {
  const dir = join(sandbox(), `docker-${mode}`);
  mkdirSync(dir, { recursive: true });
  const conf = join(dir, 'daemon.json');
  const json = { ...daemonJson(dir, { tsrun: tsrunJs, ...extraRuntimes }), ...(mode === 'rootless' ? { 'exec-opts': ['native.cgroupdriver=cgroupfs'] } : {}) };
  writeFileSync(conf, JSON.stringify(json, null, 2));
  const logFile = join(dir, 'dockerd.log');
  const [file, ...argv] = mode === 'rootless' && isRoot ? rootlessArgv(dir, conf) : ['dockerd', '--config-file', conf];
  const daemon: ResultPromise = execa(file!, argv, { reject: false, cwd: dir, stdin: 'ignore', stdout: 'ignore', stderr: { file: logFile } });
  const env = { PATH: process.env.PATH ?? '/usr/sbin:/usr/bin:/sbin:/bin', HOME: join(dir, 'home'), DOCKER_HOST: `unix://${join(dir, 'docker.sock')}`, DOCKER_CONFIG: join(dir, 'client') };
  const docker = async (args: string[], opts: { input?: string; timeout?: number } = {}): Promise<DockerResult> => {
    const r = await execa(DOCKER_CLI, args, { reject: false, env, extendEnv: false, timeout: opts.timeout ?? 90_000, input: opts.input, stdin: opts.input === undefined ? 'ignore' : undefined });
    return { exitCode: r.exitCode ?? -1, stdout: String(r.stdout), stderr: String(r.stderr) };
  };
  const log = () => (existsSync(logFile) ? readFileSync(logFile, 'utf8') : '');
  const up = await poll(async () => (await docker(['version', '--format', '{{.Server.Version}}'], { timeout: 5000 })).exitCode === 0, 30_000, 200);
  if (!up) {
    daemon.kill('SIGKILL');
    await daemon;
    throw new Error(`dockerd did not start: ${log().slice(-2000)}`);
  }
  const tar = join(dir, 'rootfs.tar');
  execFileSync('tar', ['-C', testRootfs(), '-cf', tar, '.']);
  const imported = await docker(['import', '--change', 'CMD ["sh"]', tar, DOCKER_IMAGE]);
  if (imported.exitCode !== 0) throw new Error(`docker import failed: ${imported.stderr}`);
  return {
    dir,
    run: docker,
    log,
    async stop() {
      const all = await docker(['ps', '-aq']);
      const ids = all.stdout.split('\n').filter(Boolean);
      if (ids.length > 0) await docker(['rm', '-f', ...ids]);
      await docker(['volume', 'prune', '-f']);
      // dockerd by its pidfile (under rootlesskit it is not our child); rootlesskit ends with it.
      const pidFile = join(dir, 'docker.pid');
      if (existsSync(pidFile)) process.kill(Number(readFileSync(pidFile, 'utf8')), 'SIGTERM');
      else daemon.kill('SIGTERM');
      await Promise.race([daemon, new Promise((r) => setTimeout(r, 20_000))]);
      if (daemon.exitCode === null) daemon.kill('SIGKILL');
      await daemon;
      // dockerd leaves the bind mount of the host's netns (exec-root/netns/default, made for
      // --network host) mounted after a clean shutdown: unmount what it left under our dir.
      for (const m of mountsUnder(dir).reverse()) execFileSync('umount', ['-l', m]);
    },
  };
}
