#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Observability: tcpdump -i qtcpip0 sees the AT exchange of a transfer, in
# order, and the netdev's counters add up with what the socket moved.
. "$QTCPIP_TOP/selftests/lib/tap.sh"
nc=$QTCPIP_TOP/tools/qtnc/qtcpip-nc
cap=/tmp/qtcpip-capture.pcap

wait_carrier() {
	local i
	for i in $(seq 150); do
		[ "$(cat "/sys/class/net/$1/carrier" 2>/dev/null)" = 1 ] && return 0
		sleep 0.2
	done
	return 1
}
stat_of() { cat "/sys/class/net/qtcpip0/statistics/$1"; }
# in_order FILE PATTERN...: each pattern matches a line after the previous.
in_order() {
	local file=$1 line=0 n
	shift
	for p in "$@"; do
		n=$(tail -n "+$((line + 1))" "$file" | grep -a -n -m1 -F -- "$p" | cut -d: -f1)
		[ -n "$n" ] || { diag "not found in order: $p"; return 1; }
		line=$((line + n))
	done
}

tap_plan 6
lsmod | grep -q '^qtcpip ' || insmod "$QTCPIP_KO"
ldattach -s 115200 29 /dev/ttyS1	# the BC66
ip link set qtcpip0 up
check "qtcpip0 ready" wait_carrier qtcpip0
rx0=$(stat_of rx_bytes)
tx0=$(stat_of tx_bytes)

tcpdump -i qtcpip0 -U -Z root -s 0 -w "$cap" 2> /tmp/tcpdump.err &
tdp=$!
# It prints "listening on" once its packet socket is up.
for i in $(seq 200); do
	grep -q 'listening on' /tmp/tcpdump.err 2>/dev/null && break
	sleep 0.1
done
msg="capture me: 0123456789"
got=$(echo "$msg" | timeout 60 "$nc" -w 2 -I qtcpip0 127.0.0.1 "$QTCPIP_SRV_TCP_ECHO")
sleep 1
kill -INT $tdp
wait $tdp
check "the data went through" test "$got" = "$msg"

# The frames are chunks as the UART delivered them: join consecutive
# frames of one direction, then one line per line of the exchange, each
# prefixed by its direction.
python3 - "$cap" > /tmp/capture.txt <<'PY'
import struct, sys
data = open(sys.argv[1], 'rb').read()
off, runs = 24, []
while off + 16 <= len(data):
    incl = struct.unpack('<I', data[off + 8:off + 12])[0]
    frame = data[off + 16:off + 16 + incl]
    off += 16 + incl
    if not frame:
        continue
    d, body = chr(frame[0]), frame[1:]
    if d not in '<>':
        continue    # the IP stack's own packets routed to the netdev
    if runs and runs[-1][0] == d:
        runs[-1][1].extend(body)
    else:
        runs.append([d, bytearray(body)])
for d, body in runs:
    for line in body.replace(b'\r', b'\n').split(b'\n'):
        if line:
            print(d + line.decode('latin-1'))
PY
diag "$(grep -c . /tmp/capture.txt) lines from $(tcpdump -r "$cap" 2>/dev/null | wc -l) frames"
sed -n '1,40p' /tmp/capture.txt | sed 's/^/#     /'
check "the capture shows commands and answers in order" in_order /tmp/capture.txt \
	'>AT+QIOPEN=1,0,"TCP","127.0.0.1"' '+QIOPEN: 0,0' '>AT+QISEND' 'SEND OK' \
	'+QIURC: "recv",0' '>AT+QIRD=0,' '+QIRD: 23' 'capture me: 0123456789' \
	'>AT+QICLOSE=0' 'CLOSE OK'
check "both directions are marked" bash -c "grep -aq '^>AT' /tmp/capture.txt && grep -aq '^<' /tmp/capture.txt"
# 23 bytes each way: the echoed line and its newline.
check "tx_bytes counts the payload sent" test $(( $(stat_of tx_bytes) - tx0 )) = 23
check "rx_bytes counts the payload received" test $(( $(stat_of rx_bytes) - rx0 )) = 23
pkill -x ldattach
tap_done
