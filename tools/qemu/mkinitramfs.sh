#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Build the small initramfs that boots a kernel with the host's root
# filesystem, read-only over 9p (the idea of virtme): static busybox, the
# modules needed to reach the 9p share, and init.sh.
#
#   mkinitramfs.sh <kernel release | -> <output.cpio.gz>
#
# With "-" no modules are added (a kernel with 9p and virtio built in).
set -euo pipefail
. "$(dirname "$0")/../lib/common.sh"

kver=$1
out=$2
busybox=$(command -v busybox) || qt_die "busybox not found: apt-get install busybox-static"
file -L "$busybox" | grep -q 'statically linked' ||
	qt_die "$busybox is not static: apt-get install busybox-static"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp"/{bin,dev,proc,sys,newroot,lib/modules}
cp "$busybox" "$tmp/bin/busybox"
ln -s busybox "$tmp/bin/sh"
cp "$(dirname "$0")/init.sh" "$tmp/init"
chmod 755 "$tmp/init"

: > "$tmp/modules.list"
if [ "$kver" != - ]; then
	# modprobe prints the dependency order; keep the first of each.
	modprobe -S "$kver" --show-depends -a virtio_pci 9pnet_virtio 9p \
		virtio_console 2>/dev/null | awk '$1 == "insmod" && !seen[$2]++ { print $2 }' |
	while read -r ko; do
		name=$(basename "$ko")
		case $name in
		*.xz)  xz -dc "$ko" > "$tmp/lib/modules/${name%.xz}"; name=${name%.xz} ;;
		*.zst) zstd -qdc "$ko" > "$tmp/lib/modules/${name%.zst}"; name=${name%.zst} ;;
		*)     cp "$ko" "$tmp/lib/modules/$name" ;;
		esac
		echo "$name" >> "$tmp/modules.list"
	done
fi

(cd "$tmp" && find . | cpio -o -H newc --quiet) | gzip -1 > "$out.tmp"
mv "$out.tmp" "$out"
