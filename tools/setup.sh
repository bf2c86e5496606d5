#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Install everything qtcpip's build, tests and demo need, from Debian's
# packages, on a Debian 12 (bookworm) machine. Idempotent and quiet when
# nothing is missing. Needs root (or sudo).
#
# The 6.12 kernel comes from bookworm-backports: its apt source is derived
# from the machine's own Debian source entry, so no mirror is named here.
set -euo pipefail
. "$(dirname "$0")/lib/common.sh"

SUDO=
[ "$(id -u)" = 0 ] || SUDO=sudo
export DEBIAN_FRONTEND=noninteractive

PKGS="build-essential gcc make bc flex bison libelf-dev libssl-dev dwarves
      cpio xz-utils zstd kmod file util-linux iproute2 procps
      qemu-system-x86 busybox-static sparse clang llvm libmnl-dev
      linux-source-6.1 python3 tcpdump dkms systemd udev
      curl wget openssl dnsutils mosquitto mosquitto-clients"

enable_backports() {
	local list=/etc/apt/sources.list.d/qtcpip-backports.sources src
	[ -f "$list" ] && return 0
	apt-cache policy 2>/dev/null | grep -q 'bookworm-backports' && return 0
	# Copy the first deb822 stanza that carries the "bookworm" suite.
	for src in /etc/apt/sources.list.d/*.sources; do
		[ -f "$src" ] || continue
		awk 'BEGIN { RS = ""; FS = "\n" }
		     !done && /\nSuites:[^\n]*bookworm([ \n]|$)/ && /Types:[^\n]*deb/ {
			for (i = 1; i <= NF; i++) {
				if ($i ~ /^Suites:/) print "Suites: bookworm-backports"
				else if ($i !~ /^#/) print $i
			}
			done = 1
		     }' "$src" > /tmp/qtcpip-bp.sources
		[ -s /tmp/qtcpip-bp.sources ] && break
	done
	if [ ! -s /tmp/qtcpip-bp.sources ] && [ -f /etc/apt/sources.list ]; then
		# One-line format: reuse the first bookworm "deb" line.
		awk '$1 == "deb" && $3 == "bookworm" { $3 = "bookworm-backports"; print; exit }' \
			/etc/apt/sources.list > /tmp/qtcpip-bp.list
		[ -s /tmp/qtcpip-bp.list ] &&
			$SUDO mv /tmp/qtcpip-bp.list /etc/apt/sources.list.d/qtcpip-backports.list
	else
		$SUDO mv /tmp/qtcpip-bp.sources "$list"
	fi
	apt_updated=
}

apt_updated=
apt_update() {
	[ -n "$apt_updated" ] && return 0
	qt_log "apt-get update"
	$SUDO apt-get update -qq
	apt_updated=1
}

missing() {
	local p
	for p in "$@"; do
		dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q '^install ok installed' ||
			echo "$p"
	done
}

# The kernel image package of linux-image-amd64 in a suite ("" = default).
kernel_pkg() {
	local suite=$1 ver
	if [ -n "$suite" ]; then
		ver=$(apt-cache madison linux-image-amd64 | awk -F'|' -v s="$suite/" \
			'index($3, s) { gsub(/ /, "", $2); print $2; exit }')
		[ -n "$ver" ] || return 1
		apt-cache depends "linux-image-amd64=$ver"
	else
		apt-cache depends linux-image-amd64
	fi | awk '/Depends: linux-image-[0-9]/ { print $2; exit }'
}

enable_backports
need=$(missing $PKGS)
if [ -z "${QTCPIP_OFFLINE:-}" ]; then
	apt_update
	k61=$(kernel_pkg "") || true
	k612=$(kernel_pkg bookworm-backports) || true
	[ -n "$k61" ] && [ -n "$k612" ] || qt_die "cannot resolve Debian's 6.1 and 6.12 kernel packages"
	for k in "$k61" "$k612"; do
		need="$need $(missing "$k" "${k/linux-image/linux-headers}")"
	done
fi
need=$(echo $need)
if [ -n "$need" ]; then
	apt_update
	qt_log "apt-get install $need"
	$SUDO apt-get install -y -qq --no-install-recommends $need > "$QTCPIP_BUILD/apt.log" 2>&1 ||
		{ tail -n 30 "$QTCPIP_BUILD/apt.log"; qt_die "apt-get install failed"; }
fi

# Record the kernel releases for the rest of the tools.
if [ -n "${k61:-}" ]; then
	{
		echo "QTCPIP_KVER_6_1=${k61#linux-image-}"
		echo "QTCPIP_KVER_6_12=${k612#linux-image-}"
	} > "$QTCPIP_CACHE/kernels.env"
fi
[ -f "$QTCPIP_CACHE/kernels.env" ] || qt_die "no kernels recorded; run without QTCPIP_OFFLINE once"
qt_log "dependencies ready"
