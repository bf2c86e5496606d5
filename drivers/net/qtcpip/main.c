// SPDX-License-Identifier: GPL-2.0
/*
 * qtcpip: sockets over the TCP/IP stack of Quectel cellular modules.
 *
 * Module entry points and parameters.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/tty.h>
#include <linux/workqueue.h>
#include <uapi/linux/qtcpip.h>

#include "qtcpip.h"

int qt_ldisc_num = QTCPIP_LDISC_DEFAULT;
module_param_named(ldisc, qt_ldisc_num, int, 0444);
MODULE_PARM_DESC(ldisc, "line discipline number (default 29, N_DEVELOPMENT)");

/* Work that waits for the module (init, "ip link" up/down: up to 150 s)
 * runs here, not on system_wq, whose workers others need.
 */
struct workqueue_struct *qt_wq;

static int __init qt_init(void)
{
	int err;

	/* N_TTY (0) must stay the default discipline of every tty. */
	if (qt_ldisc_num <= 0 || qt_ldisc_num >= NR_LDISCS) {
		pr_err("ldisc=%d is outside 1..%d\n",
		       qt_ldisc_num, NR_LDISCS - 1);
		return -EINVAL;
	}
	qt_wq = alloc_workqueue("qtcpip", WQ_UNBOUND, 0);
	if (!qt_wq)
		return -ENOMEM;
	err = qt_sock_register();
	if (err)
		goto err_wq;
	err = qt_genl_register();
	if (err)
		goto err_sock;
	err = qt_ldisc_register();
	if (err)
		goto err_genl;
	return 0;

err_genl:
	qt_genl_unregister();
err_sock:
	qt_sock_unregister();
err_wq:
	destroy_workqueue(qt_wq);
	return err;
}

static void __exit qt_exit(void)
{
	/* The tty core holds a module reference per attached tty. */
	qt_ldisc_unregister();
	qt_genl_unregister();
	qt_sock_unregister();
	destroy_workqueue(qt_wq);
}

module_init(qt_init);
module_exit(qt_exit);

MODULE_DESCRIPTION("Sockets over the TCP/IP stack of Quectel cellular modules");
MODULE_LICENSE("GPL");
MODULE_ALIAS_LDISC(QTCPIP_LDISC_DEFAULT);
MODULE_ALIAS_NETPROTO(AF_QTCPIP_DEFAULT);
