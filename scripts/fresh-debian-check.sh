#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Checks the README's two commands on a brand-new Debian 12: debootstrap a
# minimal bookworm into a scratch directory, clone this repository into it
# (committed state, without ../shared) and run, as root inside the chroot,
#   bash scripts/quickstart.sh   and   bash scripts/test.sh
# Needs root, debootstrap and Debian's package archive; takes a few minutes.
# Not part of CI. Usage: bash scripts/fresh-debian-check.sh [SCRATCH_DIR]
set -euo pipefail
cd "$(dirname "$0")/.."
root=${1:-$(mktemp -d /tmp/panshi-fresh-XXXXXX)}
# mktemp makes the directory 0700; as the chroot's / that would lock out every
# user but root (the postgres user of the PostgreSQL test cluster too).
chmod 755 "$root"
mirror=${DEBIAN_MIRROR:-http://deb.debian.org/debian}

[ "$(id -u)" -eq 0 ] || { echo "fresh-debian-check: run as root" >&2; exit 1; }
command -v debootstrap >/dev/null || apt-get install -y -qq debootstrap

cleanup() {
	for m in dev/shm dev/pts dev proc; do
		mountpoint -q "$root/$m" && umount "$root/$m"
	done
	return 0
}
trap cleanup EXIT

echo "fresh-debian-check: debootstrap bookworm into $root"
debootstrap --variant=minbase bookworm "$root" "$mirror" >"$root.debootstrap.log" 2>&1 ||
	{ echo "fresh-debian-check: debootstrap failed, see $root.debootstrap.log" >&2; exit 1; }
mkdir -p "$root/work"
git clone -q . "$root/work/panshi"
cp /etc/resolv.conf "$root/etc/"
# Where the machine reaches the npm registry through an egress proxy with a
# CA of its own (installed under /usr/local/share/ca-certificates), the
# chroot gets the same trust: the ca-certificates package that setup.sh
# installs adds these files to /etc/ssl/certs, and Node.js reads that bundle.
extra_ca=
if ls /usr/local/share/ca-certificates/*.crt >/dev/null 2>&1; then
	mkdir -p "$root/usr/local/share/ca-certificates"
	cp /usr/local/share/ca-certificates/*.crt "$root/usr/local/share/ca-certificates/"
	extra_ca=/etc/ssl/certs/ca-certificates.crt
fi
mount -t proc proc "$root/proc"
mount --bind /dev "$root/dev"
mount --bind /dev/pts "$root/dev/pts"
mount -t tmpfs tmpfs "$root/dev/shm"

# The chroot shares the host's network: PANSHI_PG_PORT (when set) moves its
# throwaway PostgreSQL off the port a test run on the host may be using.
chroot "$root" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root \
	${PANSHI_PG_PORT:+PANSHI_PG_PORT=$PANSHI_PG_PORT} \
	${extra_ca:+NODE_EXTRA_CA_CERTS=$extra_ca} \
	bash -c 'cd /work/panshi && bash scripts/quickstart.sh && bash scripts/test.sh'
echo "fresh-debian-check: both README commands passed in $root"
