#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# qtcpip sock show with every connectID busy (5 on the BC66, 12 on the
# UC20): one entry per connection, each merged with the module's own
# AT+QISTATE view, which must agree (connected TCP client, same id).
. "$QTCPIP_TOP/selftests/lib/tap.sh"
QT=$QTCPIP_TOP/tools/cli/qtcpip
NC=$QTCPIP_TOP/tools/qtnc/qtcpip-nc

wait_carrier() {
	local i
	for i in $(seq 150); do
		[ "$(cat "/sys/class/net/$1/carrier" 2>/dev/null)" = 1 ] && return 0
		sleep 0.2
	done
	return 1
}
count_busy() {	# count_busy <ifname> <want>: connected entries in the dump
	"$QT" -j sock show dev "$1" > /tmp/sock_full.json 2>/dev/null || return 1
	python3 - "$2" <<'PY'
import json, sys
socks = json.load(open('/tmp/sock_full.json'))
want = int(sys.argv[1])
ok = [s for s in socks if s['state'] == 'connected' and s['conn_id'] >= 0]
sys.exit(0 if len(ok) == want else 1)
PY
}
agree() {	# agree <ifname> <n>: every entry's module view matches
	"$QT" -j sock show dev "$1" > /tmp/sock_full.json || return 1
	python3 - "$2" <<'PY'
import json, sys
socks = json.load(open('/tmp/sock_full.json'))
n = int(sys.argv[1])
ids = sorted(s['conn_id'] for s in socks)
bad = [s for s in socks
       if not s.get('module') or s['module'].get('state_code') != 2
       or s['module'].get('type', '').strip('"') != 'TCP' or s['type'] != 'tcp']
if ids != list(range(n)) or bad:
    print('# ids', ids, 'disagreeing', bad)
    sys.exit(1)
PY
}

tap_plan 5
lsmod | grep -q '^qtcpip ' || insmod "$QTCPIP_KO"
ldattach -s 115200 29 /dev/ttyS1
ldattach -s 115200 29 /dev/ttyS2
ip link set qtcpip0 up
ip link set qtcpip1 up
check "both modules ready" bash -c "$(declare -f wait_carrier); wait_carrier qtcpip0 && wait_carrier qtcpip1"

pids=()
for i in 0 1 2 3 4; do
	sleep 120 | "$NC" -I qtcpip0 127.0.0.1 "$QTCPIP_SRV_TCP_ECHO" > /dev/null &
	pids+=($!)
done
for i in $(seq 12); do
	sleep 120 | "$NC" -I qtcpip1 127.0.0.1 "$QTCPIP_SRV_TCP_ECHO" > /dev/null &
	pids+=($!)
done
for i in $(seq 300); do
	count_busy qtcpip0 5 && count_busy qtcpip1 12 && break
	sleep 0.2
done
check "BC66: 5 of 5 connectIDs busy in the dump" count_busy qtcpip0 5
check "UC20: 12 of 12 connectIDs busy in the dump" count_busy qtcpip1 12
check "BC66: the dump agrees with AT+QISTATE for every connection" agree qtcpip0 5
check "UC20: the dump agrees with AT+QISTATE for every connection" agree qtcpip1 12
"$QT" sock show | sed 's/^/#   /'
kill "${pids[@]}" 2>/dev/null
pkill -x sleep
wait 2>/dev/null
pkill -x ldattach
tap_done
