#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# initramfs init: mount the host's root read-only over 9p, give it the
# writable places a test run needs, and hand over to the guest script
# named by qtcpip.init= on the kernel command line.
/bin/busybox --install -s /bin
export PATH=/bin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev

fail() {
	echo "qtcpip-init: $*"
	echo o > /proc/sysrq-trigger
	sleep 10
}

for m in $(cat /modules.list); do
	insmod "/lib/modules/$m" || fail "insmod $m failed"
done

arg() { tr ' ' '\n' < /proc/cmdline | sed -n "s/^$1=//p"; }
out=$(arg qtcpip.out)
top=$(arg qtcpip.top)
ginit=$(arg qtcpip.init)

opts=trans=virtio,version=9p2000.L,msize=262144
# The host's root and the tree do not change during a run: the guest may
# cache them (cache=loose), which spares a 9p round trip through TCG for
# every lookup of every program the tests start. The run directory, which
# both sides write, is not cached.
mount -t 9p -o "$opts,cache=loose,ro" hostroot /newroot || fail "cannot mount host root"
for d in tmp run var/tmp; do
	mount -t tmpfs -o mode=1777 tmpfs "/newroot/$d"
done
# The tree and the run directory after the tmpfs mounts, which could hide
# them (a clone in /tmp).
mkdir -p "/newroot$top" 2>/dev/null
mount -t 9p -o "$opts,cache=loose,ro" top "/newroot$top" || fail "cannot mount $top"
mkdir -p "/newroot$out" 2>/dev/null
mount -t 9p -o "$opts" out "/newroot$out" || fail "cannot mount $out"
mount --move /dev /newroot/dev
mount --move /proc /newroot/proc
mount --move /sys /newroot/sys
exec switch_root /newroot /bin/bash "$ginit"
