#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Python asyncio, unmodified: a server listening on the UC20 (its TCP
# LISTENER, reached from the host's loopback port of the same number)
# and a client through the BC66, which the emulators connect through the
# host. Each side only sees ordinary AF_INET sockets.
. "$(dirname "$0")/lib.sh"
apps_setup
port=$(( ${QTCPIP_PORT_BASE:-30000} + 13 ))
py=$(dirname "$0")/async_echo.py

# asyncio sets TCP_NODELAY on every TCP socket it connects or accepts,
# and fails the connection if that is refused: an AF_QTCPIP socket
# refusing IPPROTO_TCP options (ENOPROTOOPT, a kernel matter) makes this
# test wait for the kernel that accepts them.
if ! python3 -c "import socket
s = socket.socket(int(open('/sys/module/qtcpip/parameters/family').read()), socket.SOCK_STREAM)
s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)" 2> "$WORK/nodelay.err"; then
	for c in "UC20: an asyncio server listens on the module" \
		 "BC66: an asyncio client exchanges 20 lines with it through both modules" \
		 "UC20: the asyncio server accepted the connection and answered every line"; do
		skip "$c: AF_QTCPIP refuses setsockopt(IPPROTO_TCP, TCP_NODELAY): $(tail -n 1 "$WORK/nodelay.err")"
	done
	ctl_done
fi

timeout -k 5 200 "$QRUN" -I "$UC20" --all -v -- python3 "$py" server "$port" \
	> "$WORK/srv.out" 2> "$WORK/srv.err" < /dev/null &
srv=$!
# both lines: the program's and the preload's (another file, written in
# another order than seen: a debug guest once looked between the two)
listening() {
	grep -q "^listening" "$WORK/srv.out" &&
		grep -q "listening on the module" "$WORK/srv.err"
}
# Python's start under the preload took 86 s on a loaded debug guest.
wait_for 150 listening
app_case "UC20: an asyncio server listens on the module" \
	'listening || { cp "$WORK/srv.out" "$WORK/app.out"; cp "$WORK/srv.err" "$WORK/app.err"; false; }'
app "$BC66" 150 python3 "$py" client "$port"
app_case "BC66: an asyncio client exchanges 20 lines with it through both modules" \
	'[ $rc = 0 ] && moved && grep -q "^exchanged 20" "$WORK/app.out"'
wait "$srv"
rc=$?
cp "$WORK/srv.out" "$WORK/app.out"
cp "$WORK/srv.err" "$WORK/app.err"
app_case "UC20: the asyncio server accepted the connection and answered every line" \
	'[ $rc = 0 ] && grep -q "^served 20" "$WORK/app.out"'
ctl_done
