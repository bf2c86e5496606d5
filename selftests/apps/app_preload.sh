#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# What qtcpip-run keeps of a socket it moves, through each module
# (build/selftests/apps/preload_test, an ordinary AF_INET program, against
# the host's TCP and UDP echo servers): descriptor number, FD_CLOEXEC,
# O_NONBLOCK, options set before connect, EINPROGRESS for TCP only,
# sendto moving an unconnected UDP socket, IPv4-mapped IPv6 as IPv4, IPv6
# left alone on the UC20 (no IPv6); unix sockets untouched; without --all
# loopback stays local.
. "$(dirname "$0")/lib.sh"
prog=$QTCPIP_TOP/build/selftests/apps/preload_test
[ -x "$prog" ] || { echo "Bail out! $prog not built (make -C selftests)"; exit 1; }
apps_setup

# relay <module>: the program's TAP lines as our cases
relay() {
	local line
	while IFS= read -r line; do
		case $line in
		"ok "*) ok "$1: $(echo "${line#ok }" | sed 's/^[0-9]* //')" ;;
		"not ok "*) not_ok "$1: $(echo "${line#not ok }" | sed 's/^[0-9]* //')" ;;
		"#"*) echo "$line" ;;
		esac
	done < "$WORK/app.out"
	[ "$rc" = 0 ] || app_show
}

for dev in "$BC66" "$UC20"; do
	m=$([ "$dev" = "$BC66" ] && echo BC66 || echo UC20)
	# the UC20 has no IPv6: its case of an AF_INET6 socket left alone
	app "$dev" 120 "$prog" "$QTCPIP_SRV_TCP_ECHO" "$QTCPIP_SRV_UDP_ECHO" \
		$([ "$m" = UC20 ] && echo v4only)
	relay "$m"
done
timeout -k 5 60 "$QRUN" -I "$UC20" -v -- "$prog" "$QTCPIP_SRV_TCP_ECHO" \
	"$QTCPIP_SRV_UDP_ECHO" local > "$WORK/app.out" 2> "$WORK/app.err" < /dev/null
rc=$?
relay "UC20 without --all"
ctl_done
