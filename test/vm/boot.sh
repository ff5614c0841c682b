#!/usr/bin/env bash
# Boot the VM tier's guest in the foreground: systemd as PID 1 on a pure cgroup v2 hierarchy, the
# host's / read-only under a tmpfs overlay, JOBS (a host folder) shared read-write at the same path.
# The console goes to JOBS/console.log. Usage: boot.sh JOBS [MEM_MIB]
# TCG, not KVM: this host's /dev/kvm takes only PVM guests (a stock kernel aborts on MSR 0x10a).
set -euo pipefail
jobs=$(cd "$1" && pwd)
mem=${2:-1536}
here=$(cd "$(dirname "$0")" && pwd)
kdir=$("$here/kernel.sh")
kver=$(basename "$kdir")
exec qemu-system-x86_64 -nodefaults -no-user-config -display none \
  -accel tcg,thread=multi -cpu max -smp 2 -m "$mem" \
  -kernel "$kdir/vmlinuz" -initrd "$kdir/initramfs.cpio.gz" \
  -append "console=ttyS0 panic=-1 quiet systemd.unified_cgroup_hierarchy=1 systemd.show_status=0 tsrun_jobs=$jobs tsrun_vm=$here tsrun_mods=$kdir/lib/modules" \
  -serial "file:$jobs/console.log" \
  -virtfs "local,path=/,mount_tag=hostroot,security_model=none,readonly=on,multidevs=remap" \
  -virtfs "local,path=$jobs,mount_tag=jobs,security_model=none,multidevs=remap" \
  -no-reboot
