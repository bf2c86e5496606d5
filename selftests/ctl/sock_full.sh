#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# qtcpip sock show with every connectID busy (5 on the BC66, 12 on the
# UC20): one entry per connection, each merged with the module's own
# AT+QISTATE view, which must agree (connected TCP client, same id).
. "$QTCPIP_TOP/selftests/ctl/lib.sh"

ctl_setup
tcp=${QTCPIP_SRV_TCP_ECHO:?}

# The connections stay open while this script holds the FIFO they read
# (on tmpfs: the run directory is 9p, which has no FIFOs).
fifo=$(mktemp -u /tmp/sock_full.XXXXXX)
mkfifo "$fifo" || { echo "Bail out! mkfifo $fifo"; exit 1; }
exec {hold}<>"$fifo"
pids=()
open_conns() {	# open_conns <ifname> <n>: n TCP connections to the echo server
	local i
	for i in $(seq "$2"); do
		"$NC" -I "$1" 127.0.0.1 "$tcp" < "$fifo" > /dev/null 2>&1 &
		pids+=($!)
	done
}
open_conns "$BC66" 5
open_conns "$UC20" 12

busy() {	# busy <ifname> <n>: n connected entries holding a connectID
	run "$QT" -j sock show dev "$1"
	[ "$rc" = 0 ] &&
	json "len([s for s in j if s['state'] == 'connected' and s['conn_id'] >= 0]) == $2"
}
agree() {	# agree <n>: ids 0..n-1, each a TCP client the module reports connected
	echo "sorted(s['conn_id'] for s in j) == list(range($1)) and all(s['type'] == 'tcp' and s.get('module', {}).get('state_code') == 2 and s['module'].get('type') == 'TCP' for s in j)"
}

check "BC66: 5 of 5 connectIDs busy in the dump" wait_for 60 busy "$BC66" 5
check "UC20: 12 of 12 connectIDs busy in the dump" wait_for 60 busy "$UC20" 12
expect_json "BC66: the dump agrees with AT+QISTATE for every connection" \
	"$(agree 5)" "$QT" -j sock show dev "$BC66"
expect_json "UC20: the dump agrees with AT+QISTATE for every connection" \
	"$(agree 12)" "$QT" -j sock show dev "$UC20"
"$QT" sock show | sed 's/^/#   /'

kill "${pids[@]}" 2>/dev/null
exec {hold}>&-
wait "${pids[@]}" 2>/dev/null
rm -f "$fifo"
ctl_teardown
ctl_done
