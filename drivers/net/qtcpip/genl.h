/* SPDX-License-Identifier: GPL-2.0 */
/* qtcpip: generic netlink operations (genl_ops.c) and helpers (genl.c). */
#ifndef QTCPIP_GENL_H
#define QTCPIP_GENL_H

#include <net/genetlink.h>

#include "qtcpip.h"

extern struct genl_family qt_genl_family;

struct qtcpip_dev *qt_genl_dev(struct genl_info *info);
struct qtcpip_dev *qt_genl_ready_dev(struct genl_info *info);

int qt_genl_dev_get(struct sk_buff *skb, struct genl_info *info);
int qt_genl_dev_set(struct sk_buff *skb, struct genl_info *info);
int qt_genl_dev_dump(struct sk_buff *skb, struct netlink_callback *cb);
int qt_genl_ctx_get(struct sk_buff *skb, struct genl_info *info);
int qt_genl_ctx_set(struct sk_buff *skb, struct genl_info *info);
int qt_genl_ctx_up(struct sk_buff *skb, struct genl_info *info);
int qt_genl_ctx_down(struct sk_buff *skb, struct genl_info *info);
int qt_genl_dns_get(struct sk_buff *skb, struct genl_info *info);
int qt_genl_dns_set(struct sk_buff *skb, struct genl_info *info);
int qt_genl_resolve(struct sk_buff *skb, struct genl_info *info);
int qt_genl_ping(struct sk_buff *skb, struct genl_info *info);
int qt_genl_ntp(struct sk_buff *skb, struct genl_info *info);
int qt_genl_cfg_get(struct sk_buff *skb, struct genl_info *info);
int qt_genl_cfg_set(struct sk_buff *skb, struct genl_info *info);
int qt_genl_err_get(struct sk_buff *skb, struct genl_info *info);
int qt_genl_sock_start(struct netlink_callback *cb);
int qt_genl_sock_dump(struct sk_buff *skb, struct netlink_callback *cb);
int qt_genl_sock_done(struct netlink_callback *cb);

#endif /* QTCPIP_GENL_H */
