// Podman driven with tsrun as its OCI runtime, in a private world under the test sandbox:
// its own containers.conf (cgroupfs, file events, runtime_supports_json naming tsrun so that
// podman passes --log-format=json --log), storage root and runroot (vfs), and for the
// rootless tier an XDG_RUNTIME_DIR of its own. The image is the test rootfs, imported.
import { execFileSync } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { isRoot, type Mode, runnerOf, tsrunJs } from './host.js';
import { testRootfs } from './rootfs.js';
import { sandbox } from './sandbox.js';

export const IMAGE = 'localhost/tsrun-busybox:test';

export function hasCommand(name: string): boolean {
  try {
    execFileSync('sh', ['-c', `command -v ${name}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

export interface PodmanResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

export interface Podman {
  mode: Mode;
  dir: string;
  /** podman with this world's flags and `--runtime <runtime>` (default: dist/tsrun.js). */
  run(args: string[], opts?: { runtime?: string; input?: string }): Promise<PodmanResult>;
  /** buildah on the same storage (so podman runs what it commits), environment and user; the runtime is the caller's flag. */
  buildah(args: string[], opts?: { cwd?: string }): Promise<PodmanResult>;
  /** Removes every container and ends what rootless podman leaves running (its pause process). */
  cleanup(): Promise<void>;
}

function own(path: string, mode: Mode, perm = 0o755): string {
  mkdirSync(path, { recursive: true, mode: perm });
  chmodSync(path, perm);
  const { uid, gid } = runnerOf(mode);
  if (isRoot) chownSync(path, uid, gid);
  return path;
}

/** Sets up the world of one tier and imports the image. */
export async function makePodman(mode: Mode): Promise<Podman> {
  const dir = own(join(sandbox(), `podman-${mode}`), mode);
  const xdg = own(join(dir, 'xdg'), mode, 0o700);
  own(join(dir, 'tmp'), mode);
  const conf = join(dir, 'containers.conf');
  // Root podman's default nofile limit (1048576) is above what this host lets even root set.
  writeFileSync(
    conf,
    [
      '[containers]',
      mode === 'root' ? 'default_ulimits = ["nofile=20000:20000", "nproc=32768:32768"]' : 'default_ulimits = []',
      '[engine]',
      'cgroup_manager = "cgroupfs"',
      'events_logger = "file"',
      `events_logfile_path = "${join(dir, 'events.log')}"`,
      'runtime_supports_json = ["crun", "runc", "tsrun", "tsrun.js", "record-runtime"]',
      `tmp_dir = "${join(dir, 'tmp')}"`,
      `volume_path = "${join(dir, 'volumes')}"`,
      `static_dir = "${join(dir, 'libpod')}"`,
      '',
    ].join('\n'),
  );
  const who = runnerOf(mode);
  const env: Record<string, string> = {
    PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
    HOME: who.home,
    USER: who.name,
    CONTAINERS_CONF: conf,
    XDG_RUNTIME_DIR: xdg,
  };
  const flags = ['--root', join(dir, 'storage'), '--runroot', join(dir, 'run'), '--storage-driver', 'vfs', '--cgroup-manager', 'cgroupfs', '--events-backend', 'file'];
  const argvOf = (args: string[]) => {
    const argv = ['podman', ...flags, ...args];
    return mode === 'rootless' && isRoot ? ['setpriv', `--reuid=${who.uid}`, `--regid=${who.gid}`, '--init-groups', '--', ...argv] : argv;
  };
  const podman = async (args: string[], opts: { runtime?: string; input?: string } = {}): Promise<PodmanResult> => {
    const [file, ...argv] = argvOf(['--runtime', opts.runtime ?? tsrunJs, ...args]);
    const r = await execa(file!, argv, { reject: false, env, extendEnv: false, cwd: dir, timeout: 60_000, input: opts.input, stdin: opts.input === undefined ? 'ignore' : undefined });
    return { exitCode: r.exitCode ?? -1, stdout: String(r.stdout), stderr: String(r.stderr) };
  };
  const buildah = async (args: string[], opts: { cwd?: string } = {}): Promise<PodmanResult> => {
    const argv = ['buildah', '--root', join(dir, 'storage'), '--runroot', join(dir, 'run'), '--storage-driver', 'vfs', ...args];
    const [file, ...rest] = mode === 'rootless' && isRoot ? ['setpriv', `--reuid=${who.uid}`, `--regid=${who.gid}`, '--init-groups', '--', ...argv] : argv;
    const r = await execa(file!, rest, { reject: false, env, extendEnv: false, cwd: opts.cwd ?? dir, timeout: 120_000, stdin: 'ignore' });
    return { exitCode: r.exitCode ?? -1, stdout: String(r.stdout), stderr: String(r.stderr) };
  };
  const tar = join(dir, 'rootfs.tar');
  if (!existsSync(tar)) execFileSync('tar', ['-C', testRootfs(), '-cf', tar, '.']);
  chmodSync(tar, 0o644);
  const imported = await podman(['import', tar, IMAGE]);
  if (imported.exitCode !== 0) throw new Error(`podman import failed: ${imported.stderr}`);
  return {
    mode,
    dir,
    run: podman,
    buildah,
    async cleanup() {
      await podman(['rm', '--all', '--force', '--time', '0']);
      await buildah(['rm', '--all']);
      // Rootless podman keeps a pause process holding its user namespace: end it by its pid.
      for (const pidFile of [join(dir, 'tmp', 'pause.pid'), join(xdg, 'libpod', 'tmp', 'pause.pid')]) {
        if (!existsSync(pidFile)) continue;
        const pid = Number(readFileSync(pidFile, 'utf8'));
        if (pid > 1) {
          try {
            process.kill(pid, 'SIGKILL');
          } catch {
            /* gone */
          }
        }
      }
    },
  };
}

/**
 * A runtime that records each call (argv and whether PATH and HOME were set) to `log` with
 * its exit status, then runs tsrun: what podman and conmon send, seen from the runtime.
 */
export function recordingRuntime(dir: string, log: string): string {
  const path = join(dir, 'record-runtime');
  writeFileSync(
    path,
    [
      '#!/bin/sh',
      `"${tsrunJs}" "$@"`,
      'rc=$?',
      `printf '%s\\t%s\\t%s\\t%s\\n' "$rc" "\${PATH+path}" "\${HOME+home}" "$*" >> "${log}"`,
      'exit $rc',
      '',
    ].join('\n'),
    { mode: 0o755 },
  );
  chmodSync(path, 0o755);
  return path;
}
