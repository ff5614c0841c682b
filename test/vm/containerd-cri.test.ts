// Kubernetes' path on a systemd host: containerd 1.6's CRI plugin with `SystemdCgroup = true`
// in the runc v2 shim's options of each RuntimeClass handler (BinaryName = the tsrun wrapper,
// or runc), driven through the CRI gRPC API as the kubelet drives it. The host cannot reach the
// guest's unix socket, so the CRI client runs in the guest (guest/cri-pod.mjs, the checkout's own
// @grpc/grpc-js and proto subset): a pod whose cgroup parent is a kubepods-...slice, a container
// with a memory limit, ExecSync, stop and remove, for both handlers in one node process.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { containerdConfig, CTR_IMAGE, ociImageTar } from '../helpers/containerd.js';
import { nodeBin, tsrunJs } from '../helpers/host.js';
import { describeVm, guest, q, vmBundle } from './guest.js';
import { vmDir } from './vm.js';

const D = '/tmp/vmtest-cri';
const PAUSE = 'localhost/tsrun-pause:vm';
const UNIT = 'vmtest-containerd-cri';
const MEMORY = 64 << 20;

type Unit = Record<'LoadState' | 'ActiveState' | 'Slice' | 'ControlGroup' | 'MemoryMax' | 'Delegate', string>;
interface PodLife {
  parent: string;
  sandbox: Unit;
  state: string;
  container: Unit;
  memoryMax: string;
  exec: { code: number; stdout: string };
  after: { container: string; sandbox: string };
}

describeVm('vm tier: containerd CRI with SystemdCgroup = true (runc v2 shim options, BinaryName), root (the CRI plugin runs as root)', () => {
  beforeAll(async () => {
    // Images built on the host, in the job folder: the busybox rootfs, and a pause image of it.
    const dir = vmBundle('root');
    const image = ociImageTar(dir);
    const pause = ociImageTar(dir, PAUSE, ['sleep', '1000000']);
    const config = containerdConfig(D, { cri: { handlers: { tsrun: `${D}/tsrun`, runc: '/usr/sbin/runc' }, sandboxImage: PAUSE, systemdCgroup: true } });
    const r = await guest(`set -e
mkdir -p ${D}/cni ${D}/logs
cat > ${D}/config.toml <<'TOML'
${config}
TOML
printf '#!/bin/sh\\nexec %s %s "$@"\\n' ${q(nodeBin)} ${q(tsrunJs)} > ${D}/tsrun && chmod 755 ${D}/tsrun
systemd-run --unit=${UNIT} --quiet containerd --config ${D}/config.toml
for i in $(seq 300); do [ -S ${D}/c.sock ] && break; sleep 0.2; done
for t in ${q(image)} ${q(pause)}; do ctr --address ${D}/c.sock --namespace k8s.io image import --snapshotter native $t >/dev/null; done`);
    expect(r.code, r.stderr).toBe(0);
  });
  afterAll(async () => {
    await guest(`systemctl stop ${UNIT}; for m in $(grep -o " ${D}/[^ ]*" /proc/self/mounts | sort -r); do umount -l $m; done; rm -rf ${D}`);
  });

  it('tsrun as runc: the pod sandbox and its container are cri-containerd-<id>.scope units in the pod\'s kubepods-besteffort-pod<uid>.slice, the container\'s memory limit is MemoryMax and memory.max, ExecSync runs in its cgroup namespace (0::/); after stop and remove no unit remains', async () => {
    const r = await guest(`cd ${q(vmDir)} && ${q(nodeBin)} guest/cri-pod.mjs ${D}/c.sock tsrun,runc ${CTR_IMAGE} ${D}/logs ${MEMORY}`, 280_000);
    expect(r.code, r.stderr).toBe(0);
    const lives = JSON.parse(r.stdout) as Record<'tsrun' | 'runc', PodLife>;
    expect(Object.keys(lives).sort()).toEqual(['runc', 'tsrun']);
    for (const [rt, life] of Object.entries(lives)) {
      const slice = `/kubepods.slice/kubepods-besteffort.slice/${life.parent}`;
      const scope = (u: Unit) => u.ControlGroup.slice(slice.length + 1);
      expect(life, rt).toMatchObject({
        sandbox: { ActiveState: 'active', Slice: life.parent, Delegate: 'yes' },
        state: 'CONTAINER_RUNNING',
        container: { ActiveState: 'active', Slice: life.parent, Delegate: 'yes', MemoryMax: String(MEMORY) },
        memoryMax: String(MEMORY),
        // containerd's CRI gives containers a cgroup namespace on v2: ExecSync sees its scope as the root.
        exec: { code: 0, stdout: '0::/' },
        after: { container: 'not-found', sandbox: 'not-found' },
      });
      expect(life.sandbox.ControlGroup, rt).toMatch(new RegExp(`^${slice}/cri-containerd-[0-9a-f]{64}\\.scope$`));
      expect(life.container.ControlGroup, rt).toMatch(new RegExp(`^${slice}/cri-containerd-[0-9a-f]{64}\\.scope$`));
      expect(scope(life.container), rt).not.toBe(scope(life.sandbox));
    }
  });
});
