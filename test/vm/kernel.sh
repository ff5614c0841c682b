#!/usr/bin/env bash
# Fetch Debian's kernel for the VM tier and build its initramfs, cached outside the checkout.
# Prints the cache folder of that kernel: vmlinuz, lib/modules/<kver> (depmod'ed), initramfs.cpio.gz.
# Nothing is installed: `apt-get download` + `dpkg-deb -x` (the package ships no initrd, so a small
# busybox one is built here, see init.sh).
set -euo pipefail
cache=${TSRUN_VM_CACHE:-/var/cache/tsrun-vm}
here=$(cd "$(dirname "$0")" && pwd)
mkdir -p "$cache"
cd "$cache"
# linux-image-amd64 is the metapackage; its dependency names the kernel of the day.
pkg=$(apt-cache depends linux-image-amd64 | awk '/Depends: linux-image-[0-9]/{print $2; exit}')
[ -n "$pkg" ] || { echo "kernel.sh: apt-cache knows no linux-image-amd64 (apt-get update?)" >&2; exit 1; }
kver=${pkg#linux-image-}
dir="$cache/$kver"
if [ ! -e "$dir/vmlinuz" ]; then
  ls "$pkg"_*.deb >/dev/null 2>&1 || apt-get download -q "$pkg" >&2 2>/dev/null
  rm -rf "$dir.tmp" && mkdir -p "$dir.tmp"
  dpkg-deb -x "$pkg"_*.deb "$dir.tmp/k"
  depmod -b "$dir.tmp/k" "$kver"
  mv "$dir.tmp/k/boot/vmlinuz-$kver" "$dir.tmp/vmlinuz"
  mv "$dir.tmp/k/lib" "$dir.tmp/lib" && rm -rf "$dir.tmp/k"
  rm -rf "$dir" && mv "$dir.tmp" "$dir"
fi
# The initramfs depends on init.sh and busybox: rebuilt when either changes.
stamp=$(cat "$here/init.sh" /bin/busybox | sha256sum | cut -c1-12)
if [ ! -e "$dir/initramfs-$stamp.cpio.gz" ]; then
  work=$(mktemp -d)
  mkdir -p "$work"/{bin,dev,proc,sys,mods,lower,upper,newroot}
  cp /bin/busybox "$work/bin/busybox"
  cp "$here/init.sh" "$work/init" && chmod 0755 "$work/init"
  # The modules the init needs to reach the host's root, in dependency order (modprobe -S).
  for m in virtio_pci 9pnet_virtio 9p overlay virtio_console; do
    modprobe -d "$dir" -S "$kver" --show-depends "$m" | awk '$1=="insmod"{print $2}'
  done | awk '!seen[$0]++' | while read -r ko; do
    cp "$ko" "$work/mods/" && basename "$ko" >> "$work/mods/order"
  done
  (cd "$work" && find . | cpio -o -H newc --quiet | gzip -1) > "$dir/initramfs-$stamp.cpio.gz.tmp"
  mv "$dir/initramfs-$stamp.cpio.gz.tmp" "$dir/initramfs-$stamp.cpio.gz"
  rm -rf "$work"
fi
ln -sfn "initramfs-$stamp.cpio.gz" "$dir/initramfs.cpio.gz"
echo "$dir"
