// podman with --cgroup-manager systemd drives the runtime in the guest: it passes
// --systemd-cgroup and cgroupsPath machine.slice:libpod:<id>, and the runtime makes
// libpod-<id>.scope with podman's --memory/--pids-limit as MemoryMax/TasksMax. As runc there.
import { expect, it } from 'vitest';
import { nodeBin, tsrunJs } from '../helpers/host.js';
import { testRootfs } from '../helpers/rootfs.js';
import { describeVm, guest, keyValues, q, RUNTIMES } from './guest.js';

describeVm('vm tier: podman --cgroup-manager systemd, root (rootless podman with systemd needs a login session the tier does not set up)', () => {
  for (const rt of RUNTIMES) {
    it(`${rt}: podman run puts the container in libpod-<id>.scope of machine.slice with MemoryMax/TasksMax; rm leaves no unit`, async () => {
      // podman runs the runtime by path: for tsrun a wrapper that runs it with this node.
      const runtime = rt === 'tsrun' ? '/tmp/podman-vm/bin/tsrun' : '/usr/sbin/runc';
      const image = 'localhost/tsrun-busybox:vm';
      const r = await guest(`set -e
W=/tmp/podman-vm/${rt}; mkdir -p $W /tmp/podman-vm/bin
printf '#!/bin/sh\\nexec %s %s "$@"\\n' ${q(nodeBin)} ${q(tsrunJs)} > /tmp/podman-vm/bin/tsrun
chmod 755 /tmp/podman-vm/bin/tsrun
cat > $W/containers.conf <<CONF
[containers]
default_ulimits = ["nofile=20000:20000"]
[engine]
cgroup_manager = "systemd"
events_logger = "file"
events_logfile_path = "$W/events.log"
runtime_supports_json = ["crun", "runc", "tsrun"]
CONF
export CONTAINERS_CONF=$W/containers.conf
P="podman --root $W/storage --runroot $W/run --storage-driver vfs --cgroup-manager systemd --events-backend file --runtime ${runtime}"
tar -C ${q(`/mnt/host${testRootfs()}`)} -c . | $P import - ${image} >/dev/null
echo "out=$($P run --rm --network none ${image} echo hello)"
$P run -d --network none --memory 64m --pids-limit 42 --name pd ${image} sleep 300 >/dev/null
id=$($P inspect -f '{{.Id}}' pd)
systemctl show libpod-$id.scope -p MemoryMax -p TasksMax -p ActiveState -p Slice | sed 's/^/unit./'
echo "memory.max=$(cat /sys/fs/cgroup/machine.slice/libpod-$id.scope/memory.max)"
$P rm -f -t 0 pd >/dev/null
echo "after=$(systemctl show libpod-$id.scope -p LoadState --value)"
$P rmi -a -f >/dev/null 2>&1 || true`, 280_000);
      expect(r.code, r.stderr).toBe(0);
      expect(keyValues(r.stdout)).toMatchObject({
        out: 'hello',
        'unit.MemoryMax': String(64 << 20),
        'unit.TasksMax': '42',
        'unit.ActiveState': 'active',
        'unit.Slice': 'machine.slice',
        'memory.max': String(64 << 20),
        after: 'not-found',
      });
    });
  }
});
