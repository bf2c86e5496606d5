#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# MQTT through one module, both clients on it (two connectIDs): unmodified
# mosquitto_sub and mosquitto_pub (libmosquitto: non-blocking connect,
# poll) exchange 200 QoS-1 messages via a mosquitto broker on the host;
# none may be lost or arrive twice.
. "$(dirname "$0")/lib.sh"
apps_setup
if ! have mosquitto_sub || [ -z "${QTCPIP_APPS_MQTT:-}" ]; then
	skip "mosquitto, mosquitto-clients: not installed (tools/setup.sh)"
	ctl_done
fi
n=200
seq -f "msg-%g" 1 $n > "$WORK/msgs"
for dev in "$BC66" "$UC20"; do
	m=$([ "$dev" = "$BC66" ] && echo BC66 || echo UC20)
	topic=qtcpip/$m/$$
	# the subscriber, in the background; -d tells when it has subscribed
	# (line-buffered: the test waits for that line)
	timeout -k 5 200 "$QRUN" -I "$dev" --all -v -- stdbuf -oL mosquitto_sub -d \
		-h 127.0.0.1 -p "$QTCPIP_APPS_MQTT" -i "sub-$m-$$" -q 1 -t "$topic" \
		-C $n -W 190 > "$WORK/sub.out" 2> "$WORK/sub.err" < /dev/null &
	sub=$!
	wait_for 60 grep -q "received SUBACK" "$WORK/sub.out"
	subscribed=$?
	# not app(), which gives programs /dev/null: the messages are stdin
	timeout -k 5 180 "$QRUN" -I "$dev" --all -v -- mosquitto_pub \
		-h 127.0.0.1 -p "$QTCPIP_APPS_MQTT" -i "pub-$m-$$" -q 1 -t "$topic" \
		-l < "$WORK/msgs" > "$WORK/app.out" 2> "$WORK/app.err"
	rc=$?
	wait "$sub"
	src=$?
	grep '^msg-' "$WORK/sub.out" > "$WORK/got"
	app_case "$m: mosquitto_pub publishes $n QoS-1 messages through the module" \
		'[ $subscribed = 0 ] && [ $rc = 0 ] && moved'
	sort -V "$WORK/got" > "$WORK/got.sorted"
	if [ "$src" = 0 ] && cmp -s "$WORK/got.sorted" "$WORK/msgs"; then
		ok "$m: mosquitto_sub receives all $n, none twice, through the module (another connectID)"
	else
		not_ok "$m: mosquitto_sub receives all $n, none twice, through the module (another connectID)"
		echo "#   subscriber exit status $src, $(wc -l < "$WORK/got") messages, $(sort -u "$WORK/got" | wc -l) distinct"
		grep -v '^msg-' "$WORK/sub.out" | tail -n 15 | sed 's/^/#   out: /'
		tail -n 15 "$WORK/sub.err" | sed 's/^/#   err: /'
	fi
done
ctl_done
