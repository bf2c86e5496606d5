/* SPDX-License-Identifier: GPL-2.0 */
/* qtcpip: AF_QTCPIP sockets, one per module connection. */
#ifndef QTCPIP_SOCK_H
#define QTCPIP_SOCK_H

#include <linux/skbuff.h>
#include <linux/socket.h>
#include <net/sock.h>
#include <net/tcp_states.h>
#include <uapi/linux/qtcpip.h>

#include "compat.h"
#include "qtcpip.h"

/* A socket's connection state lives in sk->sk_state, in TCP's values, so
 * that the core reads it as it reads TCP's (SO_ACCEPTCONN: TCP_LISTEN);
 * netlink reports the uapi's enum qtcpip_sock_state instead. Every
 * transition, with its event and test: the table in the Design section of
 * Documentation/networking/qtcpip.rst.
 */
enum qt_sock_state {
	QT_SS_UNCONN = TCP_CLOSE,	/* no connection (yet, or again after
					 * a failure); sock_init_data()'s
					 */
	QT_SS_OPENING = TCP_SYN_SENT,	/* AT+QIOPEN sent, waiting for +QIOPEN */
	QT_SS_CONNECTED = TCP_ESTABLISHED,
	QT_SS_CLOSED = TCP_CLOSE_WAIT,	/* the connection ended: EOF or error */
	QT_SS_LISTEN = TCP_LISTEN,	/* TCP LISTENER (UC20) */
	QT_SS_SERVICE = TCP_SYN_RECV,	/* UDP SERVICE (UC20): a bound
					 * datagram socket, no listener
					 */
};

/* Where a UDP SERVICE datagram came from or goes to (skb->cb). */
struct qt_skb_cb {
	struct sockaddr_in addr;
	bool has_addr;
};

#define QT_SKB_CB(skb)	((struct qt_skb_cb *)(skb)->cb)

/* Everything below sk is engine state, under qs->qd->lock once the socket
 * has a device, except where noted.
 */
struct qt_sock {
	struct sock sk;			/* first: sk_alloc() allocates us */
	struct qt_conn conn;		/* what the engine knows of us */
	struct qtcpip_dev *qd;		/* set once at connect, ref held */
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
	bool tp_resume;			/* back to transparent once drained */
	struct sk_buff_head txq;	/* data waiting for AT+QISEND */
	struct sk_buff *rx_skb;		/* the data block being received */
	u64 rx_lost;			/* bytes that could not be kept */
	u16 lport;			/* bind(): the module's local port */
	u16 mod_lport;			/* the port the module chose, from
					 * AT+QISTATE (socket lock)
					 */
	bool lport_asked;		/* AT+QISTATE sent for this connection */
	struct list_head bind_node;	/* in qt_bound once bound */
	/* IPPROTO_TCP/IPPROTO_IP options, kept for getsockopt() alone: the
	 * module has no equivalent (qtcpip.rst). 0: the AF_INET default.
	 * Socket lock.
	 */
	bool nodelay;
	u8 tos;
	int ttl, keepidle, keepintvl, keepcnt;
	bool udp_service;		/* a bound datagram socket (UC20) */
	/* TCP LISTENER: connections waiting for accept() (sk_ack_backlog of
	 * them, sk_max_ack_backlog: listen()'s backlog), under qd->lock.
	 */
	struct list_head accept_q;
	struct list_head accept_node;	/* in the listener's accept_q */
	u32 accept_dropped;		/* closed: the backlog was full */
	/* Peer, as given to connect() (socket lock). */
	struct sockaddr_storage peer;
	int peer_len;
};

static inline struct qt_sock *qt_sk(const struct sock *sk)
{
	return (struct qt_sock *)sk;
}

static inline struct qt_sock *qt_conn_sock(struct qt_conn *conn)
{
	return conn ? container_of(conn, struct qt_sock, conn) : NULL;
}

/* The connection state of @qs (enum qt_sock_state): engine state, written
 * under qd->lock, read with or without it.
 */
static inline enum qt_sock_state qt_sock_state(const struct qt_sock *qs)
{
	return READ_ONCE(qs->sk.sk_state);
}

/* Every transition goes through here, under the lock of the device the
 * socket's connection belongs to (sock_init_data() sets the first state,
 * QT_SS_UNCONN, before there is one).
 */
static inline void qt_sock_set_state(struct qt_sock *qs,
				     enum qt_sock_state state)
{
	lockdep_assert_held(&qs->qd->lock);
	WRITE_ONCE(qs->sk.sk_state, state);
}

/* Whether AT+QISEND may go out: a connection, or a UDP SERVICE. */
static inline bool qt_sock_can_send(const struct qt_sock *qs)
{
	enum qt_sock_state state = qt_sock_state(qs);

	return state == QT_SS_CONNECTED || state == QT_SS_SERVICE;
}

/* A command serving @qs holds a reference to it. */
static inline void qt_cmd_set_sock(struct qt_cmd *cmd, struct qt_sock *qs)
{
	sock_hold(&qs->sk);
	cmd->conn = &qs->conn;
}

/* sock_data.c */
int qt_sendmsg(struct socket *sock, struct msghdr *msg, size_t len);
int qt_recvmsg(struct socket *sock, struct msghdr *msg, size_t len,
	       int flags);
void qt_sock_schedule_send(struct qtcpip_dev *qd, struct qt_sock *qs);
void qt_sock_schedule_read(struct qtcpip_dev *qd, struct qt_sock *qs);
void qt_sock_abort(struct qtcpip_dev *qd, struct qt_sock *qs, int err);
void qt_sock_queue_close(struct qtcpip_dev *qd, struct qt_sock *qs);
void qt_sock_set_error(struct qt_sock *qs, int err);
bool qt_sock_data_start(struct qtcpip_dev *qd, struct qt_conn *conn,
			const struct qt_event *ev);
void qt_sock_data(struct qtcpip_dev *qd, struct qt_conn *conn,
		  const u8 *data, size_t len);
void qt_sock_data_end(struct qtcpip_dev *qd, struct qt_conn *conn,
		      bool complete);
void qt_sock_rx_error(struct qtcpip_dev *qd, struct qt_conn *conn, bool raw);
void qt_sock_tp_rx(struct qtcpip_dev *qd, struct qt_conn *conn,
		   const u8 *data, size_t n);
void qt_sock_tp_end(struct qtcpip_dev *qd, struct qt_conn *conn,
		    bool carrier_lost, bool reset, bool resume);

/* sock.c */
extern struct proto qt_proto;
extern const struct proto_ops qt_ops;
void qt_sock_drained(struct qtcpip_dev *qd, struct qt_sock *qs);
struct qtcpip_dev *qt_sock_pick_dev(struct sock *sk);
void qt_sock_forget_dead_dev(struct qt_sock *qs);
int qt_sock_wait_open(struct sock *sk, long timeo);
void qt_sock_init(struct qt_sock *qs);
void qt_sock_tp_enter(struct qtcpip_dev *qd, struct qt_sock *qs);
struct qt_cmd *qt_sock_mode_cmd(struct qt_sock *qs, int mode, gfp_t gfp);

/* sock_server.c */
int qt_bind(struct socket *sock, struct sockaddr *uaddr, int alen);
int qt_listen(struct socket *sock, int backlog);
int qt_accept_flags(struct socket *sock, struct socket *newsock, int flags);
void qt_sock_event_incoming(struct qtcpip_dev *qd, const struct qt_event *ev);
void qt_sock_release_children(struct qtcpip_dev *qd, struct qt_sock *qs);
void qt_sock_stop_listening(struct qtcpip_dev *qd, struct qt_sock *qs);
int qt_sock_open_service(struct qt_sock *qs, struct qtcpip_dev *qd,
			 bool tcp);
void qt_sock_unbind(struct qt_sock *qs);

#endif /* QTCPIP_SOCK_H */
