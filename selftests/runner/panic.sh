#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Runner self-test: the guest kernel panics; the run must fail.
echo 1 > /proc/sys/kernel/sysrq
echo c > /proc/sysrq-trigger
