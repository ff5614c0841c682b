// podman with --cgroup-manager systemd drives the runtime in the guest: it passes
// --systemd-cgroup and cgroupsPath <slice>:libpod:<id>, and the runtime makes
// libpod-<id>.scope with podman's --memory/--pids-limit as MemoryMax/TasksMax. As root on the
// system's systemd (machine.slice); rootless on the test user's own (user@<uid>.service, its bus
// at /run/user/<uid>/bus, user.slice). As runc there.
import { beforeAll, expect, it } from 'vitest';
import { nodeBin, runnerOf, tsrunJs, type Mode } from '../helpers/host.js';
import { testRootfs } from '../helpers/rootfs.js';
import { asTestUser, describeVm, guest, keyValues, q, RUNTIMES, startUserManager } from './guest.js';

/** What root prepares: the tsrun wrapper podman runs by path, the image as a tarball anyone reads. */
const SETUP = `mkdir -p /tmp/podman-vm/bin
printf '#!/bin/sh\\nexec %s %s "$@"\\n' ${q(nodeBin)} ${q(tsrunJs)} > /tmp/podman-vm/bin/tsrun
chmod 755 /tmp/podman-vm/bin/tsrun
test -e /tmp/podman-vm/image.tar || { tar -C ${q(`/mnt/host${testRootfs()}`)} -cf /tmp/podman-vm/image.tar . 2>/dev/null || true; chmod 644 /tmp/podman-vm/image.tar; }`;

/** podman's run/inspect/rm in the work folder W, the unit read back with SYSTEMCTL, in slice SLICE. */
function podmanScript(rt: string, W: string, systemctl: string, slice: string): string {
  const runtime = rt === 'tsrun' ? '/tmp/podman-vm/bin/tsrun' : '/usr/sbin/runc';
  const image = 'localhost/tsrun-busybox:vm';
  return `set -e
W=${W}; mkdir -p $W
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
$P import /tmp/podman-vm/image.tar ${image} >/dev/null
echo "out=$($P run --rm --network none ${image} echo hello)"
$P run -d --network none --memory 64m --pids-limit 42 --name pd ${image} sleep 300 >/dev/null
id=$($P inspect -f '{{.Id}}' pd)
${systemctl} show libpod-$id.scope -p MemoryMax -p TasksMax -p ActiveState -p Slice -p ControlGroup | sed 's/^/unit./'
echo "memory.max=$(cat /sys/fs/cgroup$(${systemctl} show libpod-$id.scope -p ControlGroup --value)/memory.max)"
$P rm -f -t 0 pd >/dev/null
echo "after=$(${systemctl} show libpod-$id.scope -p LoadState --value)"
$P rmi -a -f >/dev/null 2>&1 || true`;
}

for (const mode of ['root', 'rootless'] as Mode[]) {
  const title = mode === 'root' ? 'root (the system bus, machine.slice)' : "rootless (the test user's systemd: XDG_RUNTIME_DIR and DBUS_SESSION_BUS_ADDRESS of /run/user/<uid>, user.slice)";
  describeVm(`vm tier: podman --cgroup-manager systemd, ${title}`, () => {
    let uid = 0;
    beforeAll(async () => {
      if (mode === 'rootless') uid = await startUserManager();
    });
    for (const rt of RUNTIMES) {
      it(`${rt}: podman run puts the container in libpod-<id>.scope with MemoryMax/TasksMax; rm leaves no unit`, async () => {
        const slice = mode === 'root' ? 'machine.slice' : 'user.slice';
        let script: string;
        if (mode === 'root') script = podmanScript(rt, `/tmp/podman-vm/${rt}`, 'systemctl', slice);
        else {
          const env = `export HOME=/tmp/podman-vm-rootless/home-${rt} DBUS_SESSION_BUS_ADDRESS=unix:path=/run/user/${uid}/bus; mkdir -p $HOME; cd /tmp`;
          script = asTestUser(`bash -c ${q(`${env}\n${podmanScript(rt, `/tmp/podman-vm-rootless/${rt}`, 'systemctl --user', slice)}`)}`);
        }
        const r = await guest(`set -e\n${SETUP}\n${script}`, 280_000);
        expect(r.code, r.stderr).toBe(0);
        const base = mode === 'root' ? '' : `/user.slice/user-${runnerOf('rootless').uid}.slice/user@${uid}.service`;
        const kv = keyValues(r.stdout);
        expect(kv).toMatchObject({
          out: 'hello',
          'unit.MemoryMax': String(64 << 20),
          'unit.TasksMax': '42',
          'unit.ActiveState': 'active',
          'unit.Slice': slice,
          'memory.max': String(64 << 20),
          after: 'not-found',
        });
        expect(kv['unit.ControlGroup']).toMatch(new RegExp(`^${base}/${slice}/libpod-[0-9a-f]{64}\\.scope$`));
      });
    }
  });
}
