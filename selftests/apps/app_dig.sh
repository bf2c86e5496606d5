#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# DNS over UDP through each module: unmodified dig asks a DNS server on
# the host (appsrv.py) for names only that server knows; nothing in the
# guest listens on that port, so an answer came through the module.
. "$(dirname "$0")/lib.sh"
apps_setup
if ! have dig; then
	skip "dig: not installed (dnsutils, tools/setup.sh)"
	ctl_done
fi
for dev in "$BC66" "$UC20"; do
	m=$([ "$dev" = "$BC66" ] && echo BC66 || echo UC20)
	app "$dev" 90 dig @127.0.0.1 -p "$QTCPIP_APPS_DNS" +notcp +tries=2 +time=20 \
		+short dig.apps.test A
	app_case "$m: dig gets an A record over UDP through the module" \
		'[ $rc = 0 ] && moved && grep -qx "10.11.12.13" "$WORK/app.out"'
	app "$dev" 90 dig @127.0.0.1 -p "$QTCPIP_APPS_DNS" +notcp +tries=2 +time=20 \
		nothing.apps.test A
	app_case "$m: dig reports NXDOMAIN for a name the server does not have" \
		'[ $rc = 0 ] && grep -q "status: NXDOMAIN" "$WORK/app.out"'
done
ctl_done
