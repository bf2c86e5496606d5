#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The demo, inside the guest: attach qtcpip to the emulated BC66 (ttyS1)
# and UC20 (ttyS2), then move real data through AF_QTCPIP sockets to an
# echo server on the host, once through each module's own TCP/IP stack.
. "$QTCPIP_TOP/selftests/lib/tap.sh"
nc=$QTCPIP_TOP/tools/qtnc/qtcpip-nc

carrier() { [ "$(cat "/sys/class/net/$1/carrier" 2>/dev/null)" = 1 ]; }
wait_carrier() {
	local i
	for i in $(seq 150); do carrier "$1" && return 0; sleep 0.2; done
	return 1
}

tap_plan 6
insmod "$QTCPIP_KO"
ldattach -s 115200 29 /dev/ttyS1
ldattach -s 115200 29 /dev/ttyS2
for dev in qtcpip0 qtcpip1; do
	ip link set "$dev" up
	check "$dev: module identified and ready (carrier up)" wait_carrier "$dev"
done
dmesg | grep -E 'qtcpip[01]: ' | sed 's/^/#   /'
for dev in qtcpip0 qtcpip1; do
	msg="hello from the guest through $dev"
	diag "echo '$msg' | qtcpip-nc -I $dev 127.0.0.1 $QTCPIP_SRV_TCP_ECHO"
	got=$(echo "$msg" | timeout 60 "$nc" -w 3 -I "$dev" 127.0.0.1 "$QTCPIP_SRV_TCP_ECHO")
	diag "answer: $got"
	check "$dev: the echo server's answer came back through the module" \
		test "$got" = "$msg"
done
ip -s link show qtcpip0 | sed 's/^/#   /'
ip -s link show qtcpip1 | sed 's/^/#   /'
pkill -x ldattach
sleep 0.5
check "both netdevs are gone after ldattach ends" \
	test ! -e /sys/class/net/qtcpip0 -a ! -e /sys/class/net/qtcpip1
check "rmmod" rmmod qtcpip
tap_done
