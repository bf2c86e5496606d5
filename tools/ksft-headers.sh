#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Extract, once, the files qtcpip borrows from Debian's linux-source
# package (they are not copied into this repo): the kselftest harness
# headers, checkpatch.pl with its data files, and kernel-doc.
#
#   ksft-headers.sh        prints the kselftest include directory
#   ksft-headers.sh --checkpatch   prints the path of checkpatch.pl
#   ksft-headers.sh --kernel-doc   prints the path of kernel-doc
set -euo pipefail
. "$(dirname "$0")/lib/common.sh"

out=$QTCPIP_CACHE/linux-files
if [ ! -f "$out/.done" ] || [ ! -f "$out/scripts/kernel-doc" ]; then
	tarball=/usr/src/linux-source-6.1.tar.xz
	[ -f "$tarball" ] || qt_die "$tarball missing: apt-get install linux-source-6.1"
	tmp=$(mktemp -d)
	tar -xJf "$tarball" -C "$tmp" --strip-components=1 --wildcards \
		'*/tools/testing/selftests/kselftest_harness.h' \
		'*/tools/testing/selftests/kselftest.h' \
		'*/scripts/checkpatch.pl' '*/scripts/spelling.txt' \
		'*/scripts/const_structs.checkpatch' '*/scripts/kernel-doc'
	rm -rf "$out"
	mkdir -p "$out"
	mv "$tmp"/tools/testing/selftests "$out/ksft"
	mv "$tmp"/scripts "$out/scripts"
	rm -rf "$tmp"
	touch "$out/.done"
fi
case ${1:-} in
--checkpatch) echo "$out/scripts/checkpatch.pl" ;;
--kernel-doc) echo "$out/scripts/kernel-doc" ;;
*) echo "$out/ksft" ;;
esac
