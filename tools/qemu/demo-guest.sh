#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The demo, inside the guest (tools/demo shows its output as it runs; make
# test runs it on every kernel): load qtcpip, attach the emulated BC66
# (ttyS1) and UC20 (ttyS2), and show what a user sees: the modules found,
# qtcpip dev show, a ping, a DNS lookup, a TCP echo and an HTTP download
# through each module's own TCP/IP stack, the netdevs' counters, a clean
# detach. The emulators back connections with real sockets on the host.
# Lines starting "# " are the story, "ok"/"not ok" lines the checks.
. "$QTCPIP_TOP/selftests/lib/tap.sh"
QT=$QTCPIP_TOP/tools/cli/qtcpip
NC=$QTCPIP_TOP/tools/qtnc/qtcpip-nc
TTYS=("${QTCPIP_TTY0:-/dev/ttyS1}" "${QTCPIP_TTY1:-/dev/ttyS2}")
read -r -a MODELS <<< "${QTCPIP_MODEMS:-bc66 uc20}"
tmp=$(mktemp -d)
pids=()
devs=()
# socket payload each netdev moved, for its counters at the end
declare -A rx_sum tx_sum

step() { echo "#"; echo "# ==== $* ===="; }
# run <command...>: show the command and its output, as on a terminal.
run() {
	local rc
	echo "# \$ ${*#"$QTCPIP_TOP"/}"
	"$@" > "$tmp/out" 2>&1 < /dev/null
	rc=$?
	sed 's/^/#   /' "$tmp/out"
	return $rc
}
wait_for() {	# wait_for <seconds> <command...>
	local end=$((SECONDS + $1))
	shift
	until "$@"; do
		[ $SECONDS -ge $end ] && return 1
		sleep 0.2
	done
}
carrier() { [ "$(cat "/sys/class/net/$1/carrier" 2>/dev/null)" = 1 ]; }
netdevs() { ls /sys/class/net | grep '^qtcpip' | sort; }

tap_plan 16
echo "# qtcpip demo: Linux sockets through the TCP/IP stacks inside Quectel modules"
echo "# kernel $(uname -r); ${TTYS[0]}: emulated ${MODELS[0]^^}, ${TTYS[1]}: emulated ${MODELS[1]^^}"

step "1. Load the driver, attach both serial ports, bring the netdevs up"
run insmod "$QTCPIP_KO"
ldisc=$(cat /sys/module/qtcpip/parameters/ldisc)
for i in 0 1; do
	before=$(netdevs)
	echo "# \$ ldattach -s 115200 $ldisc ${TTYS[$i]} &    # $ldisc: qtcpip's line discipline"
	ldattach -d -s 115200 "$ldisc" "${TTYS[$i]}" > /dev/null 2>&1 < /dev/null &
	pids+=($!)
	new_dev() { dev=$(netdevs | grep -vxF -- "${before:-none}" | head -n1); [ -n "$dev" ]; }
	wait_for 60 new_dev || dev=
	devs+=("${dev:-none}")
	run ip link set "${dev:-none}" up
	check "${TTYS[$i]} is ${dev:-no netdev}: the module answered, its context is up (carrier)" \
		wait_for 60 carrier "${dev:-none}"
done

step "2. Which modules were found (AT+CGMM, AT+CGMR, AT+CGSN at attach)"
for i in 0 1; do
	dev=${devs[$i]}
	line=$("$QT" dev show dev "$dev" 2>&1 | head -n 1)
	read -r _ model _ revision _ <<< "$line"
	echo "# $dev on ${TTYS[$i]#/dev/}: Quectel $model, firmware revision $revision"
	check "$dev: identified as a ${MODELS[$i]^^}" test "${model,,}" = "${MODELS[$i]}"
done
run "$QT" dev show

step "3. Ping the host through each module (AT+QPING)"
for dev in "${devs[@]}"; do
	check "$dev: ping 127.0.0.1 through the module" run "$QT" ping dev "$dev" -c 2 127.0.0.1
done

step "4. DNS lookup through each module's resolver (AT+QIDNSGIP)"
for dev in "${devs[@]}"; do
	run "$QT" dns resolve dev "$dev" localhost
	check "$dev: the module resolved localhost to 127.0.0.1" grep -q '127\.0\.0\.1' "$tmp/out"
done

step "5. A TCP connection through each module (an AF_QTCPIP socket: qtcpip-nc)"
for dev in "${devs[@]}"; do
	msg="hello from the guest through $dev"
	echo "# \$ echo '$msg' | qtcpip-nc -I $dev 127.0.0.1 $QTCPIP_SRV_TCP_ECHO    # the host's echo server"
	got=$(echo "$msg" | timeout 60 "$NC" -w 3 -I "$dev" 127.0.0.1 "$QTCPIP_SRV_TCP_ECHO" 2>&1)
	echo "#   $got"
	rx_sum[$dev]=$(( ${rx_sum[$dev]:-0} + ${#got} + 1 ))
	tx_sum[$dev]=$(( ${tx_sum[$dev]:-0} + ${#msg} + 1 ))
	check "$dev: the echo server's answer came back through the module" test "$got" = "$msg"
done

step "6. An HTTP download through each module (a host HTTP server serving README.md)"
# ---- THE place of the HTTP download: switch it to unmodified curl once
# qtcpip-run (the preload library) is merged, e.g.
#   run qtcpip-run -I "$1" --all curl -sS -o "$2" \
#	-w '%{size_request} %{size_header} %{size_download}' "http://..."
# http_get <dev> <file>: fetch /README.md from the host into <file>, and
# add the bytes sent and received to tx_sum/rx_sum (step 8 checks them).
req=$'GET /README.md HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n'
http_get() {
	echo "# \$ printf 'GET /README.md HTTP/1.0\\r\\n...' | qtcpip-nc -I $1 127.0.0.1 $QTCPIP_SRV_HTTP"
	printf '%s' "$req" |
		timeout 120 "$NC" -w 60 -I "$1" 127.0.0.1 "$QTCPIP_SRV_HTTP" > "$2.http" 2> "$2.err"
	sed 's/^/#   /' "$2.err"
	sed -n '1p; /^\r$/q' "$2.http" | tr -d '\r' | sed 's/^/#   < /'
	sed '1,/^\r$/d' "$2.http" > "$2"
	tx_sum[$1]=$(( ${tx_sum[$1]:-0} + ${#req} ))
	rx_sum[$1]=$(( ${rx_sum[$1]:-0} + $(stat -c %s "$2.http") ))
}
# ---- end of the HTTP download
for dev in "${devs[@]}"; do
	if [ -z "${QTCPIP_SRV_HTTP:-}" ]; then
		not_ok "$dev: HTTP download (run-guest started no HTTP server)"
		continue
	fi
	t0=$(date +%s.%N)
	http_get "$dev" "$tmp/README.$dev"
	secs=$(echo "$(date +%s.%N) - $t0" | bc)
	echo "#   $(stat -c %s "$tmp/README.$dev") bytes in ${secs%??????}s, sha256 $(sha256sum < "$tmp/README.$dev" | cut -c1-16)..."
	check "$dev: README.md arrived byte for byte" cmp -s "$tmp/README.$dev" "$QTCPIP_TOP/README.md"
done

step "7. MQTT publish/subscribe"
# ---- placeholder: mosquitto_sub/mosquitto_pub through the module come
# with qtcpip-run (the preload library) and a broker on the host.
echo "# (comes with qtcpip-run: unmodified mosquitto_pub/mosquitto_sub through the module)"

step "8. The netdevs' counters: the payload of the module's sockets"
for dev in "${devs[@]}"; do
	run ip -s link show dev "$dev"
	rx=$(cat "/sys/class/net/$dev/statistics/rx_bytes" 2>/dev/null)
	tx=$(cat "/sys/class/net/$dev/statistics/tx_bytes" 2>/dev/null)
	check "$dev: RX $rx and TX $tx bytes: the echo and HTTP exchanges, to the byte" \
		test "$rx" = "${rx_sum[$dev]:-0}" -a "$tx" = "${tx_sum[$dev]:-0}"
done

step "9. Detach: stopping ldattach removes the netdevs"
echo "# \$ kill <ldattach pids>; rmmod qtcpip"
kill "${pids[@]}" 2> /dev/null
wait "${pids[@]}" 2> /dev/null
gone() { [ -z "$(netdevs)" ]; }
check "both netdevs are gone after ldattach ended" wait_for 20 gone
check "rmmod qtcpip" rmmod qtcpip
rm -rf "$tmp"

step "Where to read on"
echo "#   README.md                               building, attaching, DKMS and systemd"
echo "#   Documentation/networking/qtcpip.rst     the driver, sockets, control plane, attaching at boot"
echo "#   Documentation/qtcpip.8                  the qtcpip tool (man -l)"
echo "#   tools/qtnc/qtcpip-nc.c                  a whole AF_QTCPIP client in 130 lines"
echo "#   make test                               every test, on Debian's 6.1 and 6.12 and a debug kernel"
echo "#"
if [ "$tap_failed" = 0 ]; then
	echo "# demo: all $tap_n checks passed"
else
	echo "# demo: some checks FAILED: the 'not ok' lines above"
fi
tap_done
