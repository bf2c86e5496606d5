#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Extract kselftest_harness.h and kselftest.h from Debian's linux-source
# package into $QTCPIP_BUILD/ksft (they are not copied into the repo).
# Prints the include directory.
set -euo pipefail
. "$(dirname "$0")/lib/common.sh"

out=$QTCPIP_CACHE/ksft
if [ ! -f "$out/kselftest_harness.h" ]; then
	tarball=$(ls /usr/src/linux-source-6.1.tar.xz 2>/dev/null || ls /usr/src/linux-source-*.tar.xz 2>/dev/null | sort -V | tail -n1) ||
		qt_die "no /usr/src/linux-source-*.tar.xz: apt-get install linux-source-6.1"
	tmp=$(mktemp -d)
	tar -xJf "$tarball" -C "$tmp" --wildcards --strip-components=4 \
		'*/tools/testing/selftests/kselftest_harness.h' \
		'*/tools/testing/selftests/kselftest.h'
	mkdir -p "$out"
	mv "$tmp"/kselftest_harness.h "$tmp"/kselftest.h "$out"/
	rm -rf "$tmp"
fi
echo "$out"
