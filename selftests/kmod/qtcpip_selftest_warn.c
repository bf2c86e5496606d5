// SPDX-License-Identifier: GPL-2.0
/* Test-only module: raises one WARN when loaded, so that the test runner's
 * own tests can prove that a kernel warning fails a run.
 */

#include <linux/bug.h>
#include <linux/module.h>

static int __init qtcpip_selftest_warn_init(void)
{
	WARN(1, "qtcpip runner self-test: deliberate warning\n");
	return -EAGAIN;
}
module_init(qtcpip_selftest_warn_init);

MODULE_DESCRIPTION("qtcpip test runner self-test: a deliberate WARN");
MODULE_LICENSE("GPL");
