// A private containerd for the tests: its own config, root, state and sockets under the test
// sandbox (no CRI plugin), started by the test and stopped by its pid; and a busybox image
// built here as an OCI image layout tarball (one uncompressed layer: the test rootfs) for
// `ctr image import`. Containers run through the runc v2 shim with --runc-binary.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa, type ResultPromise } from 'execa';
import { mountsUnder, poll } from './host.js';
import { removeEmptyCgroupDir } from './leftovers.js';
import { testRootfs } from './rootfs.js';
import { sandbox } from './sandbox.js';

export const CTR_IMAGE = 'localhost/tsrun-busybox:test';

export interface CtrResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

export interface Containerd {
  dir: string;
  namespace: string;
  /** ctr against this containerd and namespace. */
  ctr(args: string[]): Promise<CtrResult>;
  stop(): Promise<void>;
}

function blob(dir: string, data: Buffer): { digest: string; size: number } {
  const hex = createHash('sha256').update(data).digest('hex');
  writeFileSync(join(dir, 'blobs', 'sha256', hex), data);
  return { digest: `sha256:${hex}`, size: data.length };
}

/** image-layout.md: oci-layout, index.json and the blobs of one manifest, tarred. */
export function ociImageTar(dir: string, name = CTR_IMAGE, cmd: string[] = ['sh']): string {
  const layout = join(dir, 'layout');
  rmSync(layout, { recursive: true, force: true });
  mkdirSync(join(layout, 'blobs', 'sha256'), { recursive: true });
  const layerTar = join(dir, 'layer.tar');
  execFileSync('tar', ['-C', testRootfs(), '-cf', layerTar, '.']);
  const layer = blob(layout, readFileSync(layerTar));
  const config = Buffer.from(JSON.stringify({ architecture: process.arch === 'arm64' ? 'arm64' : 'amd64', os: 'linux', config: { Cmd: cmd, Env: ['PATH=/usr/sbin:/usr/bin:/sbin:/bin'] }, rootfs: { type: 'layers', diff_ids: [layer.digest] } }));
  const cfg = blob(layout, config);
  const manifest = Buffer.from(JSON.stringify({
    schemaVersion: 2,
    mediaType: 'application/vnd.oci.image.manifest.v1+json',
    config: { mediaType: 'application/vnd.oci.image.config.v1+json', ...cfg },
    layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar', ...layer }],
  }));
  const man = blob(layout, manifest);
  const annotations = { 'io.containerd.image.name': name, 'org.opencontainers.image.ref.name': name.split(':').pop()! };
  writeFileSync(join(layout, 'index.json'), JSON.stringify({ schemaVersion: 2, manifests: [{ mediaType: 'application/vnd.oci.image.manifest.v1+json', ...man, annotations }] }));
  writeFileSync(join(layout, 'oci-layout'), JSON.stringify({ imageLayoutVersion: '1.0.0' }));
  const tar = join(dir, `image-${createHash('sha256').update(name).digest('hex').slice(0, 8)}.tar`);
  execFileSync('tar', ['-C', layout, '-cf', tar, '.']);
  return tar;
}

/** With `cri`: its CRI plugin on, images in the k8s.io namespace, each handler a runc v2 shim with BinaryName. */
export interface CriOptions {
  handlers: Record<string, string>;
  sandboxImage: string;
  /** The shim's `SystemdCgroup = true` for every handler: --systemd-cgroup, pods in systemd slices. */
  systemdCgroup?: boolean;
}

function criConfig(dir: string, cri: CriOptions): string[] {
  const p = 'plugins."io.containerd.grpc.v1.cri"';
  return [
    `[${p}]`,
    `  sandbox_image = "${cri.sandboxImage}"`,
    '  stream_server_address = "127.0.0.1"',
    '  stream_server_port = "0"',
    // The sandbox's oom_score_adj -998 needs CAP_SYS_RESOURCE, which this machine's root has not: keep it >= containerd's.
    '  restrict_oom_score_adj = true',
    `[${p}.cni]`,
    '  bin_dir = "/usr/lib/cni"',
    `  conf_dir = "${join(dir, 'cni')}"`,
    `[${p}.containerd]`,
    '  snapshotter = "native"',
    '  default_runtime_name = "runc"',
    ...Object.entries(cri.handlers).flatMap(([name, binary]) => [
      `[${p}.containerd.runtimes.${name}]`,
      '  runtime_type = "io.containerd.runc.v2"',
      `[${p}.containerd.runtimes.${name}.options]`,
      `  BinaryName = "${binary}"`,
      ...(cri.systemdCgroup ? ['  SystemdCgroup = true'] : []),
    ]),
  ];
}

/** The config.toml of a private containerd in `dir` (its root, state and sockets there). */
export function containerdConfig(dir: string, opts: { cri?: CriOptions } = {}): string {
  const sock = join(dir, 'c.sock');
  const plugins = [...(opts.cri ? [] : ['cri']), 'snapshotter.v1.btrfs', 'snapshotter.v1.zfs', 'snapshotter.v1.devmapper', 'snapshotter.v1.aufs'];
  return [
    'version = 2',
    `root = "${join(dir, 'root')}"`,
    `state = "${join(dir, 'state')}"`,
    `disabled_plugins = [${plugins.map((p) => `"io.containerd.${p.startsWith('cri') ? 'grpc.v1.cri' : p}"`).join(', ')}]`,
    '[grpc]',
    `  address = "${sock}"`,
    '[ttrpc]',
    `  address = "${sock}.ttrpc"`,
    '[debug]',
    '  address = ""',
    '[metrics]',
    '  address = ""',
    ...(opts.cri ? criConfig(dir, opts.cri) : []),
    '',
  ].join('\n');
}

export async function startContainerd(opts: { cri?: CriOptions } = {}): Promise<Containerd> {
  const dir = join(sandbox(), opts.cri ? 'containerd-cri' : 'containerd');
  mkdirSync(dir, { recursive: true });
  const sock = join(dir, 'c.sock');
  writeFileSync(join(dir, 'config.toml'), containerdConfig(dir, opts));
  const daemon: ResultPromise = execa('containerd', ['--config', join(dir, 'config.toml')], { reject: false, stdin: 'ignore', stdout: 'ignore', stderr: { file: join(dir, 'containerd.log') } });
  if (!(await poll(() => existsSync(sock), 15_000, 50))) {
    daemon.kill('SIGKILL');
    throw new Error(`containerd did not start: ${readFileSync(join(dir, 'containerd.log'), 'utf8').slice(-2000)}`);
  }
  const namespace = opts.cri ? 'k8s.io' : `tsrun-itest-${process.pid}`;
  const ctr = async (args: string[]): Promise<CtrResult> => {
    const r = await execa('ctr', ['--address', sock, '--namespace', namespace, ...args], { reject: false, stdin: 'ignore', timeout: 60_000 });
    return { exitCode: r.exitCode ?? -1, stdout: String(r.stdout), stderr: String(r.stderr) };
  };
  const imported = await ctr(['image', 'import', '--snapshotter', 'native', ociImageTar(dir)]);
  if (imported.exitCode !== 0) throw new Error(`ctr image import: ${imported.stderr}`);
  if (opts.cri) {
    // The pod's pause process: sleeps until the CRI kills the sandbox task.
    const pause = await ctr(['image', 'import', '--snapshotter', 'native', ociImageTar(dir, opts.cri.sandboxImage, ['sleep', '1000000'])]);
    if (pause.exitCode !== 0) throw new Error(`ctr image import (pause): ${pause.stderr}`);
  }
  return {
    dir,
    namespace,
    ctr,
    async stop() {
      const tasks = await ctr(['task', 'ls', '-q']);
      for (const id of tasks.stdout.split('\n').filter(Boolean)) {
        await ctr(['task', 'kill', '-s', 'SIGKILL', id]);
        await ctr(['task', 'delete', '--force', id]);
      }
      const containers = await ctr(['container', 'ls', '-q']);
      for (const id of containers.stdout.split('\n').filter(Boolean)) await ctr(['container', 'delete', id]);
      daemon.kill('SIGTERM');
      await Promise.race([daemon, new Promise((r) => setTimeout(r, 10_000))]);
      if (daemon.exitCode === null) daemon.kill('SIGKILL');
      await daemon;
      // A pod whose teardown failed keeps its /dev/shm mount (CRI state dir): not ours to leave.
      for (const m of mountsUnder(dir).reverse()) execFileSync('umount', ['-l', m]);
      // containerd's cgroups are /<namespace>/<id>: the namespace's parent is left to us.
      if (!opts.cri) removeEmptyCgroupDir(`/${namespace}`);
      // The shim keeps runc's state root per namespace outside our directories; empty now.
      try {
        rmdirSync(`/run/containerd/runc/${namespace}`);
      } catch {
        /* never made, or not empty: left for a look */
      }
    },
  };
}
