/* SPDX-License-Identifier: GPL-2.0 */
/* qtcpip: what the socket layer (sock.c) tells netlink of its sockets. */
#ifndef QTCPIP_SOCK_INFO_H
#define QTCPIP_SOCK_INFO_H

#include <linux/socket.h>

#include "qtcpip.h"

/* A copy of one socket, taken under qd->lock (qt_sock_info_next()). */
struct qt_sock_info {
	int id;				/* connectID */
	u8 type, state, mode;		/* sk_type, qtcpip_sock_state, access */
	u32 rxq, txq;			/* bytes received, bytes to send */
	struct sockaddr_storage peer;	/* as given to connect(), or the */
	int peer_len;			/* accepted client's; 0: none */
};

int qt_sock_info_next(struct qtcpip_dev *qd, int *id,
		      struct qt_sock_info *info);

#endif /* QTCPIP_SOCK_INFO_H */
