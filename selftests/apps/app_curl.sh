#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Unmodified curl downloads 1 MiB from a host HTTP server through each
# module, byte-exact (sha256), the name apps.test resolved by the
# module's resolver (128 KiB on the debug kernel: lib.sh).
. "$(dirname "$0")/lib.sh"
apps_setup
url=http://apps.test:$QTCPIP_APPS_HTTP

for dev in "$BC66" "$UC20"; do
	m=$([ "$dev" = "$BC66" ] && echo BC66 || echo UC20)
	app "$dev" "$BIG_SECS" curl -sS -o "$WORK/curl.bin" "$url/$BIG"
	app_case "$m: curl downloads $BIG over HTTP byte-exact" \
		'[ $rc = 0 ] && moved && [ "$(sha "$WORK/curl.bin")" = "$(sha "$APPS/www/$BIG")" ]'
	rm -f "$WORK/curl.bin"
done
ctl_done
