#!/usr/bin/env bash
# Fills a root filesystem for the example bundle from the host's static busybox
# (Debian: apt-get install busybox-static). Nothing here is committed: rootfs/ is gitignored.
#
#   make-rootfs.sh [--rootless] [--busybox PATH] [ROOTFS_DIR]
#
#   ROOTFS_DIR   where to build (default: rootfs/ next to this script). The directory is
#                built aside and renamed into place, so a half-built rootfs is never seen.
#   --rootless   also write config.json next to this script from config.rootless.json, with
#                the caller's uid and gid as the host side of the user namespace mappings
#                (container root = you). `git checkout bundles/busybox/config.json` undoes it.
#   --busybox    the busybox binary to copy (default: /bin/busybox). It must be static:
#                the rootfs holds no shared libraries.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
rootless=0
busybox=/bin/busybox
target=

while [ $# -gt 0 ]; do
  case "$1" in
    --rootless) rootless=1 ;;
    --busybox) busybox=${2:?--busybox needs a path}; shift ;;
    -h|--help) sed -n '2,13p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    -*) echo "make-rootfs.sh: unknown option $1" >&2; exit 2 ;;
    *) target=$1 ;;
  esac
  shift
done
target=${target:-$here/rootfs}

die() { echo "make-rootfs.sh: $*" >&2; exit 1; }
[ -x "$busybox" ] || die "$busybox not found: install Debian's busybox-static (apt-get install busybox-static)"
# A dynamically linked busybox would need its libraries inside the rootfs.
if command -v file >/dev/null 2>&1 && ! file -L "$busybox" | grep -q 'statically linked'; then
  die "$busybox is not statically linked: install busybox-static, or pass --busybox PATH"
fi

umask 022
tmp="$target.tmp.$$"
rm -rf "$tmp"
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp"

# Directories: every mount point of the example config must exist, because the root is
# read-only and tsrun does not create directories in a rootfs it may share with others.
for d in bin sbin usr/bin usr/sbin etc root home/user proc sys dev tmp run var/tmp mnt; do
  mkdir -p "$tmp/$d"
done
chmod 1777 "$tmp/tmp" "$tmp/var/tmp"
chmod 0700 "$tmp/root"

cp "$busybox" "$tmp/bin/busybox"
chmod 0755 "$tmp/bin/busybox"
# One symlink per applet, where Debian's busybox says it belongs (bin/sh, usr/bin/env, ...).
"$busybox" --list-full | while read -r applet; do
  case "$applet" in
    bin/busybox|linuxrc|'') continue ;;
  esac
  mkdir -p "$tmp/$(dirname "$applet")"
  # Relative links so that they also resolve from the host, outside the container.
  up=
  rest=$(dirname "$applet")
  while [ "$rest" != . ]; do up="../$up"; rest=$(dirname "$rest"); done
  ln -sf "${up}bin/busybox" "$tmp/$applet"
done

cat >"$tmp/etc/passwd" <<'EOF'
root:x:0:0:root:/root:/bin/sh
user:x:1000:1000:user:/home/user:/bin/sh
nobody:x:65534:65534:nobody:/nonexistent:/bin/false
EOF
cat >"$tmp/etc/group" <<'EOF'
root:x:0:
tty:x:5:
user:x:1000:
nogroup:x:65534:
EOF
cat >"$tmp/etc/hosts" <<'EOF'
127.0.0.1 localhost
::1 localhost
EOF
echo 'hosts: files' >"$tmp/etc/nsswitch.conf"
chown 1000:1000 "$tmp/home/user" 2>/dev/null || true

rm -rf "$target"
mv "$tmp" "$target"
trap - EXIT
echo "rootfs ready: $target ($(find "$target" -type l | wc -l) applets)"

if [ "$rootless" = 1 ]; then
  uid=$(id -u)
  gid=$(id -g)
  command -v node >/dev/null || die "--rootless needs node to write config.json"
  node - "$here/config.rootless.json" "$here/config.json" "$uid" "$gid" <<'EOF'
const fs = require('node:fs');
const [src, dst, uid, gid] = process.argv.slice(2);
const config = JSON.parse(fs.readFileSync(src, 'utf8'));
config.linux.uidMappings = [{ containerID: 0, hostID: Number(uid), size: 1 }];
config.linux.gidMappings = [{ containerID: 0, hostID: Number(gid), size: 1 }];
fs.writeFileSync(dst, JSON.stringify(config, null, 2) + '\n');
EOF
  echo "config.json written for rootless use: container root = uid $uid, gid $gid"
fi
