#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# tools/systemd in the QEMU guest (no systemd there: the guest's PID 1 is
# our test runner): systemd-analyze verify on the attach unit, the udev
# rule through udevadm test with the properties 60-serial.rules would
# import for a UC20's ports, then the unit's own ExecStartPre/ExecStart
# command lines (specifiers and $$ expanded as systemd does) on slot 0's
# port: the netdev appears, ldattach stays in the foreground, and SIGTERM
# (systemctl stop) removes the netdev. udevadm verify is not in Debian 12's
# systemd 252, so the rule's syntax is checked by what udevadm test logs.
. "$QTCPIP_TOP/selftests/ctl/lib.sh"
set -u
dir=$QTCPIP_TOP/tools/systemd
unit=$dir/qtcpip-attach@.service
rules=$dir/70-qtcpip.rules
tty=${QTCPIP_TTY0:-/dev/ttyS1}
inst=${tty#/dev/}

# systemd-analyze and udevadm want a writable /run, and udevadm test
# makes the links a rule asks for in /dev: private tmpfs mounts, in a mount
# namespace of their own, so nothing else sees them.
in_tmp_run() {
	unshare -m sh -c 'mount -t tmpfs tmpfs /run && mkdir -p /run/udev/rules.d &&
			  mount -t tmpfs tmpfs /dev && exec "$@"' sh "$@"
}

verify() {
	local d
	d=$(mktemp -d)
	cp "$unit" "$d/" && ln -s "${unit##*/}" "$d/qtcpip-attach@$1.service" &&
		in_tmp_run systemd-analyze verify --man=no "$d/qtcpip-attach@$1.service" > "$d/out" 2>&1
	rc=$?
	sed 's/^/#   /' "$d/out"
	# warnings (an unknown key, a bad value) leave the exit status 0
	[ "$rc" = 0 ] && [ ! -s "$d/out" ]
	rc=$?
	rm -rf "$d"
	return $rc
}
if command -v systemd-analyze > /dev/null; then
	check "systemd-analyze verify qtcpip-attach@ttyUSB3.service: clean" verify ttyUSB3
	check "systemd-analyze verify a by-id instance: clean" \
		verify "$(systemd-escape serial/by-id/usb-Quectel_UC20-if03-port0)"
else
	skip "systemd-analyze verify (no systemd-analyze)"
	skip "systemd-analyze verify a by-id instance (no systemd-analyze)"
fi

# make install-systemd puts the three files where systemd and udev read
# them, and keeps a /etc/default/qtcpip the user has.
inst_root=$(mktemp -d)
mkdir -p "$inst_root/etc/default"
echo QTCPIP_SPEED=9600 > "$inst_root/etc/default/qtcpip"
check "make install-systemd DESTDIR=...: unit, rule, kept /etc/default/qtcpip" \
	eval 'make -s -C "$QTCPIP_TOP" install-systemd DESTDIR="$inst_root" > /dev/null &&
	      cmp "$unit" "$inst_root/etc/systemd/system/qtcpip-attach@.service" &&
	      cmp "$rules" "$inst_root/etc/udev/rules.d/70-qtcpip.rules" &&
	      [ "$(cat "$inst_root/etc/default/qtcpip")" = QTCPIP_SPEED=9600 ]'
rm -rf "$inst_root"

# udev_props <interface> <vendor> <model>: udevadm test of /sys/class/tty/tty
# with our rule and a rule before it that sets what 60-serial.rules would
# (usb_id) on a module's port; prints the resulting properties.
udev_props() {
	in_tmp_run sh -c '
		printf "%s\n" "SUBSYSTEM==\"tty\", KERNEL==\"tty\", ENV{ID_VENDOR_ID}=\"$2\", ENV{ID_MODEL_ID}=\"$3\", ENV{ID_USB_INTERFACE_NUM}=\"$1\", ENV{ID_SERIAL}=\"Quectel_UC20\"" \
			> /run/udev/rules.d/69-qtcpip-fake-usb.rules
		cp "$0" /run/udev/rules.d/
		udevadm test --action=add /sys/class/tty/tty 2>&1' "$rules" "$@"
}
if command -v udevadm > /dev/null; then
	out=$(udev_props 03 05c6 9003)
	grep -E '70-qtcpip|qtcpip' <<< "$out" | sed 's/^/#   /'
	# udevadm test names file:line for each rule it cannot parse
	check "udev: the rule file parses without complaint" \
		eval '! grep -q "70-qtcpip.rules:[0-9]" <<< "$out"'
	check "udev: a UC20's modem port (if03) wants qtcpip-attach@tty.service" \
		grep -qx 'SYSTEMD_WANTS=qtcpip-attach@tty.service' <<< "$out"
	out=$(udev_props 02 05c6 9003)
	check "udev: the UC20's AT port (if02) is left alone" \
		eval '! grep -q "SYSTEMD_WANTS=.*qtcpip" <<< "$out"'
	out=$(udev_props 03 2c7c 0125)
	check "udev: an EC25's modem port wants the unit too" \
		grep -qx 'SYSTEMD_WANTS=qtcpip-attach@tty.service' <<< "$out"
	out=$(udev_props 03 0403 6001)
	check "udev: another USB serial device (FTDI) is left alone" \
		eval '! grep -q "SYSTEMD_WANTS=.*qtcpip" <<< "$out"'
else
	for i in 1 2 3 4 5; do skip "udev rule (no udevadm)"; done
fi

# The unit's command lines, as systemd would run them for instance $inst:
# specifiers %i/%I, "$$" for "$", the Environment= defaults.
unit_lines() { sed -n "s/^$1=//p" "$unit"; }
expand() { local c=${1//%I/$inst}; c=${c//%i/$inst}; printf '%s' "${c//\$\$/\$}"; }
eval "export $(unit_lines Environment)"
# Another number than the default (29), as "options qtcpip ldisc=28" in
# /etc/modprobe.d would set: ExecStart must take it from the module.
if [ ! -e /sys/module/qtcpip ]; then
	insmod "$QTCPIP_KO" ldisc=28 || { echo "Bail out! insmod failed"; exit 1; }
	ctl_loaded=1
fi
ldisc=$(cat /sys/module/qtcpip/parameters/ldisc)
# exec_pre: run the ExecStartPre lines; fails if one fails or none ran.
exec_pre() {
	local line n=0
	while read -r line; do
		# the guest's module is not under /lib/modules: insmod'ed above
		case $line in /sbin/modprobe*) continue ;; esac
		eval "argv=($(expand "${line#-}"))"
		"${argv[@]}" || { diag "ExecStartPre failed: ${argv[*]}"; return 1; }
		n=$((n + 1))
	done <<< "$(unit_lines ExecStartPre)"
	[ "$n" -gt 0 ]
}
crtscts() { stty -F "$tty" -a | grep -Eq '(^| )crtscts( |$)'; }
check "ExecStartPre with QTCPIP_STTY=crtscts sets RTS/CTS on $tty" \
	eval 'QTCPIP_STTY=crtscts exec_pre && crtscts'
stty -F "$tty" -crtscts
check "ExecStartPre with the defaults succeeds and leaves flow control off" \
	eval 'exec_pre && ! crtscts'

before=$(qt_netdevs)
eval "argv=($(expand "$(unit_lines ExecStart)"))"
diag "ExecStart: ${argv[*]}"
"${argv[@]}" > /dev/null 2>&1 < /dev/null &
pid=$!
new_dev() { dev=$(qt_netdevs | grep -vxF -- "${before:-none}" | head -n1); [ -n "$dev" ]; }
# a KASAN guest on a loaded host takes seconds to exec sh and ldattach
check "ExecStart attaches $tty: a new qtcpip netdev" wait_for 60 new_dev
diag "netdev ${dev:-none}"
check "  on $inst, with the module's line discipline number $ldisc" \
	eval 'grep -q "tty $inst" <<< "$("$QT" dev show dev "$dev" 2>&1)"'
sleep 1
check "  ldattach stays in the foreground as the main process (pid $pid)" \
	eval '[ "$(cat /proc/$pid/comm 2>/dev/null)" = ldattach ]'
kill -TERM "$pid"
gone() { [ -n "$dev" ] && [ ! -e "/sys/class/net/$dev" ]; }
check "SIGTERM (systemctl stop) detaches: ${dev:-the netdev} is gone" wait_for 20 gone
wait "$pid" 2> /dev/null
[ -z "$ctl_loaded" ] || rmmod qtcpip
ctl_done
