// SPDX-License-Identifier: GPL-2.0
/*
 * qtcpip: one net_device per attached module.
 *
 * The netdev carries no IP traffic of its own (the module's stack does
 * that): it gives the module a name and an ifindex to bind sockets to,
 * link state and statistics.
 */

#include <linux/if_arp.h>
#include <linux/netdevice.h>
#include <linux/slab.h>
#include <uapi/linux/qtcpip.h>

#include "compat.h"
#include "qtcpip.h"

/* Up and down activate and deactivate the module's default context,
 * which may take the module 150 s: done from a work item.
 */
static int qt_ndo_open(struct net_device *dev)
{
	struct qtcpip_dev *qd = qt_netdev_priv(dev);

	netif_start_queue(dev);
	qt_dev_queue_work(qd, &qd->link_work);
	return 0;
}

static int qt_ndo_stop(struct net_device *dev)
{
	struct qtcpip_dev *qd = qt_netdev_priv(dev);

	netif_stop_queue(dev);
	qt_dev_queue_work(qd, &qd->link_work);
	return 0;
}

/* IP packets routed here have nowhere to go: the module has no PPP link. */
static netdev_tx_t qt_ndo_start_xmit(struct sk_buff *skb,
				     struct net_device *dev)
{
	dev->stats.tx_dropped++;
	dev_kfree_skb(skb);
	return NETDEV_TX_OK;
}

static const struct net_device_ops qt_netdev_ops = {
	.ndo_open	= qt_ndo_open,
	.ndo_stop	= qt_ndo_stop,
	.ndo_start_xmit	= qt_ndo_start_xmit,
};

static void qt_netdev_setup(struct net_device *dev)
{
	dev->netdev_ops = &qt_netdev_ops;
	dev->type = ARPHRD_NONE;
	dev->flags = IFF_NOARP;
	dev->hard_header_len = 0;
	dev->addr_len = 0;
	dev->tx_queue_len = 0;
	dev->mtu = 1500;
	dev->min_mtu = 1;
	dev->max_mtu = 1500;
	/* Its control operations check CAP_NET_ADMIN in the initial
	 * namespace, and its sockets pick devices by namespace: it stays.
	 */
	qt_set_netns_local(dev);
}

struct net_device *qt_netdev_alloc(struct qtcpip_dev *qd)
{
	struct net_device *dev;

	dev = alloc_netdev(sizeof(qd), QTCPIP_IFNAME_FMT, NET_NAME_ENUM,
			   qt_netdev_setup);
	if (!dev)
		return NULL;
	*(struct qtcpip_dev **)netdev_priv(dev) = qd;
	return dev;
}

/* The qtcpip device behind @dev, or NULL when @dev is not one of ours. */
struct qtcpip_dev *qt_netdev_priv(const struct net_device *dev)
{
	if (dev->netdev_ops != &qt_netdev_ops)
		return NULL;
	return *(struct qtcpip_dev **)netdev_priv(dev);
}

static void qt_dev_release(struct kref *ref)
{
	struct qtcpip_dev *qd = container_of(ref, struct qtcpip_dev, ref);

	free_netdev(qd->netdev);
	kfree(qd->txbuf);
	kfree(qd);
}

/**
 * qt_dev_get() - take a reference to a device
 * @qd: the module
 *
 * Keeps the memory of @qd (not the attachment: check QT_DEV_DEAD).
 *
 * Context: any.
 */
void qt_dev_get(struct qtcpip_dev *qd)
{
	kref_get(&qd->ref);
}

/**
 * qt_dev_put() - drop a reference to a device
 * @qd: the module; freed with the last reference
 *
 * Context: any.
 */
void qt_dev_put(struct qtcpip_dev *qd)
{
	kref_put(&qd->ref, qt_dev_release);
}

/* Queue one of the device's work items unless it is detached. Detach marks
 * it dead under qd->lock and then cancels its work; a work queued after
 * that would run on a freed device, hence the check under the same lock.
 */
bool qt_dev_queue_work_locked(struct qtcpip_dev *qd, struct work_struct *work)
{
	lockdep_assert_held(&qd->lock);
	if (qd->state == QT_DEV_DEAD)
		return false;
	return queue_work(qt_wq, work);
}

bool qt_dev_queue_work(struct qtcpip_dev *qd, struct work_struct *work)
{
	bool queued;

	spin_lock_bh(&qd->lock);
	queued = qt_dev_queue_work_locked(qd, work);
	spin_unlock_bh(&qd->lock);
	return queued;
}
