# SPDX-License-Identifier: GPL-2.0
# Shared by the qtcpip(8) end-to-end tests in the QEMU guest: attach the
# emulated BC66 (ttyS1 or $QTCPIP_TTY0, emulator slot 0) and UC20 (ttyS2
# or $QTCPIP_TTY1, slot 1; ttyUSB<n> with run-guest --line usb), talk
# to the emulators' control channels, run the tool and check what the
# user sees. Source it after setting nothing; it sources tap.sh.
. "$QTCPIP_TOP/selftests/lib/tap.sh"

QT=$QTCPIP_TOP/tools/cli/qtcpip
NC=$QTCPIP_TOP/tools/qtnc/qtcpip-nc
NOBODY="setpriv --reuid=65534 --regid=65534 --clear-groups"
BC66= UC20=
# The slots' ttys and whether they use RTS/CTS (run-guest --crtscts).
TTY0=${QTCPIP_TTY0:-/dev/ttyS1} TTY1=${QTCPIP_TTY1:-/dev/ttyS2}
ctl_pids=()
ctl_loaded=
# Output of the last run: $out (stdout), $err (stderr), $rc.
out= err= rc=

# The plan goes at the end (TAP allows it), so adding a case is one line.
echo "TAP version 13"
ctl_done() {
	echo "1..$tap_n"
	exit $tap_failed
}

wait_for() {	# wait_for <seconds> <command...>: poll until it succeeds
	local end=$((SECONDS + $1))
	shift
	while :; do
		"$@" && return 0
		[ $SECONDS -ge $end ] && return 1
		sleep 0.3
	done
}

carrier() {
	local c=
	read -r c < "/sys/class/net/$1/carrier" 2>/dev/null
	[ "$c" = 1 ]
}
no_carrier() { ! carrier "$1"; }
qt_netdevs() { ls /sys/class/net | grep '^qtcpip' | sort; }

# The netdev that appears after attaching a port. Not in a command
# substitution: ldattach must be our child, and must not hold its pipe.
attach_one() {	# attach_one <tty> <variable> [crtscts]: sets it to the new netdev
	local before new
	before=$(qt_netdevs)
	# ldattach has no flow control option and keeps the port's CRTSCTS
	if [ "${3:-}" = 1 ]; then
		stty -F "$1" crtscts || return 1
	else
		stty -F "$1" -crtscts || return 1
	fi
	ldattach -d -s 115200 29 "$1" > /dev/null 2>&1 < /dev/null &
	ctl_pids+=($!)
	for _ in $(seq 100); do
		new=$(qt_netdevs | grep -vxF -- "$before" | head -n1)
		[ -z "$before" ] && new=$(qt_netdevs | head -n1)
		if [ -n "$new" ]; then
			printf -v "$2" '%s' "$new"
			# the flow control the line kept under the ldisc
			[ "${3:-}" = 1 ] || return 0
			stty -F "$1" -a | grep -Eq '(^| )crtscts( |$)'
			return
		fi
		sleep 0.1
	done
	return 1
}

# Load the module if needed, attach both modules, wait until both are
# ready. Fails the whole test (bail out) if that does not work.
ctl_setup() {
	if [ ! -e /sys/module/qtcpip ]; then
		insmod "$QTCPIP_KO" || { echo "Bail out! insmod failed"; exit 1; }
		ctl_loaded=1
	fi
	[ -x "$QT" ] || { echo "Bail out! $QT not built (make -C tools/cli)"; exit 1; }
	emu 0 clear > /dev/null
	emu 1 clear > /dev/null
	attach_one "$TTY0" BC66 "${QTCPIP_CRTSCTS0:-}" ||
		{ echo "Bail out! attaching $TTY0"; exit 1; }
	attach_one "$TTY1" UC20 "${QTCPIP_CRTSCTS1:-}" ||
		{ echo "Bail out! attaching $TTY1"; exit 1; }
	ip link set "$BC66" up
	ip link set "$UC20" up
	if ! wait_for 30 carrier "$BC66" || ! wait_for 30 carrier "$UC20"; then
		echo "Bail out! the modules did not become ready"
		dmesg | tail -n 20 | sed 's/^/# /'
		exit 1
	fi
	diag "BC66 is $BC66 (${TTY0#/dev/}), UC20 is $UC20 (${TTY1#/dev/})"
}

# Detach what we attached; unload the module if we loaded it.
ctl_teardown() {
	local p
	for p in "${ctl_pids[@]}"; do
		kill "$p" 2>/dev/null
	done
	for p in "${ctl_pids[@]}"; do
		wait "$p" 2>/dev/null
	done
	ctl_pids=()
	wait_for 5 test -z "$(qt_netdevs)"
	if [ -n "$ctl_loaded" ]; then
		rmmod qtcpip 2>/dev/null || wait_for 5 rmmod qtcpip 2>/dev/null
		ctl_loaded=
	fi
}

# qt_ok <args...>: the tool succeeds (for polling, quietly).
qt_ok() { "$QT" "$@" > /dev/null 2>&1 < /dev/null; }
# qt_has <pattern> <args...>: it succeeds and its stdout matches.
qt_has() {
	local pat=$1
	shift
	run "$QT" "$@"
	[ "$rc" = 0 ] && matches "$out" "$pat"
}

# ok_if <desc> <shell condition>: one case from a condition, evaluated
# here so that it sees $out, $err, $rc and the functions above.
ok_if() {
	local desc=$1
	shift
	if eval "$*"; then ok "$desc"; else not_ok "$desc"; show_run; fi
}

# ---- the emulators' control channels ----

emu_port() {	# emu_port <slot>: /dev/vportXpY of qtcpip.ctl<slot>
	local d
	for d in /sys/class/virtio-ports/*; do
		if [ "$(cat "$d/name" 2>/dev/null)" = "qtcpip.ctl$1" ]; then
			echo "/dev/${d##*/}"
			return 0
		fi
	done
	return 1
}

emu() {	# emu <slot> <command...>: prints the reply, true if "ok..."
	local port fd junk reply=
	port=$(emu_port "$1") || { echo "err no control port $1"; return 1; }
	shift
	exec {fd}<>"$port"
	# replies an earlier, interrupted user left behind
	while IFS= read -r -t 0.05 junk <&$fd; do :; done
	printf '%s\n' "$*" >&$fd
	IFS= read -r -t 5 reply <&$fd
	exec {fd}>&-
	echo "$reply"
	[[ $reply == ok* ]]
}

# ---- running the tool ----

# run <command...>: runs it, keeps stdout, stderr and the exit status.
# (Process creation is slow under TCG: the files and read avoid forks.)
run() {
	"$@" > run.out 2> run.err < /dev/null
	rc=$?
	IFS= read -r -d '' out < run.out
	IFS= read -r -d '' err < run.err
	out=${out%$'\n'} err=${err%$'\n'}
}

show_run() {	# the last run as TAP diagnostics
	[ -n "$out" ] && echo "$out" | sed 's/^/#   out: /'
	[ -n "$err" ] && echo "$err" | sed 's/^/#   err: /'
	echo "#   rc: $rc"
}

# matches <text> <pattern>: an extended regex, matched in bash (forks
# are slow in the guest). A one-line pattern must match some line of the
# text; a pattern with newlines must match the whole text, '^' and '$'
# being its start and end.
matches() {
	local text=$1 pat=$2 line
	[ -z "$pat" ] && return 0
	if [[ $pat == *$'\n'* ]]; then
		[[ $text =~ $pat ]]
		return
	fi
	while IFS= read -r line; do
		[[ $line =~ $pat ]] && return 0
	done <<< "$text"
	return 1
}

# file_has <file> <pattern>: as matches, on a file's contents.
file_has() {
	local text=
	IFS= read -r -d '' text < "$1"
	matches "$text" "$2"
}

# expect <desc> <rc> <pattern|""> <command...>: one case: the command
# exits with rc, and its output matches the pattern: stdout and stderr
# for a one-line pattern, stdout alone for a multi-line one.
expect() {
	local desc=$1 want=$2 pat=$3 text
	shift 3
	run "$@"
	text=$out$'\n'$err
	[[ $pat == *$'\n'* ]] && text=$out
	if [ "$rc" = "$want" ] && matches "$text" "$pat"; then
		ok "$desc"
	else
		not_ok "$desc"
		diag "command: $*"
		diag "wanted rc $want and /$pat/"
		show_run
	fi
}

# expect_err <desc> <pattern> <command...>: exit 1 and the message on
# stderr, which starts with "qtcpip: " (what the user reads).
expect_err() {
	local desc=$1 pat=$2
	shift 2
	run "$@"
	if [ "$rc" = 1 ] && [[ $err == qtcpip:\ * ]] && matches "$err" "$pat"; then
		ok "$desc"
		diag "${err%%$'\n'*}"
	else
		not_ok "$desc"
		diag "command: $*"
		diag "wanted rc 1 and /$pat/ on stderr"
		show_run
	fi
}

# expect_usage <desc> <pattern> <command...>: exit 2, what was wrong and
# the usage line.
expect_usage() {
	local desc=$1 pat=$2
	shift 2
	run "$@"
	if [ "$rc" = 2 ] && matches "$err" "$pat" &&
	   matches "$err" '^Usage: qtcpip'; then
		ok "$desc"
	else
		not_ok "$desc"
		diag "command: $*"
		diag "wanted rc 2, /$pat/ and a usage line on stderr"
		show_run
	fi
}

# json <python expression over j>: evaluates it against $out as JSON,
# true if truthy (else $json_why says why). One python3 for the whole
# test (it takes seconds to start in the guest), fed by a coprocess.
json_py='
import json, sys
for expr in sys.stdin:
    try:
        j = json.load(open(sys.argv[1]))
        r = "true" if eval(expr) else "false: " + json.dumps(j)[:300]
    except Exception as e:
        r = "error: " + repr(e)[:300]
    print(r.replace("\n", " "), flush=True)
'
json() {
	local res
	json_why=
	if [ -z "${JSONPY_PID:-}" ]; then
		coproc JSONPY { /usr/bin/python3 -u -c "$json_py" json.in; }
	fi
	printf '%s' "$out" > json.in
	printf '%s\n' "$1" >&"${JSONPY[1]}"
	IFS= read -r -t 60 res <&"${JSONPY[0]}"
	[ "$res" = true ] && return 0
	json_why=${res:-no answer from python3}
	return 1
}

# expect_json <desc> <python expression> <command...>
expect_json() {
	local desc=$1 expr=$2
	shift 2
	run "$@"
	if [ "$rc" = 0 ] && json "$expr"; then
		ok "$desc"
	else
		not_ok "$desc"
		diag "command: $*"
		diag "wanted rc 0 and JSON where: $expr"
		diag "python: $json_why"
		show_run
	fi
}
