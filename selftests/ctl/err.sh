#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# qtcpip err: AT+QIGETERROR after successes and failures on both modules,
# JSON; and what the user sees when the module stops answering: a timeout,
# then, after three, a module that is not ready until it answers again.
. "$QTCPIP_TOP/selftests/ctl/lib.sh"

ctl_setup

run "$QT" cfg show dev "$BC66" viewmode
expect "BC66 after a success: error 0" 0 "^$BC66: error 0: operation successfully$" \
	"$QT" err dev "$BC66"
run "$QT" cfg set dev "$BC66" viewmode 2
expect "BC66 after a refused AT+QICFG: error 552, the manual's text" 0 \
	"^$BC66: error 552: invalid parameters$" "$QT" err dev "$BC66"
run "$QT" dns show dev "$UC20" id 2
expect "UC20 after AT+QIDNSCFG on an inactive context: error 566" 0 \
	"^$UC20: error 566: [Ii]nvalid operation$" "$QT" err dev "$UC20"
expect_json "-j err" \
	"j[0]['ifname'] == '$UC20' and j[0]['code'] == 566 and j[0]['text'].lower() == 'invalid operation'" \
	"$QT" -j err dev "$UC20"
run "$QT" dns resolve dev "$BC66" nonexistent.invalid
expect "BC66 after a failed lookup (URC): error 565" 0 \
	"^$BC66: error 565: DNS parsed failed$" "$QT" err show dev "$BC66"
expect "err without dev: every module" 0 "^$BC66: error .*
$UC20: error " "$QT" err
expect_err "err dev lo: not a qtcpip device" "^qtcpip: err: No such device \(not a qtcpip device\)$" \
	"$QT" err dev lo
expect_usage "err junk" "unexpected argument 'junk'" "$QT" err dev "$BC66" junk

# ---- a module that does not answer ----
tmo=$(cat /sys/module/qtcpip/parameters/at_timeout_ms)
echo 700 > /sys/module/qtcpip/parameters/at_timeout_ms
# 15 s: four CLI runs on a loaded debug guest once outlasted 6 s.
emu 0 mute 15000 > /dev/null
expect_err "no answer: timeout, said plainly" \
	"^qtcpip: err: Connection timed out \(the module did not answer in time\)$" \
	"$QT" err dev "$BC66"
run "$QT" err dev "$BC66"
run "$QT" err dev "$BC66"
expect "after three timeouts: dev show says probing" 0 "state (probing|init)" \
	"$QT" dev show dev "$BC66"
expect_err "  and commands say the module is not ready" \
	"^qtcpip: err: Network is down \(the module is not ready\)$" "$QT" err dev "$BC66"
echo "$tmo" > /sys/module/qtcpip/parameters/at_timeout_ms
check "once it answers again, it is ready" \
	wait_for 45 qt_has "state ready" dev show dev "$BC66"
expect "and answers" 0 "^$BC66: error " "$QT" err dev "$BC66"
check "the UC20 was not disturbed" carrier "$UC20"

ctl_teardown
ctl_done
