#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# qtcpip cfg: AT+QICFG. BC66 dataformat and viewmode (and the driver
# following them: data still flows), UC20 transpktsize and transwaittm,
# the other model's names, bad values, the module's errors.
. "$QTCPIP_TOP/selftests/ctl/lib.sh"

ctl_setup

echo_through() {	# echo_through <dev>: a line through the TCP echo server
	local msg="cfg test through $1 $RANDOM" got
	got=$(echo "$msg" | timeout 30 "$NC" -w 3 -I "$1" 127.0.0.1 "$QTCPIP_SRV_TCP_ECHO")
	[ "$got" = "$msg" ]
}

# ---- BC66 ----
expect "BC66 cfg show: every setting of the model" 0 \
"^$BC66 dataformat send text recv text
$BC66 viewmode 0 \(header CR LF data\)$" "$QT" cfg show dev "$BC66"
expect "BC66 cfg set dataformat hex hex" 0 "" "$QT" cfg set dev "$BC66" dataformat hex hex
expect "BC66 cfg show dataformat" 0 "^$BC66 dataformat send hex recv hex$" \
	"$QT" cfg show dev "$BC66" dataformat
check "  data still flows in hex format" echo_through "$BC66"
expect "BC66 cfg set dataformat 0 1 (numbers as in the manual)" 0 "" \
	"$QT" cfg set dev "$BC66" dataformat 0 1
expect_json "-j cfg show dataformat" \
	"j == [{'ifname': '$BC66', 'name': 'dataformat', 'values': [0, 1], 'send': 'text', 'recv': 'hex'}]" \
	"$QT" -j cfg show dev "$BC66" dataformat
check "  data still flows (text out, hex in)" echo_through "$BC66"
run "$QT" cfg set dev "$BC66" dataformat text text
expect "BC66 cfg set viewmode 1" 0 "" "$QT" cfg set dev "$BC66" viewmode 1
expect "BC66 cfg show viewmode" 0 "^$BC66 viewmode 1 \(header,data\)$" \
	"$QT" cfg show dev "$BC66" viewmode
check "  data still flows in view mode 1" echo_through "$BC66"
run "$QT" cfg set dev "$BC66" viewmode 0
expect_err "BC66 viewmode 2: the module refuses" \
	"^qtcpip: cfg set: Invalid argument \(module: invalid parameters\)$" \
	"$QT" cfg set dev "$BC66" viewmode 2
expect "  the setting is unchanged" 0 "viewmode 0" "$QT" cfg show dev "$BC66" viewmode
check "  and data still flows" echo_through "$BC66"
expect_err "BC66 transpktsize: a UC20 setting" \
	"^qtcpip: cfg show: Operation not supported \(BC66 options: dataformat, viewmode\)$" \
	"$QT" cfg show dev "$BC66" transpktsize
expect_err "BC66 cfg set transwaittm: a UC20 setting" "BC66 options" \
	"$QT" cfg set dev "$BC66" transwaittm 2

# ---- UC20 ----
expect "UC20 cfg show: every setting of the model" 0 \
"^$UC20 transpktsize [0-9]+ bytes
$UC20 transwaittm [0-9]+ \([0-9]+ ms\)$" "$QT" cfg show dev "$UC20"
expect "UC20 cfg set transpktsize 512" 0 "" "$QT" cfg set dev "$UC20" transpktsize 512
expect "UC20 cfg show transpktsize" 0 "^$UC20 transpktsize 512 bytes$" \
	"$QT" cfg show dev "$UC20" transpktsize
expect "UC20 cfg set transwaittm 5" 0 "" "$QT" cfg set dev "$UC20" transwaittm 5
expect_json "-j cfg show transwaittm" \
	"j == [{'ifname': '$UC20', 'name': 'transwaittm', 'values': [5]}]" \
	"$QT" -j cfg show dev "$UC20" transwaittm
expect_err "UC20 transpktsize 1461: out of the module's range" \
	"^qtcpip: cfg set: Invalid argument \(module: Invalid parameters\)$" \
	"$QT" cfg set dev "$UC20" transpktsize 1461
expect_err "UC20 transwaittm 21" "\(module: Invalid parameters\)$" \
	"$QT" cfg set dev "$UC20" transwaittm 21
expect_err "UC20 dataformat: a BC66 setting" \
	"^qtcpip: cfg set: Operation not supported \(UC20 options: transpktsize, transwaittm\)$" \
	"$QT" cfg set dev "$UC20" dataformat 0 0
emu 1 cmdfail QICFG 559 > /dev/null
expect_err "AT+QICFG answering ERROR 559" \
	"^qtcpip: cfg show: Operation not supported \(module: Operation not supported\)$" \
	"$QT" cfg show dev "$UC20" transpktsize
run "$QT" cfg set dev "$UC20" transpktsize 1024
run "$QT" cfg set dev "$UC20" transwaittm 2
expect "UC20 settings restored" 0 "transpktsize 1024 bytes" "$QT" cfg show dev "$UC20"

# ---- usage ----
expect_usage "an unknown setting" "unknown setting 'mtu'" "$QT" cfg show dev "$UC20" mtu
expect_usage "dataformat needs two values" "dataformat takes 2 values" \
	"$QT" cfg set dev "$BC66" dataformat hex
expect_usage "viewmode needs one value" "viewmode takes 1 value" \
	"$QT" cfg set dev "$BC66" viewmode 1 1
expect_usage "a value that is not a number" "bad value 'big' for transpktsize" \
	"$QT" cfg set dev "$UC20" transpktsize big
expect_usage "cfg set without a name" "a setting name is required" "$QT" cfg set dev "$UC20"
expect_usage "cfg show without dev" "'dev' is required" "$QT" cfg show transpktsize

ctl_teardown
ctl_done
