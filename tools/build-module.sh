#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Build qtcpip.ko (and the test-only modules) for one kernel in its own
# output tree, so builds for several kernels do not overwrite each other.
#
#   build-module.sh <kernel name> [extra make args, e.g. W=1 C=2]
#
# Prints the output directory; the module is <dir>/drivers/net/qtcpip/qtcpip.ko.
set -euo pipefail
. "$(dirname "$0")/lib/common.sh"

name=$1
shift
qt_kernel "$name"
out=$QTCPIP_BUILD/kernel-$name
mkdir -p "$out"
# Copy only what Kbuild reads; keep object files of earlier builds. The
# POSIX format keeps sub-second times, so that make sees an edit made in
# the second of the last build.
(cd "$QTCPIP_TOP" && tar --format=posix -cf - Kbuild Kconfig drivers include selftests/kmod) |
	(cd "$out" && tar -xf -)
make -C "$KDIR" M="$out" "$@" modules > "$out/build.log" 2>&1 ||
	{ cat "$out/build.log" >&2; qt_die "module build for $name failed"; }
make -C "$KDIR" M="$out/selftests/kmod" modules >> "$out/build.log" 2>&1 ||
	{ cat "$out/build.log" >&2; qt_die "test module build for $name failed"; }
echo "$out"
