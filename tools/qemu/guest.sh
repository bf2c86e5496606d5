#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Runs as PID 1 inside the QEMU guest, on the host's root filesystem
# (read-only) with the run directory writable. Runs the tests named in
# guest.env, saving each one's TAP output and exit status, then the kernel
# log, and powers the guest off.
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
export HOME=/root LANG=C.UTF-8

out=$(tr ' ' '\n' < /proc/cmdline | sed -n 's/^qtcpip.out=//p')
. "$out/guest.env"
export QTCPIP_OUT=$out
export $(sed -n 's/^\(QTCPIP_[A-Z0-9_]*\)=.*/\1/p' "$out/guest.env")

mount -t devpts -o ptmxmode=666 devpts /dev/pts 2>/dev/null
mount -t debugfs debugfs /sys/kernel/debug 2>/dev/null
ip link set lo up
hostname qtcpip-guest
kmsg() { echo "qtcpip-guest: $*" > /dev/kmsg; }
kmsg "kernel $(uname -r), tests: $QTCPIP_TESTS"

# Each modem slot's tty for the tests: ttyS1/ttyS2, or with --line usb
# the ttyUSB whose USB serial number run-guest set to qtcpip-mdm<slot>
# (enumeration order is not the slots' order). Slots 2-7 (run-guest with
# more than two --modem) on 16550s: the ttyS of the PCI serial port
# run-guest put at address 00:<0x18 + slot>.0.
usb_tty() {
	local t
	for t in /sys/class/tty/ttyUSB*; do
		[ "$(cat "$t/device/../../serial" 2>/dev/null)" = "qtcpip-mdm$1" ] &&
			{ echo "/dev/${t##*/}"; return 0; }
	done
	return 1
}
pci_tty() {
	local t pci
	pci=$(printf '0000:00:%02x.0' $((0x18 + $1)))
	for t in /sys/class/tty/ttyS*; do
		# 6.1: .../<pci>/tty/ttyS<n>; 6.12: .../<pci>/<pci>:0/<pci>:0.0/tty/ttyS<n>
		case $(readlink -f "$t") in
		*/"$pci"/*) echo "/dev/${t##*/}"; return 0 ;;
		esac
	done
	return 1
}
set -- ${QTCPIP_LINES:-serial serial}
case " $* " in
*" usb "*)
	modprobe -a xhci_pci ftdi_sio || kmsg "cannot load xhci_pci/ftdi_sio"
	;;
esac
nslots=$#
[ "$nslots" -ge 2 ] || nslots=2
slot_ttys=
for i in $(seq 0 $((nslots - 1))); do
	line=${1:-serial}
	shift
	tty=/dev/ttyS$((i + 1))
	if [ "$i" -ge 2 ] && [ "$line" = serial ]; then
		tty=$(pci_tty "$i") || { tty=; kmsg "no PCI ttyS for slot $i"; }
	elif [ "$line" = usb ]; then
		tty=
		# enumeration through an emulated xHCI takes a moment under TCG
		for _ in $(seq 300); do
			tty=$(usb_tty "$i") && [ -c "$tty" ] && break
			tty=
			sleep 0.1
		done
		[ -n "$tty" ] || kmsg "no ttyUSB for slot $i"
	fi
	tty=${tty:-/dev/qtcpip-no-ttyUSB-for-slot$i}
	export "QTCPIP_TTY$i=$tty"
	slot_ttys="$slot_ttys $tty"
done
kmsg "slot ttys:$slot_ttys"

# Processes holding an emulator control port (a timed-out test's children
# that are slow to die): the next test could not open it.
vport_holders() {
	local f
	for f in /proc/[0-9]*/fd/*; do
		case $(readlink "$f" 2>/dev/null) in
		/dev/vport*) f=${f#/proc/}; echo "${f%%/*}" ;;
		esac
	done | sort -u
}

mkdir -p "$out/results"
for t in $QTCPIP_TESTS; do
	name=${t##*/}
	kmsg "start $name"
	(cd "$out" && timeout -k 5 "${QTCPIP_TEST_TIMEOUT:-300}" "$t") \
		> "$out/results/$name.tap" 2>&1 < /dev/null
	rc=$?
	echo "$rc" > "$out/results/$name.rc"
	# Timed out: the blocked tasks' stacks tell a hang from slowness.
	if [ "$rc" = 124 ] || [ "$rc" = 137 ]; then
		kmsg "$name timed out; blocked tasks follow"
		echo w > /proc/sysrq-trigger
		for _ in $(seq 40); do
			holders=$(vport_holders)
			[ -z "$holders" ] && break
			# shellcheck disable=SC2086
			kill -9 $holders 2>/dev/null
			sleep 0.5
		done
		[ -n "$holders" ] && kmsg "control port still held by $holders"
	fi
	# Every test detaches what it attached and closes its sockets: a
	# reference it leaves on the module is a leak (a socket or device
	# never freed). Freeing may lag a moment behind the test's exit.
	if [ -r /sys/module/qtcpip/refcnt ]; then
		for _ in $(seq 50); do
			refs=$(cat /sys/module/qtcpip/refcnt 2>/dev/null || echo 0)
			[ "$refs" = 0 ] && break
			sleep 0.2
		done
		echo "$refs" > "$out/results/$name.refcnt"
	fi
	kmsg "end $name rc=$rc"
done

# kmemleak (debug kernel): two scans, as the first may miss recent frees.
if [ -w /sys/kernel/debug/kmemleak ]; then
	echo scan > /sys/kernel/debug/kmemleak
	sleep 1
	echo scan > /sys/kernel/debug/kmemleak
	cat /sys/kernel/debug/kmemleak > "$out/kmemleak.txt"
fi
dmesg > "$out/dmesg.txt"
echo done > "$out/guest-done"
sync
echo 1 > /proc/sys/kernel/sysrq
# A reboot ends QEMU (-no-reboot); it needs no ACPI in the debug kernel.
echo b > /proc/sysrq-trigger
