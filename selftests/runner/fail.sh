#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Runner self-test: a test that fails on purpose; the run must fail.
. "$QTCPIP_TOP/selftests/lib/tap.sh"
tap_plan 1
not_ok "deliberate failure"
tap_done
