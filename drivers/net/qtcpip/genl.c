// SPDX-License-Identifier: GPL-2.0
/* qtcpip: the "qtcpip" generic netlink family, its plumbing and events.
 *
 * Operations run as the requester's own process, may wait for the module
 * (parallel_ops: a long AT+QIACT or AT+QPING does not hold genl_mutex, so
 * other netlink users go on) and are interruptible. The operations
 * themselves are in genl_ops.c.
 */

#include <linux/netdevice.h>
#include <net/genetlink.h>

#include "genl.h"

static const struct nla_policy qt_genl_policy[QTCPIP_A_MAX + 1] = {
	[QTCPIP_A_IFINDEX]	= { .type = NLA_U32 },
	[QTCPIP_A_IFNAME]	= { .type = NLA_NUL_STRING, .len = IFNAMSIZ - 1 },
	[QTCPIP_A_CTX_ID]	= NLA_POLICY_RANGE(NLA_U8, 1, QT_MAX_CTX),
	[QTCPIP_A_CTX_APN]	= { .type = NLA_NUL_STRING, .len = 99 },
	[QTCPIP_A_CTX_USER]	= { .type = NLA_NUL_STRING, .len = 63 },
	[QTCPIP_A_CTX_PASSWORD]	= { .type = NLA_NUL_STRING, .len = 63 },
	[QTCPIP_A_CTX_AUTH]	= NLA_POLICY_MAX(NLA_U8, QTCPIP_AUTH_PAP_CHAP),
	[QTCPIP_A_DNS_PRIMARY]	= { .type = NLA_NUL_STRING, .len = 63 },
	[QTCPIP_A_DNS_SECONDARY] = { .type = NLA_NUL_STRING, .len = 63 },
	[QTCPIP_A_HOST]		= { .type = NLA_NUL_STRING,
				    .len = QTCPIP_HOST_MAX - 1 },
	[QTCPIP_A_TIMEOUT]	= NLA_POLICY_RANGE(NLA_U32, 1, 255),
	[QTCPIP_A_COUNT]	= NLA_POLICY_RANGE(NLA_U32, 1, 10),
	[QTCPIP_A_NTP_SERVER]	= { .type = NLA_NUL_STRING,
				    .len = QTCPIP_HOST_MAX - 1 },
	[QTCPIP_A_NTP_PORT]	= NLA_POLICY_MIN(NLA_U16, 1),
	[QTCPIP_A_NTP_SET_CLOCK] = { .type = NLA_FLAG },
	[QTCPIP_A_CFG_NAME]	= { .type = NLA_NUL_STRING, .len = 15 },
	[QTCPIP_A_CFG_VALUE]	= { .type = NLA_U32 },
	[QTCPIP_A_DIALECT]	= { .type = NLA_NUL_STRING, .len = 15 },
	[QTCPIP_A_MAX_BAUD]	= { .type = NLA_U32 },
};

static const struct genl_ops qt_genl_ops[] = {
	{
		.cmd	= QTCPIP_CMD_DEV_GET,
		.doit	= qt_genl_dev_get,
		.dumpit	= qt_genl_dev_dump,
	},
	{
		/* Forcing a dialect or a line rate changes how the module
		 * is driven.
		 */
		.cmd	= QTCPIP_CMD_DEV_SET,
		.doit	= qt_genl_dev_set,
		.flags	= GENL_ADMIN_PERM,
	},
	{
		.cmd	= QTCPIP_CMD_CTX_GET,
		.doit	= qt_genl_ctx_get,
	},
	{
		.cmd	= QTCPIP_CMD_CTX_SET,
		.doit	= qt_genl_ctx_set,
		.flags	= GENL_ADMIN_PERM,
	},
	{
		.cmd	= QTCPIP_CMD_CTX_UP,
		.doit	= qt_genl_ctx_up,
		.flags	= GENL_ADMIN_PERM,
	},
	{
		.cmd	= QTCPIP_CMD_CTX_DOWN,
		.doit	= qt_genl_ctx_down,
		.flags	= GENL_ADMIN_PERM,
	},
	{
		.cmd	= QTCPIP_CMD_DNS_GET,
		.doit	= qt_genl_dns_get,
	},
	{
		.cmd	= QTCPIP_CMD_DNS_SET,
		.doit	= qt_genl_dns_set,
		.flags	= GENL_ADMIN_PERM,
	},
	{
		/* Lookups and pings change nothing: anyone, as ping(8). */
		.cmd	= QTCPIP_CMD_RESOLVE,
		.doit	= qt_genl_resolve,
	},
	{
		.cmd	= QTCPIP_CMD_PING,
		.doit	= qt_genl_ping,
	},
	{
		/* It may set the module's clock. */
		.cmd	= QTCPIP_CMD_NTP,
		.doit	= qt_genl_ntp,
		.flags	= GENL_ADMIN_PERM,
	},
	{
		.cmd	= QTCPIP_CMD_CFG_GET,
		.doit	= qt_genl_cfg_get,
	},
	{
		.cmd	= QTCPIP_CMD_CFG_SET,
		.doit	= qt_genl_cfg_set,
		.flags	= GENL_ADMIN_PERM,
	},
	{
		.cmd	= QTCPIP_CMD_ERR_GET,
		.doit	= qt_genl_err_get,
	},
	{
		.cmd	= QTCPIP_CMD_SOCK_GET,
		.start	= qt_genl_sock_start,
		.dumpit	= qt_genl_sock_dump,
		.done	= qt_genl_sock_done,
	},
};

static const struct genl_multicast_group qt_genl_mcgrps[] = {
	{ .name = QTCPIP_GENL_MCGRP },
};

struct genl_family qt_genl_family = {
	.name		= QTCPIP_GENL_NAME,
	.version	= QTCPIP_GENL_VERSION,
	.maxattr	= QTCPIP_A_MAX,
	.policy		= qt_genl_policy,
	.netnsok	= true,
	.parallel_ops	= true,
	.module		= THIS_MODULE,
	.ops		= qt_genl_ops,
	.n_ops		= ARRAY_SIZE(qt_genl_ops),
	.resv_start_op	= QTCPIP_CMD_MAX + 1,
	.mcgrps		= qt_genl_mcgrps,
	.n_mcgrps	= ARRAY_SIZE(qt_genl_mcgrps),
};

/* The device a request names, referenced; NULL with an extack message. */
struct qtcpip_dev *qt_genl_dev(struct genl_info *info)
{
	struct net *net = genl_info_net(info);
	struct net_device *dev = NULL;
	struct qtcpip_dev *qd;

	if (info->attrs[QTCPIP_A_IFINDEX]) {
		dev = dev_get_by_index(net,
				       nla_get_u32(info->attrs[QTCPIP_A_IFINDEX]));
	} else if (info->attrs[QTCPIP_A_IFNAME]) {
		dev = dev_get_by_name(net,
				      nla_data(info->attrs[QTCPIP_A_IFNAME]));
	} else {
		GENL_SET_ERR_MSG(info, "no device given (QTCPIP_A_IFINDEX or QTCPIP_A_IFNAME)");
		return ERR_PTR(-EINVAL);
	}
	if (!dev) {
		GENL_SET_ERR_MSG(info, "no such device");
		return ERR_PTR(-ENODEV);
	}
	qd = qt_netdev_priv(dev);
	if (qd)
		qt_dev_get(qd);
	dev_put(dev);
	if (!qd) {
		GENL_SET_ERR_MSG(info, "not a qtcpip device");
		return ERR_PTR(-ENODEV);
	}
	return qd;
}

/* Like qt_genl_dev(), and the module must be ready to take commands. */
struct qtcpip_dev *qt_genl_ready_dev(struct genl_info *info)
{
	struct qtcpip_dev *qd = qt_genl_dev(info);

	if (IS_ERR(qd))
		return qd;
	if (READ_ONCE(qd->state) != QT_DEV_READY) {
		GENL_SET_ERR_MSG(info, "the module is not ready");
		qt_dev_put(qd);
		return ERR_PTR(-ENETDOWN);
	}
	return qd;
}

/* A device's event (qt_dev_event()) to the "events" group. Any context. */
static int qt_genl_notify(struct notifier_block *nb, unsigned long event,
			  void *data)
{
	const struct qt_dev_event *ev = data;
	struct qtcpip_dev *qd = ev->qd;
	struct sk_buff *skb;
	void *hdr;

	if (!genl_has_listeners(&qt_genl_family, dev_net(qd->netdev), 0))
		return NOTIFY_DONE;
	skb = genlmsg_new(NLMSG_GOODSIZE, GFP_ATOMIC);
	if (!skb)
		return NOTIFY_DONE;
	hdr = genlmsg_put(skb, 0, 0, &qt_genl_family, 0, QTCPIP_CMD_EVENT);
	if (!hdr)
		goto err;
	if (nla_put_u32(skb, QTCPIP_A_IFINDEX, qd->netdev->ifindex) ||
	    nla_put_string(skb, QTCPIP_A_IFNAME, qd->netdev->name) ||
	    nla_put_u8(skb, QTCPIP_A_EVENT, event))
		goto err;
	if (event == QTCPIP_EVENT_PDPDEACT &&
	    nla_put_u8(skb, QTCPIP_A_CTX_ID, ev->arg))
		goto err;
	if (event == QTCPIP_EVENT_PEER_CLOSED &&
	    nla_put_s32(skb, QTCPIP_A_SOCK_CONN_ID, ev->arg))
		goto err;
	genlmsg_end(skb, hdr);
	genlmsg_multicast_netns(&qt_genl_family, dev_net(qd->netdev), skb, 0,
				0, GFP_ATOMIC);
	return NOTIFY_DONE;
err:
	nlmsg_free(skb);
	return NOTIFY_DONE;
}

static struct notifier_block qt_genl_nb = {
	.notifier_call = qt_genl_notify,
};

int qt_genl_register(void)
{
	int err = genl_register_family(&qt_genl_family);

	if (!err)
		atomic_notifier_chain_register(&qt_dev_chain, &qt_genl_nb);
	return err;
}

void qt_genl_unregister(void)
{
	atomic_notifier_chain_unregister(&qt_dev_chain, &qt_genl_nb);
	genl_unregister_family(&qt_genl_family);
}
