# SPDX-License-Identifier: GPL-2.0
# Shared settings for qtcpip's shell tools. Source it; do not run it.

QTCPIP_TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
# Kernels, debug builds and extracted headers survive fresh clones here.
QTCPIP_CACHE=${QTCPIP_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/qtcpip}
QTCPIP_BUILD=${QTCPIP_BUILD:-$QTCPIP_TOP/build}
mkdir -p "$QTCPIP_CACHE" "$QTCPIP_BUILD"

qt_log() { printf '[%s] %s\n' "$(date +%T)" "$*" >&2; }
qt_die() { qt_log "error: $*"; exit 1; }

# The kernels the tests run on: "6.1" and "6.12" (Debian's packages) and
# "debug" (built from linux-source-6.1 by tools/qemu/build-debug-kernel.sh).
QTCPIP_KERNELS="6.1 6.12 debug"

# qt_kernel NAME: set KVER (release, or "-" when the kernel has no modules
# to load for 9p), KIMAGE (bzImage) and KDIR (module build tree).
qt_kernel() {
	case $1 in
	6.1|6.12)
		[ -f "$QTCPIP_CACHE/kernels.env" ] || qt_die "run tools/setup.sh first"
		. "$QTCPIP_CACHE/kernels.env"
		if [ "$1" = 6.1 ]; then KVER=$QTCPIP_KVER_6_1; else KVER=$QTCPIP_KVER_6_12; fi
		KIMAGE=/boot/vmlinuz-$KVER
		KDIR=/usr/src/linux-headers-$KVER
		;;
	debug)
		KDIR=$("$QTCPIP_TOP/tools/qemu/build-debug-kernel.sh")
		KIMAGE=$KDIR/arch/x86/boot/bzImage
		KVER=-
		;;
	*)
		qt_die "unknown kernel '$1' (one of: $QTCPIP_KERNELS)"
		;;
	esac
	[ -r "$KIMAGE" ] || qt_die "kernel image $KIMAGE missing"
	[ -d "$KDIR" ] || qt_die "kernel build tree $KDIR missing"
}
