/* SPDX-License-Identifier: GPL-2.0 */
/*
 * qtcpip: internal definitions shared by the line discipline, the netdev
 * and (later) the AT engine and socket family.
 */
#ifndef QTCPIP_H
#define QTCPIP_H

#include <linux/kref.h>
#include <linux/netdevice.h>
#include <linux/spinlock.h>
#include <linux/tty.h>
#include <linux/workqueue.h>

/* Bytes queued towards the module that are not yet taken by the tty. */
#define QTCPIP_TXBUF_SIZE	4096

/* One attached module. Lives from ldisc open until the last reference is
 * dropped; the tty pointer is valid only while the ldisc is open and is
 * cleared (under @lock) before the ldisc close returns.
 */
struct qtcpip_dev {
	struct kref ref;
	struct net_device *netdev;

	spinlock_t lock;		/* protects the fields below */
	struct tty_struct *tty;
	bool dead;			/* hung up or closing: no more writes */
	u8 *txbuf;
	size_t txhead;			/* first byte not yet written */
	size_t txlen;			/* bytes queued from txhead */

	struct work_struct tx_work;
};

extern int qtcpip_ldisc_num;

/* ldisc.c */
int qtcpip_ldisc_register(void);
void qtcpip_ldisc_unregister(void);
int qtcpip_dev_write(struct qtcpip_dev *qd, const u8 *buf, size_t len);

/* netdev.c */
struct net_device *qtcpip_netdev_alloc(struct qtcpip_dev *qd);
struct qtcpip_dev *qtcpip_netdev_priv(const struct net_device *dev);
void qtcpip_dev_get(struct qtcpip_dev *qd);
void qtcpip_dev_put(struct qtcpip_dev *qd);

#endif /* QTCPIP_H */
