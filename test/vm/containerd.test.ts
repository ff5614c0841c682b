// containerd 1.6 with the systemd cgroup driver in the guest, as on the host
// (test/helpers/containerd.ts: a private containerd, ctr, the runc v2 shim with the runtime's
// binary): `ctr run --runc-binary <runtime> --runc-systemd-cgroup` sets the shim's
// SystemdCgroup option (the `SystemdCgroup = true` of a runtime's options in config.toml), so
// the shim passes --systemd-cgroup and the runtime makes the scope of --cgroup slice:prefix:name.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { CTR_IMAGE, ociImageTar } from '../helpers/containerd.js';
import { nodeBin, tsrunJs } from '../helpers/host.js';
import { describeVm, guest, keyValues, q, RUNTIMES, vmBundle } from './guest.js';

const D = '/tmp/vmtest-containerd';
const CTR = `ctr --address ${D}/c.sock --namespace vmtest`;
const UNIT = 'vmtest-containerd';

describeVm('vm tier: containerd with SystemdCgroup (ctr --runc-systemd-cgroup, the runc v2 shim with BinaryName), root', () => {
  beforeAll(async () => {
    // The image is built on the host, in the job folder.
    const image = ociImageTar(vmBundle('root'));
    const r = await guest(`set -e
mkdir -p ${D}
cat > ${D}/config.toml <<TOML
version = 2
root = "${D}/root"
state = "${D}/state"
disabled_plugins = ["io.containerd.grpc.v1.cri", "io.containerd.snapshotter.v1.btrfs", "io.containerd.snapshotter.v1.zfs", "io.containerd.snapshotter.v1.devmapper", "io.containerd.snapshotter.v1.aufs"]
[grpc]
  address = "${D}/c.sock"
[ttrpc]
  address = "${D}/c.sock.ttrpc"
TOML
printf '#!/bin/sh\\nexec %s %s "$@"\\n' ${q(nodeBin)} ${q(tsrunJs)} > ${D}/tsrun && chmod 755 ${D}/tsrun
systemd-run --unit=${UNIT} --quiet containerd --config ${D}/config.toml
for i in $(seq 150); do [ -S ${D}/c.sock ] && break; sleep 0.2; done
${CTR} image import --snapshotter native ${q(image)} >/dev/null`);
    expect(r.code, r.stderr).toBe(0);
  });
  afterAll(async () => {
    await guest(`systemctl stop ${UNIT}; rm -rf ${D}`);
  });

  for (const rt of RUNTIMES) {
    it(`${rt}: the task runs in ctr-${rt}.scope of system.slice with --memory-limit as MemoryMax; exec joins it; after kill and delete no unit remains`, async () => {
      const binary = rt === 'tsrun' ? `${D}/tsrun` : '/usr/sbin/runc';
      const c = `ctr-${rt}`;
      const r = await guest(`set -e
${CTR} run -d --snapshotter native --runc-binary ${binary} --runc-systemd-cgroup --cgroup system.slice:ctr:${rt} --memory-limit ${64 << 20} ${CTR_IMAGE} ${c} sleep 300 >/dev/null
systemctl show ctr-${rt}.scope -p MemoryMax -p ActiveState -p Slice -p ControlGroup | sed 's/^/unit./'
echo "memory.max=$(cat /sys/fs/cgroup/system.slice/ctr-${rt}.scope/memory.max)"
echo "exec=$(${CTR} task exec --exec-id e1 ${c} cat /proc/self/cgroup)"
${CTR} task kill -s SIGKILL ${c}
for i in $(seq 100); do ${CTR} task ls | grep -q "^${c} .*STOPPED" && break; sleep 0.1; done
${CTR} task delete ${c} >/dev/null
${CTR} container delete ${c}
echo "after=$(systemctl show ctr-${rt}.scope -p LoadState --value)"`);
      expect(r.code, r.stderr).toBe(0);
      expect(keyValues(r.stdout)).toMatchObject({
        'unit.MemoryMax': String(64 << 20),
        'unit.ActiveState': 'active',
        'unit.Slice': 'system.slice',
        'unit.ControlGroup': `/system.slice/ctr-${rt}.scope`,
        'memory.max': String(64 << 20),
        exec: `0::/system.slice/ctr-${rt}.scope`,
        after: 'not-found',
      });
    });
  }
});
