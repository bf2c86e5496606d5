#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# qtcpip ntp: AT+QNTP against the SNTP server on the host (run-guest's
# QTCPIP_SRV_SNTP): the time in both dialects' formats, set-clock, no
# answer, unknown server, inactive context, a busy module, usage errors.
. "$QTCPIP_TOP/selftests/ctl/lib.sh"

ctl_setup
sntp=127.0.0.1:${QTCPIP_SRV_SNTP:?run-guest starts an SNTP server}

iso='[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}[+-][0-9]{2}:[0-9]{2}'
expect "BC66: the time, ISO 8601 and as the module said it (YY/MM/DD)" 0 \
	"^$BC66: $iso \(module: \"[0-9]{2}/[0-9]{2}/[0-9]{2},[0-9:]{8}[+-][0-9]{2}\"\)$" \
	"$QT" ntp dev "$BC66" "$sntp"
expect "UC20: the time (YYYY/MM/DD)" 0 \
	"^$UC20: $iso \(module: \"[0-9]{4}/[0-9]{2}/[0-9]{2},[0-9:]{8}[+-][0-9]{2}\"\)$" \
	"$QT" ntp dev "$UC20" id 1 "$sntp"
now=$(date +%s)
for dev in "$BC66" "$UC20"; do
	expect_json "$dev: -j ntp: the time is the server's (within 2 min)" \
		"j[0]['ifname'] == '$dev' and j[0]['server'] == '127.0.0.1' and j[0]['port'] == ${QTCPIP_SRV_SNTP} and abs(j[0]['epoch'] - $now) < 120 and j[0]['clock_set'] == False and j[0]['time'].startswith(j[0]['time'][:4])" \
		"$QT" -j ntp dev "$dev" "$sntp"
done
expect "set-clock: the module sets its clock" 0 \
	"^$UC20: $iso \(module: .*\), module clock set$" \
	"$QT" ntp dev "$UC20" "$sntp" set-clock
expect "a name the module resolves" 0 "^$BC66: $iso" \
	"$QT" ntp dev "$BC66" "localhost:${QTCPIP_SRV_SNTP}"

# ---- errors ----
emu 0 set ntp_timeout_ms 1500 > /dev/null
emu 1 set ntp_timeout_ms 1500 > /dev/null
expect_err "BC66: no answer from the server" \
	"^qtcpip: ntp: Connection timed out \(module: operation timeout\)$" \
	"$QT" ntp dev "$BC66" 127.0.0.1:9
expect_err "UC20: no answer from the server" \
	"^qtcpip: ntp: Connection timed out \(module: No NTP response returns\)$" \
	"$QT" ntp dev "$UC20" 127.0.0.1:9
expect_err "UC20: unknown server" \
	"^qtcpip: ntp: No route to host \(module: DNS parse failed\)$" \
	"$QT" ntp dev "$UC20" nonexistent.invalid
expect_err "UC20: inactive context" \
	"^qtcpip: ntp: Network is unreachable \(module: Active PDP failed\)$" \
	"$QT" ntp dev "$UC20" id 2 "$sntp"
expect_err "BC66: context 4 out of its range" \
	"^qtcpip: ntp: Invalid argument \(context out of range for this module\)$" \
	"$QT" ntp dev "$BC66" id 4 "$sntp"
expect_err "a server name with a quote" \
	"^qtcpip: ntp: Invalid argument \(only printable ASCII" \
	"$QT" ntp dev "$UC20" 'a"b:123'

# The second request must come while AT+QNTP is at the module: wait for
# the emulator to say so (a fixed sleep lost the race on a slow guest),
# 20 s long (a loaded debug guest's CLI once started after 8 s).
emu 1 set rtt_ms 20000 > /dev/null
"$QT" ntp dev "$UC20" "$sntp" > /dev/null 2>&1 &
p=$!
wait_for 15 eval 'emu 1 state | grep -q " ntp=busy"'
expect_err "a second synchronisation while one runs: busy" \
	"^qtcpip: ntp: Device or resource busy \(a time synchronisation is already running\)$" \
	"$QT" ntp dev "$UC20" "$sntp"
wait $p
check "  the first one succeeds" test $? = 0
run timeout --preserve-status -s INT 0.7 "$QT" ntp dev "$UC20" "$sntp"
check "Ctrl-C while waiting: exit 130" test "$rc" = 130
emu 1 set rtt_ms 0 > /dev/null
check "  the next one works once the module answered" \
	wait_for 60 qt_ok ntp dev "$UC20" "$sntp"

# The module refuses the command itself: nothing is pending afterwards.
emu 1 cmdfail QNTP 558 > /dev/null
expect_err "UC20: AT+QNTP answering ERROR 558" \
	"^qtcpip: ntp: Invalid argument \(module: Invalid parameters\)$" \
	"$QT" ntp dev "$UC20" "$sntp"
expect "  the next request works at once (no result was pending)" 0 "^$UC20: " \
	"$QT" ntp dev "$UC20" "$sntp"

expect_usage "port 0" "bad server '127\.0\.0\.1:0'" "$QT" ntp dev "$UC20" 127.0.0.1:0
expect_usage "port 70000" "bad server" "$QT" ntp dev "$UC20" 127.0.0.1:70000
expect_usage "an empty host" "bad server ':123'" "$QT" ntp dev "$UC20" :123
expect_usage "no server" "a server is required" "$QT" ntp dev "$UC20"
expect_usage "two servers" "unexpected argument 'b'" "$QT" ntp dev "$UC20" a b
expect_err "an IPv6 server in brackets reaches the module" "^qtcpip: ntp: " \
	"$QT" ntp dev "$UC20" "[::1]:${QTCPIP_SRV_SNTP}"

emu 0 clear > /dev/null
emu 1 clear > /dev/null
ctl_teardown
ctl_done
