#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# qtcpip module life cycle in the guest: parameter checks, loading,
# attaching with the real ldattach(8), rmmod refused while attached, and
# rmmod leaving nothing behind.
. "$QTCPIP_TOP/selftests/lib/tap.sh"
# The rig's two modem lines (run-guest --line usb: ttyUSB<n>).
TTY0=${QTCPIP_TTY0:-/dev/ttyS1} TTY1=${QTCPIP_TTY1:-/dev/ttyS2}

wait_for() {	# wait_for <seconds> <command...>: poll until it succeeds
	local t=$(( $1 * 10 ))
	shift
	while [ $t -gt 0 ]; do
		"$@" && return 0
		sleep 0.1
		t=$((t - 1))
	done
	return 1
}
netdevs() { ls /sys/class/net | grep -c '^qtcpip'; }
no_netdevs() { [ "$(netdevs)" = 0 ]; }
gone() { [ ! -e /sys/module/qtcpip ] && ! grep -qw qtcpip /proc/tty/ldiscs; }

tap_plan 14
rmmod qtcpip 2>/dev/null

check "ldisc=0 (N_TTY) is refused" bash -c "! insmod '$QTCPIP_KO' ldisc=0 2>/dev/null"
check "ldisc=31 (out of range) is refused" bash -c "! insmod '$QTCPIP_KO' ldisc=31 2>/dev/null"
check "a refused load leaves nothing" gone
check "module loads" insmod "$QTCPIP_KO"
check "line discipline 29 is registered as qtcpip" \
	grep -Eq '^qtcpip +29$' /proc/tty/ldiscs

ldattach 29 "$TTY0"
check "ldattach 29 $TTY0 creates qtcpip0" wait_for 5 test -e /sys/class/net/qtcpip0
check "qtcpip0 is ARPHRD_NONE" test "$(cat /sys/class/net/qtcpip0/type 2>/dev/null)" = 65534
check "rmmod is refused while a port is attached" bash -c '! rmmod qtcpip 2>/dev/null'
pkill -x ldattach
check "ending ldattach removes qtcpip0" wait_for 5 no_netdevs

check "rmmod works once detached" rmmod qtcpip
check "rmmod leaves no module, ldisc or netdev" bash -c "$(declare -f gone no_netdevs netdevs); gone && no_netdevs"

check "ldisc=28 loads" insmod "$QTCPIP_KO" ldisc=28
ldattach 28 "$TTY1"
check "ldattach 28 $TTY1 creates a netdev" wait_for 5 test "$(netdevs)" = 1
pkill -x ldattach
wait_for 5 no_netdevs
check "rmmod after the ldisc=28 run" rmmod qtcpip
tap_done
