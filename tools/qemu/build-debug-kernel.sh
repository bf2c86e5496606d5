#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Build (once, cached) the debug kernel the tests also run on: Debian's
# linux-source-6.1 with tinyconfig + debug.config (KASAN, lockdep,
# kmemleak, UBSAN, ...). Prints the build tree, which holds
# arch/x86/boot/bzImage and is the KDIR for modules.
set -euo pipefail
. "$(dirname "$0")/../lib/common.sh"

tarball=/usr/src/linux-source-6.1.tar.xz
[ -f "$tarball" ] || qt_die "$tarball missing: apt-get install linux-source-6.1"
frag=$(dirname "$0")/debug.config
key=$( (stat -c '%s %Y' "$tarball"; cat "$frag") | sha256sum | cut -c1-16)
dir=$QTCPIP_CACHE/debug-6.1
tree=$dir/linux

if [ -f "$dir/key" ] && [ "$(cat "$dir/key")" = "$key" ] &&
   [ -f "$tree/arch/x86/boot/bzImage" ] && [ -f "$tree/Module.symvers" ]; then
	echo "$tree"
	exit 0
fi

srckey=$(stat -c '%s %Y' "$tarball")
if [ ! -f "$dir/srckey" ] || [ "$(cat "$dir/srckey")" != "$srckey" ]; then
	rm -rf "$dir"
	mkdir -p "$dir"
	qt_log "debug kernel: extracting $tarball"
	tar -xJf "$tarball" -C "$dir"
	mv "$dir"/linux-source-6.1 "$tree"
	echo "$srckey" > "$dir/srckey"
fi
rm -f "$dir/key"
qt_log "debug kernel: configuring"
make -C "$tree" -s tinyconfig
"$tree"/scripts/kconfig/merge_config.sh -m -O "$tree" "$tree/.config" "$frag" > "$dir/merge.log"
make -C "$tree" -s olddefconfig
# Every option we asked for must have survived olddefconfig.
missing=0
while read -r line; do
	case $line in
	CONFIG_*=*|"# CONFIG_"*) grep -qx "$line" "$tree/.config" || { qt_log "not set: $line"; missing=1; } ;;
	esac
done < "$frag"
[ $missing = 0 ] || qt_die "debug.config options were dropped (see above)"
qt_log "debug kernel: building (about 4 minutes on 2 cores)"
make -C "$tree" -s -j"$(nproc)" bzImage modules > "$dir/build.log" 2>&1 ||
	{ tail -n 40 "$dir/build.log"; qt_die "debug kernel build failed"; }
echo "$key" > "$dir/key"
# The sources are not needed after the build, but headers and scripts are.
echo "$tree"
