// SPDX-License-Identifier: GPL-2.0
/* qtcpip: moving payload between sockets and the module.
 *
 * Send: sendmsg() queues skbs of at most one AT+QISEND each on qs->txq
 * (charged to SO_SNDBUF); the engine sends the head skb and frees it on
 * SEND OK, which wakes writers. Receive: a "recv" URC is only a hint
 * (sent when the module's buffer becomes non-empty), so the engine reads
 * with AT+QIRD until the module answers 0 bytes, as long as the socket's
 * receive buffer has room; recvmsg() making room resumes the drain.
 * Direct-push data is never dropped: past SO_RCVBUF the connection is
 * switched to buffer mode, which lets the module hold the rest.
 */

#include <linux/ctype.h>
#include <linux/inet.h>
#include <linux/skbuff.h>
#include <linux/slab.h>
#include <net/sock.h>

#include "sock.h"

/* Below this much receive room a read is not worth a command. */
#define QT_READ_MIN	64

static const char qt_hex[] = "0123456789ABCDEF";

static bool qt_printable(const u8 *p, size_t n)
{
	while (n--) {
		if (*p < 0x20 || *p > 0x7e)
			return false;
		p++;
	}
	return true;
}

/* BC66: the data travels in the command line, as text when it is printable
 * ASCII, else as hex (AT+QISENDEX).
 */
static char *qt_bc66_send_line(int id, const u8 *data, size_t n, bool hex_only)
{
	/* With dataformat 1 the module takes AT+QISEND data as hex too. */
	bool text = !hex_only && qt_printable(data, n);
	size_t hdr = 32, i;
	char *line, *p;

	line = kmalloc(hdr + (text ? n : 2 * n) + 1, GFP_ATOMIC);
	if (!line)
		return NULL;
	p = line + scnprintf(line, hdr, "AT+QISEND%s=%d,%zu,",
			     text || hex_only ? "" : "EX", id, n);
	if (text) {
		memcpy(p, data, n);
		p += n;
	} else {
		for (i = 0; i < n; i++) {
			*p++ = qt_hex[data[i] >> 4];
			*p++ = qt_hex[data[i] & 15];
		}
	}
	*p = '\0';
	return line;
}

/* The head of @qs's send queue, with a reference of its own: the queue
 * may be purged (abort, peer close, reset) while the command uses it.
 */
static struct sk_buff *qt_txq_head(struct qt_sock *qs)
{
	struct sk_buff *skb;
	unsigned long flags;

	spin_lock_irqsave(&qs->txq.lock, flags);
	skb = skb_peek(&qs->txq);
	if (skb)
		skb_get(skb);
	spin_unlock_irqrestore(&qs->txq.lock, flags);
	return skb;
}

/* Built at issue time, perhaps again if the tty had no room the first
 * time. The command owns what it writes: the BC66 line is a copy, the UC20
 * payload the skb it holds a reference to.
 */
static int qt_send_build(struct qtcpip_dev *qd, struct qt_cmd *cmd)
{
	struct qt_sock *qs = qt_conn_sock(cmd->conn);
	struct sk_buff *skb;

	lockdep_assert_held(&qd->lock);
	consume_skb(cmd->skb);
	cmd->skb = NULL;
	if (qs->id < 0 || !qt_sock_can_send(qs))
		return -ENODATA;
	skb = qt_txq_head(qs);
	if (!skb)
		return -ENODATA;
	cmd->skb = skb;
	kfree(cmd->line);
	if (qs->udp_service) {
		cmd->line = kasprintf(GFP_ATOMIC, "AT+QISEND=%d,%u,\"%pI4\",%u",
				      qs->id, skb->len,
				      &QT_SKB_CB(skb)->addr.sin_addr,
				      ntohs(QT_SKB_CB(skb)->addr.sin_port));
		cmd->flags |= QT_CMDF_PROMPT;
	} else if (qd->dialect->send_inline) {
		cmd->line = qt_bc66_send_line(qs->id, skb->data, skb->len,
					      qd->bc66_send_hex);
		cmd->flags |= QT_CMDF_LATE_FINAL;
	} else {
		cmd->line = kasprintf(GFP_ATOMIC, "AT+QISEND=%d,%u", qs->id,
				      skb->len);
		cmd->flags |= QT_CMDF_PROMPT;
	}
	cmd->payload_len = skb->len;
	if (!cmd->line)
		return -ENOMEM;
	cmd->line_len = strlen(cmd->line);
	return 0;
}

/* Remove @skb from @qs's send queue if it is still there (a purge may have
 * taken it already). Returns true if it was.
 */
static bool qt_txq_unlink(struct qt_sock *qs, struct sk_buff *skb)
{
	unsigned long flags;
	bool found;

	spin_lock_irqsave(&qs->txq.lock, flags);
	found = skb && skb_peek(&qs->txq) == skb;
	if (found)
		__skb_unlink(skb, &qs->txq);
	spin_unlock_irqrestore(&qs->txq.lock, flags);
	return found;
}

static void qt_send_done(struct qtcpip_dev *qd, struct qt_cmd *cmd)
{
	struct qt_sock *qs = qt_conn_sock(cmd->conn);
	struct sk_buff *skb = cmd->skb;
	bool next = true;

	lockdep_assert_held(&qd->lock);
	qs->send_queued = false;
	cmd->conn = NULL;
	switch (cmd->outcome) {
	case QT_OUT_CANCELLED:
		/* Nothing was sent. A socket that cannot send any more (its
		 * id given back, not connected, detached) never will: drop
		 * its data, or the next command would be cancelled again.
		 * Else (no memory for the line) retry after a pause.
		 */
		if (qs->id < 0 || !qt_sock_can_send(qs) ||
		    qd->state == QT_DEV_DEAD) {
			skb_queue_purge(&qs->txq);
		} else if (!skb_queue_empty(&qs->txq)) {
			qs->send_retry = true;
			qs->send_retry_at = jiffies + HZ / 10;
		}
		next = false;
		break;
	case QT_OUT_DETACHED:
		/* Detached: nothing of this socket goes out any more. */
		qd->netdev->stats.tx_errors++;
		skb_queue_purge(&qs->txq);
		if (qt_sock_can_send(qs)) {
			qt_sock_set_state(qs, QT_SS_CLOSED);
			qs->sk.sk_shutdown |= SEND_SHUTDOWN;
			qt_sock_set_error(qs, ENODEV);
		}
		break;
	case QT_OUT_RESET:
		/* The engine fails this connection next, with the reset's
		 * error (qt_conn_failed()).
		 */
		next = false;
		break;
	case QT_OUT_OK:
		/* Only the skb this command sent: a purge may have taken it
		 * and new data taken its place.
		 */
		if (qt_txq_unlink(qs, skb)) {
			qd->netdev->stats.tx_packets++;
			qd->netdev->stats.tx_bytes += skb->len;
			consume_skb(skb);
		}
		break;
	case QT_OUT_SEND_FAIL:
	case QT_OUT_TIMEOUT:
		/* SEND FAIL: the module's buffer is full; retry shortly. A
		 * timeout: the engine decides whether the module is gone.
		 */
		qs->send_retry = true;
		qs->send_retry_at = jiffies + HZ / 20;
		break;
	case QT_OUT_ABORTED:
		/* No answer around a prompted payload: the engine filled the
		 * module's data phase with zeros, which the peer may get. A
		 * stream cannot go on; a datagram is lost, and the sender told.
		 */
		qd->netdev->stats.tx_errors++;
		if (qs->sk.sk_type == SOCK_STREAM) {
			qt_sock_abort(qd, qs, ETIMEDOUT);
		} else {
			if (qt_txq_unlink(qs, skb))
				kfree_skb(skb);
			qt_sock_set_error(qs, EIO);
		}
		break;
	default:
		/* ERROR, NO CARRIER. */
		qd->netdev->stats.tx_errors++;
		if (qs->udp_service) {
			/* One datagram refused (bad address...): go on. */
			if (qt_txq_unlink(qs, skb))
				kfree_skb(skb);
		} else if (qt_sock_state(qs) == QT_SS_CONNECTED) {
			/* The connection is gone on the module's side: both
			 * ways (a reader waiting for more gets EOF, not its
			 * timeout), and its connectID goes back.
			 */
			qt_sock_abort(qd, qs, EPIPE);
		}
		break;
	}
	if (next && !qs->send_retry)
		qt_sock_schedule_send(qd, qs);
	if (qs->releasing && (skb_queue_empty(&qs->txq) ||
			      !qt_sock_can_send(qs)))
		qt_sock_queue_close(qd, qs);
	sock_put(&qs->sk);
}

/* Queue the next AT+QISEND for @qs if it has data. Under qd->lock. */
void qt_sock_schedule_send(struct qtcpip_dev *qd, struct qt_sock *qs)
{
	struct qt_cmd *cmd;

	lockdep_assert_held(&qd->lock);
	if (qd->tp_conn == &qs->conn) {
		/* Transparent: raw bytes, written by the engine's work. */
		qt_engine_kick(qd);
		return;
	}

	/* No send behind a close or on a dead device: it could only be
	 * cancelled (and its callback would queue the next one).
	 */
	if (qs->send_queued || qs->send_retry || skb_queue_empty(&qs->txq) ||
	    qs->id < 0 || qs->close_queued || qd->state == QT_DEV_DEAD ||
	    !qt_sock_can_send(qs))
		return;
	cmd = qt_cmd_new(GFP_ATOMIC, NULL);
	if (!cmd) {
		qs->send_retry = true;
		qs->send_retry_at = jiffies + HZ / 10;
		return;
	}
	cmd->build = qt_send_build;
	cmd->done = qt_send_done;
	qt_cmd_set_sock(cmd, qs);
	qs->send_queued = true;
	qt_cmd_queue_locked(qd, cmd);
}

static int qt_read_room(struct qt_sock *qs)
{
	return READ_ONCE(qs->sk.sk_rcvbuf) -
	       atomic_read(&qs->sk.sk_rmem_alloc);
}

static int qt_read_build(struct qtcpip_dev *qd, struct qt_cmd *cmd)
{
	struct qt_sock *qs = qt_conn_sock(cmd->conn);
	int room = qt_read_room(qs), n;

	lockdep_assert_held(&qd->lock);
	if (qs->id < 0 || !qs->rx_hint || qt_sock_state(qs) == QT_SS_CLOSED)
		return -ENODATA;
	n = min(room, qd->dialect->max_read);
	/* Always read when the queue is empty, so a tiny SO_RCVBUF works. */
	if (n < QT_READ_MIN && !skb_queue_empty(&qs->sk.sk_receive_queue))
		return -ENOSPC;
	n = max(n, 1);
	kfree(cmd->line);
	if (qs->sk.sk_type == SOCK_DGRAM && !qd->dialect->send_inline)
		/* UC20 UDP: one datagram per read, length ignored. */
		cmd->line = kasprintf(GFP_ATOMIC, "AT+QIRD=%d", qs->id);
	else
		cmd->line = kasprintf(GFP_ATOMIC, "AT+QIRD=%d,%d", qs->id, n);
	if (!cmd->line)
		return -ENOMEM;
	cmd->line_len = strlen(cmd->line);
	return 0;
}

static void qt_read_done(struct qtcpip_dev *qd, struct qt_cmd *cmd)
{
	struct qt_sock *qs = qt_conn_sock(cmd->conn);

	lockdep_assert_held(&qd->lock);
	qs->read_queued = false;
	cmd->conn = NULL;
	switch (cmd->outcome) {
	case QT_OUT_CANCELLED:
	case QT_OUT_TIMEOUT:
		/* recvmsg() or the tick resumes once there is room or time. */
		break;
	case QT_OUT_RESET:
		/* The engine fails this connection next. */
		break;
	case QT_OUT_OK:
		if (cmd->rx_len > 0) {
			qt_sock_schedule_read(qd, qs);
			break;
		}
		fallthrough;
	default:
		/* "+QIRD: 0", or the connection no longer exists. */
		qs->rx_hint = false;
		qt_sock_drained(qd, qs);
		break;
	}
	sock_put(&qs->sk);
}

/* Queue an AT+QIRD for @qs if the module holds data for it. */
void qt_sock_schedule_read(struct qtcpip_dev *qd, struct qt_sock *qs)
{
	struct qt_cmd *cmd;

	lockdep_assert_held(&qd->lock);
	if (qs->read_queued || !qs->rx_hint || qs->id < 0 ||
	    qt_sock_state(qs) == QT_SS_CLOSED)
		return;
	if (qt_read_room(qs) < QT_READ_MIN &&
	    !skb_queue_empty(&qs->sk.sk_receive_queue))
		return;
	cmd = qt_cmd_new(GFP_ATOMIC, NULL);
	if (!cmd)
		return;		/* the 100 ms tick tries again */
	cmd->build = qt_read_build;
	cmd->done = qt_read_done;
	qt_cmd_set_sock(cmd, qs);
	qs->read_queued = true;
	qt_cmd_queue_locked(qd, cmd);
}

static void qt_switch_done(struct qtcpip_dev *qd, struct qt_cmd *cmd)
{
	struct qt_sock *qs = qt_conn_sock(cmd->conn);

	lockdep_assert_held(&qd->lock);
	qs->switch_queued = false;
	cmd->conn = NULL;
	if (cmd->outcome == QT_OUT_OK) {
		qs->mode = QTCPIP_MODE_BUFFER;
		/* Whatever arrived since waits in the module: read it. */
		qs->rx_hint = true;
		qt_sock_schedule_read(qd, qs);
	}
	sock_put(&qs->sk);
}

/* Direct push overran SO_RCVBUF: let the module buffer from now on. */
static void qt_sock_push_to_buffer(struct qtcpip_dev *qd, struct qt_sock *qs)
{
	struct qt_cmd *cmd;

	lockdep_assert_held(&qd->lock);
	if (qs->switch_queued || qs->id < 0)
		return;
	cmd = qt_cmd_new(GFP_ATOMIC, "AT+QISWTMD=%d,0", qs->id);
	if (!cmd)
		return;
	cmd->done = qt_switch_done;
	qt_cmd_set_sock(cmd, qs);
	qs->switch_queued = true;
	qt_cmd_queue_locked(qd, cmd);
}

/* A data block of ev->len bytes starts for @conn. Under qd->lock. */
bool qt_sock_data_start(struct qtcpip_dev *qd, struct qt_conn *conn,
			const struct qt_event *ev)
{
	struct qt_sock *qs = qt_conn_sock(conn);
	struct sk_buff *skb;

	lockdep_assert_held(&qd->lock);
	skb = alloc_skb(ev->len, GFP_ATOMIC);
	if (!skb) {
		qs->rx_lost += ev->len;
		qd->netdev->stats.rx_dropped++;
		return false;
	}
	/* UDP SERVICE: the datagram's sender. */
	memset(skb->cb, 0, sizeof(struct qt_skb_cb));
	if (ev->addr[0] && in4_pton(ev->addr, -1,
				    (u8 *)&QT_SKB_CB(skb)->addr.sin_addr,
				    -1, NULL)) {
		QT_SKB_CB(skb)->addr.sin_family = AF_INET;
		QT_SKB_CB(skb)->addr.sin_port = htons(ev->port);
		QT_SKB_CB(skb)->has_addr = true;
	}
	qs->rx_skb = skb;
	return true;
}

void qt_sock_data(struct qtcpip_dev *qd, struct qt_conn *conn,
		  const u8 *data, size_t len)
{
	struct sk_buff *skb = qt_conn_sock(conn)->rx_skb;

	lockdep_assert_held(&qd->lock);
	if (!skb)
		return;
	len = min_t(size_t, len, skb_tailroom(skb));
	skb_put_data(skb, data, len);
}

/* The data block ended (@complete: hand it to the socket) or was cut
 * short (timeout, reset: forget it). Under qd->lock.
 */
void qt_sock_data_end(struct qtcpip_dev *qd, struct qt_conn *conn,
		      bool complete)
{
	struct qt_sock *qs = qt_conn_sock(conn);
	struct sk_buff *skb = qs->rx_skb;
	struct sock *sk = &qs->sk;

	lockdep_assert_held(&qd->lock);
	qs->rx_skb = NULL;
	if (!skb)
		return;
	if (!complete || !skb->len || sock_flag(sk, SOCK_DEAD) ||
	    (sk->sk_shutdown & RCV_SHUTDOWN && qs->releasing)) {
		kfree_skb(skb);
		return;
	}
	qd->netdev->stats.rx_packets++;
	qd->netdev->stats.rx_bytes += skb->len;
	skb_set_owner_r(skb, sk);
	skb_queue_tail(&sk->sk_receive_queue, skb);
	sk->sk_data_ready(sk);
	if (qs->mode == QTCPIP_MODE_PUSH && qt_read_room(qs) < 0)
		qt_sock_push_to_buffer(qd, qs);
}

/* The UART garbled a byte of our data block (the block is gone): a stream
 * has a hole and fails; a datagram is just lost. Of transparent data
 * (@raw): the stream has a hole, the user learns it. Under qd->lock.
 */
void qt_sock_rx_error(struct qtcpip_dev *qd, struct qt_conn *conn, bool raw)
{
	struct qt_sock *qs = qt_conn_sock(conn);

	lockdep_assert_held(&qd->lock);
	if (raw)
		qt_sock_set_error(qs, EIO);
	else if (qs->sk.sk_type == SOCK_STREAM)
		qt_sock_abort(qd, qs, EIO);
}

/* Transparent receive: past SO_RCVBUF the connection leaves for buffer
 * mode, where the module holds the data; what the line still brings
 * meanwhile is bounded by the module's output queue and the guard times
 * (about 25 KiB at 115200 baud). Beyond this much more it is dropped and
 * counted.
 */
#define QT_TP_RX_SLACK	(128 * 1024)
/* The line brings a few bytes per receive_buf call: gather them in skbs
 * of this size, so that SO_RCVBUF counts payload, not overhead.
 */
#define QT_TP_SKB	2048

/* Queue @n bytes of @data, raw from the line, to the transparent socket.
 * Under qd->lock.
 */
void qt_sock_tp_rx(struct qtcpip_dev *qd, struct qt_conn *conn,
		   const u8 *data, size_t n)
{
	struct qt_sock *qs = qt_conn_sock(conn);
	struct sk_buff *skb;
	bool merged = false;
	struct sock *sk;
	int rmem;

	lockdep_assert_held(&qd->lock);
	sk = &qs->sk;
	if (sock_flag(sk, SOCK_DEAD) || qs->releasing)
		return;
	rmem = atomic_read(&sk->sk_rmem_alloc);
	if (rmem > READ_ONCE(sk->sk_rcvbuf) + QT_TP_RX_SLACK) {
		/* Far more than a module still sends once asked to stop. */
		qs->rx_lost += n;
		qd->netdev->stats.rx_dropped++;
		return;
	}
	qd->netdev->stats.rx_bytes += n;
	/* Into the last queued skb while no reader (socket lock) can be
	 * taking bytes off it.
	 */
	bh_lock_sock(sk);
	if (!sock_owned_by_user(sk)) {
		unsigned long flags;

		spin_lock_irqsave(&sk->sk_receive_queue.lock, flags);
		skb = skb_peek_tail(&sk->sk_receive_queue);
		if (skb && skb_tailroom(skb) >= n) {
			skb_put_data(skb, data, n);
			merged = true;
		}
		spin_unlock_irqrestore(&sk->sk_receive_queue.lock, flags);
	}
	bh_unlock_sock(sk);
	if (merged) {
		sk->sk_data_ready(sk);
		goto check;
	}
	skb = alloc_skb(max_t(size_t, n, QT_TP_SKB), GFP_ATOMIC);
	if (!skb) {
		qs->rx_lost += n;
		qd->netdev->stats.rx_dropped++;
		return;
	}
	skb_put_data(skb, data, n);
	memset(skb->cb, 0, sizeof(struct qt_skb_cb));
	qd->netdev->stats.rx_packets++;
	skb_set_owner_r(skb, sk);
	skb_queue_tail(&sk->sk_receive_queue, skb);
	sk->sk_data_ready(sk);
check:
	/* The reader is behind: let the module hold the rest (TCP then
	 * slows the peer down), and come back once it is read.
	 */
	if (atomic_read(&sk->sk_rmem_alloc) > READ_ONCE(sk->sk_rcvbuf))
		qt_tp_leave(qd, false);
}

/* The transparent session of @conn ended: the line is in command mode,
 * the connection in buffer mode. Under qd->lock.
 */
void qt_sock_tp_end(struct qtcpip_dev *qd, struct qt_conn *conn,
		    bool carrier_lost, bool reset, bool resume)
{
	struct qt_sock *qs = qt_conn_sock(conn);

	lockdep_assert_held(&qd->lock);
	qs->mode = QTCPIP_MODE_BUFFER;
	/* What arrives from now on waits in the module's buffer. */
	qs->rx_hint = true;
	if (carrier_lost && qt_sock_state(qs) == QT_SS_CONNECTED) {
		qs->peer_closed = true;
		qt_sock_drained(qd, qs);
	} else if (reset && qt_sock_state(qs) == QT_SS_CONNECTED) {
		/* The peer's NO CARRIER cost it bytes of our stream. */
		qt_sock_abort(qd, qs, ECONNRESET);
	} else {
		/* Left for the reader or a false NO CARRIER: back to
		 * transparent once the module's buffer is read.
		 */
		qs->tp_resume = resume && !qs->releasing;
		qt_sock_schedule_read(qd, qs);
		/* What the user queued goes out with AT+QISEND. */
		qt_sock_schedule_send(qd, qs);
		if (qs->releasing && skb_queue_empty(&qs->txq))
			qt_sock_queue_close(qd, qs);
	}
}

/* Whether sendmsg() may queue now: a connection, or a datagram socket
 * whose open is under way (the datagram goes once it is open).
 */
static bool qt_send_ready(struct sock *sk)
{
	enum qt_sock_state state = qt_sock_state(qt_sk(sk));

	return (state == QT_SS_CONNECTED ||
		(state == QT_SS_OPENING && sk->sk_type == SOCK_DGRAM)) &&
	       sock_writeable(sk);
}

/* Wait until the send buffer has room. Under lock_sock; released while
 * waiting so that readers and the engine go on.
 */
static int qt_wait_for_room(struct sock *sk, long *timeo)
{
	struct qt_sock *qs = qt_sk(sk);

	sock_owned_by_me(sk);
	for (;;) {
		DEFINE_WAIT_FUNC(wait, woken_wake_function);

		if (sk->sk_err)
			return sock_error(sk);
		if (sk->sk_shutdown & SEND_SHUTDOWN)
			return -EPIPE;
		if (qt_send_ready(sk))
			return 0;
		if (qt_sock_state(qs) != QT_SS_OPENING &&
		    qt_sock_state(qs) != QT_SS_CONNECTED)
			return -ENOTCONN;
		if (!*timeo)
			return -EAGAIN;
		if (signal_pending(current))
			return sock_intr_errno(*timeo);
		sk_set_bit(SOCKWQ_ASYNC_NOSPACE, sk);
		set_bit(SOCK_NOSPACE, &sk->sk_socket->flags);
		add_wait_queue(sk_sleep(sk), &wait);
		sk_wait_event(sk, timeo,
			      sk->sk_err || (sk->sk_shutdown & SEND_SHUTDOWN) ||
			      qt_send_ready(sk) ||
			      (qt_sock_state(qs) != QT_SS_OPENING &&
			       qt_sock_state(qs) != QT_SS_CONNECTED), &wait);
		remove_wait_queue(sk_sleep(sk), &wait);
	}
}

/* UDP SERVICE: every datagram carries its destination. */
static int qt_send_service(struct socket *sock, struct msghdr *msg, size_t len)
{
	DECLARE_SOCKADDR(struct sockaddr_in *, sin, msg->msg_name);
	struct sock *sk = sock->sk;
	struct qt_sock *qs = qt_sk(sk);
	struct qtcpip_dev *qd = qs->qd;
	struct sk_buff *skb;
	int err;

	if (!sin)
		return -EDESTADDRREQ;
	if (msg->msg_namelen < (int)sizeof(*sin) || sin->sin_family != AF_INET)
		return -EAFNOSUPPORT;
	if (!sin->sin_port)
		return -EINVAL;
	if (len > qd->dialect->max_send)
		return -EMSGSIZE;
	/* May wait for SO_SNDBUF room: not under the socket lock. */
	skb = sock_alloc_send_skb(sk, len, msg->msg_flags & MSG_DONTWAIT, &err);
	if (!skb)
		return err;
	err = memcpy_from_msg(skb_put(skb, len), msg, len);
	if (err) {
		kfree_skb(skb);
		return err;
	}
	memset(skb->cb, 0, sizeof(struct qt_skb_cb));
	QT_SKB_CB(skb)->addr = *sin;
	QT_SKB_CB(skb)->has_addr = true;
	spin_lock_bh(&qd->lock);
	if (qt_sock_state(qs) != QT_SS_SERVICE) {
		spin_unlock_bh(&qd->lock);
		kfree_skb(skb);
		return -ENOTCONN;
	}
	skb_queue_tail(&qs->txq, skb);
	qt_sock_schedule_send(qd, qs);
	spin_unlock_bh(&qd->lock);
	return len;
}

int qt_sendmsg(struct socket *sock, struct msghdr *msg, size_t len)
{
	struct sock *sk = sock->sk;
	struct qt_sock *qs = qt_sk(sk);
	struct qtcpip_dev *qd;
	bool dgram = sk->sk_type == SOCK_DGRAM;
	struct sk_buff *skb;
	size_t sent = 0, chunk;
	long timeo;
	int max, err = 0;

	if (msg->msg_flags & ~(MSG_DONTWAIT | MSG_NOSIGNAL | MSG_EOR |
			       MSG_MORE | MSG_CMSG_COMPAT))
		return -EOPNOTSUPP;
	if (msg->msg_name && !dgram)
		return -EISCONN;
	/* Neither module sends an empty datagram (a UC20 takes
	 * AT+QISEND=<id>,0 for a query): refuse it rather than fake it.
	 */
	if (dgram && !len)
		return -EINVAL;
	if (READ_ONCE(qs->udp_service))
		return qt_send_service(sock, msg, len);
	if (msg->msg_name) {
		/* UDP: sendto() on an unconnected socket connects it first;
		 * without waiting when non-blocking: the datagram is queued
		 * and goes once the connection is open.
		 */
		if (qt_sock_state(qs) == QT_SS_UNCONN) {
			err = sock->ops->connect(sock, msg->msg_name,
						 msg->msg_namelen,
						 msg->msg_flags & MSG_DONTWAIT ?
						 O_NONBLOCK : 0);
			if (err && err != -EINPROGRESS)
				return err;
		} else {
			return -EISCONN;
		}
	}
	lock_sock(sk);
	qd = qs->qd;
	if (!qd || qt_sock_state(qs) == QT_SS_UNCONN) {
		/* A non-blocking sendto()'s open may have failed already. */
		err = sk->sk_err ? sock_error(sk) :
		      dgram ? -EDESTADDRREQ : -ENOTCONN;
		goto out;
	}
	/* Stream: nothing to send is no command at all. */
	if (!len) {
		if (qt_sock_state(qs) == QT_SS_CLOSED ||
		    (sk->sk_shutdown & SEND_SHUTDOWN))
			err = -EPIPE;
		goto out;
	}
	max = qd->dialect->max_send;
	if (dgram && len > max) {
		err = -EMSGSIZE;
		goto out;
	}
	timeo = sock_sndtimeo(sk, msg->msg_flags & MSG_DONTWAIT);
	do {
		err = qt_wait_for_room(sk, &timeo);
		if (err)
			break;
		chunk = min_t(size_t, len - sent, max);
		skb = sock_alloc_send_skb(sk, chunk, 1, &err);
		if (!skb)
			break;
		err = memcpy_from_msg(skb_put(skb, chunk), msg, chunk);
		if (err) {
			kfree_skb(skb);
			break;
		}
		spin_lock_bh(&qd->lock);
		if (qt_sock_state(qs) != QT_SS_CONNECTED &&
		    qt_sock_state(qs) != QT_SS_OPENING) {
			spin_unlock_bh(&qd->lock);
			kfree_skb(skb);
			/* A datagram's open failed: that error, not EPIPE. */
			err = dgram && sk->sk_err ? sock_error(sk) : -EPIPE;
			break;
		}
		skb_queue_tail(&qs->txq, skb);
		qt_sock_schedule_send(qd, qs);
		spin_unlock_bh(&qd->lock);
		sent += chunk;
	} while (sent < len);
out:
	release_sock(sk);
	if (sent)
		return sent;
	if (err == -EPIPE && !(msg->msg_flags & MSG_NOSIGNAL))
		send_sig(SIGPIPE, current, 0);
	return err;
}

static int qt_recv_dgram(struct sock *sk, struct msghdr *msg, size_t len,
			 int flags)
{
	struct qt_sock *qs = qt_sk(sk);
	struct sk_buff *skb;
	size_t copied;
	int err;

	skb = skb_recv_datagram(sk, flags & (MSG_DONTWAIT | MSG_PEEK), &err);
	if (!skb) {
		/* A connection that ended reads as EOF after its data. */
		if (err == -EAGAIN && qt_sock_state(qs) == QT_SS_CLOSED &&
		    !sk->sk_err)
			return 0;
		return err;
	}
	copied = min_t(size_t, len, skb->len);
	if (copied < skb->len)
		msg->msg_flags |= MSG_TRUNC;
	err = skb_copy_datagram_msg(skb, 0, msg, copied);
	if (!err && msg->msg_name && QT_SKB_CB(skb)->has_addr) {
		memcpy(msg->msg_name, &QT_SKB_CB(skb)->addr,
		       sizeof(struct sockaddr_in));
		msg->msg_namelen = sizeof(struct sockaddr_in);
	} else if (!err && msg->msg_name) {
		memcpy(msg->msg_name, &qs->peer, qs->peer_len);
		msg->msg_namelen = qs->peer_len;
	}
	if (!err && (flags & MSG_TRUNC))
		copied = skb->len;
	skb_free_datagram(sk, skb);
	return err ? err : copied;
}

static int qt_recv_stream(struct sock *sk, struct msghdr *msg, size_t len,
			  int flags)
{
	struct qt_sock *qs = qt_sk(sk);
	/* A peek returns what is there; only real reads wait for more. */
	int target = flags & MSG_PEEK ? 1 :
		     sock_rcvlowat(sk, flags & MSG_WAITALL, len);
	long timeo = sock_rcvtimeo(sk, flags & MSG_DONTWAIT);
	size_t copied = 0, peek_off = 0;
	struct sk_buff *skb, *tmp;
	int err = 0;

	sock_owned_by_me(sk);
	while (copied < len) {
		DEFINE_WAIT_FUNC(wait, woken_wake_function);
		size_t chunk, off;
		bool got = false;

		spin_lock_bh(&sk->sk_receive_queue.lock);
		off = peek_off;
		skb_queue_walk_safe(&sk->sk_receive_queue, skb, tmp) {
			if (flags & MSG_PEEK) {
				if (off >= skb->len) {
					off -= skb->len;
					continue;
				}
			} else {
				off = 0;
			}
			got = true;
			break;
		}
		spin_unlock_bh(&sk->sk_receive_queue.lock);
		if (got) {
			/* Only this reader (socket lock) consumes or frees. */
			chunk = min_t(size_t, len - copied, skb->len - off);
			err = skb_copy_datagram_msg(skb, off, msg, chunk);
			if (err)
				break;
			copied += chunk;
			if (flags & MSG_PEEK) {
				peek_off += chunk;
			} else {
				skb_pull(skb, chunk);
				if (!skb->len) {
					skb_unlink(skb, &sk->sk_receive_queue);
					kfree_skb(skb);
				}
			}
			continue;
		}
		if (copied >= target)
			break;
		if (sk->sk_err) {
			err = copied ? 0 : sock_error(sk);
			break;
		}
		if (sk->sk_shutdown & RCV_SHUTDOWN)
			break;
		if (qt_sock_state(qs) == QT_SS_UNCONN ||
		    qt_sock_state(qs) == QT_SS_OPENING) {
			err = -ENOTCONN;
			break;
		}
		if (!timeo) {
			err = -EAGAIN;
			break;
		}
		if (signal_pending(current)) {
			err = sock_intr_errno(timeo);
			break;
		}
		add_wait_queue(sk_sleep(sk), &wait);
		sk_wait_event(sk, &timeo,
			      !skb_queue_empty(&sk->sk_receive_queue) ||
			      sk->sk_err || (sk->sk_shutdown & RCV_SHUTDOWN),
			      &wait);
		remove_wait_queue(sk_sleep(sk), &wait);
	}
	return copied ? copied : err;
}

int qt_recvmsg(struct socket *sock, struct msghdr *msg, size_t len, int flags)
{
	struct sock *sk = sock->sk;
	struct qt_sock *qs = qt_sk(sk);
	int ret;

	if (flags & ~(MSG_DONTWAIT | MSG_PEEK | MSG_WAITALL | MSG_TRUNC |
		      MSG_CMSG_COMPAT | MSG_NOSIGNAL))
		return -EOPNOTSUPP;
	/* Datagrams need no socket lock: skb_recv_datagram() is safe alone,
	 * and waiting under the lock would stall this socket's writers.
	 */
	if (sk->sk_type == SOCK_DGRAM) {
		ret = qt_recv_dgram(sk, msg, len, flags);
		lock_sock(sk);
	} else {
		lock_sock(sk);
		ret = qt_recv_stream(sk, msg, len, flags);
	}
	/* Room was made: let the engine fetch what the module holds. */
	if (qs->qd && !(flags & MSG_PEEK)) {
		spin_lock_bh(&qs->qd->lock);
		qt_sock_schedule_read(qs->qd, qs);
		spin_unlock_bh(&qs->qd->lock);
	}
	release_sock(sk);
	return ret;
}
