#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Line rate (AT+IPR): by default the line stays at the attach rate; with a
# limit (max_baud=, qtcpip dev set max-baud) module and tty move up after
# identification and data flows there; a lower limit moves them back down;
# a module that does not answer at the new rate (the emulator's ipr-deaf
# fault) leaves both at the old rate, the device ready. Only root may set
# the limit. The emulator's "state" shows the rate it paces at.
#
# QEMU's 16550 has a 1.8432 MHz clock (baud_base 115200): its 8250 driver
# refuses faster rates, which the driver finds before it sends AT+IPR. As
# a board with a faster UART clock would, the test raises the guest
# UART's clock (TIOCSSERIAL baud_base, what setserial does); QEMU carries
# the bytes at any divisor.
. "$QTCPIP_TOP/selftests/ctl/lib.sh"

PARAM=/sys/module/qtcpip/parameters/max_baud

uart_clock() {	# uart_clock <tty> <baud_base>: as setserial <tty> baud_base
	case $1 in /dev/ttyS*) ;; *) return 0 ;; esac
	python3 - "$1" "$2" <<'PY'
import fcntl, os, struct, sys
TIOCGSERIAL, TIOCSSERIAL = 0x541E, 0x541F
fd = os.open(sys.argv[1], os.O_RDWR | os.O_NOCTTY | os.O_NONBLOCK)
ss = bytearray(fcntl.ioctl(fd, TIOCGSERIAL, bytes(72)))
struct.pack_into("i", ss, 28, int(sys.argv[2]))	# baud_base
fcntl.ioctl(fd, TIOCSSERIAL, bytes(ss))
PY
}

# The pacing an earlier test left (bulk sets none, the apps 921600): the
# attach rate, before the driver's init could move it.
emu 0 baud 115200 > /dev/null
emu 1 baud 115200 > /dev/null
ctl_setup

emu_baud() {	# emu_baud <slot>: the rate the emulator paces at
	emu "$1" state | grep -o 'baud=[0-9]*' | cut -d= -f2
}
echo_kb() {	# echo_kb <dev>: 6 KB through the TCP echo server, intact
	local msg got
	msg=$(head -c 4500 /dev/urandom | base64 -w 76)
	got=$(echo "$msg" | timeout 60 "$NC" -w 3 -I "$1" 127.0.0.1 "$QTCPIP_SRV_TCP_ECHO")
	[ "$got" = "$msg" ]
}
ready_at() {	# ready_at <dev> <baud>: ready, with the tty at that rate
	"$QT" dev show dev "$1" 2>/dev/null | grep -Eq "state ready .* baud $2 "
}
reboot() {	# reboot <slot> <dev>: the module resets, the driver inits again
	emu "$1" reset > /dev/null
	sleep 1
	wait_for 60 carrier "$2"
}
switch_ms() {	# the last switch the kernel log reports, for the record
	dmesg | grep "line rate $1 -> $2 baud" | tail -n 1 | sed 's/.*\] //'
}

# ---- default: nothing changes ----
expect "default: the BC66 stays at the attach rate, no limit" 0 \
	"state ready tty ${TTY0#/dev/} dialect bc66 baud 115200 max-baud 0$" \
	"$QT" dev show dev "$BC66"
expect "default: the UC20 too" 0 \
	"state ready tty ${TTY1#/dev/} dialect uc20 baud 115200 max-baud 0$" \
	"$QT" dev show dev "$UC20"
check "  the emulators pace at 115200" test "$(emu_baud 0),$(emu_baud 1)" = 115200,115200
expect_json "-j dev show: baud and max_baud" \
	"j[0]['baud'] == 115200 and j[0]['max_baud'] == 0 and 'baud_failed' not in j[0]" \
	"$QT" -j dev show dev "$UC20"

check "guest UARTs clocked for 921600 (baud_base)" \
	eval 'uart_clock "$TTY0" 921600 && uart_clock "$TTY1" 921600'

# ---- privileges and bad values ----
expect_err "nobody: dev set max-baud: Operation not permitted" \
	"^qtcpip: dev set: Operation not permitted$" \
	$NOBODY "$QT" dev set dev "$UC20" max-baud 921600
expect "  the limit did not change" 0 "baud 115200 max-baud 0$" "$QT" dev show dev "$UC20"
expect_err "dev set max-baud 5000000: refused" "max-baud above 4000000" \
	"$QT" dev set dev "$UC20" max-baud 5000000
expect_usage "dev set max-baud junk: usage error" "bad max-baud 'junk'" \
	"$QT" dev set dev "$UC20" max-baud junk

# ---- up, over netlink: applies at the next init ----
expect "BC66 dev set max-baud 921600" 0 "" "$QT" dev set dev "$BC66" max-baud 921600
expect "  shown; the line stays until the next init" 0 "baud 115200 max-baud 921600$" \
	"$QT" dev show dev "$BC66"
check "  the module resets: the driver comes back at 921600" reboot 0 "$BC66"
check "  dev show: ready at 921600" wait_for 10 ready_at "$BC66" 921600
check "  the emulator paces at 921600 (it took AT+IPR=921600)" test "$(emu_baud 0)" = 921600
diag "$(switch_ms 115200 921600)"
check "  6 KB echo through the BC66 at 921600" echo_kb "$BC66"

# ---- a limit between the model's rates: the fastest below it ----
expect "BC66 dev set max-baud 500000" 0 "" "$QT" dev set dev "$BC66" max-baud 500000
check "  after a reset: 460800, the fastest rate up to 500000" reboot 0 "$BC66"
check "  dev show: ready at 460800" wait_for 10 ready_at "$BC66" 460800
check "  the emulator paces at 460800" test "$(emu_baud 0)" = 460800

# ---- down again ----
expect "BC66 dev set max-baud 0" 0 "" "$QT" dev set dev "$BC66" max-baud 0
check "  after a reset: back at the attach rate" reboot 0 "$BC66"
check "  dev show: ready at 115200" wait_for 10 ready_at "$BC66" 115200
check "  the emulator paces at 115200" test "$(emu_baud 0)" = 115200
check "  6 KB echo through the BC66 at 115200" echo_kb "$BC66"

# ---- up, by the module parameter, at attach ----
if [ -w "$PARAM" ]; then
	echo 921600 > "$PARAM"
	for p in "${ctl_pids[@]}"; do kill "$p" 2>/dev/null; done
	for p in "${ctl_pids[@]}"; do wait "$p" 2>/dev/null; done
	ctl_pids=()
	wait_for 5 test -z "$(qt_netdevs)"
	ctl_setup
	echo 0 > "$PARAM"
	check "max_baud=921600, attach: the UC20 is ready at 921600" wait_for 10 ready_at "$UC20" 921600
	check "  and the BC66" wait_for 10 ready_at "$BC66" 921600
	check "  both emulators pace at 921600" test "$(emu_baud 0),$(emu_baud 1)" = 921600,921600
	diag "$(switch_ms 115200 921600)"
	check "  6 KB echo through the UC20 at 921600" echo_kb "$UC20"
	expect "UC20 dev set max-baud 0" 0 "" "$QT" dev set dev "$UC20" max-baud 0
	check "  after a reset: back at the attach rate" reboot 1 "$UC20"
	check "  dev show: ready at 115200" wait_for 10 ready_at "$UC20" 115200
	check "  the emulator paces at 115200" test "$(emu_baud 1)" = 115200
	run "$QT" dev set dev "$BC66" max-baud 0
	reboot 0 "$BC66"
	check "  the BC66 too" wait_for 10 ready_at "$BC66" 115200
else
	skip "max_baud= at attach: $PARAM not writable"
fi

# ---- a module that does not answer at the new rate ----
dmesg_lines=$(dmesg | wc -l)
for s in 1 0; do
	if [ $s = 1 ]; then dev=$UC20; else dev=$BC66; fi
	# deaf longer than the driver probes at the new rate (about 1 s)
	check "slot $s: ipr-deaf 1500" emu $s ipr-deaf 1500
	expect "  dev set max-baud 921600" 0 "" "$QT" dev set dev "$dev" max-baud 921600
	check "  the module resets: the driver falls back and comes up" reboot $s "$dev"
	check "  dev show: ready at 115200, 921600 failed" wait_for 10 eval \
		"\"\$QT\" dev show dev $dev | grep -Eq 'state ready .* baud 115200 max-baud 921600 \(no answer at 921600\)$'"
	check "  the emulator stayed at 115200, deaf once" \
		eval "[ \"\$(emu_baud $s)\" = 115200 ] && emu $s counters | grep -q ' ipr_deaf=1 '"
	check "  6 KB echo through it at 115200" echo_kb "$dev"
	check "  the kernel said so" eval "dmesg | tail -n +$dmesg_lines | grep -q '$dev: .*the module does not answer at 921600 baud after AT+IPR: back at 115200 baud\$'"
	expect_json "  -j: baud_failed" "j[0]['baud'] == 115200 and j[0]['baud_failed'] == 921600" \
		"$QT" -j dev show dev "$dev"
	# a rate that failed is not tried again at the next init ...
	check "  a second reset: still 115200, no second AT+IPR" reboot $s "$dev"
	check "  ... ready at 115200" wait_for 10 ready_at "$dev" 115200
	# ... until the limit is set again
	expect "  dev set max-baud 921600 again" 0 "" "$QT" dev set dev "$dev" max-baud 921600
	check "  a reset: now it answers at 921600" reboot $s "$dev"
	check "  ... ready at 921600" wait_for 10 ready_at "$dev" 921600
	check "  ... the emulator paces at 921600" test "$(emu_baud $s)" = 921600
	run "$QT" dev set dev "$dev" max-baud 0
	reboot $s "$dev"
	check "  back at 115200 for the next test" wait_for 10 ready_at "$dev" 115200
done

emu 0 baud 115200 > /dev/null
emu 1 baud 115200 > /dev/null
ctl_teardown
uart_clock "$TTY0" 115200
uart_clock "$TTY1" 115200
ctl_done
