#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# qtcpip monitor: the "events" multicast group. Network deactivations
# (pdpdeact), module resets, peers closing, link up and down, each seen
# by a text and a JSON monitor, a per-device filter, and SIGINT.
. "$QTCPIP_TOP/selftests/ctl/lib.sh"

ctl_setup

start_monitor() {	# start_monitor <file> <args...>: sets $mon
	local f=$1
	shift
	"$QT" "$@" > "$f" 2> "$f.err" &
	mon=$!
	wait_for 5 file_has "$f.err" monitoring 2> /dev/null
}
saw() { wait_for "${3:-10}" file_has "$1" "$2"; }
count_ge() { [ "$(grep -c -- "$2" "$1")" -ge "$3" ]; }	# <file> <pattern> <n>

start_monitor mon.txt monitor
m_text=$mon
check "a monitor starts and says so on stderr" test -s mon.txt.err
start_monitor mon.json -j -t monitor
m_json=$mon
start_monitor mon.uc20 monitor dev "$UC20"
m_uc20=$mon

# The network deactivates a UC20 context.
run "$QT" ctx up dev "$UC20" id 2
emu 1 pdpdeact 2 > /dev/null
check "pdpdeact: '<dev>: pdpdeact ctx 2'" saw mon.txt "^$UC20: pdpdeact ctx 2$"
expect "  the context is shown inactive" 0 "ctx 2: inactive" "$QT" ctx show dev "$UC20" id 2
run "$QT" ctx down dev "$UC20" id 2

# The default context: link down, and the driver activates it again
# (AT+QIDEACT=1, AT+QIACT=1, as the manual wants after a pdpdeact).
emu 1 pdpdeact 1 > /dev/null
check "UC20 pdpdeact of context 1: link-down" saw mon.txt "^$UC20: link-down$"
check "  then link-up: the driver reactivated it" saw mon.txt "^$UC20: link-up$"
check "  carrier is back" wait_for 10 carrier "$UC20"
run "$QT" ctx down dev "$UC20" id 1
check "ctx down id 1: link-down" wait_for 10 count_ge mon.txt "^$UC20: link-down$" 2
run "$QT" ctx up dev "$UC20" id 1
check "ctx up id 1: link-up" wait_for 10 count_ge mon.txt "^$UC20: link-up$" 2

# A BC66 context lost by the network: it has no PDP commands, so the
# driver must bring it back some other way (registration, AT+CFUN).
emu 0 pdpdeact 1 > /dev/null
ok_if "BC66 pdpdeact 1: pdpdeact and link-down" \
	'saw mon.txt "^$BC66: pdpdeact ctx 1$" && saw mon.txt "^$BC66: link-down$"'
ip link set "$BC66" down
ip link set "$BC66" up
check "  ip link down/up brings the BC66's context 1 back" wait_for 15 carrier "$BC66"

# The module reboots by itself.
n=$(grep -c "^$BC66: link-up$" mon.txt)
emu 0 reset > /dev/null
check "a module reset: 'reset'" saw mon.txt "^$BC66: reset$"
check "  then link-up once it is ready again" \
	wait_for 20 count_ge mon.txt "^$BC66: link-up$" $((n + 1))

# The peer of a connection closes it.
check "BC66 ready again" wait_for 20 carrier "$BC66"
sleep 6 | "$NC" -w 1 -I "$UC20" 127.0.0.1 "$QTCPIP_SRV_TCP_ECHO" > /dev/null 2>&1 &
nc=$!
wait_for 10 qt_has connected sock show dev "$UC20"
emu 1 close 0 > /dev/null
check "the peer closes: 'peer-closed conn 0'" saw mon.txt "^$UC20: peer-closed conn 0$"
wait $nc

# JSON: one object per line, with a timestamp.
check "-j monitor: one JSON object per event line" \
	/usr/bin/python3 -c '
import json, sys
ev = [json.loads(l) for l in open("mon.json") if l.strip()]
got = {(e["event"], e.get("ctx_id")) for e in ev}
assert all("timestamp" in e and isinstance(e["ifindex"], int) and e["ifname"] for e in ev), ev
assert {("pdpdeact", 2), ("pdpdeact", 1), ("reset", None), ("link-up", None)} <= got, got
assert any(e["event"] == "peer-closed" and e["conn_id"] == 0 for e in ev), ev
'
ok_if "monitor dev UC20: only the UC20's events" \
	'grep -q "^$UC20: pdpdeact ctx 2$" mon.uc20 && ! grep -q "^$BC66" mon.uc20'

kill -INT $m_text
wait $m_text
check "SIGINT ends a monitor with exit 0" test $? = 0
kill -TERM $m_json $m_uc20
wait $m_json
check "SIGTERM too" test $? = 0
wait $m_uc20
sed 's/^/#   /' mon.txt

# Detaching ends the link.
start_monitor mon.end monitor
for p in "${ctl_pids[@]}"; do kill "$p"; done
ok_if "detaching: link-down of both" \
	'saw mon.end "^$BC66: link-down$" && saw mon.end "^$UC20: link-down$"'
kill -INT $mon
wait $mon
expect_usage "monitor junk" "unexpected argument 'junk'" "$QT" monitor junk

ctl_teardown
ctl_done
