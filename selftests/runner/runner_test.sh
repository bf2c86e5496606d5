#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Tests of the QEMU test runner itself (host side): a clean run passes; a
# failing test, a kernel WARN and a guest panic each make it exit non-zero
# with the reason in its report.
#
#   runner_test.sh [kernel]     (default 6.1)
top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/selftests/lib/tap.sh"
kernel=${1:-6.1}
run=$top/tools/qemu/run-guest
tap_plan 4

case_run() {	# case_run <test script> <expected exit: 0|nonzero> <report regex>
	local t=$1 want=$2 re=$3 outp rc
	outp=$("$run" --kernel "$kernel" --timeout 240 --tests "selftests/runner/$t" 2>&1)
	rc=$?
	echo "$outp" | sed 's/^/#   /'
	if [ "$want" = 0 ]; then
		[ $rc = 0 ] && echo "$outp" | grep -Eq "$re"
	else
		[ $rc != 0 ] && echo "$outp" | grep -Eq "$re"
	fi
}
check "a clean run passes" case_run pass.sh 0 '^ok - .*kernel log clean'
check "a failing test fails the run" case_run fail.sh nonzero '^not ok - .*deliberate failure'
check "a kernel WARN fails the run" case_run warn.sh nonzero '^not ok - .*kernel log: .*(WARNING|cut here)'
check "a guest panic fails the run" case_run panic.sh nonzero '^not ok - .*guest panicked'
tap_done
