# SPDX-License-Identifier: GPL-2.0
# Shared by the unmodified-program tests (selftests/apps): Debian's own
# curl, wget, python3, dig, mosquitto clients, run through qtcpip-run in
# the guest against real servers on the host (tools/testsrv/appsrv.py,
# started by run-guest: QTCPIP_APPS_HTTP, _HTTPS, _DNS, _MQTT ports and
# $QTCPIP_APPS_DIR with the CA and the 1 MiB file). Every destination is
# the host's loopback, reached through the emulated modules, hence
# qtcpip-run --all. Source it; it sources ctl/lib.sh.
. "$QTCPIP_TOP/selftests/ctl/lib.sh"

QRUN=$QTCPIP_TOP/tools/libqtcpip/qtcpip-run
APPS=${QTCPIP_APPS_DIR:-}
WORK=/tmp/qtcpip-apps
mkdir -p "$WORK"

apps_setup() {
	[ -n "$APPS" ] && [ -n "${QTCPIP_APPS_HTTP:-}" ] ||
		{ echo "Bail out! no application servers (run-guest starts them for selftests/apps)"; exit 1; }
	[ -f "$QTCPIP_TOP/tools/libqtcpip/libqtcpip-preload.so" ] ||
		{ echo "Bail out! make -C tools/libqtcpip first"; exit 1; }
	# The emulated lines run at 8 x 115200 here: what these tests check
	# is that real programs work, byte-exact; 1 MiB at 115200 baud takes
	# 100 s a download (selftests/sock/bulk*_test keep that pace). The
	# pace each emulator had is restored at the end.
	local s
	trap 'apps_teardown' EXIT
	ctl_setup
	for s in 0 1; do
		apps_baud[s]=$(emu "$s" status | sed -n 's/.* baud=\([0-9]*\).*/\1/p')
		emu "$s" baud "${QTCPIP_APPS_BAUD:-921600}" > /dev/null
	done
}

apps_baud=()
apps_teardown() {
	local s
	ctl_teardown
	for s in 0 1; do
		[ -n "${apps_baud[s]:-}" ] && emu "$s" baud "${apps_baud[s]}" > /dev/null
	done
}

# have <program>: installed on the host (the guest sees the host's root)?
have() { command -v "$1" > /dev/null 2>&1; }

# app <dev> <seconds> <program> [args...]: runs the program through the
# module of <dev> (--all), stdout in $WORK/app.out, stderr in
# $WORK/app.err, status in $rc.
app() {
	local dev=$1 secs=$2
	shift 2
	timeout -k 5 "$secs" "$QRUN" -I "$dev" --all -v -- "$@" \
		> "$WORK/app.out" 2> "$WORK/app.err" < /dev/null
	rc=$?
}

# app_show: what the last program printed, as TAP diagnostics.
app_show() {
	echo "#   exit status $rc"
	tail -n 20 "$WORK/app.out" | sed 's/^/#   out: /'
	tail -n 30 "$WORK/app.err" | sed 's/^/#   err: /'
}

# app_case <desc> <condition>: ok, or not ok with the program's output.
app_case() {
	local desc=$1
	shift
	if eval "$*"; then ok "$desc"; else not_ok "$desc"; app_show; fi
}

# moved <text>: the preload library moved a socket to the module (-v).
moved() { grep -q "through the module" "$WORK/app.err"; }

sha() { sha256sum < "$1" | cut -d' ' -f1; }

# The big download: 1 MiB, but 128 KiB on the debug kernel (KASAN under
# TCG: several times slower; what it is there for is the kernel's checks,
# not the size).
BIG=1m.bin
[ "${QTCPIP_KERNEL:-}" = debug ] && BIG=128k.bin
# wget's and HTTPS's download through the BC66: its 700-byte AT+QIRD
# reads make a MiB take about 90 s, so the full MiB on 6.12 only (curl's
# plain HTTP MiB, app_curl.sh, runs on every kernel).
BC66_BIG=128k.bin
[ "${QTCPIP_KERNEL:-}" = 6.12 ] && BC66_BIG=$BIG
# A download's time limit: the BC66's MiB over HTTPS took over 240 s
# beside seven other guests on two cores (about 90 s alone).
BIG_SECS=480
