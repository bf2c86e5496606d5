#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The demo, inside the guest (tools/demo shows its output as it runs; make
# test runs it on every kernel): load qtcpip, attach the emulated BC66
# (ttyS1) and UC20 (ttyS2), and show what a user sees: the modules found,
# qtcpip dev show, a ping, a DNS lookup, a TCP echo, an HTTP download
# with unmodified curl and an MQTT exchange with unmodified mosquitto
# clients (qtcpip-run) through each module's own TCP/IP stack, the
# netdevs' counters, a clean detach. The emulators back connections with
# real sockets on the host (run-guest starts the servers and the broker).
# Lines starting "# " are the story, "ok"/"not ok" lines the checks.
. "$QTCPIP_TOP/selftests/lib/tap.sh"
QT=$QTCPIP_TOP/tools/cli/qtcpip
NC=$QTCPIP_TOP/tools/qtnc/qtcpip-nc
QRUN=$QTCPIP_TOP/tools/libqtcpip/qtcpip-run
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
# same <status> <file> <file>: the program succeeded, the files are equal
same() { [ "$1" = 0 ] && cmp -s "$2" "$3"; }
have() { command -v "$1" > /dev/null 2>&1; }
carrier() { [ "$(cat "/sys/class/net/$1/carrier" 2>/dev/null)" = 1 ]; }
netdevs() { ls /sys/class/net | grep '^qtcpip' | sort; }

tap_plan 22
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

step "6. An HTTP download with unmodified curl through each module (qtcpip-run)"
# qtcpip-run preloads libqtcpip-preload.so: curl's AF_INET socket becomes
# an AF_QTCPIP one on <dev> at connect; --all because the host's server
# is on loopback; -v says which socket it moved.
echo "# (a host HTTP server serving README.md; curl as Debian ships it)"
# http_get <dev> <file>: curl fetches /README.md from the host into
# <file>, and adds what went over the module's socket to tx_sum/rx_sum
# (step 8): the request curl sent, the response's header and body. The
# server speaks HTTP/1.0 and closes, so nothing else crossed the socket.
http_get() {
	local w rc
	echo "# \$ qtcpip-run -v -I $1 --all -- curl -sS -o README.md http://127.0.0.1:$QTCPIP_SRV_HTTP/README.md"
	w=$(timeout -k 5 120 "$QRUN" -v -I "$1" --all -- curl -sS -o "$2" \
		-w '%{http_code} %{size_request} %{size_header} %{size_download}' \
		"http://127.0.0.1:$QTCPIP_SRV_HTTP/README.md" 2> "$2.err" < /dev/null)
	rc=$?
	sed 's/^/#   /' "$2.err"
	read -r code req hdr body <<< "$w"
	echo "#   curl: exit status $rc, HTTP ${code:-?}, sent ${req:-?} bytes, received ${hdr:-?} + ${body:-?} bytes (header + body)"
	tx_sum[$1]=$(( ${tx_sum[$1]:-0} + ${req:-0} ))
	rx_sum[$1]=$(( ${rx_sum[$1]:-0} + ${hdr:-0} + ${body:-0} ))
	[ "$rc" = 0 ] && [ "$code" = 200 ] && grep -q "through the module" "$2.err"
}
for dev in "${devs[@]}"; do
	if [ -z "${QTCPIP_SRV_HTTP:-}" ]; then
		not_ok "$dev: HTTP download (run-guest started no HTTP server)"
		continue
	fi
	if ! have curl; then
		not_ok "$dev: HTTP download: curl is not installed (tools/setup.sh installs it)"
		continue
	fi
	t0=$(date +%s.%N)
	http_get "$dev" "$tmp/README.$dev"
	got=$?
	secs=$(echo "$(date +%s.%N) - $t0" | bc)
	echo "#   $(stat -c %s "$tmp/README.$dev" 2>/dev/null || echo 0) bytes in ${secs%??????}s, sha256 $(sha256sum < "$tmp/README.$dev" 2>/dev/null | cut -c1-16)..."
	check "$dev: curl through the module: README.md arrived byte for byte" \
		same "$got" "$tmp/README.$dev" "$QTCPIP_TOP/README.md"
done
# The counters here, before MQTT: step 8 checks them to the byte.
declare -A rx_http tx_http
for dev in "${devs[@]}"; do
	rx_http[$dev]=$(cat "/sys/class/net/$dev/statistics/rx_bytes" 2>/dev/null)
	tx_http[$dev]=$(cat "/sys/class/net/$dev/statistics/tx_bytes" 2>/dev/null)
done

step "7. MQTT: publish through one module, subscribe through the other, and back"
# Unmodified mosquitto_sub and mosquitto_pub (libmosquitto: non-blocking
# connect, poll) with a mosquitto broker on the host, each client through
# its own module: what one publishes comes back through the other.
nmsg=5
# mqtt <sub dev> <pub dev>: nmsg QoS-1 messages from <pub dev> to <sub dev>;
# adds the messages' bytes to mq_rx[<sub dev>] and mq_tx[<pub dev>].
declare -A mq_rx mq_tx
mqtt() {
	local sdev=$1 pdev=$2 topic="qtcpip/demo/$1" sub subbed prc src i
	seq -f "hello from $pdev to $sdev, message %g of $nmsg" 1 $nmsg > "$tmp/msgs"
	echo "# $pdev publishes to the host's broker, $sdev subscribes ($nmsg messages, QoS 1)"
	echo "# \$ qtcpip-run -v -I $sdev --all -- mosquitto_sub -h 127.0.0.1 -p $QTCPIP_APPS_MQTT -q 1 -t $topic -C $nmsg &"
	# -d: it says when it has subscribed (line-buffered, waited for)
	timeout -k 5 120 "$QRUN" -v -I "$sdev" --all -- stdbuf -oL mosquitto_sub -d \
		-h 127.0.0.1 -p "$QTCPIP_APPS_MQTT" -i "demo-sub-$sdev" -q 1 -t "$topic" \
		-C $nmsg -W 110 > "$tmp/sub.out" 2> "$tmp/sub.err" < /dev/null &
	sub=$!
	wait_for 60 grep -q "received SUBACK" "$tmp/sub.out"
	subbed=$?
	echo "# \$ qtcpip-run -v -I $pdev --all -- mosquitto_pub -h 127.0.0.1 -p $QTCPIP_APPS_MQTT -q 1 -t $topic -l < $nmsg lines"
	timeout -k 5 90 "$QRUN" -v -I "$pdev" --all -- mosquitto_pub \
		-h 127.0.0.1 -p "$QTCPIP_APPS_MQTT" -i "demo-pub-$pdev" -q 1 -t "$topic" \
		-l < "$tmp/msgs" > "$tmp/pub.out" 2> "$tmp/pub.err"
	prc=$?
	sed 's/^/#   pub: /' "$tmp/pub.out" "$tmp/pub.err"
	wait "$sub"
	src=$?
	grep -q "through the module" "$tmp/sub.err" || src="$src (not through the module)"
	sed 's/^/#   sub: /' "$tmp/sub.err"
	grep '^hello ' "$tmp/sub.out" > "$tmp/got"
	sed 's/^/#   received: /' "$tmp/got"
	# the messages' bytes without the newlines (-l sends each line as one)
	i=$(awk '{ n += length($0) } END { print n }' "$tmp/msgs")
	mq_tx[$pdev]=$(( ${mq_tx[$pdev]:-0} + i ))
	mq_rx[$sdev]=$(( ${mq_rx[$sdev]:-0} + i ))
	check "MQTT $pdev -> broker -> $sdev: mosquitto_pub published $nmsg QoS-1 messages through $pdev" \
		test "$subbed" = 0 -a "$prc" = 0 -a "$(grep -c 'through the module' "$tmp/pub.err")" != 0
	check "MQTT $pdev -> broker -> $sdev: mosquitto_sub received all $nmsg, in order, once, through $sdev" \
		same "$src" "$tmp/got" "$tmp/msgs"
}
if ! have mosquitto_sub || ! have mosquitto_pub; then
	echo "# mosquitto_sub/mosquitto_pub are not installed: tools/setup.sh installs mosquitto-clients"
	for _ in 1 2 3 4; do not_ok "MQTT: mosquitto-clients not installed"; done
elif [ -z "${QTCPIP_APPS_MQTT:-}" ]; then
	echo "# no MQTT broker on the host: tools/setup.sh installs mosquitto (run-guest starts it)"
	for _ in 1 2 3 4; do not_ok "MQTT: no broker on the host (mosquitto not installed)"; done
else
	mqtt "${devs[0]}" "${devs[1]}"
	mqtt "${devs[1]}" "${devs[0]}"
fi

step "8. The netdevs' counters: the payload of the module's sockets"
# Until step 7 they count the echo and HTTP bytes exactly (read above).
# MQTT adds its protocol's bytes (CONNECT, SUBSCRIBE, PUBACK...: their
# sizes depend on the client's version and options), so from step 7 on
# only "at least the messages" is exact knowledge.
for dev in "${devs[@]}"; do
	run ip -s link show dev "$dev"
	rx=$(cat "/sys/class/net/$dev/statistics/rx_bytes" 2>/dev/null)
	tx=$(cat "/sys/class/net/$dev/statistics/tx_bytes" 2>/dev/null)
	echo "#   $dev before MQTT: RX ${rx_http[$dev]} TX ${tx_http[$dev]}, expected RX ${rx_sum[$dev]:-0} TX ${tx_sum[$dev]:-0} (echo + HTTP)"
	check "$dev: RX ${rx_http[$dev]} and TX ${tx_http[$dev]} bytes after the echo and HTTP exchanges, to the byte" \
		test "${rx_http[$dev]}" = "${rx_sum[$dev]:-0}" -a "${tx_http[$dev]}" = "${tx_sum[$dev]:-0}"
	check "$dev: MQTT added RX $((rx - rx_http[$dev])) >= ${mq_rx[$dev]:-0} and TX $((tx - tx_http[$dev])) >= ${mq_tx[$dev]:-0} message bytes" \
		test $((rx - rx_http[$dev])) -ge "${mq_rx[$dev]:-0}" -a $((tx - tx_http[$dev])) -ge "${mq_tx[$dev]:-0}"
done

step "9. Detach: stopping ldattach removes the netdevs"
echo "# \$ kill <ldattach pids>; rmmod qtcpip"
kill "${pids[@]}" 2> /dev/null
wait "${pids[@]}" 2> /dev/null
gone() { [ -z "$(netdevs)" ]; }
check "both netdevs are gone after ldattach ended" wait_for 20 gone
# The last sockets and the line discipline let go of the module just after
# the netdevs went: a loaded machine can be between the two.
unload() { rmmod qtcpip 2> /dev/null; }
check "rmmod qtcpip (within 10 s)" wait_for 10 unload
[ -e /sys/module/qtcpip ] &&
	echo "#   still loaded: refcnt $(cat /sys/module/qtcpip/refcnt)"
rm -rf "$tmp"

step "Where to read on"
echo "#   README.md                               building, attaching, DKMS and systemd"
echo "#   Documentation/networking/qtcpip.rst     the driver, sockets, control plane, attaching at boot"
echo "#   Documentation/qtcpip.8                  the qtcpip tool (man -l)"
echo "#   tools/qtnc/qtcpip-nc.c                  a whole AF_QTCPIP client in 130 lines"
echo "#   Documentation/networking/qtcpip-apps.rst  unmodified programs: qtcpip-run, what it covers"
echo "#   make test                               every test, on Debian's 6.1 and 6.12 and a debug kernel"
echo "#"
if [ "$tap_failed" = 0 ]; then
	echo "# demo: all $tap_n checks passed"
else
	echo "# demo: some checks FAILED: the 'not ok' lines above"
fi
tap_done
