#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# qtcpip dns: AT+QIDNSCFG (UC20 only) and AT+QIDNSGIP on both modules:
# every address and the TTL, unknown names, inactive contexts, a busy
# resolver, the module's errors.
. "$QTCPIP_TOP/selftests/ctl/lib.sh"

ctl_setup

# ---- show and set (UC20) ----
expect "dns show dev UC20" 0 "^$UC20 ctx 1: primary [0-9.]+ secondary [0-9.]+$" \
	"$QT" dns show dev "$UC20"
expect "dns set dev UC20 8.8.8.8 1.1.1.1" 0 "" "$QT" dns set dev "$UC20" 8.8.8.8 1.1.1.1
expect "dns show: the new servers" 0 "^$UC20 ctx 1: primary 8\.8\.8\.8 secondary 1\.1\.1\.1$" \
	"$QT" dns show dev "$UC20"
expect "dns set with the primary only" 0 "" "$QT" dns set dev "$UC20" id 1 9.9.9.9
expect_json "-j dns show" \
	"j == [{'ifname': '$UC20', 'id': 1, 'primary': '9.9.9.9', 'secondary': '1.1.1.1'}]" \
	"$QT" -j dns show dev "$UC20" id 1
expect_err "dns show on an inactive context: the module refuses" \
	"^qtcpip: dns show: Invalid argument \(module: Invalid operation\)$" \
	"$QT" dns show dev "$UC20" id 2
expect_err "dns set with an IPv6 server on the IPv4-only UC20" \
	"^qtcpip: dns set: Destination address required \(module: Invalid IP address\)$" \
	"$QT" dns set dev "$UC20" 2001:db8::1
expect_usage "dns set with a name instead of an address" "'dns\.example' is not an IP address" \
	"$QT" dns set dev "$UC20" dns.example
expect_usage "dns set without a server" "primary server's address is required" \
	"$QT" dns set dev "$UC20"
expect_usage "dns show without dev" "'dev' is required" "$QT" dns show
expect_err "BC66 dns show: not supported on BC66" \
	"^qtcpip: dns show: Operation not supported \(.*not supported on BC66.*\)$" \
	"$QT" dns show dev "$BC66"
expect_err "BC66 dns set: not supported on BC66" "not supported on BC66" \
	"$QT" dns set dev "$BC66" 8.8.8.8
emu 1 cmdfail QIDNSCFG 558 > /dev/null
expect_err "AT+QIDNSCFG answering ERROR 558" \
	"^qtcpip: dns set: Invalid argument \(module: Invalid parameters\)$" \
	"$QT" dns set dev "$UC20" 8.8.4.4
run "$QT" dns set dev "$UC20" 0.0.0.0 0.0.0.0

# ---- resolve, both modules ----
for dev in "$BC66" "$UC20"; do
	expect "$dev: dns resolve localhost" 0 "^localhost: 127\.0\.0\.1 ttl 86400$" \
		"$QT" dns resolve dev "$dev" localhost
	expect "$dev: an address resolves to itself" 0 "^127\.0\.0\.9: 127\.0\.0\.9 ttl 0$" \
		"$QT" dns resolve dev "$dev" 127.0.0.9
	if [ "$("$QT" dns resolve dev "$dev" one.ctl.test 2>/dev/null)" ]; then
		expect "$dev: every address and the TTL" 0 \
			"^multi\.ctl\.test: 127\.0\.0\.2 127\.0\.0\.3 127\.0\.0\.4 ttl 120$" \
			"$QT" dns resolve dev "$dev" multi.ctl.test
		expect_json "$dev: -j dns resolve" \
			"j == [{'name': 'multi.ctl.test', 'addresses': ['127.0.0.2', '127.0.0.3', '127.0.0.4'], 'ttl': 120}]" \
			"$QT" -j dns resolve dev "$dev" multi.ctl.test
	else
		skip "$dev: every address and the TTL (emulator without --dns-table selftests/ctl/hosts)"
		skip "$dev: -j dns resolve (emulator without --dns-table selftests/ctl/hosts)"
	fi
done
expect_err "BC66: an unknown name" \
	"^qtcpip: dns resolve: No route to host \(module: DNS parsed failed\)$" \
	"$QT" dns resolve dev "$BC66" nonexistent.invalid
expect_err "UC20: an unknown name" \
	"^qtcpip: dns resolve: No route to host \(module: DNS parse failed\)$" \
	"$QT" dns resolve dev "$UC20" nonexistent.invalid
expect_err "UC20: resolving on an inactive context" \
	"^qtcpip: dns resolve: Network is unreachable \(module: Active PDP failed\)$" \
	"$QT" dns resolve dev "$UC20" id 2 localhost
expect_err "BC66: context 4 is out of its range" \
	"^qtcpip: dns resolve: Invalid argument \(context out of range for this module\)$" \
	"$QT" dns resolve dev "$BC66" id 4 localhost
expect_err "a name with a quote is refused" \
	"^qtcpip: dns resolve: Invalid argument \(only printable ASCII" \
	"$QT" dns resolve dev "$UC20" 'a"b'
expect_usage "dns resolve without a name" "a host name is required" \
	"$QT" dns resolve dev "$UC20"
expect_usage "dns resolve with two names" "one name at a time" \
	"$QT" dns resolve dev "$UC20" a b
# One lookup at a time per module: a second one meanwhile is refused.
emu 1 set rtt_ms 8000 > /dev/null
"$QT" dns resolve dev "$UC20" localhost > /dev/null 2>&1 &
slow=$!
wait_for 15 eval 'emu 1 state | grep -q " dns=busy"'
expect_err "a second lookup while one runs: busy" \
	"^qtcpip: dns resolve: Device or resource busy \(a name lookup is already running\)$" \
	"$QT" dns resolve dev "$UC20" localhost
wait $slow
check "  the first one succeeds" test $? = 0
run timeout --preserve-status -s INT 0.7 "$QT" dns resolve dev "$UC20" localhost
check "Ctrl-C during a slow lookup: exit 130" test "$rc" = 130
check "  the next lookup works once the module answered" \
	wait_for 30 qt_ok dns resolve dev "$UC20" localhost
emu 1 set rtt_ms 0 > /dev/null

# The module refuses the command itself: nothing is pending afterwards.
emu 0 cmdfail QIDNSGIP 564 > /dev/null
expect_err "BC66: AT+QIDNSGIP answering ERROR 564 (DNS busy)" \
	"^qtcpip: dns resolve: Device or resource busy \(module: DNS busy\)$" \
	"$QT" dns resolve dev "$BC66" localhost
expect "  the next lookup works at once (no result was pending)" 0 "^localhost: " \
	"$QT" dns resolve dev "$BC66" localhost

ctl_teardown
ctl_done
