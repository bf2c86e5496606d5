/* SPDX-License-Identifier: GPL-2.0 */
/* qtcpip: AF_QTCPIP sockets, one per module connection. */
#ifndef QTCPIP_SOCK_H
#define QTCPIP_SOCK_H

#include <linux/skbuff.h>
#include <linux/socket.h>
#include <net/sock.h>
#include <uapi/linux/qtcpip.h>

#include "qtcpip.h"

enum qt_sock_state {
	QT_SS_UNCONN,		/* no connection (yet, or again after a failure) */
	QT_SS_OPENING,		/* AT+QIOPEN sent, waiting for +QIOPEN */
	QT_SS_CONNECTED,
	QT_SS_CLOSED,		/* the connection ended: EOF or error */
};

/* Everything below sk is engine state, under qs->qd->lock once the socket
 * has a device, except where noted.
 */
struct qt_sock {
	struct sock sk;			/* first: sk_alloc() allocates us */
	struct qtcpip_dev *qd;		/* set once at connect, ref held */
	enum qt_sock_state state;
	int id;				/* connectID, -1 when none */
	int ctx;			/* PDP context (socket lock) */
	int mode;			/* enum qtcpip_access_mode */
	unsigned long open_deadline;	/* jiffies: give up on +QIOPEN */
	unsigned long send_retry_at;	/* jiffies: after SEND FAIL */
	bool send_retry;
	bool rx_hint;			/* the module holds unread data */
	bool read_queued;		/* an AT+QIRD is queued or running */
	bool send_queued;		/* an AT+QISEND is queued or running */
	bool close_queued;		/* AT+QICLOSE is queued or running */
	bool switch_queued;		/* AT+QISWTMD to buffer mode */
	bool peer_closed;		/* "closed" URC seen */
	bool releasing;			/* the user closed the socket */
	struct sk_buff_head txq;	/* data waiting for AT+QISEND */
	u64 rx_lost;			/* bytes that could not be kept */
	/* Peer, as given to connect() (socket lock). */
	struct sockaddr_storage peer;
	int peer_len;
};

static inline struct qt_sock *qt_sk(const struct sock *sk)
{
	return (struct qt_sock *)sk;
}

/* sock_data.c */
int qt_sendmsg(struct socket *sock, struct msghdr *msg, size_t len);
int qt_recvmsg(struct socket *sock, struct msghdr *msg, size_t len,
	       int flags);
void qt_sock_schedule_send(struct qtcpip_dev *qd, struct qt_sock *qs);
void qt_sock_schedule_read(struct qtcpip_dev *qd, struct qt_sock *qs);
void qt_sock_queue_close(struct qtcpip_dev *qd, struct qt_sock *qs);
void qt_sock_set_error(struct qt_sock *qs, int err);

/* sock.c */
void qt_sock_drained(struct qtcpip_dev *qd, struct qt_sock *qs);

#endif /* QTCPIP_SOCK_H */
