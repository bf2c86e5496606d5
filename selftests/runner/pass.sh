#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Runner self-test: the control case, a clean run that must pass.
. "$QTCPIP_TOP/selftests/lib/tap.sh"
tap_plan 1
check "the guest runs the kernel under test" test -n "$(uname -r)"
tap_done
