#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The driver's layering (Documentation/networking/qtcpip.rst, "Design"):
# the line and the AT engine know connections only through struct
# qt_conn_ops and the device's struct qt_dev_ops. Fails, naming the file
# and line, if an engine file includes a socket-layer header, names the
# socket's struct or refcount helpers, or calls a function that sock*.c
# exports; if the engine or the sockets call netlink (their events go
# through qt_dev_event()'s notifier); or if netlink includes sock.h or
# names struct qt_sock (it reads sockets through sock_info.h alone).
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top/drivers/net/qtcpip" || exit 1

engine="at_engine.c at_async.c at_init.c at_parser.c dialect.c ldisc.c
	netdev.c transparent.c qtcpip.h at_parser.h dialect.h"
bad=0

# What the socket layer exports: every function sock*.c defines without
# "static" (a definition starts at the line's beginning).
syms=$(grep -hE '^[a-z][a-z_ ]*[ *]\**qt_[a-z0-9_]+\(' sock*.c |
	grep -v '^static' | sed -E 's/.*[ *](qt_[a-z0-9_]+)\(.*/\1/' | sort -u)
[ -n "$syms" ] || { echo "check-layers: found no socket-layer symbols" >&2; exit 1; }
# qt_sock_register/unregister are the module's (main.c), not the engine's.
syms=$(echo "$syms" | grep -Ev '^qt_sock_(un)?register$')
pattern="#include *[<\"](net/sock\.h|sock\.h|net/inet_[a-z_]*\.h)[>\"]"
pattern="$pattern|\\bstruct qt_sock\\b|\\bqt_sk\\(|\\bsock_(hold|put)\\("
pattern="$pattern|\\b($(echo $syms | tr ' ' '|'))\\b"

for f in $engine; do
	if grep -nE "$pattern" "$f" | sed "s|^|$f:|" | grep .; then
		bad=1
	fi
done
if [ $bad != 0 ]; then
	echo "check-layers: the engine above calls or includes the socket layer" >&2
	echo "check-layers: report through struct qt_conn_ops / qt_dev_ops instead" >&2
fi

check() {	# check <message> <pattern> <files...>: fails on any match
	local msg=$1 pat=$2 f hit=0

	shift 2
	for f in "$@"; do
		grep -nE "$pat" "$f" | sed "s|^|$f:|" | grep . && hit=1
	done
	[ $hit = 0 ] || { echo "check-layers: $msg" >&2; bad=1; }
}
check "the engine or the sockets above call netlink: use qt_dev_event()" \
	'#include *[<"](genl\.h|net/genetlink\.h)[>"]|\bqt_genl_[a-z0-9_]+\(' \
	$(echo "$engine" | grep -o '[a-z_]*\.c') sock*.c
check "netlink above reads the socket layer: use sock_info.h" \
	'#include *"sock\.h"|\bstruct qt_sock\b|\bqt_sk\(|\bqt_conn_sock\(' \
	genl*.[ch]
exit $bad
