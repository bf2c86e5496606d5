#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# qtcpip ping: AT+QPING through each module's stack to the host's
# loopback: replies as they come, lost requests, the summary, unknown
# hosts, inactive contexts, a busy module, Ctrl-C, JSON.
. "$QTCPIP_TOP/selftests/ctl/lib.sh"

ctl_setup

for dev in "$BC66" "$UC20"; do
	expect "$dev: ping -c 3 127.0.0.1: three replies and the summary" 0 \
"^PING 127\.0\.0\.1 via $dev ctx 1, 3 requests
[0-9]+ bytes from 127\.0\.0\.1: seq=1 ttl=[0-9]+ time=[0-9]+ ms
[0-9]+ bytes from 127\.0\.0\.1: seq=2 ttl=[0-9]+ time=[0-9]+ ms
[0-9]+ bytes from 127\.0\.0\.1: seq=3 ttl=[0-9]+ time=[0-9]+ ms

--- 127\.0\.0\.1 ping statistics ---
3 requests sent, 3 received, 0% loss
rtt min/avg/max = [0-9]+/[0-9]+/[0-9]+ ms$" \
		"$QT" ping dev "$dev" -c 3 127.0.0.1
	check "  nothing on stderr" test -z "$err"
	expect "$dev: ping localhost (a name the module resolves)" 0 \
		"1 request sent, 1 received" "$QT" ping dev "$dev" -c 1 localhost
done

# Replies are printed as they arrive, not at the end.
emu 1 pingdrop 1 > /dev/null
"$QT" ping dev "$UC20" -c 3 -W 2 127.0.0.1 > ping.out 2>&1 &
p=$!
sleep 1.2
first=$(cat ping.out)
wait $p
rc=$?
check "replies are printed as they come (a lost one takes 2 s)" \
	grep -q "^PING" <<< "$first"
out=$(cat ping.out)
check "  a lost request is reported as timed out" grep -q "^request 1: timed out$" <<< "$out"
ok_if "  the summary counts it, exit 0 as one reply came" \
	'[ $rc = 0 ] && grep -q "^3 requests sent, 2 received, 33% loss$" <<< "$out"'
echo "$out" | sed 's/^/#   /'

emu 0 pingdrop 2 > /dev/null
expect "BC66: every request lost: exit 1, like ping(8)" 1 \
	"request 1: timed out
request 2: timed out

--- 127\.0\.0\.1 ping statistics ---
2 requests sent, 0 received, 100% loss$" \
	"$QT" ping dev "$BC66" -c 2 -W 1 127.0.0.1

emu 1 pingdrop 1 > /dev/null
expect_json "-j ping: replies, losses and the summary" \
"len(j) == 1 and j[0]['ifname'] == '$UC20' and j[0]['host'] == '127.0.0.1' and j[0]['replies'][0] == {'seq': 1, 'timeout': True, 'result': 1} and j[0]['replies'][1]['seq'] == 2 and j[0]['replies'][1]['address'] == '127.0.0.1' and j[0]['sent'] == 2 and j[0]['received'] == 1 and j[0]['lost'] == 1 and j[0]['interrupted'] == False" \
	"$QT" -j ping dev "$UC20" -c 2 -W 1 127.0.0.1

# ---- errors ----
expect_err "BC66: unknown host" \
	"^qtcpip: ping: No route to host \(module: DNS parsed failed\)$" \
	"$QT" ping dev "$BC66" nonexistent.invalid
expect_err "UC20: unknown host (+QPING: 4)" \
	"^qtcpip: ping: No route to host \(module: host not found\)$" \
	"$QT" ping dev "$UC20" nonexistent.invalid
expect_err "UC20: inactive context (+QPING: 5)" \
	"^qtcpip: ping: Network is unreachable \(module: PDP context activation failed\)$" \
	"$QT" ping dev "$UC20" id 2 127.0.0.1
expect_err "BC66: context 4 is out of its range" \
	"^qtcpip: ping: Invalid argument \(context out of range for this module\)$" \
	"$QT" ping dev "$BC66" id 4 127.0.0.1
expect_usage "-c 11: more than the module's 10" "bad count '11' \(1-10\)" \
	"$QT" ping dev "$BC66" -c 11 127.0.0.1
expect_usage "-W 0" "bad timeout '0' \(1-255 seconds\)" "$QT" ping dev "$BC66" -W 0 127.0.0.1
expect_usage "-W 256" "bad timeout '256'" "$QT" ping dev "$BC66" -W 256 127.0.0.1
expect_usage "no host" "a host is required" "$QT" ping dev "$BC66" -c 1
expect_usage "two hosts" "unexpected argument 'b'" "$QT" ping dev "$BC66" a b
expect_usage "no dev" "'dev' is required" "$QT" ping 127.0.0.1
expect_usage "unknown option" "unknown option '-f'" "$QT" ping dev "$BC66" -f 127.0.0.1

# ---- one ping at a time; Ctrl-C ----
emu 0 pingdrop 10 > /dev/null
# 15 s of it: a loaded debug guest took over 5 s to start the second CLI.
"$QT" ping dev "$BC66" -c 3 -W 5 127.0.0.1 > /dev/null 2>&1 &
p=$!
wait_for 15 eval 'emu 0 state | grep -q " ping=busy"'
expect_err "a second ping while one runs: busy" \
	"^qtcpip: ping: Device or resource busy \(a ping is already running\)$" \
	"$QT" ping dev "$BC66" -c 1 127.0.0.1
wait $p

emu 1 pingdrop 10 > /dev/null
run timeout --preserve-status -s INT 4 "$QT" ping dev "$UC20" -c 5 -W 2 127.0.0.1
check "Ctrl-C: exit 130" test "$rc" = 130
check "  the summary covers what came before" \
	matches "$out" "^[0-9] requests? sent, 0 received, [0-9]+% loss$"
show_run
check "the next ping works once the module ended the first" \
	wait_for 30 qt_ok ping dev "$UC20" -c 1 -W 1 127.0.0.1
emu 1 pingdrop 10 > /dev/null
run timeout --preserve-status -s INT 3 "$QT" -j ping dev "$UC20" -c 4 -W 2 127.0.0.1
ok_if "Ctrl-C with -j: valid JSON that says so" \
	'[ $rc = 130 ] && json "j[0][\"interrupted\"] == True and j[0][\"received\"] == 0"'
emu 1 clear > /dev/null
check "  and again the next ping works once the module ended it" \
	wait_for 30 qt_ok ping dev "$UC20" -c 1 -W 1 127.0.0.1

# The module refuses the command itself: nothing is pending afterwards.
emu 0 cmdfail QPING 552 > /dev/null
expect_err "BC66: AT+QPING answering ERROR 552" \
	"^qtcpip: ping: Invalid argument \(module: invalid parameters\)$" \
	"$QT" ping dev "$BC66" 127.0.0.1
# The slot is free at once: the next ping runs (not "busy"). Whether the
# emulator answers that first request after an injected failure is its
# own business, so the reply itself is not required here.
run "$QT" ping dev "$BC66" -c 1 127.0.0.1
ok_if "  the next ping runs at once (no result was pending)" \
	'[ $rc -le 1 ] && matches "$out" "^1 request sent"'

# ---- the +QPING codes are the module family's ----
# A BG96 (UC20 command set) reports 0 for success and the error table's
# codes: 569 for a lost request, 565 for an unknown host. Taken as UC20
# codes they ended the ping with "the TCP/IP stack is busy".
slot1_is() {	# slot1_is <model>: identified as it, and ready
	qt_has "^$UC20: $1 revision" dev show dev "$UC20" &&
		qt_has "state ready" dev show dev "$UC20"
}
emu 1 clear > /dev/null
emu 1 profile bg96 > /dev/null
emu 1 reset > /dev/null
check "the UC20 slot comes up as a BG96" \
	wait_for 40 slot1_is BG96
check "  with its carrier" wait_for 20 carrier "$UC20"
emu 1 pingdrop 1 > /dev/null
expect_json "BG96: a lost request is +QPING: 569, the summary +QPING: 0" \
"j[0]['replies'][0] == {'seq': 1, 'timeout': True, 'result': 569} and j[0]['replies'][1]['address'] == '127.0.0.1' and j[0]['sent'] == 2 and j[0]['received'] == 1 and j[0]['lost'] == 1" \
	"$QT" -j ping dev "$UC20" -c 2 -W 1 127.0.0.1
expect_err "BG96: unknown host (+QPING: 565)" \
	"^qtcpip: ping: No route to host \(module: DNS parsed failed\)$" \
	"$QT" ping dev "$UC20" nonexistent.invalid
expect_err "BG96: inactive context (+QPING: 561)" \
	"^qtcpip: ping: Network is unreachable \(module: open PDP context failed\)$" \
	"$QT" ping dev "$UC20" id 2 127.0.0.1
emu 1 clear > /dev/null
emu 1 reset > /dev/null
check "the UC20 slot is a UC20 again" \
	wait_for 40 slot1_is UC20
check "  with its carrier" wait_for 20 carrier "$UC20"

emu 0 clear > /dev/null
emu 1 clear > /dev/null
ctl_teardown
ctl_done
