/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * qtcpip: sockets over the TCP/IP stack of Quectel cellular modules.
 *
 * User API: line discipline number, socket family, generic netlink family.
 */
#ifndef _UAPI_LINUX_QTCPIP_H
#define _UAPI_LINUX_QTCPIP_H

#include <linux/socket.h>
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

/*
 * Socket family. Not assigned upstream: the default reuses AF_IRDA (23),
 * whose in-tree user was removed in Linux 4.17, so no Debian 6.1 or 6.12
 * kernel registers it. The module parameter "family" changes it and
 * /sys/module/qtcpip/parameters/family tells which one is in use;
 * applications should read it from there (see qtcpip.rst).
 */
#define AF_QTCPIP_DEFAULT	23

/*
 * Address with a host name for the module's resolver (or a literal
 * address in text form). Same size as struct sockaddr_storage.
 */
#define QTCPIP_HOST_MAX		120

struct sockaddr_qt {
	__kernel_sa_family_t	sqt_family;	/* AF_QTCPIP */
	__be16			sqt_port;	/* network byte order */
	__u32			sqt_reserved;	/* must be 0 */
	char			sqt_host[QTCPIP_HOST_MAX]; /* NUL terminated */
};

/* Socket options, level SOL_QTCPIP. */
#define SOL_QTCPIP		0x5154

enum {
	QTCPIP_CONTEXT = 1,	/* int: PDP context of the connection (1) */
	QTCPIP_ACCESS_MODE,	/* int: enum qtcpip_access_mode */
	QTCPIP_CONNECT_ID,	/* int, read only: the module's connectID */
	QTCPIP_RX_LOST,		/* __u64, read only: bytes lost on receive */
	QTCPIP_SEND_INFO,	/* struct qtcpip_send_info, read only */
};

enum qtcpip_access_mode {
	QTCPIP_MODE_BUFFER = 0,	/* "recv" hint, the driver reads (default) */
	QTCPIP_MODE_PUSH = 1,	/* the module pushes data as it arrives */
	QTCPIP_MODE_TRANSPARENT = 2, /* UC20: the line carries raw bytes */
};

/* AT+QISEND=<id>,0 (UC20): bytes sent, acknowledged, unacknowledged. */
struct qtcpip_send_info {
	__u64 total;
	__u64 acked;
	__u64 unacked;
};

#endif /* _UAPI_LINUX_QTCPIP_H */
