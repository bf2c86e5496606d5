# SPDX-License-Identifier: GPL-2.0
# Minimal TAP helpers for shell selftests (same output shape as the
# kselftest harness): source it, call tap_plan N, then ok/not_ok/skip per
# case, and tap_done at the end (exit status 1 if a case failed).
tap_n=0
tap_failed=0
tap_plan() { echo "TAP version 13"; echo "1..$1"; }
ok() { tap_n=$((tap_n + 1)); echo "ok $tap_n $*"; }
not_ok() { tap_n=$((tap_n + 1)); echo "not ok $tap_n $*"; tap_failed=1; }
skip() { tap_n=$((tap_n + 1)); echo "ok $tap_n $* # SKIP"; }
diag() { echo "# $*"; }
# check "description" command...: one case from a command's exit status.
check() {
	local desc=$1
	shift
	if "$@"; then ok "$desc"; else not_ok "$desc"; fi
}
tap_done() { exit $tap_failed; }
