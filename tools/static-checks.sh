#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Static checks of the kernel code, as TAP: checkpatch.pl --strict (from
# Debian's linux-source), and for each Debian kernel a W=1 build with
# sparse (C=2) on every file, which must print no warning at all.
. "$(dirname "$0")/lib/common.sh"
. "$QTCPIP_TOP/selftests/lib/tap.sh"

cd "$QTCPIP_TOP" || exit 1
checkpatch=$(tools/ksft-headers.sh --checkpatch) || exit 1
files=$(ls drivers/net/qtcpip/*.[ch] include/uapi/linux/qtcpip.h selftests/kmod/*.c)
kernels="6.1 6.12"
tap_plan $(( $(echo "$files" | wc -w) + 2 * $(echo $kernels | wc -w) + 2 ))

# The engine reaches the socket layer only through its ops tables.
check "layers: the AT engine calls no socket-layer code (tools/check-layers.sh)" \
	tools/check-layers.sh

# The engine's API and ops tables carry kernel-doc: it must parse clean.
kerneldoc=$(tools/ksft-headers.sh --kernel-doc) || exit 1
if log=$(perl "$kerneldoc" -none drivers/net/qtcpip/*.[ch] 2>&1) && [ -z "$log" ]; then
	ok "kernel-doc -none drivers/net/qtcpip: no warnings"
else
	echo "$log" | sed 's/^/#   /'
	not_ok "kernel-doc -none drivers/net/qtcpip: no warnings"
fi

for f in $files; do
	# --terse prints one line per finding and nothing for a clean file.
	if log=$(perl "$checkpatch" --no-tree --strict --terse --show-types -f "$f" 2>&1) &&
	   [ -z "$log" ]; then
		ok "checkpatch --strict $f"
	else
		echo "$log" | sed 's/^/#   /'
		not_ok "checkpatch --strict $f"
	fi
done

for k in $kernels; do
	out=$QTCPIP_BUILD/static-$k
	rm -rf "$out"
	mkdir -p "$out"
	tar -cf - Kbuild Kconfig drivers include | tar -xf - -C "$out"
	qt_kernel "$k"
	make -C "$KDIR" M="$out" W=1 C=2 -j"$(nproc)" modules > "$out/build.log" 2>&1
	rc=$?
	# Sparse and gcc both report as "file:line:col: warning|error: ...".
	if [ $rc = 0 ] && ! grep -Eq '(warning|error):' "$out/build.log"; then
		ok "$k: W=1 C=2 (sparse) build has no warnings"
	else
		grep -E '(warning|error):' "$out/build.log" | head -n 20 | sed 's/^/#   /'
		not_ok "$k: W=1 C=2 (sparse) build has no warnings"
	fi
done
# In-tree: drivers/net/qtcpip/ alone, as in a kernel tree, built by its own
# Makefile with CONFIG_QTCPIP=m and the tree's include/ holding the uapi
# header (here: a copy of ours beside it).
for k in $kernels; do
	out=$QTCPIP_BUILD/static-$k-intree
	rm -rf "$out"
	mkdir -p "$out/include/uapi/linux"
	cp -r drivers/net/qtcpip "$out/qtcpip"
	cp include/uapi/linux/qtcpip.h "$out/include/uapi/linux/"
	qt_kernel "$k"
	if make -C "$KDIR" M="$out/qtcpip" CONFIG_QTCPIP=m -j"$(nproc)" \
		KCFLAGS="-I$out/include" modules > "$out/build.log" 2>&1 &&
	   [ -f "$out/qtcpip/qtcpip.ko" ]; then
		ok "$k: drivers/net/qtcpip builds on its own (in-tree Makefile, CONFIG_QTCPIP=m)"
	else
		tail -n 20 "$out/build.log" | sed 's/^/#   /'
		not_ok "$k: drivers/net/qtcpip builds on its own (in-tree Makefile, CONFIG_QTCPIP=m)"
	fi
done
tap_done
