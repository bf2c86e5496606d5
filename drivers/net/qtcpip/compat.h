/* SPDX-License-Identifier: GPL-2.0 */
/* The kernel interfaces qtcpip uses that changed between 6.1 and 6.12,
 * kept in one place so the rest of the driver reads like in-tree code.
 * The Makefile detects them from the headers rather than from version
 * numbers, so distribution backports are handled too.
 */
#ifndef QTCPIP_COMPAT_H
#define QTCPIP_COMPAT_H

/* 6.6 made tty flag bytes u8 and receive counts size_t. */
#ifdef QTCPIP_LDISC_RX_U8
#define QT_LDISC_RX_ARGS \
	struct tty_struct *tty, const u8 *cp, const u8 *fp, size_t count
#else
#define QT_LDISC_RX_ARGS \
	struct tty_struct *tty, const unsigned char *cp, const char *fp, \
	int count
#endif

/* 6.10 gathered accept()'s flags into struct proto_accept_arg. */
#ifdef QTCPIP_ACCEPT_ARG
#define QT_ACCEPT_ARGS \
	struct socket *sock, struct socket *newsock, struct proto_accept_arg *arg
#define QT_ACCEPT_FLAGS	(arg->flags)
#else
#define QT_ACCEPT_ARGS \
	struct socket *sock, struct socket *newsock, int flags, bool kern
#define QT_ACCEPT_FLAGS	(flags)
#endif

/* 6.12 turned NETIF_F_NETNS_LOCAL into a net_device bit. */
#ifdef QTCPIP_NETNS_LOCAL_BIT
#define qt_set_netns_local(dev)	((dev)->netns_local = true)
#else
#define qt_set_netns_local(dev)	((dev)->features |= NETIF_F_NETNS_LOCAL)
#endif

#endif /* QTCPIP_COMPAT_H */
