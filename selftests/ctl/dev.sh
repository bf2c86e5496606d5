#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# qtcpip dev show: identity, state, tty, limits and contexts of both
# modules, text and JSON; usage errors; the module not loaded.
. "$QTCPIP_TOP/selftests/ctl/lib.sh"

ctl_setup

expect "dev show lists both modules" 0 "" "$QT" dev show
check "  the BC66 is $BC66" grep -Eq "^$BC66: BC66 revision [^ ]+ imei [0-9]+$" <<< "$out"
check "  the UC20 is $UC20" grep -Eq "^$UC20: UC20 revision [^ ]+ imei [0-9]+$" <<< "$out"
echo "$out" | sed 's/^/#   /'

expect "dev show dev BC66: state, tty, the manual's limits" 0 \
	"state ready tty ${TTY0#/dev/}.*
.*connections 5 contexts 3 send 700 read 700" "$QT" dev show dev "$BC66"
expect "dev show dev UC20: state, tty, the manual's limits" 0 \
	"state ready tty ${TTY1#/dev/}.*
.*connections 12 contexts 16 send 1460 read 1500" "$QT" dev show dev "$UC20"
expect "dev show dev UC20: context 1 is active with its address" 0 \
	"ctx 1 active address 127\.0\.0\.1" "$QT" dev show dev "$UC20"
expect "dev show dev BC66: contexts 1-3 are active (no PDP commands)" 0 \
	"ctx 3 active" "$QT" dev show dev "$BC66"
expect "'qtcpip d s' abbreviates 'dev show'" 0 "^$BC66: BC66" "$QT" d s

expect_json "-j dev show: one object per module" \
	"len([d for d in j if d['ifname'] in ('$BC66', '$UC20')]) == 2" "$QT" -j dev show
expect_json "-j dev show dev BC66: identity and limits" \
	"j[0]['model'] == 'BC66' and j[0]['state'] == 'ready' and j[0]['tty'] == '${TTY0#/dev/}' and j[0]['imei'].isdigit() and j[0]['revision'] != '' and j[0]['max_conn'] == 5 and j[0]['max_ctx'] == 3 and j[0]['max_send'] == 700 and j[0]['max_read'] == 700 and isinstance(j[0]['ifindex'], int)" \
	"$QT" -j dev show dev "$BC66"
expect_json "-j dev show dev UC20: contexts with addresses" \
	"j[0]['model'] == 'UC20' and j[0]['max_conn'] == 12 and j[0]['max_read'] == 1500 and {'id': 1, 'active': True, 'address': '127.0.0.1'} in j[0]['contexts']" \
	"$QT" -j dev show dev "$UC20"
expect_json "-j -p: pretty JSON parses the same" \
	"j[0]['model'] == 'UC20'" "$QT" -j -p dev show dev "$UC20"
check "  -p output is indented" grep -q '^        "model": "UC20"' <<< "$out"
expect "--json is -j" 0 '^\[\{"ifindex":' "$QT" --json dev show dev "$BC66"

# Control operations check CAP_NET_ADMIN in the initial namespace and
# sockets find devices by namespace: the netdev stays where it was made.
# (the debug kernel is built without network namespaces)
if unshare -n true 2> /dev/null; then
	unshare -n sleep 60 &
	nsp=$!
	wait_for 10 eval '[ "$(readlink /proc/$nsp/ns/net)" != "$(readlink /proc/self/ns/net)" ]'
	expect "ip link set UC20 netns <other>: refused" 2 "Invalid argument" \
		ip link set "$UC20" netns "$nsp"
	nsenter -t "$nsp" -n ip link set "$UC20" netns 1 2> /dev/null	# old drivers
	kill $nsp
	wait $nsp 2> /dev/null
	check "  it is still here" test -e "/sys/class/net/$UC20"
else
	skip "ip link set UC20 netns <other>: this kernel has no network namespaces"
fi

expect_err "dev show dev lo: not a qtcpip device" \
	"^qtcpip: dev show: No such device \(not a qtcpip device\)$" "$QT" dev show dev lo
expect_err "dev show dev nosuch: no such device" \
	"^qtcpip: dev show: cannot find device 'nosuch'$" "$QT" dev show dev nosuch
expect_usage "dev show junk: usage error" "unexpected argument 'junk'" "$QT" dev show junk
expect_usage "dev show dev (no name): usage error" "'dev' needs a device name" "$QT" dev show dev
expect_usage "dev frob: unknown command" "unknown command 'frob'" "$QT" dev frob
expect_usage "unknown object" "unknown object 'frob'" "$QT" frob
expect_usage "unknown option" "unknown option '-z'" "$QT" -z dev show
expect "qtcpip help: usage on stdout, exit 0" 0 "^Usage: qtcpip \[OPTIONS\] OBJECT" "$QT" help
expect "qtcpip dev help" 0 "^Usage: qtcpip dev show" "$QT" dev help
expect "qtcpip -V" 0 "^qtcpip utility .*version 1$" "$QT" -V

# the profile in use, and forcing one (QTCPIP_CMD_DEV_SET): only an unknown
# model takes it (selftests/sock/profiles_test.c brings one up)
expect "dev show: the profile of each module" 0 "tty ttyS1 dialect bc66" "$QT" dev show dev "$BC66"
expect_json "-j dev show: dialect" "j[0]['dialect'] == 'uc20'" "$QT" -j dev show dev "$UC20"
expect_err "dev set: an unknown profile is refused" "unknown dialect profile" \
	"$QT" dev set dev "$BC66" dialect z80
expect_usage "dev set needs dev and dialect" "'dev' and 'dialect' are required" "$QT" dev set dialect bc66
expect "dev set: a profile for a known model changes nothing" 0 "" "$QT" dev set dev "$BC66" dialect uc20
expect "  ... the BC66 stays a ready BC66" 0 "state ready tty ttyS1 dialect bc66" "$QT" dev show dev "$BC66"
expect "dev set dialect auto" 0 "" "$QT" dev set dev "$BC66" dialect auto

ctl_teardown
if [ -e /sys/module/qtcpip ]; then
	skip "module not loaded: clear message (the module was loaded by someone else)"
else
	expect_err "module not loaded: clear message" \
		"^qtcpip: generic netlink family 'qtcpip' not found: is the qtcpip module loaded\?$" \
		"$QT" dev show
fi
ctl_done
