/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * qtcpip: sockets over the TCP/IP stack of Quectel cellular modules.
 *
 * User API: line discipline number, socket family, generic netlink family.
 */
#ifndef _UAPI_LINUX_QTCPIP_H
#define _UAPI_LINUX_QTCPIP_H

#include <linux/types.h>

/*
 * Default line discipline number. No number is assigned to qtcpip, so it
 * borrows N_DEVELOPMENT; the module parameter "ldisc" changes it and
 * /sys/module/qtcpip/parameters/ldisc tells which one is in use.
 */
#define QTCPIP_LDISC_DEFAULT	29

/* Name of the line discipline (/proc/tty/ldiscs) and of the netdevs. */
#define QTCPIP_LDISC_NAME	"qtcpip"
#define QTCPIP_IFNAME_FMT	"qtcpip%d"

#endif /* _UAPI_LINUX_QTCPIP_H */
