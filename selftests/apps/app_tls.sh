#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Unmodified curl over HTTPS through each module: TLS (OpenSSL in curl)
# runs in the guest, the module carries the bytes; the host's server has
# a certificate of a test CA made at the start of the run (appsrv.py),
# checked by name. 1 MiB byte-exact through the UC20, and through the
# BC66 on 6.12 (128 KiB elsewhere: lib.sh says why).
. "$(dirname "$0")/lib.sh"
apps_setup
url=https://apps.test:$QTCPIP_APPS_HTTPS

for dev in "$BC66" "$UC20"; do
	m=$([ "$dev" = "$BC66" ] && echo BC66 || echo UC20)
	f=$BIG
	[ "$m" = BC66 ] && f=$BC66_BIG
	app "$dev" "$BIG_SECS" curl -sS --cacert "$APPS/ca.pem" -o "$WORK/tls.bin" "$url/$f"
	app_case "$m: curl downloads $f over HTTPS byte-exact, the server's certificate verified" \
		'[ $rc = 0 ] && moved && [ "$(sha "$WORK/tls.bin")" = "$(sha "$APPS/www/$f")" ]'
	rm -f "$WORK/tls.bin"
done
# Without the CA the same server is refused: TLS really ran end to end.
app "$UC20" 120 curl -sS -o /dev/null "$url/hello.txt"
app_case "UC20: curl without the test CA refuses the server (certificate check)" \
	'[ $rc = 60 ] && moved'
ctl_done
