// podman with --cgroup-manager systemd drives the runtime in the guest: it passes
// --systemd-cgroup and cgroupsPath <slice>:libpod:<id>, and the runtime makes
// libpod-<id>.scope with podman's --memory/--pids-limit as MemoryMax/TasksMax. As root on the
// system's systemd (machine.slice); rootless on the test user's own (user@<uid>.service, its bus
// at /run/user/<uid>/bus, user.slice). As runc there. Then `podman container checkpoint` and
// `restore` (root only: podman refuses them rootless): the runtime's checkpoint and
// `--systemd-cgroup restore --bundle <userdata> --pid-file .. --detach --image-path <userdata>/checkpoint --work-path <userdata>`.
import { beforeAll, expect, it } from 'vitest';
import { nodeBin, runnerOf, tsrunJs, type Mode } from '../helpers/host.js';
import { testRootfs } from '../helpers/rootfs.js';
import { asTestUser, describeVm, guest, keyValues, q, RUNTIMES, startUserManager } from './guest.js';

/** What root prepares: the tsrun wrapper podman runs by path, the image as a tarball anyone reads. */
const SETUP = `mkdir -p /tmp/podman-vm/bin
printf '#!/bin/sh\\nexec %s %s "$@"\\n' ${q(nodeBin)} ${q(tsrunJs)} > /tmp/podman-vm/bin/tsrun
chmod 755 /tmp/podman-vm/bin/tsrun
test -e /tmp/podman-vm/image.tar || { tar -C ${q(`/mnt/host${testRootfs()}`)} -cf /tmp/podman-vm/image.tar . 2>/dev/null || true; chmod 644 /tmp/podman-vm/image.tar; }`;

const IMAGE = 'localhost/tsrun-busybox:vm';

/** The containers.conf and the podman command line $P (its own storage in W) with runtime `rt`. */
function podmanPrelude(rt: string, W: string): string {
  const runtime = rt === 'tsrun' ? '/tmp/podman-vm/bin/tsrun' : '/usr/sbin/runc';
  return `W=${W}; mkdir -p $W
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
$P import /tmp/podman-vm/image.tar ${IMAGE} >/dev/null`;
}

/** podman's run/inspect/rm in the work folder W, the unit read back with SYSTEMCTL, in slice SLICE. */
function podmanScript(rt: string, W: string, systemctl: string, slice: string): string {
  return `set -e
${podmanPrelude(rt, W)}
echo "out=$($P run --rm --network none ${IMAGE} echo hello)"
$P run -d --network none --memory 64m --pids-limit 42 --name pd ${IMAGE} sleep 300 >/dev/null
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

/** A shell counting into /data/log (a bind mount of $W/data), 5 a second. */
const COUNTER = 'i=0; while true; do i=$((i+1)); echo $i >> /data/log; sleep 0.2; done';

describeVm('vm tier: podman container checkpoint/restore, root (not rootless: podman 4.3 itself refuses it, "checkpointing a container requires root" — criu needs CAP_SYS_ADMIN or CAP_CHECKPOINT_RESTORE of the initial user namespace)', () => {
  for (const rt of RUNTIMES) {
    it(`${rt}: a counting container is checkpointed (exited, counting no more), restored into its libpod-<id>.scope, and counts on from where it was`, async () => {
      const r = await guest(`set -e\n${SETUP}\n${podmanPrelude(rt, `/tmp/podman-vm/ck-${rt}`)}
rm -rf $W/data; mkdir -p $W/data
count() { wc -l < $W/data/log 2>/dev/null || echo 0; }
grow() { for _ in $(seq 150); do [ "$(count)" -gt "$1" ] && return 0; sleep 0.2; done; return 1; }
$P run -d --network none -v $W/data:/data --name ck ${IMAGE} sh -c ${q(COUNTER)} >/dev/null
id=$($P inspect -f '{{.Id}}' ck)
grow 5 || echo "never counted"
$P container checkpoint ck >/dev/null 2>$W/ck.err || echo "checkpoint failed: $(cat $W/ck.err)"
echo "checkpointed=$($P inspect -f '{{.State.Status}}' ck)"
sleep 1; last=$(count); sleep 1; echo "last=$last"; echo "still=$(count)"
$P container restore ck >/dev/null 2>$W/restore.err || echo "restore failed: $(cat $W/restore.err)"
echo "restored=$($P inspect -f '{{.State.Status}}' ck)"
grow $((last + 5)) && echo "grew=yes" || echo "grew=no"
echo "consecutive=$(awk 'NR != $1 { bad = 1 } END { print (bad || NR == 0) ? "no" : "yes" }' $W/data/log)"
pid=$($P inspect -f '{{.State.Pid}}' ck)
echo "unit=$(systemctl show libpod-$id.scope -p ActiveState --value)"
echo "cgroup=$(sed -n 's/^0:://p' /proc/$pid/cgroup)"
$P rm -f -t 0 ck >/dev/null
echo "after=$(systemctl show libpod-$id.scope -p LoadState --value)"
$P rmi -a -f >/dev/null 2>&1 || true`, 280_000);
      expect(r.code, `${r.stdout}${r.stderr}`).toBe(0);
      const kv = keyValues(r.stdout);
      expect(kv, r.stdout).toMatchObject({ checkpointed: 'exited', restored: 'running', grew: 'yes', consecutive: 'yes', unit: 'active', after: 'not-found' });
      expect(kv.still).toBe(kv.last);
      expect(kv.cgroup).toMatch(/^\/machine\.slice\/libpod-[0-9a-f]{64}\.scope$/);
    });
  }
});
