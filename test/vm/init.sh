#!/bin/busybox sh
# The VM tier's initramfs /init (busybox): load the virtio/9p/overlay modules, mount the host's /
# (read-only 9p share "hostroot") under a tmpfs overlay, give it a fresh /tmp (else
# systemd-tmpfiles empties the host's /tmp through the overlay), the kernel's modules, the job
# folder (read-write share "jobs", at the same path as on the host) and the agent unit, then
# switch_root to systemd. Parameters from the kernel command line: tsrun_jobs=, tsrun_vm=, tsrun_mods=.
/bin/busybox --install -s /bin
export PATH=/bin
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev
fail() { echo "tsrun-vm init: $*" > /dev/console; sleep 1; poweroff -f; }
for ko in $(cat /mods/order); do insmod "/mods/$ko" || fail "insmod $ko"; done
for p in $(cat /proc/cmdline); do
  case "$p" in tsrun_jobs=*) jobs=${p#*=} ;; tsrun_vm=*) vm=${p#*=} ;; tsrun_mods=*) mods=${p#*=} ;; esac
done
opts=trans=virtio,version=9p2000.L,msize=524288
mount -t 9p -o "$opts,cache=loose,ro" hostroot /lower || fail "mount hostroot"
mount -t tmpfs -o mode=0755 upper /upper && mkdir -p /upper/u /upper/w
mount -t overlay -o lowerdir=/lower,upperdir=/upper/u,workdir=/upper/w overlay /newroot || fail "mount overlay"
mount -t tmpfs -o mode=1777,nosuid,nodev tmp /newroot/tmp
mkdir -p /newroot/usr/lib/modules && mount --bind "/lower$mods" /newroot/usr/lib/modules || fail "bind $mods"
mkdir -p "/newroot$jobs"
mount -t 9p -o "$opts,cache=none" jobs "/newroot$jobs" || fail "mount jobs"
# The host's root as it is (the host's /tmp is under the guest's tmpfs): /mnt/host.
mkdir -p /newroot/mnt/host && mount --move /lower /newroot/mnt/host

u=/newroot/etc/systemd/system
mkdir -p "$u"
cat > "$u/tsrun-agent.service" <<UNIT
[Unit]
Description=tsrun VM tier: run the host's job files
After=basic.target dbus.service
[Service]
ExecStart=/bin/bash $vm/guest/agent.sh $jobs
KillMode=process
UNIT
cat > "$u/tsrun-vm.target" <<UNIT
[Unit]
Description=tsrun VM tier
Requires=basic.target dbus.service systemd-logind.service tsrun-agent.service
After=basic.target dbus.service systemd-logind.service tsrun-agent.service
AllowIsolate=yes
UNIT
# Heavy or irrelevant for the tier (engines are started by the tests that need them).
for unit in docker.socket docker.service containerd.service podman.socket podman.service \
  apparmor.service systemd-timesyncd.service systemd-pstore.service timers.target \
  postgresql.service e2scrub_reap.service systemd-networkd.service networking.service; do
  ln -sfn /dev/null "$u/$unit"
done
echo tsrun-vm > /newroot/etc/hostname
umount /proc /sys
mount --move /dev /newroot/dev 2>/dev/null || umount /dev
exec switch_root /newroot /usr/lib/systemd/systemd systemd.unit=tsrun-vm.target
