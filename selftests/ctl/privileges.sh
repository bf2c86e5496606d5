#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Who may do what: an unprivileged user reads (dev, ctx, dns, cfg, err,
# sock show, monitor), looks names up and pings, like ping(8), but changes
# nothing (ctx set/up/down, dns set, ntp, which may set the module's
# clock, cfg set): "Operation not permitted". CAP_NET_ADMIN is what
# counts, not being root.
. "$QTCPIP_TOP/selftests/ctl/lib.sh"

ctl_setup
sntp=127.0.0.1:${QTCPIP_SRV_SNTP:?}

# ---- reading ----
expect "nobody: dev show" 0 "^$UC20: UC20" $NOBODY "$QT" dev show
expect_json "nobody: -j dev show" "len(j) >= 2" $NOBODY "$QT" -j dev show
expect "nobody: ctx show" 0 "^$UC20 ctx 1: active" $NOBODY "$QT" ctx show dev "$UC20"
expect "nobody: dns show" 0 "^$UC20 ctx 1: primary" $NOBODY "$QT" dns show dev "$UC20"
expect "nobody: cfg show" 0 "^$BC66 dataformat" $NOBODY "$QT" cfg show dev "$BC66"
expect "nobody: err" 0 "^$BC66: error" $NOBODY "$QT" err dev "$BC66"
expect "nobody: sock show" 0 "^Dev" $NOBODY "$QT" sock show
$NOBODY "$QT" monitor > mon.txt 2> mon.err &
mon=$!
# (a loaded debug guest once took over 5 s to start the CLI)
check "nobody: monitor joins the events group" wait_for 20 file_has mon.err monitoring
emu 1 pdpdeact 3 > /dev/null
check "  and sees events" wait_for 10 file_has mon.txt "^$UC20: pdpdeact ctx 3$"
kill -INT $mon
wait $mon
expect "nobody: dns resolve" 0 "^localhost: 127\.0\.0\.1 ttl" \
	$NOBODY "$QT" dns resolve dev "$UC20" localhost
expect "nobody: ping" 0 "1 request sent, 1 received" \
	$NOBODY "$QT" ping dev "$BC66" -c 1 127.0.0.1

# ---- bounded: a doit waits holding genl's cb_lock ----
expect_err "nobody: ping -c 10 -W 255 refused" \
	"^qtcpip: ping: Operation not permitted \(without CAP_NET_ADMIN count \* timeout is at most 8 s\)$" \
	$NOBODY "$QT" ping dev "$BC66" -c 10 -W 255 127.0.0.1
expect_err "nobody: ping -c 3 -W 3 refused too (9 s)" \
	"count \* timeout is at most 8 s" $NOBODY "$QT" ping dev "$UC20" -c 3 -W 3 127.0.0.1
# One user cannot keep the single ping slot: after holding it for a lost
# request (8 s: with 3 s a loaded debug guest took longer to start the
# next CLI) the same user waits as long; others do not.
emu 0 pingdrop 1 > /dev/null
expect "nobody: ping -c 1 -W 8, the request lost" 1 "1 request sent, 0 received" \
	$NOBODY "$QT" ping dev "$BC66" -c 1 -W 8 127.0.0.1
expect_err "  right after, the same user again: rate limited" \
	"^qtcpip: ping: Resource temporarily unavailable \(rate limited: wait as long as your last request took\)$" \
	$NOBODY "$QT" ping dev "$BC66" -c 1 -W 1 127.0.0.1
emu 0 clear > /dev/null
expect "  root meanwhile: served" 0 "1 request sent, 1 received" \
	"$QT" ping dev "$BC66" -c 1 127.0.0.1
# The module's answers held back for 40 s: an unprivileged lookup gives up
# after 10 s, with EAGAIN, before the answer could come (the CLI's own start
# and exit took 27 s more on a loaded debug guest: the bound is the 40 s);
# other genl requests go on meanwhile.
emu 1 delay 40000 > /dev/null
t0=$SECONDS
$NOBODY "$QT" dns resolve dev "$UC20" localhost > slow.out 2> slow.err &
slow=$!
sleep 1
expect "  meanwhile dev show answers" 0 "^$UC20: UC20" "$QT" dev show dev "$UC20"
wait $slow
rc=$? out=$(cat slow.out) err=$(cat slow.err)
ok_if "nobody: dns resolve with the module silent: EAGAIN before its 40 s" \
	'[ $rc = 1 ] && [ $((SECONDS - t0)) -lt 40 ] && matches "$err" "Resource temporarily unavailable \(the module is busy"'
diag "took $((SECONDS - t0)) s: $err"
check "  the module answers again afterwards" wait_for 60 qt_ok ctx show dev "$UC20"

# ---- changing ----
eperm() {	# eperm <what> <args...>
	local what=$1
	shift
	expect_err "nobody: $what: Operation not permitted" \
		"^qtcpip: $what: Operation not permitted$" $NOBODY "$QT" "$@"
}
eperm "ctx up" ctx up dev "$UC20" id 2
eperm "ctx down" ctx down dev "$UC20" id 1
eperm "ctx set" ctx set dev "$UC20" id 2 apn x
eperm "dns set" dns set dev "$UC20" 8.8.8.8
eperm "ntp" ntp dev "$UC20" "$sntp"
eperm "cfg set" cfg set dev "$UC20" transwaittm 3
eperm "dev set" dev set dev "$UC20" dialect bg96
expect "  nothing changed: context 1 still active" 0 "ctx 1: active" "$QT" ctx show dev "$UC20" id 1
expect "  nothing changed: transwaittm" 0 "transwaittm 2 " "$QT" cfg show dev "$UC20" transwaittm
check "  the carrier stayed up" carrier "$UC20"

# ---- capabilities, not uid ----
expect_err "root without CAP_NET_ADMIN: ctx up refused" \
	"^qtcpip: ctx up: Operation not permitted$" \
	setpriv --inh-caps=-net_admin --bounding-set=-net_admin "$QT" ctx up dev "$UC20" id 2
expect "nobody with CAP_NET_ADMIN: ctx up allowed" 0 "" \
	$NOBODY --inh-caps=+net_admin --ambient-caps=+net_admin "$QT" ctx up dev "$UC20" id 2
expect "  and ctx down" 0 "" \
	$NOBODY --inh-caps=+net_admin --ambient-caps=+net_admin "$QT" ctx down dev "$UC20" id 2

ctl_teardown
ctl_done
