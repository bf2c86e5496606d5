/* SPDX-License-Identifier: GPL-2.0 */
/* qtcpip: what the socket layer (sock.c) tells netlink of its sockets. */
#ifndef QTCPIP_SOCK_INFO_H
#define QTCPIP_SOCK_INFO_H

#include <linux/socket.h>

#include "qtcpip.h"

/**
 * struct qt_sock_info - a copy of one socket, taken under qd->lock
 * @id: its connectID
 * @type: SOCK_STREAM or SOCK_DGRAM
 * @state: enum qtcpip_sock_state
 * @mode: enum qtcpip_access_mode
 * @rxq: bytes in its receive queue
 * @txq: bytes waiting for AT+QISEND
 * @peer: as given to connect(), or the accepted client's
 * @peer_len: 0: none
 */
struct qt_sock_info {
	int id;
	u8 type, state, mode;
	u32 rxq, txq;
	struct sockaddr_storage peer;
	int peer_len;
};

int qt_sock_info_next(struct qtcpip_dev *qd, int *id,
		      struct qt_sock_info *info);

#endif /* QTCPIP_SOCK_INFO_H */
