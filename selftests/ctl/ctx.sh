#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# qtcpip ctx: PDP contexts (AT+QICSGP, AT+QIACT, AT+QIDEACT) on the UC20,
# the BC66's lack of them, the UC20's limit of 3 active contexts, the
# module's errors, timeouts and Ctrl-C as the user sees them.
. "$QTCPIP_TOP/selftests/ctl/lib.sh"

ctl_setup

# ---- show ----
expect "ctx show dev UC20: context 1 active, its address and settings" 0 \
	"^$UC20 ctx 1: active address 127\.0\.0\.1 apn \"[^\"]*\" user \"[^\"]*\" auth [a-z-]+$" \
	"$QT" ctx show dev "$UC20"
expect "ctx show dev BC66: context 1 active (attached, no PDP commands)" 0 \
	"^$BC66 ctx 1: active" "$QT" ctx show dev "$BC66"
expect "ctx show: every module" 0 "^$BC66 ctx 1: .*
$UC20 ctx 1: " "$QT" ctx show
expect "ctx show dev UC20 id 5: one inactive context" 0 \
	"^$UC20 ctx 5: inactive apn \"[^\"]*\"" "$QT" ctx show dev "$UC20" id 5
check "  and only that one" test "$(echo "$out" | wc -l)" = 1

# ---- set ----
expect "ctx set id 2 apn, user, password, auth pap" 0 "" \
	"$QT" ctx set dev "$UC20" id 2 apn internet.test user bob password s3cret auth pap
check "  prints nothing" test -z "$out$err"
expect "ctx show id 2: the new settings" 0 \
	"^$UC20 ctx 2: inactive apn \"internet\.test\" user \"bob\" auth pap$" \
	"$QT" ctx show dev "$UC20" id 2
ok_if "  the password is never shown" '! grep -q s3cret <<< "$out"'
expect_json "-j ctx show id 2: apn, user, auth; no password" \
	"j == [{'ifname': '$UC20', 'id': 2, 'active': False, 'apn': 'internet.test', 'user': 'bob', 'auth': 'pap'}]" \
	"$QT" -j ctx show dev "$UC20" id 2
for a in chap pap-chap none; do
	run "$QT" ctx set dev "$UC20" id 2 apn internet.test auth "$a"
	expect "ctx set auth $a" 0 "auth $a\$" "$QT" ctx show dev "$UC20" id 2
done
# "+QICSGP: 1,"","bob","",1": an empty APN does not hide the user name.
run "$QT" ctx set dev "$UC20" id 2 apn "" user bob auth pap
expect "ctx show id 2: an empty APN, the user name still shown" 0 \
	"^$UC20 ctx 2: inactive apn \"\" user \"bob\" auth pap$" \
	"$QT" ctx show dev "$UC20" id 2
run bash -c "echo 'pass word' | '$QT' ctx set dev '$UC20' id 3 apn x user u password -"
check "ctx set password - reads it from stdin" test "$rc" = 0

# ---- up and down, the 3-context limit ----
expect "ctx up id 2" 0 "" "$QT" ctx up dev "$UC20" id 2
expect "ctx show id 2: active with its address" 0 \
	"^$UC20 ctx 2: active address 127\.0\.0\.1 apn" "$QT" ctx show dev "$UC20" id 2
expect "ctx up id 3: the third active context" 0 "" "$QT" ctx up dev "$UC20" id 3
expect_err "ctx up id 4: a fourth is refused by the module" \
	"^qtcpip: ctx up: Network is unreachable \(module: Active PDP failed\)$" \
	"$QT" ctx up dev "$UC20" id 4
expect_err "ctx up id 2 again: already active" \
	"^qtcpip: ctx up: Operation already in progress \(module: PDP has already been activated\)$" \
	"$QT" ctx up dev "$UC20" id 2
expect_json "-j ctx show dev UC20: the three active contexts" \
	"sorted(c['id'] for c in j if c['active']) == [1, 2, 3] and all(c['address'] == '127.0.0.1' for c in j)" \
	"$QT" -j ctx show dev "$UC20"
expect "dev show lists them" 0 "ctx 2 active address 127\.0\.0\.1" "$QT" dev show dev "$UC20"
expect "ctx down id 3" 0 "" "$QT" ctx down dev "$UC20" id 3
expect "ctx down id 2" 0 "" "$QT" ctx down dev "$UC20" id 2
expect "ctx show id 2: inactive again" 0 "^$UC20 ctx 2: inactive" "$QT" ctx show dev "$UC20" id 2
expect "ctx up id 4 works now" 0 "" "$QT" ctx up dev "$UC20" id 4
run "$QT" ctx down dev "$UC20" id 4
check "ctx down id 4" test "$rc" = 0

expect "ctx down id 1 (the default context)" 0 "" "$QT" ctx down dev "$UC20" id 1
check "  takes the carrier down" wait_for 10 no_carrier "$UC20"
expect "ctx up id 1" 0 "" "$QT" ctx up dev "$UC20" id 1
check "  brings it back" wait_for 10 carrier "$UC20"

# ---- the BC66 has no PDP context commands ----
expect_err "BC66 ctx up: not supported on BC66" \
	"^qtcpip: ctx up: Operation not supported \(.*not supported on BC66.*\)$" \
	"$QT" ctx up dev "$BC66" id 1
expect_err "BC66 ctx down: not supported on BC66" "not supported on BC66" \
	"$QT" ctx down dev "$BC66" id 2
expect_err "BC66 ctx set: not supported on BC66" "not supported on BC66" \
	"$QT" ctx set dev "$BC66" id 1 apn x

# ---- bad parameters ----
expect_usage "id 17: out of the manuals' range" "bad context id '17' \(1-16\)" \
	"$QT" ctx up dev "$UC20" id 17
expect_usage "id 0" "bad context id '0'" "$QT" ctx down dev "$UC20" id 0
expect_usage "ctx up without id" "'id' is required" "$QT" ctx up dev "$UC20"
expect_usage "ctx up without dev" "'dev' is required" "$QT" ctx up id 2
expect_usage "ctx set without apn" "'apn' is required" "$QT" ctx set dev "$UC20" id 2
expect_usage "ctx set bad auth" "bad auth 'kerberos'" \
	"$QT" ctx set dev "$UC20" id 2 apn x auth kerberos
expect_err "BC66 context 4: out of range for the module" \
	"^qtcpip: ctx show: Invalid argument \(context out of range for this module\)$" \
	"$QT" ctx show dev "$BC66" id 4
expect_err "an APN with a quote is refused" \
	"^qtcpip: ctx set: Invalid argument \(only printable ASCII" \
	"$QT" ctx set dev "$UC20" id 2 apn 'in"ternet'
expect_err "an APN of 150 characters is refused" "^qtcpip: ctx set: " \
	"$QT" ctx set dev "$UC20" id 2 apn "$(printf 'a%.0s' $(seq 150))"

# ---- module errors, timeouts, Ctrl-C ----
emu 1 cmdfail QIACT 556 > /dev/null
expect_err "AT+QIACT answering ERROR 556: the module's reason" \
	"^qtcpip: ctx up: Network is unreachable \(module: Active PDP failed\)$" \
	"$QT" ctx up dev "$UC20" id 2
emu 1 cmdfail QICSGP 558 > /dev/null
expect_err "AT+QICSGP answering ERROR 558" \
	"^qtcpip: ctx set: Invalid argument \(module: Invalid parameters\)$" \
	"$QT" ctx set dev "$UC20" id 2 apn x

emu 1 set open_delay_ms 4000 > /dev/null
run timeout --preserve-status -s INT 1 "$QT" ctx up dev "$UC20" id 2
check "Ctrl-C during a slow AT+QIACT: exit 130" test "$rc" = 130
check "  the activation still completes in the module" \
	wait_for 15 qt_has " active " ctx show dev "$UC20" id 2
emu 1 set open_delay_ms 0 > /dev/null
run "$QT" ctx down dev "$UC20" id 2
run "$QT" ctx set dev "$UC20" id 2 apn "" auth none
run "$QT" ctx set dev "$UC20" id 3 apn "" auth none

# ctx up racing a detach: the carrier work it queues once AT+QIACT
# answered must not be queued after the detach cancelled it (it would run
# on a freed device: KASAN on the debug kernel). The window is short, so
# this is a stress case: rounds with the detach at different points.
for d in 0.2 0.9; do
	run "$QT" ctx down dev "$UC20" id 1
	"$QT" ctx up dev "$UC20" id 1 > /dev/null 2>&1 &
	up=$!
	sleep $d
	ctl_teardown
	wait $up
	ctl_setup
done
ok "ctx up racing detach: no crash, both modules back"
check "  the UC20 is ready again" carrier "$UC20"

# Last: a module that does not answer. at_timeout_ms caps every
# command's deadline (AT+QIACT's is 150 s); the device is detached
# right after, which ends whatever is still in flight. Muted for 10 s:
# a loaded debug guest once took over 3 s to start the CLI, and the
# command went out after a 3 s silence had ended.
tmo=$(cat /sys/module/qtcpip/parameters/at_timeout_ms)
echo 2000 > /sys/module/qtcpip/parameters/at_timeout_ms
emu 1 mute 10000 > /dev/null
start=$SECONDS
run timeout --preserve-status -s INT 30 "$QT" ctx up dev "$UC20" id 2
took=$((SECONDS - start))
ok_if "a module that does not answer: timeout, said plainly" \
	'[ $rc = 1 ] && matches "$err" "^qtcpip: ctx up: Connection timed out \(the module did not answer in time\)$"'
ok_if "  after at_timeout_ms (2 s), not AT+QIACT's 150 s (took ${took} s)" '[ $took -le 12 ]'
echo "$tmo" > /sys/module/qtcpip/parameters/at_timeout_ms

ctl_teardown
ctl_done
