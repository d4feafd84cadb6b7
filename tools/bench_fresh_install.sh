#!/usr/bin/env bash
# Times the README's first command on a fresh Debian 12: a minbase bookworm made with
# debootstrap, a clone of this checkout inside it, then `tools/setup.sh && build/refract
# translate …` in a chroot (packages installed from Debian, the Release build, one query).
# Prints the elapsed seconds and whether any Java package came in. Needs root and debootstrap.
#   tools/bench_fresh_install.sh [MIRROR]      (default http://deb.debian.org/debian)
set -euo pipefail
cd "$(dirname "$0")/.."
mirror="${1:-http://deb.debian.org/debian}"
root=$(mktemp -d)
cleanup() {
  umount "$root/dev" "$root/proc" 2>/dev/null || true
  rm -rf "$root"
}
trap cleanup EXIT
debootstrap --variant=minbase bookworm "$root" "$mirror" >/dev/null
mount -t proc proc "$root/proc"
mount --bind /dev "$root/dev"
cp /etc/resolv.conf "$root/etc/resolv.conf"
git clone -q . "$root/root/refract"
before=$(chroot "$root" dpkg-query -W -f='${Package}\n' | wc -l)
start=$(date +%s%N)
chroot "$root" /bin/bash -c 'cd /root/refract && export DEBIAN_FRONTEND=noninteractive &&
  tools/setup.sh >/tmp/setup.log 2>&1 &&
  build/refract translate rules/examples/entra_legacy_protocol_signin.yml --target kql >/dev/null'
end=$(date +%s%N)
after=$(chroot "$root" dpkg-query -W -f='${Package}\n' | wc -l)
java=$(chroot "$root" dpkg-query -W -f='${Package}\n' | grep -ciE 'jdk|jre|java' || true)
echo "README's first command on a fresh Debian 12: $(( (end - start) / 1000000 )) ms," \
  "$((after - before)) packages installed, $java of them Java"
