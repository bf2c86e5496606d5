#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Malformed generic netlink requests (genl_fuzz: a few hundred, each wrong
# in a known way, plus random soup) with both modules attached: each must
# be refused, the kernel must not complain (run-guest checks its log),
# and the modules must still work afterwards.
. "$QTCPIP_TOP/selftests/ctl/lib.sh"

fuzz=$QTCPIP_TOP/build/selftests/ctl/genl_fuzz
[ -x "$fuzz" ] || { echo "Bail out! $fuzz not built (make -C selftests)"; exit 1; }
ctl_setup

# Its cases are this test's cases.
"$fuzz" -b "$BC66" -n "${QTCPIP_FUZZ_COUNT:-700}" -s "${QTCPIP_FUZZ_SEED:-$RANDOM}" \
	> fuzz.out 2>&1
frc=$?
while IFS= read -r line; do
	case $line in
	"ok "*) ok "genl_fuzz: $(echo "${line#ok }" | sed 's/^[0-9]* //')" ;;
	"not ok "*) not_ok "genl_fuzz: $(echo "${line#not ok }" | sed 's/^[0-9]* //')" ;;
	"#"*|"Bail out!"*) echo "$line" ;;
	esac
done < fuzz.out
check "genl_fuzz ran to the end" grep -q "a valid request still works" fuzz.out
check "genl_fuzz exit status" test "$frc" = 0

check "BC66 still answers" carrier "$BC66"
check "UC20 still answers" carrier "$UC20"
expect "dev show still works" 0 "state ready" "$QT" dev show dev "$UC20"
expect "a ping through the BC66 still works" 0 "1 received" "$QT" ping dev "$BC66" -c 1 127.0.0.1
expect "a ping through the UC20 still works" 0 "1 received" "$QT" ping dev "$UC20" -c 1 127.0.0.1
expect "ctx show still works" 0 "ctx 1: active" "$QT" ctx show dev "$UC20"
expect "UC20 contexts untouched: only 1 active" 0 "" "$QT" -j ctx show dev "$UC20"
ok_if "  (2 and 3 inactive)" 'json "[c[\"id\"] for c in j if c[\"active\"]] == [1]"'

ctl_teardown
ctl_done
