#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Runner self-test: the test itself passes but the kernel WARNs; the run
# must fail on the kernel log alone.
. "$QTCPIP_TOP/selftests/lib/tap.sh"
tap_plan 1
insmod "$QTCPIP_KMOD_DIR/qtcpip_selftest_warn.ko" 2>/dev/null
check "the kernel logged the deliberate warning" \
	bash -c 'dmesg | grep -q "qtcpip runner self-test: deliberate warning"'
tap_done
