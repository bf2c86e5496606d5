#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# TCP goodput of AF_QTCPIP sockets through the emulated BC66 and UC20 at
# 115200 and 921600 baud, as a share of what the AT framing allows: boots
# the guest once per model and line rate (run-guest --emu-args "--baud N")
# with qtcpip-bench inside, and prints a table. Figures, not a pass/fail
# test: it fails only if a transfer did not complete or came back wrong.
# Then the driver's turnaround times on the line, from the emulator's
# trace of each run (tools/bench/turnaround.py).
#
#   tools/bench/run-bench.sh [--kernel 6.1|6.12|debug] [--models "bc66 uc20"]
#                            [--bauds "115200 921600"]
set -uo pipefail
. "$(dirname "$0")/../lib/common.sh"

kernel=6.1 models="bc66 uc20" bauds="115200 921600"
while [ $# -gt 0 ]; do
	case $1 in
	--kernel) kernel=$2; shift ;;
	--models) models=$2; shift ;;
	--bauds) bauds=$2; shift ;;
	*) qt_die "unknown option $1" ;;
	esac
	shift
done

make -s -C "$QTCPIP_TOP/tools/bench" || exit 1
runs=$QTCPIP_BUILD/bench/runs
mkdir -p "$runs"
all=$runs/bench-$kernel.txt
: > "$all"
traces=()
fail=0
for model in $models; do
	for baud in $bauds; do
		out=$runs/$kernel-$model-$baud
		qt_log "$model at $baud baud on $kernel"
		"$QTCPIP_TOP/tools/qemu/run-guest" --kernel "$kernel" \
			--modem "$model" --emu-args "--baud $baud" \
			--tests build/bench/qtcpip-bench --out "$out" \
			> "$runs/$kernel-$model-$baud.log" 2>&1 || fail=1
		tap=$out/results/qtcpip-bench.tap
		traces+=("$out/mdm0.trace")
		if ! grep -q '^# BENCH' "$tap" 2>/dev/null; then
			qt_log "no figures from $model at $baud baud: see $runs/$kernel-$model-$baud.log"
			fail=1
			continue
		fi
		grep '^not ok' "$tap" >&2 && fail=1
		grep '^# BENCH' "$tap" >> "$all"
	done
done

# One row per measurement.
awk '
function kv(k,   i, a) {
	for (i = 3; i <= NF; i++) {
		split($i, a, "=")
		if (a[1] == k)
			return a[2]
	}
	return ""
}
BEGIN {
	printf "%-5s %7s %-11s %9s %9s %6s %6s %8s %8s\n", "model", "baud",
	       "direction", "goodput", "bound", "ratio", "chunk", "line/B", "meas/B"
	printf "%-5s %7s %-11s %9s %9s %6s %6s %8s %8s\n", "", "", "", "B/s",
	       "B/s", "", "bytes", "theory", "emu"
}
/^# BENCH/ {
	printf "%-5s %7s %-11s %9s %9s %6s %6s %8s %8s\n", kv("model"),
	       kv("baud"), kv("dir"), kv("goodput"), kv("bound"), kv("ratio"),
	       kv("chunk"), kv("line_per_byte"), kv("measured_line_per_byte")
}' "$all"
echo
echo "Turnaround: the line idle, waiting for the driver"
"$QTCPIP_TOP/tools/bench/turnaround.py" "${traces[@]}" || {
	qt_log "no marked spans in the emulator traces"
	fail=1
}
"$QTCPIP_TOP/tools/bench/turnaround.py" --kv "${traces[@]}" >> "$all" 2>/dev/null
cat <<'EOT'

bound = baud / 10 * chunk / line_per_chunk: one AT command in flight, its
command and response in turn on the line (8N1: 10 bits per byte).
line/B (theory): line bytes per payload byte of a full-size chunk:
  BC66 up    AT+QISENDEX=<id>,700,<1400 hex>\r + \r\nOK\r\n + \r\nSEND OK\r\n
  UC20 up    AT+QISEND=<id>,1460\r + \r\n> + 1460 bytes + \r\nSEND OK\r\n
  down-buf   AT+QIRD=<id>,P\r + \r\n+QIRD: P\r\n + P bytes + \r\n + \r\nOK\r\n
  down-push  \r\n+QIURC: "recv",<id>,P\r\n + P bytes + \r\n   (P: 700 / 1500)
meas/B (emu): bytes the emulator counted on its line (both ways) per
payload byte during the transfer.
Turnaround: see tools/bench/turnaround.py; n / median / p99 in us; idle
share: the gaps' sum over the span.
EOT
echo "# figures in $all"
exit $fail
