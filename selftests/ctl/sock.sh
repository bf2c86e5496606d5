#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# qtcpip sock show: AF_QTCPIP sockets beside the module's view of their
# connectIDs (AT+QISTATE), text and JSON, per device, over their life.
. "$QTCPIP_TOP/selftests/ctl/lib.sh"

ctl_setup
hdr="^Dev +Conn +Type +State +Mode +Recv-Q +Send-Q +Peer +Module$"
tcp=${QTCPIP_SRV_TCP_ECHO:?} udp=${QTCPIP_SRV_UDP_ECHO:?}

expect "no sockets: the header only" 0 "$hdr" "$QT" sock show
check "  and nothing else" test "$(echo "$out" | wc -l)" = 1
expect_json "-j with no sockets: []" "j == []" "$QT" -j sock show

# A TCP connection through the BC66, UDP through the UC20 (push mode),
# each held open while its stdin is: a FIFO this script closes when done
# (a "sleep 10" ran out before the dumps on a loaded debug guest).
fifo=$(mktemp -u /tmp/sock.hold.XXXXXX)	# not in the run directory: 9p
mkfifo "$fifo"
"$NC" -w 1 -I "$BC66" 127.0.0.1 "$tcp" < "$fifo" > /dev/null 2>&1 &
nc1=$!
"$NC" -u -p -w 1 -I "$UC20" 127.0.0.1 "$udp" < "$fifo" > /dev/null 2>&1 &
nc2=$!
exec {hold}> "$fifo"
conns() { [ "$("$QT" -j sock show 2>/dev/null | grep -o conn_id | wc -l)" = 2 ]; }
check "two sockets appear" wait_for 10 conns

expect "sock show: the BC66's TCP socket and the module's view" 0 \
	"^$BC66 +0 +tcp +connected +buffer +0 +0 +127\.0\.0\.1:$tcp +TCP connected lport [1-9][0-9]*$" \
	"$QT" sock show
check "  the UC20's UDP socket in push mode" \
	grep -Eq "^$UC20 +0 +udp +connected +push +0 +0 +127\.0\.0\.1:$udp +UDP connected lport [1-9][0-9]*$" <<< "$out"
echo "$out" | sed 's/^/#   /'
expect "sock show dev UC20: only its own" 0 "^$UC20 +0 +udp" "$QT" sock show dev "$UC20"
check "  one socket" test "$(echo "$out" | wc -l)" = 2
# The module's local port is the host socket's (the emulator's AT+QISTATE).
expect_json "-j sock show: every field" \
	"[dict(s, module=dict(s['module'], local_port=s['module']['local_port'] > 0)) for s in j if s['ifname'] == '$BC66'] == [{'ifindex': $(cat /sys/class/net/$BC66/ifindex), 'ifname': '$BC66', 'conn_id': 0, 'type': 'tcp', 'state': 'connected', 'access_mode': 'buffer', 'rx_queued': 0, 'tx_queued': 0, 'peer': '127.0.0.1:$tcp', 'module': {'type': 'TCP', 'state': 'connected', 'state_code': 2, 'local_port': True}}]" \
	"$QT" -j sock show
expect_json "-j sock show dev UC20" \
	"len(j) == 1 and j[0]['type'] == 'udp' and j[0]['access_mode'] == 'push' and j[0]['module']['type'] == 'UDP'" \
	"$QT" -j sock show dev "$UC20"
# Without CAP_NET_ADMIN the dump asks the module nothing (one AT+QISTATE
# per connection): the driver's own view only.
expect_json "nobody: -j sock show: the sockets, without the module's view" \
	"len(j) == 2 and all(s['module'] is None for s in j)" $NOBODY "$QT" -j sock show

# The peer closes (the emulator's remote side): the driver reads what is
# left, reports the end and gives the connectID back.
emu 0 close 0 > /dev/null
gone() { ! "$QT" sock show dev "$BC66" | grep -q "^$BC66 "; }
check "after the peer closed, the connectID is given back" wait_for 10 gone
exec {hold}>&-
wait $nc1 $nc2
rm -f "$fifo"
expect_json "both sockets gone once closed" "j == []" "$QT" -j sock show
expect_usage "sock show junk" "unexpected argument 'junk'" "$QT" sock show junk
expect_usage "sock frob" "unknown command 'frob'" "$QT" sock frob
expect_err "sock show dev nosuch" "cannot find device 'nosuch'" "$QT" sock show dev nosuch

ctl_teardown
ctl_done
