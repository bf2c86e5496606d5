#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Unmodified wget and python3 over each module's TCP, and names through
# the module's resolver (getaddrinfo): wget downloads 1 MiB from a host
# HTTP server byte-exact through the UC20, and through the BC66 on 6.12
# (128 KiB elsewhere: lib.sh says why); python3's urllib fetches a
# page; getent ahosts (glibc's getaddrinfo) and python resolve
# apps.test, which only the emulators' host table knows.
. "$(dirname "$0")/lib.sh"
apps_setup
url=http://apps.test:$QTCPIP_APPS_HTTP

for dev in "$BC66" "$UC20"; do
	m=$([ "$dev" = "$BC66" ] && echo BC66 || echo UC20)
	app "$dev" 60 getent ahosts apps.test
	app_case "$m: getaddrinfo (getent ahosts) resolves apps.test through the module" \
		'[ $rc = 0 ] && grep -q "^127\.0\.0\.1 " "$WORK/app.out" && grep -q "getaddrinfo apps.test through the module: ok" "$WORK/app.err"'

	f=$BIG
	[ "$m" = BC66 ] && f=$BC66_BIG
	if have wget; then
		app "$dev" "$BIG_SECS" wget -q -O "$WORK/wget.bin" "$url/$f"
		app_case "$m: wget downloads $f over HTTP byte-exact" \
			'[ $rc = 0 ] && moved && [ "$(sha "$WORK/wget.bin")" = "$(sha "$APPS/www/$f")" ]'
		rm -f "$WORK/wget.bin"
	else
		skip "$m: wget: not installed (tools/setup.sh)"
	fi

	app "$dev" 60 python3 -c "import urllib.request, socket
print(socket.getaddrinfo('apps.test', 80, socket.AF_INET, socket.SOCK_STREAM)[0][4][0])
print(urllib.request.urlopen('$url/hello.txt', timeout=50).read().decode(), end='')"
	app_case "$m: python3 resolves and fetches a page with urllib" \
		'[ $rc = 0 ] && moved && grep -qx "127.0.0.1" "$WORK/app.out" && grep -q "^hello from the host, through the module$" "$WORK/app.out"'
done

# A name nobody knows: the module says so, the C library finds nothing
# either (no network of its own in the guest), getent exits 2.
app "$BC66" 60 getent ahosts nonexistent.invalid
app_case "BC66: getaddrinfo of an unknown name fails (EAI_NONAME)" \
	'[ $rc = 2 ] && grep -q "getaddrinfo nonexistent.invalid through the module: Name or service not known" "$WORK/app.err"'
# The older calls: getent hosts (gethostbyname2), perl (gethostbyname_r).
app "$UC20" 60 getent hosts apps.test
app_case "UC20: gethostbyname2 (getent hosts) resolves apps.test through the module" \
	'[ $rc = 0 ] && grep -Eq "^127\.0\.0\.1 +apps\.test" "$WORK/app.out" && grep -q "gethostbyname apps.test through the module: ok" "$WORK/app.err"'
app "$UC20" 60 perl -MSocket -e 'print inet_ntoa(scalar gethostbyname("apps.test")), "\n"'
app_case "UC20: perl's gethostbyname resolves apps.test through the module" \
	'[ $rc = 0 ] && grep -qx "127.0.0.1" "$WORK/app.out" && grep -q "gethostbyname apps.test through the module: ok" "$WORK/app.err"'
# A static program: LD_PRELOAD cannot reach it, qtcpip-run says so.
app "$BC66" 30 busybox true
app_case "qtcpip-run warns that a static program (busybox) is out of its reach" \
	'[ $rc = 0 ] && grep -q "statically linked" "$WORK/app.err"'
ctl_done
