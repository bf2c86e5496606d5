#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The demo, inside the guest: talk to the emulated BC66 on ttyS1 and UC20
# on ttyS2 through the plain tty, then attach qtcpip to both.
. "$QTCPIP_TOP/selftests/lib/tap.sh"

at() {	# at <tty> <command>: send one AT command, print the answer
	local tty=$1 cmd=$2
	stty -F "$tty" raw -echo 115200
	exec 3<> "$tty"
	printf '%s\r' "$cmd" >&3
	timeout 2 cat <&3 | tr -d '\r' | sed '/^$/d' | head -n 6
	exec 3>&-
}

tap_plan 4
insmod "$QTCPIP_KO"
for port in ttyS1 ttyS2; do
	diag "$port answers ATI:"
	answer=$(at /dev/$port ATI)
	echo "$answer" | sed 's/^/#   /'
	check "$port: the emulated module identifies itself" \
		grep -Eq '^(BC66|UC20)$' <<< "$answer"
done
ldattach 29 /dev/ttyS1
ldattach 29 /dev/ttyS2
sleep 1
ip -d link show | grep -A2 qtcpip | sed 's/^/#   /'
check "qtcpip0 and qtcpip1 exist" test -e /sys/class/net/qtcpip0 -a -e /sys/class/net/qtcpip1
pkill -x ldattach
sleep 0.5
check "both are gone after ldattach ends" test ! -e /sys/class/net/qtcpip0 -a ! -e /sys/class/net/qtcpip1
rmmod qtcpip
tap_done
