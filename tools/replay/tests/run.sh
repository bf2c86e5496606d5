#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Replay every tests/*.in (options in *.args, if any) whole and in chunks of
# 1, 3 and 17 bytes; each run must print exactly *.expected. TAP output.
# Usage: run.sh <qtcpip-replay> <dir> ; with REGEN=1, rewrite *.expected.
set -u
tool=$1
dir=$2
chunks="0 1 3 17"
files=("$dir"/*.in)
n=0
fail=0
echo "TAP version 13"
echo "1..$(( ${#files[@]} * 4 ))"
for in in "${files[@]}"; do
	base=${in%.in}
	name=$(basename "$base")
	args=()
	[ -f "$base.args" ] && read -r -a args < "$base.args"
	if [ "${REGEN:-0}" = 1 ]; then
		"$tool" "${args[@]}" < "$in" > "$base.expected"
	fi
	for c in $chunks; do
		n=$((n + 1))
		copt=()
		[ "$c" != 0 ] && copt=(--chunk "$c")
		if out=$("$tool" "${args[@]}" "${copt[@]}" < "$in") &&
		   diff -u "$base.expected" <(printf '%s\n' "$out") > /tmp/qtreplay.$$.diff; then
			echo "ok $n $name chunk=$c"
		else
			echo "not ok $n $name chunk=$c"
			sed 's/^/# /' /tmp/qtreplay.$$.diff | head -40
			fail=$((fail + 1))
		fi
	done
done
rm -f /tmp/qtreplay.$$.diff
echo "# $((n - fail)) passed, $fail failed"
[ "$fail" = 0 ]
