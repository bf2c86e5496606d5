#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Benchmark of AF_QTCPIP sockets through the emulated BC66 and UC20 at
# 115200 and 921600 baud: boots the guest once per model and line rate
# (run-guest --emu-args "--baud N") with qtcpip-bench inside, and prints
# tables: goodput as a share of what the AT framing allows, the driver's
# turnaround times on the line (tools/bench/turnaround.py over the
# emulator's trace), all connectIDs at once (aggregate, Jain fairness),
# 1-byte echo latency against its wire time, CPU time per MiB and kernel
# memory per socket. Then a guest of N modules (run-guest with N --modem,
# default 8) at 115200 baud: slot 0's module alone, then all at once, one
# socket each (qtcpip-bench --modules): per-module and aggregate goodput,
# the aggregate against N x the one alone, Jain fairness across modules.
# Figures, not a pass/fail test: it fails only if a measurement could not
# be made, a module did not come up or data came back wrong.
#
#   tools/bench/run-bench.sh [--kernel 6.1|6.12|debug] [--models "bc66 uc20"]
#                            [--bauds "115200 921600"] [--modules N] [--full]
#
# The default is the short run of make test (about 300 s on a quiet
# 2-core host; the modules' guest 60-100 s of it, its model the first
# of --models); --full moves 3-4 times the data per measurement and runs
# the modules' guest once per model. --modules 0 leaves it out; the debug
# kernel has two modem lines, so no modules' guest there.
set -uo pipefail
. "$(dirname "$0")/../lib/common.sh"

kernel=6.1 models="bc66 uc20" bauds="115200 921600" nmods=8 full=
while [ $# -gt 0 ]; do
	case $1 in
	--kernel) kernel=$2; shift ;;
	--models) models=$2; shift ;;
	--bauds) bauds=$2; shift ;;
	--modules) nmods=$2; shift ;;
	--full) full=1 ;;
	*) qt_die "unknown option $1" ;;
	esac
	shift
done

make -s -C "$QTCPIP_TOP/tools/bench" || exit 1
runs=$QTCPIP_BUILD/bench/runs
mkdir -p "$runs"
all=$runs/bench-$kernel.txt
: > "$all"
# the guest runs test programs without arguments: a wrapper carries them
if [ -n "$full" ]; then
	bench_args="--seconds 24 --conc-seconds 20 --echoes 200"
else
	bench_args="--seconds 5 --conc-seconds 8 --echoes 40"
fi
mkdir -p "$runs/args-$kernel"
wrapper=$runs/args-$kernel/qtcpip-bench
printf '#!/bin/sh\nexec %q %s\n' "$QTCPIP_BUILD/bench/qtcpip-bench" \
	"$bench_args" > "$wrapper"
chmod +x "$wrapper"
traces=()
fail=0
for model in $models; do
	for baud in $bauds; do
		out=$runs/$kernel-$model-$baud
		qt_log "$model at $baud baud on $kernel"
		"$QTCPIP_TOP/tools/qemu/run-guest" --kernel "$kernel" \
			--modem "$model" --emu-args "--baud $baud" \
			--tests "$wrapper" --out "$out" \
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

# N modules on one guest at 115200 (slots 2-7: PCI 16550s, run-guest).
[ "$kernel" != debug ] || nmods=0
[[ $nmods =~ ^[0-8]$ ]] || qt_die "--modules: 0 to 8"
[ "$nmods" = 1 ] && nmods=0
mods_models=${models%% *}
[ -n "$full" ] && mods_models=$models
[ "$nmods" = 0 ] && mods_models=
if [ -n "$full" ]; then mods_seconds=20; else mods_seconds=5; fi
mkdir -p "$runs/args-$kernel/mods"
mods_wrapper=$runs/args-$kernel/mods/qtcpip-bench
printf '#!/bin/sh\nexec %q --modules %d --seconds %d\n' \
	"$QTCPIP_BUILD/bench/qtcpip-bench" "$nmods" "$mods_seconds" > "$mods_wrapper"
chmod +x "$mods_wrapper"
for model in $mods_models; do
	out=$runs/$kernel-$model-x$nmods
	qt_log "$nmods modules ($model) at 115200 baud on $kernel"
	modem_args=()
	for _ in $(seq "$nmods"); do modem_args+=(--modem "$model"); done
	"$QTCPIP_TOP/tools/qemu/run-guest" --kernel "$kernel" "${modem_args[@]}" \
		--emu-args "--baud 115200" --tests "$mods_wrapper" --out "$out" \
		> "$out.log" 2>&1 || fail=1
	tap=$out/results/qtcpip-bench.tap
	if [ "$(grep -c '^# BENCH.* dir=mods-' "$tap" 2>/dev/null)" != 4 ]; then
		qt_log "not all figures from $nmods modules ($model): see $out.log"
		grep -E '^(not ok|# module)' "$tap" >&2
		fail=1
	else
		grep '^not ok' "$tap" >&2 && fail=1
	fi
	grep '^# BENCH' "$tap" >> "$all" 2>/dev/null
done

# One row per measurement and kind.
# The value of key K in a "# BENCH ... k=v ..." line.
KV_AWK='
function kv(k,   i, a) {
	for (i = 3; i <= NF; i++) {
		split($i, a, "=")
		if (a[1] == k)
			return a[2]
	}
	return ""
}
'
awk "$KV_AWK"'
BEGIN {
	printf "Goodput, one socket\n"
	printf "%-5s %7s %-11s %9s %9s %6s %6s %8s %8s %8s %8s\n", "model",
	       "baud", "direction", "goodput", "bound", "ratio", "chunk",
	       "line/B", "meas/B", "cpu", "self"
	printf "%-5s %7s %-11s %9s %9s %6s %6s %8s %8s %8s %8s\n", "", "", "",
	       "B/s", "B/s", "", "bytes", "theory", "emu", "ms/MiB", "ms/MiB"
}
/^# BENCH/ && $0 ~ / dir=(up|down-buffer|down-push|floor-read) / {
	printf "%-5s %7s %-11s %9s %9s %6s %6s %8s %8s %8s %8s\n", kv("model"),
	       kv("baud"), kv("dir"), kv("goodput"), kv("bound"), kv("ratio"),
	       kv("chunk"), kv("line_per_byte"), kv("measured_line_per_byte"),
	       kv("cpu_ms_per_mib"), kv("self_ms_per_mib")
}' "$all"
echo
awk "$KV_AWK"'
BEGIN {
	printf "All connectIDs at once, buffer access mode, host -> guest\n"
	printf "%-5s %7s %5s %9s %9s %6s %6s %8s %8s %8s %8s %8s\n", "model",
	       "baud", "socks", "aggr", "bound", "ratio", "jain", "min",
	       "max", "busy", "idle", "cpu"
	printf "%-5s %7s %5s %9s %9s %6s %6s %8s %8s %8s %8s %8s\n", "", "",
	       "", "B/s", "B/s", "", "", "B/s", "B/s", "kB/sock", "kB/sock",
	       "ms/MiB"
}
/^# BENCH/ && / dir=mem-idle / { idle[kv("model") kv("baud")] = kv("slab_kb_per_sock") }
/^# BENCH/ && / dir=conc-down / {
	printf "%-5s %7s %5s %9s %9s %6s %6s %8s %8s %8s %8s %8s\n",
	       kv("model"), kv("baud"), kv("sockets"), kv("goodput"),
	       kv("bound"), kv("ratio"), kv("jain"), kv("sock_min"),
	       kv("sock_max"), kv("busy_slab_kb_per_sock"),
	       idle[kv("model") kv("baud")], kv("cpu_ms_per_mib")
}' "$all"
echo
awk "$KV_AWK"'
BEGIN {
	printf "1-byte echo round trip\n"
	printf "%-5s %7s %-11s %8s %8s %8s %8s %6s %s\n", "model", "baud",
	       "mode", "median", "p99", "line", "wire", "ratio",
	       "emulator delays"
	printf "%-5s %7s %-11s %8s %8s %8s %8s %6s\n", "", "", "", "us", "us",
	       "B/rt", "us", ""
}
/^# BENCH/ && / dir=(echo-|floor )/ {
	if (kv("dir") == "floor")
		d = "(AT and OK, user space, no driver)"
	else
		d = sprintf("send=%sms open=%sms rtt=%sms", kv("send_delay_ms"),
			    kv("open_delay_ms"), kv("rtt_ms"))
	printf "%-5s %7s %-11s %8s %8s %8s %8s %6s %s\n",
	       kv("model"), kv("baud"), kv("dir"), kv("rtt_med_us"),
	       kv("rtt_p99_us"), kv("line_bytes_per_rt"), kv("wire_us"),
	       kv("rtt_ratio"), d
}' "$all"
echo
[ -n "$mods_models" ] && awk "$KV_AWK"'
BEGIN {
	printf "Modules on one guest: slot 0 alone, then all at once, one socket each\n"
	printf "%-5s %7s %-11s %4s %9s %9s %6s %6s %7s %8s %8s %5s\n", "model",
	       "baud", "direction", "mods", "aggr", "bound", "ratio", "jain",
	       "scaling", "min", "max", "cpu"
	printf "%-5s %7s %-11s %4s %9s %9s %6s %6s %7s %8s %8s %5s\n", "", "", "",
	       "", "B/s", "B/s", "", "", "", "B/s", "B/s", "busy"
}
/^# BENCH/ && / dir=mods-/ {
	d = kv("dir")
	sub(/^mods-/, "", d)
	sc = kv("modules") > 1 ? kv("scaling") : "-"
	printf "%-5s %7s %-11s %4s %9s %9s %6s %6s %7s %8s %8s %5s\n",
	       kv("model"), kv("baud"), d, kv("modules"), kv("goodput"),
	       kv("bound"), kv("ratio"), kv("jain"), sc, kv("mod_min"),
	       kv("mod_max"), kv("cpu_busy")
	if (kv("modules") > 1) {
		pm = kv("per_mod")
		gsub(/,/, " ", pm)
		printf "%-5s %7s %-11s      per module: %s\n", "", "", "", pm
	}
}' "$all" && echo
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
cpu / self: guest CPU time (wall less /proc/stat idle: the bench, the
tty and socket work, kworkers, softirqs) / the bench process's own
(getrusage) per MiB moved; TCG-emulated CPU time, for comparisons.
jain: Jain's fairness index over the sockets' goodput (1: equal shares).
busy / idle: kernel slab objects (/proc/slabinfo) per socket, with all
connectIDs reading at once / connected and silent (a few kB of noise).
echo ratio: (median round trip - emulator's SEND OK delay) / wire time of
the line bytes per round trip at the line rate. floor: the same for "AT"
and its OK answered by user space on the raw tty before the driver
attaches: the rig's own round trip (QEMU, the guest's tty layer, TCG).
Turnaround: see tools/bench/turnaround.py; n / median / p99 in us; idle
share: the gaps' sum over the span.
Modules: each module's own line and emulator (run-guest with N --modem);
up: a counted upload of the same size per module, all started together,
aggr = all bytes / time to the last sink answer, a module's goodput its
bytes / its own time; down-buffer: bytes per module in a window from 1 s
after all connected (whole 1500-byte reads: a few % granularity in the
short run). bound: N x one module's; ratio = aggr / bound; jain over the
modules' goodput; scaling = aggr / (N x the one module alone), the
"8 modules: >= 0.9 x 8 x single" figure of issue 14; cpu busy: the
guest's busy share of its CPU time over the transfer (near 1: the
guest's one vCPU, not the lines, is what limits).
EOT
echo "# figures in $all"
exit $fail
