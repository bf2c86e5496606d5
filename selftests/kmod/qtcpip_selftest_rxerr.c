// SPDX-License-Identifier: GPL-2.0
/* Test-only module: hands the line discipline of a tty bytes with a UART
 * error flag, as a serial driver does for a parity or framing error, which
 * an emulated UART cannot produce. Loading it injects once; the test then
 * removes it.
 *
 *   insmod qtcpip_selftest_rxerr.ko tty=ttyS1 hex=0d0a2b... flag_at=5 flag=3
 *
 * flag is a TTY_* value (1 break, 2 frame, 3 parity, 4 overrun).
 */

#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/tty.h>
#include <linux/tty_flip.h>
#include <linux/tty_ldisc.h>

static char *port = "ttyS1";
module_param_named(tty, port, charp, 0444);
static char *hex = "";
module_param(hex, charp, 0444);
static int flag_at = -1;
module_param(flag_at, int, 0444);
static int flag = TTY_PARITY;
module_param(flag, int, 0444);

#define RXERR_MAX	512

static int __init qtcpip_selftest_rxerr_init(void)
{
	size_t len = strlen(hex) / 2;
	struct tty_struct *tty;
	struct tty_ldisc *ld;
	u8 *buf, *flags;
	dev_t dev;
	int err;

	if (!len || len > RXERR_MAX || flag_at >= (int)len)
		return -EINVAL;
	buf = kzalloc(2 * RXERR_MAX, GFP_KERNEL);
	if (!buf)
		return -ENOMEM;
	flags = buf + RXERR_MAX;
	err = hex2bin(buf, hex, len);
	if (err)
		goto out;
	if (flag_at >= 0)
		flags[flag_at] = flag;
	err = tty_dev_name_to_number(port, &dev);
	if (err)
		goto out;
	tty = tty_kopen_shared(dev);
	if (IS_ERR_OR_NULL(tty)) {
		err = tty ? PTR_ERR(tty) : -ENODEV;
		goto out;
	}
	ld = tty_ldisc_ref(tty);
	if (ld) {
		/* As flush_to_ldisc() does: one receiver at a time. */
		mutex_lock(&tty->port->buf.lock);
		/* The flags are u8 since 6.6, char before (same bytes). */
		tty_ldisc_receive_buf(ld, buf, flags, len);
		mutex_unlock(&tty->port->buf.lock);
		tty_ldisc_deref(ld);
	} else {
		err = -EIO;
	}
	tty_kref_put(tty);
out:
	kfree(buf);
	return err;
}
module_init(qtcpip_selftest_rxerr_init);

static void __exit qtcpip_selftest_rxerr_exit(void)
{
}
module_exit(qtcpip_selftest_rxerr_exit);

MODULE_DESCRIPTION("qtcpip self-test: bytes with UART error flags to a tty's ldisc");
MODULE_LICENSE("GPL");
