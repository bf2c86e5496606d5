// SPDX-License-Identifier: GPL-2.0
/* qtcpip: the AF_QTCPIP socket family.
 *
 * A SOCK_STREAM socket is a module TCP client, a SOCK_DGRAM one a UDP
 * client. connect() takes a free connectID on the chosen module and sends
 * AT+QIOPEN; the module's URCs then drive the socket's state. The engine
 * knows a socket only as the struct qt_conn it embeds, in its table
 * qd->conn[] (which holds a reference), and reports to it only through
 * qt_conn_ops.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/capability.h>
#include <linux/in.h>
#include <linux/in6.h>
#include <net/ipv6.h>
#include <linux/inet.h>
#include <linux/tcp.h>
#include <linux/module.h>
#include <linux/net.h>
#include <linux/poll.h>
#include <linux/sockios.h>
#include <net/inet_ecn.h>
#include <net/sock.h>
#include <net/tcp.h>

#include "at_answer.h"
#include "sock.h"
#include "sock_info.h"

int qt_family_nr = AF_QTCPIP_DEFAULT;
module_param_named(family, qt_family_nr, int, 0444);
MODULE_PARM_DESC(family, "socket family number (default 23, see qtcpip.rst)");

struct proto qt_proto = {
	.name		= "QTCPIP",
	.owner		= THIS_MODULE,
	.obj_size	= sizeof(struct qt_sock),
};

void qt_sock_set_error(struct qt_sock *qs, int err)
{
	WRITE_ONCE(qs->sk.sk_err, err);
	sk_error_report(&qs->sk);
}

/* The engine lost the connection: the socket sees @err and EOF. Called
 * under qd->lock.
 */
static void qt_sock_kill(struct qtcpip_dev *qd, struct qt_sock *qs, int err)
{
	struct sock *sk = &qs->sk;

	lockdep_assert_held(&qd->lock);
	qt_sock_set_state(qs, QT_SS_CLOSED);
	qs->rx_hint = false;
	sk->sk_shutdown = SHUTDOWN_MASK;
	if (err)
		qt_sock_set_error(qs, err);
	sk->sk_state_change(sk);
}

/* Fail the connection of @qs with @err and give its connectID back. */
void qt_sock_abort(struct qtcpip_dev *qd, struct qt_sock *qs, int err)
{
	lockdep_assert_held(&qd->lock);
	/* A send in flight holds its own reference to its skb. */
	qt_sock_kill(qd, qs, err);
	skb_queue_purge(&qs->txq);
	qt_sock_queue_close(qd, qs);
}

/* The connection was never made: datagrams a non-blocking sendto() queued
 * for it are lost, as the error the socket reports says.
 */
static void qt_sock_open_failed(struct qt_sock *qs)
{
	skb_queue_purge(&qs->txq);
}

/* Drop the table's reference for a connectID the module no longer uses. */
static void qt_conn_release(struct qtcpip_dev *qd, int id)
{
	struct qt_sock *qs = qt_conn_sock(qt_conn_detach_locked(qd, id));

	lockdep_assert_held(&qd->lock);
	if (!qs)
		return;
	if (qs->id == id)
		qs->id = -1;
	/* Nothing of a closed socket goes out any more, and its queued skbs
	 * (sk_wmem_alloc) would keep sk_free() from ever destroying it.
	 */
	if (qs->releasing)
		skb_queue_purge(&qs->txq);
	sock_put(&qs->sk);
}

/* Pause between AT+QICLOSEs for an id the module may still hold. */
#define QT_STALE_RETRY		(2 * HZ)

/* The module may still hold @id: keep it from AT+QIOPEN until a close of
 * it works. Under qd->lock.
 */
static void qt_id_stale(struct qtcpip_dev *qd, int id)
{
	lockdep_assert_held(&qd->lock);
	if (!(qd->ids_stale & BIT(id)))
		qd->stale_retry_at = jiffies + QT_STALE_RETRY;
	qd->ids_stale |= BIT(id);
}

/* A close failed (CLOSE FAIL, ERROR) or got no answer. */
static bool qt_close_failed(const struct qt_cmd *cmd)
{
	return cmd->outcome != QT_OUT_OK || cmd->final == QT_FINAL_CLOSE_FAIL;
}

static void qt_close_done(struct qtcpip_dev *qd, struct qt_cmd *cmd)
{
	struct qt_sock *qs = qt_conn_sock(cmd->conn);

	lockdep_assert_held(&qd->lock);
	qs->close_queued = false;
	if (qs->id >= 0 && qd->conn[qs->id] == &qs->conn) {
		/* The socket lets go of the id either way; a module that
		 * may still hold it keeps it from the next AT+QIOPEN.
		 */
		if (qt_close_failed(cmd) && cmd->outcome != QT_OUT_DETACHED)
			qt_id_stale(qd, qs->id);
		qt_conn_release(qd, qs->id);
	}
	cmd->conn = NULL;
	sock_put(&qs->sk);
}

static void qt_stale_close_done(struct qtcpip_dev *qd, struct qt_cmd *cmd)
{
	int id;

	lockdep_assert_held(&qd->lock);
	if (sscanf(cmd->line, "AT+QICLOSE=%d", &id) != 1 ||
	    id < 0 || id >= QT_MAX_CONN)
		return;
	qd->ids_closing &= ~BIT(id);
	if (!qt_close_failed(cmd))
		qd->ids_stale &= ~BIT(id);
}

/* From the tick: close one id the module may still hold, now and then
 * (a module that keeps failing closes is not flooded). Under qd->lock.
 */
static void qt_close_stale(struct qtcpip_dev *qd)
{
	const struct qt_dialect *d = qd->dialect;
	unsigned long todo = qd->ids_stale & ~qd->ids_closing;
	struct qt_cmd *cmd;
	int id;

	lockdep_assert_held(&qd->lock);
	if (!todo || qd->ids_closing || !d || qd->state != QT_DEV_READY ||
	    time_before(jiffies, qd->stale_retry_at))
		return;
	id = __ffs(todo);
	qd->stale_retry_at = jiffies + QT_STALE_RETRY;
	cmd = qt_cmd_new(GFP_ATOMIC, "AT+QICLOSE=%d", id);
	if (!cmd)
		return;
	cmd->flags = QT_CMDF_INTERNAL;
	cmd->timeout = qt_deadline(d->close_timeout_ms);
	if (d->close_ok_final)
		cmd->flags |= QT_CMDF_LATE_FINAL;
	cmd->done = qt_stale_close_done;
	qd->ids_closing |= BIT(id);
	qt_cmd_queue_locked(qd, cmd);
}

/* The module's "socket identity has been used" for AT+QIOPEN. */
static bool qt_code_id_used(const struct qt_dialect *d, int code)
{
	return code == (d->model == QT_MODEL_BC66 ? 563 : 562);
}

/* Give the connectID back to the module (AT+QICLOSE). Under qd->lock. */
void qt_sock_queue_close(struct qtcpip_dev *qd, struct qt_sock *qs)
{
	struct qt_cmd *cmd;

	lockdep_assert_held(&qd->lock);
	if (qs->close_queued || qs->id < 0)
		return;
	cmd = qt_cmd_new(GFP_ATOMIC, "AT+QICLOSE=%d", qs->id);
	if (!cmd) {
		/* Forget the id: the module will refuse it until reset. */
		qt_conn_release(qd, qs->id);
		return;
	}
	cmd->timeout = qt_deadline(qd->dialect->close_timeout_ms);
	if (qd->dialect->close_ok_final)
		cmd->flags |= QT_CMDF_LATE_FINAL;
	cmd->done = qt_close_done;
	qt_cmd_set_sock(cmd, qs);
	qs->close_queued = true;
	qt_cmd_queue_locked(qd, cmd);
}

/* +QIOPEN: <id>,<err> */
static void qt_conn_opened(struct qtcpip_dev *qd, struct qt_conn *conn,
			   int code)
{
	struct qt_sock *qs = qt_conn_sock(conn);

	lockdep_assert_held(&qd->lock);
	if (qt_sock_state(qs) != QT_SS_OPENING)
		return;
	if (code == 0) {
		/* A listener or UDP service is open for business: a
		 * listener's TCP_LISTEN is SO_ACCEPTCONN's 1.
		 */
		qt_sock_set_state(qs, qs->sk.sk_max_ack_backlog ? QT_SS_LISTEN :
				      qs->udp_service ? QT_SS_SERVICE :
				      QT_SS_CONNECTED);
		qs->sk.sk_state_change(&qs->sk);
		qs->sk.sk_write_space(&qs->sk);
		qt_sock_schedule_send(qd, qs);
		return;
	}
	/* The module keeps the failed id until AT+QICLOSE (manual 2.1). */
	qt_sock_set_state(qs, QT_SS_UNCONN);
	qt_sock_open_failed(qs);
	qt_sock_set_error(qs, qt_dialect_errno(qd->dialect, code));
	qs->sk.sk_state_change(&qs->sk);
	qt_sock_queue_close(qd, qs);
}

/* The peer closed: deliver what the module still holds, then EOF. */
static void qt_sock_peer_done(struct qtcpip_dev *qd, struct qt_sock *qs)
{
	struct sock *sk = &qs->sk;

	lockdep_assert_held(&qd->lock);
	qt_sock_set_state(qs, QT_SS_CLOSED);
	sk->sk_shutdown |= SHUTDOWN_MASK;
	if (qs->rx_lost)
		qt_sock_set_error(qs, ECONNRESET);
	sk->sk_state_change(sk);
	sk->sk_data_ready(sk);
	skb_queue_purge(&qs->txq);
	qt_sock_queue_close(qd, qs);
}

static void qt_conn_closed(struct qtcpip_dev *qd, struct qt_conn *conn)
{
	struct qt_sock *qs = qt_conn_sock(conn);
	enum qt_sock_state state = qt_sock_state(qs);

	lockdep_assert_held(&qd->lock);
	if (qs->peer_closed ||
	    (state != QT_SS_CONNECTED && state != QT_SS_LISTEN &&
	     state != QT_SS_SERVICE))
		return;
	qs->peer_closed = true;
	qt_dev_event(qd, QTCPIP_EVENT_PEER_CLOSED, qs->id);
	/* A TCP listener holds no data to read: it ends now, in either
	 * access mode.
	 */
	if (state != QT_SS_LISTEN &&
	    (qs->mode == QTCPIP_MODE_BUFFER || qs->switch_queued) &&
	    !qs->releasing) {
		/* Unread data may remain in the module: the drain, resumed by
		 * recvmsg() when the receive buffer is full, ends with the
		 * EOF (qt_sock_drained()).
		 */
		qs->rx_hint = true;
		qt_sock_schedule_read(qd, qs);
		return;
	}
	qt_sock_peer_done(qd, qs);
}

/* Called when a drain found the module's buffer empty. Under qd->lock. */
void qt_sock_drained(struct qtcpip_dev *qd, struct qt_sock *qs)
{
	struct qt_cmd *cmd;

	lockdep_assert_held(&qd->lock);
	if (qs->peer_closed && qt_sock_can_send(qs)) {
		/* a connection, or a UDP SERVICE, the module closed */
		qt_sock_peer_done(qd, qs);
		return;
	}
	/* The driver took a transparent connection out for a while (a slow
	 * reader, a peer's NO CARRIER): what the module held is read.
	 */
	if (qs->tp_resume && qt_sock_state(qs) == QT_SS_CONNECTED &&
	    !qs->releasing && !qt_tp_on(qd) && qs->id >= 0) {
		qs->tp_resume = false;
		cmd = qt_sock_mode_cmd(qs, QTCPIP_MODE_TRANSPARENT, GFP_ATOMIC);
		if (cmd)
			qt_cmd_queue_locked(qd, cmd);
	}
}

static void qt_conn_recv_hint(struct qtcpip_dev *qd, struct qt_conn *conn)
{
	struct qt_sock *qs = qt_conn_sock(conn);

	lockdep_assert_held(&qd->lock);
	qs->rx_hint = true;
	qt_sock_schedule_read(qd, qs);
}

static void qt_conn_hint_lost(struct qtcpip_dev *qd, struct qt_conn *conn)
{
	struct qt_sock *qs = qt_conn_sock(conn);

	lockdep_assert_held(&qd->lock);
	if (qs->mode == QTCPIP_MODE_BUFFER && qt_sock_can_send(qs) &&
	    !qs->releasing)
		qt_conn_recv_hint(qd, conn);
}

static bool qt_conn_buffered(const struct qt_conn *conn)
{
	return container_of(conn, struct qt_sock, conn)->mode ==
	       QTCPIP_MODE_BUFFER;
}

static void qt_conn_pdp_down(struct qtcpip_dev *qd, struct qt_conn *conn,
			     int ctx)
{
	struct qt_sock *qs = qt_conn_sock(conn);

	lockdep_assert_held(&qd->lock);
	/* Also a socket whose send already failed (EPIPE) on the way down:
	 * the context is the reason to report.
	 */
	if (qs->ctx == ctx && qt_sock_state(qs) != QT_SS_UNCONN && !qs->releasing)
		qt_sock_abort(qd, qs, ENETDOWN);
}

/* Module reset or detach: the engine forgot the connection. */
static void qt_conn_failed(struct qtcpip_dev *qd, struct qt_conn *conn,
			   int err)
{
	struct qt_sock *qs = qt_conn_sock(conn);

	lockdep_assert_held(&qd->lock);
	qt_sock_kill(qd, qs, qs->releasing ? 0 : -err);
	qs->read_queued = false;
	qs->send_queued = false;
	qs->close_queued = false;
	qs->id = -1;
	skb_queue_purge(&qs->txq);
}

static struct sk_buff_head *qt_conn_tx_queue(struct qt_conn *conn)
{
	return &qt_conn_sock(conn)->txq;
}

static void qt_sock_conn_get(struct qt_conn *conn)
{
	sock_hold(&qt_conn_sock(conn)->sk);
}

static void qt_sock_conn_put(struct qt_conn *conn)
{
	sock_put(&qt_conn_sock(conn)->sk);
}

/* Every 100 ms: connect deadlines and send retries. Under qd->lock. */
static void qt_sock_tick(struct qtcpip_dev *qd)
{
	int id;

	lockdep_assert_held(&qd->lock);
	for (id = 0; id < QT_MAX_CONN; id++) {
		struct qt_sock *qs = qt_conn_sock(qd->conn[id]);

		if (!qs)
			continue;
		if (qt_sock_state(qs) == QT_SS_OPENING &&
		    time_after_eq(jiffies, qs->open_deadline)) {
			qt_sock_set_state(qs, QT_SS_UNCONN);
			qt_sock_open_failed(qs);
			qt_sock_set_error(qs, ETIMEDOUT);
			qs->sk.sk_state_change(&qs->sk);
			qt_sock_queue_close(qd, qs);
		}
		if (qs->send_retry && time_after_eq(jiffies, qs->send_retry_at)) {
			qs->send_retry = false;
			qt_sock_schedule_send(qd, qs);
		}
		if (qs->rx_hint)
			qt_sock_schedule_read(qd, qs);
	}
	qt_close_stale(qd);
}

static const struct qt_conn_ops qt_sock_conn_ops = {
	.get		= qt_sock_conn_get,
	.put		= qt_sock_conn_put,
	.buffered	= qt_conn_buffered,
	.opened		= qt_conn_opened,
	.closed		= qt_conn_closed,
	.recv_hint	= qt_conn_recv_hint,
	.hint_lost	= qt_conn_hint_lost,
	.data_start	= qt_sock_data_start,
	.data		= qt_sock_data,
	.data_end	= qt_sock_data_end,
	.rx_error	= qt_sock_rx_error,
	.tp_rx		= qt_sock_tp_rx,
	.tx_queue	= qt_conn_tx_queue,
	.tp_end		= qt_sock_tp_end,
	.pdp_down	= qt_conn_pdp_down,
	.failed		= qt_conn_failed,
};

static const struct qt_dev_ops qt_sock_dev_ops = {
	.incoming	= qt_sock_event_incoming,
	.tick		= qt_sock_tick,
};

/* The module for a new connection: the bound device, else the first one
 * that is ready. Returns a referenced device or an ERR_PTR.
 */
struct qtcpip_dev *qt_sock_pick_dev(struct sock *sk)
{
	struct qtcpip_dev *qd = NULL;
	struct net_device *dev;
	int bound = READ_ONCE(sk->sk_bound_dev_if);

	rcu_read_lock();
	if (bound) {
		dev = dev_get_by_index_rcu(sock_net(sk), bound);
		qd = dev ? qt_netdev_priv(dev) : NULL;
		if (!qd) {
			rcu_read_unlock();
			return ERR_PTR(-ENODEV);
		}
	} else {
		for_each_netdev_rcu(sock_net(sk), dev) {
			struct qtcpip_dev *cand = qt_netdev_priv(dev);

			if (cand && READ_ONCE(cand->state) == QT_DEV_READY) {
				qd = cand;
				break;
			}
		}
		if (!qd) {
			rcu_read_unlock();
			return ERR_PTR(-ENETUNREACH);
		}
	}
	qt_dev_get(qd);
	rcu_read_unlock();
	return qd;
}

/* The host string for AT+QIOPEN from a connect() address. */
static int qt_sock_parse_addr(struct qt_sock *qs, struct sockaddr *uaddr,
			      int alen, char *host, size_t hsize, u16 *port,
			      bool *v6)
{
	struct sockaddr_in *sin = (struct sockaddr_in *)uaddr;
	struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)uaddr;
	struct sockaddr_qt *sqt = (struct sockaddr_qt *)uaddr;
	size_t i, n;

	*v6 = false;
	if (alen < (int)sizeof(sa_family_t))
		return -EINVAL;
	if (uaddr->sa_family == AF_INET) {
		if (alen < (int)sizeof(*sin))
			return -EINVAL;
		snprintf(host, hsize, "%pI4", &sin->sin_addr);
		*port = ntohs(sin->sin_port);
	} else if (uaddr->sa_family == AF_INET6) {
		if (alen < SIN6_LEN_RFC2133)
			return -EINVAL;
		snprintf(host, hsize, "%pI6c", &sin6->sin6_addr);
		*port = ntohs(sin6->sin6_port);
		*v6 = true;
	} else if (uaddr->sa_family == qt_family_nr) {
		if (alen < (int)offsetof(struct sockaddr_qt, sqt_host) + 2 ||
		    sqt->sqt_reserved)
			return -EINVAL;
		n = strnlen(sqt->sqt_host,
			    min_t(size_t, QTCPIP_HOST_MAX,
				  alen - offsetof(struct sockaddr_qt, sqt_host)));
		if (!n || n >= QTCPIP_HOST_MAX || n >= hsize)
			return -EINVAL;
		/* The name goes inside a quoted AT argument. */
		for (i = 0; i < n; i++)
			if (sqt->sqt_host[i] <= ' ' || sqt->sqt_host[i] > '~' ||
			    sqt->sqt_host[i] == '"')
				return -EINVAL;
		memcpy(host, sqt->sqt_host, n);
		host[n] = '\0';
		*port = ntohs(sqt->sqt_port);
	} else {
		return -EAFNOSUPPORT;
	}
	if (!*port)
		return -EINVAL;
	memcpy(&qs->peer, uaddr, min_t(int, alen, sizeof(qs->peer)));
	qs->peer_len = min_t(int, alen, sizeof(qs->peer));
	return 0;
}

static void qt_open_done(struct qtcpip_dev *qd, struct qt_cmd *cmd)
{
	struct qt_sock *qs = qt_conn_sock(cmd->conn);

	lockdep_assert_held(&qd->lock);
	/* Transparent: CONNECT means connected, and the line is ours. */
	if (cmd->outcome == QT_OUT_OK && qs->mode == QTCPIP_MODE_TRANSPARENT &&
	    qt_sock_state(qs) == QT_SS_OPENING) {
		qt_sock_set_state(qs, QT_SS_CONNECTED);
		qt_sock_tp_enter(qd, qs);
		qs->sk.sk_state_change(&qs->sk);
		qs->sk.sk_write_space(&qs->sk);
	}
	/* OK: +QIOPEN follows. ERROR: no connection was started. */
	if (cmd->outcome != QT_OUT_OK && qt_sock_state(qs) == QT_SS_OPENING) {
		qt_sock_set_state(qs, QT_SS_UNCONN);
		qt_sock_open_failed(qs);
		qt_sock_set_error(qs, cmd->outcome == QT_OUT_DETACHED ? ENODEV :
				  cmd->code ? qt_dialect_errno(qd->dialect, cmd->code) :
				  -cmd->status);
		qs->sk.sk_state_change(&qs->sk);
		if (qs->id >= 0 && qd->conn[qs->id] == &qs->conn) {
			/* An id the module holds (a close of it that failed
			 * unseen), or may hold (no answer in time: a late
			 * "+QIOPEN: <id>,0" would open it for nobody, or for
			 * the next socket given the id): close it before it
			 * is used again.
			 */
			if ((cmd->code && qt_code_id_used(qd->dialect, cmd->code)) ||
			    cmd->outcome == QT_OUT_TIMEOUT)
				qt_id_stale(qd, qs->id);
			qt_conn_release(qd, qs->id);
		}
	}
	cmd->conn = NULL;
	sock_put(&qs->sk);
}

/* Take a connectID and send AT+QIOPEN for @service ("TCP", "UDP", "TCP
 * LISTENER", "UDP SERVICE"). Under lock_sock.
 */
static int qt_sock_open(struct qt_sock *qs, struct qtcpip_dev *qd,
			const char *service, const char *host, u16 port,
			bool v6)
{
	const struct qt_dialect *d;
	struct qt_cmd *cmd;
	int id, err = 0;

	sock_owned_by_me(&qs->sk);
	cmd = qt_cmd_new(GFP_KERNEL, NULL);
	if (!cmd)
		return -ENOMEM;
	spin_lock_bh(&qd->lock);
	d = qd->dialect;
	if (qd->state != QT_DEV_READY || !d) {
		err = qd->state == QT_DEV_DEAD ? -ENODEV : -ENETDOWN;
		goto out;
	}
	if (qs->ctx > d->max_ctx) {
		err = -EINVAL;
		goto out;
	}
	if (!qd->ctx_active[qs->ctx]) {
		err = -ENETDOWN;
		goto out;
	}
	if (v6 && !d->has_ipv6) {
		err = -EAFNOSUPPORT;
		goto out;
	}
	if (qs->mode == QTCPIP_MODE_TRANSPARENT &&
	    (!d->has_transparent || qt_tp_on(qd))) {
		/* One line, one transparent connection; none on a BC66. */
		err = d->has_transparent ? -EBUSY : -EOPNOTSUPP;
		goto out;
	}
	for (id = 0; id < d->max_conn; id++)
		if (!qd->conn[id] && !(qd->ids_stale & BIT(id)))
			break;
	if (id == d->max_conn) {
		err = -ENOBUFS;
		goto out;
	}
	if (d->model == QT_MODEL_BC66)
		cmd->line = kasprintf(GFP_ATOMIC,
				      "AT+QIOPEN=%d,%d,\"%s\",\"%s\",%u,%u,%d,%d",
				      qs->ctx, id, service, host, port, qs->lport,
				      qs->mode, v6 ? 1 : 0);
	else
		cmd->line = kasprintf(GFP_ATOMIC,
				      "AT+QIOPEN=%d,%d,\"%s\",\"%s\",%u,%u,%d",
				      qs->ctx, id, service, host, port, qs->lport,
				      qs->mode);
	if (!cmd->line) {
		err = -ENOMEM;
		goto out;
	}
	cmd->line_len = strlen(cmd->line);
	cmd->flags = QT_CMDF_GETERROR;
	cmd->done = qt_open_done;
	qt_cmd_set_sock(cmd, qs);
	qt_conn_attach_locked(qd, &qs->conn, id);
	qs->id = id;
	qt_sock_set_state(qs, QT_SS_OPENING);
	qs->peer_closed = false;
	qs->rx_hint = false;
	qs->open_deadline = jiffies + msecs_to_jiffies(d->open_timeout_ms);
	WRITE_ONCE(qs->sk.sk_err, 0);
	qt_cmd_queue_locked(qd, cmd);
	cmd = NULL;
out:
	spin_unlock_bh(&qd->lock);
	qt_cmd_put(cmd);
	return err;
}

/* Wait, under lock_sock, for the +QIOPEN of an AT+QIOPEN sent. */
int qt_sock_wait_open(struct sock *sk, long timeo)
{
	struct qt_sock *qs = qt_sk(sk);

	sock_owned_by_me(sk);
	while (qt_sock_state(qs) == QT_SS_OPENING) {
		DEFINE_WAIT_FUNC(wait, woken_wake_function);

		if (!timeo)
			return -EINPROGRESS;
		if (signal_pending(current))
			return sock_intr_errno(timeo);
		add_wait_queue(sk_sleep(sk), &wait);
		sk_wait_event(sk, &timeo,
			      qt_sock_state(qs) != QT_SS_OPENING, &wait);
		remove_wait_queue(sk_sleep(sk), &wait);
	}
	return 0;
}

/* TCP LISTENER / UDP SERVICE on the module's port qs->lport (UC20). */
int qt_sock_open_service(struct qt_sock *qs, struct qtcpip_dev *qd, bool tcp)
{
	if (!qd->dialect || !qd->dialect->has_servers)
		return -EOPNOTSUPP;
	/* The manual: "If <service_type> is TCP LISTENER or UDP SERVICE,
	 * please enter 127.0.0.1".
	 */
	return qt_sock_open(qs, qd, tcp ? "TCP LISTENER" : "UDP SERVICE",
			    "127.0.0.1", 0, false);
}

/* The device an unconnected socket chose earlier was detached: forget
 * it, so that the next attempt picks a live one (or fails with ENODEV /
 * ENETUNREACH) instead of keeping the dead one. Nothing of the engine
 * refers to a socket without a connectID. Under lock_sock; everyone who
 * reads qs->qd holds lock_sock or a device reference of their own.
 */
void qt_sock_forget_dead_dev(struct qt_sock *qs)
{
	struct qtcpip_dev *qd = qs->qd;

	sock_owned_by_me(&qs->sk);
	if (!qd || READ_ONCE(qd->state) != QT_DEV_DEAD ||
	    qt_sock_state(qs) != QT_SS_UNCONN || READ_ONCE(qs->id) >= 0)
		return;
	qs->qd = NULL;
	qt_dev_put(qd);
}

static int qt_connect(struct socket *sock, struct sockaddr *uaddr, int alen,
		      int flags)
{
	struct sock *sk = sock->sk;
	struct qt_sock *qs = qt_sk(sk);
	struct qtcpip_dev *qd;
	char host[QTCPIP_HOST_MAX];
	u16 port;
	bool v6;
	long timeo;
	int err;

	lock_sock(sk);
	/* The outcome of a non-blocking connect, told to the next connect()
	 * as inet_stream_connect() does: 0 once, or the error (also after
	 * SO_ERROR took it) with the socket ready for a new attempt. A
	 * connection lost before this call other than by the peer's close
	 * (a reset while opening) failed too, as TCP_CLOSE does there.
	 */
	if (sk->sk_type == SOCK_STREAM && sock->state == SS_CONNECTING &&
	    qt_sock_state(qs) != QT_SS_OPENING) {
		if (qt_sock_state(qs) == QT_SS_UNCONN ||
		    (qt_sock_state(qs) == QT_SS_CLOSED && !qs->peer_closed)) {
			sock->state = SS_UNCONNECTED;
			err = sock_error(sk) ?: -ECONNABORTED;
		} else {
			sock->state = SS_CONNECTED;
			err = 0;
		}
		goto out;
	}
	switch (qt_sock_state(qs)) {
	case QT_SS_CONNECTED:
		err = -EISCONN;
		goto out;
	case QT_SS_OPENING:
		err = -EALREADY;
		if (flags & O_NONBLOCK)
			goto out;
		goto wait;
	case QT_SS_CLOSED:
	case QT_SS_LISTEN:
	case QT_SS_SERVICE:
		err = -EISCONN;
		goto out;
	default:
		break;
	}
	if (READ_ONCE(qs->id) >= 0) {
		/* The previous attempt's id is still being given back. */
		err = -EALREADY;
		goto out;
	}
	err = qt_sock_parse_addr(qs, uaddr, alen, host, sizeof(host), &port,
				 &v6);
	if (err)
		goto out;
	qt_sock_forget_dead_dev(qs);
	if (!qs->qd) {
		qd = qt_sock_pick_dev(sk);
		if (IS_ERR(qd)) {
			err = PTR_ERR(qd);
			goto out;
		}
		qs->qd = qd;
	}
	/* The new connection's is not known yet. */
	qs->mod_lport = 0;
	qs->lport_asked = false;
	err = qt_sock_open(qs, qs->qd, sk->sk_type == SOCK_DGRAM ? "UDP" : "TCP",
			   host, port, v6);
	if (err)
		goto out;
	sock->state = SS_CONNECTING;
	err = -EINPROGRESS;
	if (flags & O_NONBLOCK)
		goto out;
wait:
	timeo = sock_sndtimeo(sk, flags & O_NONBLOCK);
	err = qt_sock_wait_open(sk, timeo);
	if (err)
		goto out;
	if (qt_sock_state(qs) == QT_SS_CONNECTED) {
		sock->state = SS_CONNECTED;
		err = 0;
	} else {
		sock->state = SS_UNCONNECTED;
		err = sock_error(sk) ?: -ECONNREFUSED;
	}
out:
	release_sock(sk);
	return err;
}

static int qt_release(struct socket *sock)
{
	struct sock *sk = sock->sk;
	struct qt_sock *qs;
	struct qtcpip_dev *qd;

	if (!sk)
		return 0;
	qs = qt_sk(sk);
	lock_sock(sk);
	qd = qs->qd;
	if (qd) {
		spin_lock_bh(&qd->lock);
		qs->releasing = true;
		qt_sock_release_children(qd, qs);
		/* The close waits for the line to be back in command mode. */
		if (qd->tp_conn == &qs->conn)
			qt_tp_leave(qd, true);
		/* Queued data (a UDP SERVICE's datagrams too) still goes out;
		 * the close follows the last send (qt_send_done()).
		 */
		if (!qt_sock_can_send(qs) || skb_queue_empty(&qs->txq)) {
			/* e.g. datagrams of a non-blocking sendto() whose
			 * open is still under way: they hold the socket
			 */
			skb_queue_purge(&qs->txq);
			qt_sock_queue_close(qd, qs);
		}
		spin_unlock_bh(&qd->lock);
	}
	qt_sock_unbind(qs);
	sock_orphan(sk);
	sk->sk_shutdown = SHUTDOWN_MASK;
	skb_queue_purge(&sk->sk_receive_queue);
	release_sock(sk);
	sock->sk = NULL;
	sock_put(sk);
	return 0;
}

static __poll_t qt_poll(struct file *file, struct socket *sock,
			poll_table *wait)
{
	struct sock *sk = sock->sk;
	struct qt_sock *qs = qt_sk(sk);
	bool stream = sk->sk_type == SOCK_STREAM;
	enum qt_sock_state state;
	__poll_t mask = 0;
	u8 shutdown;

	sock_poll_wait(file, sock, wait);
	state = qt_sock_state(qs);
	shutdown = READ_ONCE(sk->sk_shutdown);
	/* A non-blocking connect that failed reads like TCP after its
	 * reset, closed both ways, until connect() reports the failure.
	 */
	if (stream && state == QT_SS_UNCONN &&
	    READ_ONCE(sock->state) == SS_CONNECTING)
		shutdown = SHUTDOWN_MASK;
	if (READ_ONCE(sk->sk_err))
		mask |= EPOLLERR;
	/* An unconnected stream socket is hung up, as TCP_CLOSE is. */
	if (shutdown == SHUTDOWN_MASK || state == QT_SS_CLOSED ||
	    (stream && state == QT_SS_UNCONN))
		mask |= EPOLLHUP;
	if (state == QT_SS_LISTEN) {
		if (READ_ONCE(sk->sk_ack_backlog))
			mask |= EPOLLIN | EPOLLRDNORM;
		return mask;
	}
	if (shutdown & RCV_SHUTDOWN)
		mask |= EPOLLIN | EPOLLRDNORM | EPOLLRDHUP;
	if (!skb_queue_empty_lockless(&sk->sk_receive_queue))
		mask |= EPOLLIN | EPOLLRDNORM;
	/* Not while a connection is being opened (a datagram may be queued
	 * then). Else writable when a send would not block: it queues, or
	 * fails at once (shut down, closed), as tcp_poll() says.
	 */
	if (state == QT_SS_OPENING && stream)
		return mask;
	if (shutdown & SEND_SHUTDOWN)
		mask |= EPOLLOUT | EPOLLWRNORM;
	else if (sock_writeable(sk))
		mask |= EPOLLOUT | EPOLLWRNORM | EPOLLWRBAND;
	else
		sk_set_bit(SOCKWQ_ASYNC_NOSPACE, sk);
	return mask;
}

/* "+QISTATE: <id>,"<type>","<ip>",<rport>,<lport>,..." (both dialects):
 * the <lport> of connection @id, 0 if the answer has none.
 */
static u16 qt_qistate_lport(const char *resp, int id)
{
	struct qt_ans_qistate st;
	const char *p;
	size_t n;

	p = qt_ans_line(resp, "+QISTATE:", &n);
	if (!p || qt_ans_qistate(p, n, &st) || st.id != id ||
	    !st.lport || st.lport > 65535)
		return 0;
	return st.lport;
}

/* The local port the module chose for @qs's connection: asked once per
 * connection with AT+QISTATE (not in transparent mode: the line carries
 * data), so that getsockname() in a loop costs the module nothing more.
 * 0 if it cannot be known. Not under the socket lock: it waits for the
 * module.
 */
static u16 qt_sock_mod_lport(struct qt_sock *qs)
{
	struct sock *sk = &qs->sk;
	struct qtcpip_dev *qd;
	char resp[256];
	u16 port;
	int id, err;

	lock_sock(sk);
	port = qs->mod_lport;
	id = qs->id;
	qd = qs->qd;
	if (port || qs->lport_asked || !qd || id < 0 ||
	    qt_sock_state(qs) != QT_SS_CONNECTED ||
	    qs->mode == QTCPIP_MODE_TRANSPARENT) {
		release_sock(sk);
		return port;
	}
	qs->lport_asked = true;
	qt_dev_get(qd);
	release_sock(sk);
	err = qt_query(qd, resp, sizeof(resp), "AT+QISTATE=1,%d", id);
	if (!err)
		port = qt_qistate_lport(resp, id);
	qt_dev_put(qd);
	lock_sock(sk);
	/* Only if it is still the connection that was asked about. */
	if (port && qs->id == id && qs->qd == qd)
		qs->mod_lport = port;
	/* The line was busy or the caller gave up: ask again next time. */
	if (err == -EBUSY || err == -EAGAIN || err == -EINTR)
		qs->lport_asked = false;
	release_sock(sk);
	return port;
}

/* The module's address on @qs's context, if known (UC20: AT+QIACT?). */
static void qt_sock_local_addr(struct qt_sock *qs, struct in_addr *addr)
{
	struct qtcpip_dev *qd = qs->qd;
	int ctx = qs->ctx;

	sock_owned_by_me(&qs->sk);
	if (!qd || ctx < 1 || ctx > QT_MAX_CTX)
		return;
	spin_lock_bh(&qd->lock);
	if (!in4_pton(qd->ctx_addr[ctx], -1, (u8 *)addr, -1, NULL))
		addr->s_addr = htonl(INADDR_ANY);
	spin_unlock_bh(&qd->lock);
}

static int qt_getname(struct socket *sock, struct sockaddr *uaddr, int peer)
{
	struct sock *sk = sock->sk;
	struct qt_sock *qs = qt_sk(sk);
	struct sockaddr_in *sin = (struct sockaddr_in *)uaddr;
	enum qt_sock_state state;
	bool server;
	u16 port;
	int len;

	if (peer) {
		lock_sock(sk);
		/* A peer that closed is still known, as in TCP's CLOSE_WAIT;
		 * not one of a connection lost otherwise (reset, detach).
		 */
		state = qt_sock_state(qs);
		if (state != QT_SS_CONNECTED &&
		    !(state == QT_SS_CLOSED && qs->peer_closed)) {
			release_sock(sk);
			return -ENOTCONN;
		}
		len = qs->peer_len;
		memcpy(uaddr, &qs->peer, len);
		release_sock(sk);
		return len;
	}
	/* The port bind() gave (a listener's, an accepted connection's), or
	 * the one the module chose for a connection.
	 */
	port = qt_sock_mod_lport(qs);
	memset(sin, 0, sizeof(*sin));
	sin->sin_family = AF_INET;
	lock_sock(sk);
	if (qs->lport)
		port = qs->lport;
	sin->sin_port = htons(port);
	/* A server socket is bound to any address, as with INADDR_ANY. */
	state = qt_sock_state(qs);
	server = sk->sk_max_ack_backlog || qs->udp_service;
	if (!server && (state == QT_SS_CONNECTED || state == QT_SS_CLOSED))
		qt_sock_local_addr(qs, &sin->sin_addr);
	release_sock(sk);
	return sizeof(*sin);
}

/* The module has no half close: the peer learns nothing until close().
 * SHUT_WR fails later sends (EPIPE) while queued data still goes out;
 * SHUT_RD makes reads return 0 once the queue is empty; SHUT_RDWR both.
 * SHUT_RD (or SHUT_RDWR) of a TCP listener stops it, as AF_INET's goes to
 * TCP_CLOSE: its connectID is closed, accept() fails (EINVAL).
 */
static int qt_shutdown(struct socket *sock, int how)
{
	struct sock *sk = sock->sk;
	struct qt_sock *qs = qt_sk(sk);
	struct qtcpip_dev *qd;
	bool stopped = false;

	/* SHUT_RD 0, SHUT_WR 1, SHUT_RDWR 2 become 1, 2, 3. */
	how++;
	if ((how & ~SHUTDOWN_MASK) || !how)
		return -EINVAL;
	lock_sock(sk);
	if (qt_sock_state(qs) == QT_SS_UNCONN) {
		release_sock(sk);
		return -ENOTCONN;
	}
	qd = qs->qd;
	if ((how & RCV_SHUTDOWN) && qd) {
		spin_lock_bh(&qd->lock);
		stopped = qt_sock_state(qs) == QT_SS_LISTEN;
		if (stopped)
			qt_sock_stop_listening(qd, qs);
		spin_unlock_bh(&qd->lock);
	}
	/* A stopped listener is unconnected, not shut down: listen() may
	 * start it again, as tcp_disconnect() leaves a TCP socket.
	 */
	if (!stopped)
		sk->sk_shutdown |= how;
	sk->sk_state_change(sk);
	release_sock(sk);
	return 0;
}

static int qt_ioctl(struct socket *sock, unsigned int cmd, unsigned long arg)
{
	struct sock *sk = sock->sk;
	struct qt_sock *qs = qt_sk(sk);
	struct sk_buff *skb;
	int amount = 0;

	switch (cmd) {
	case SIOCINQ:
		spin_lock_bh(&sk->sk_receive_queue.lock);
		if (sk->sk_type == SOCK_DGRAM) {
			skb = skb_peek(&sk->sk_receive_queue);
			amount = skb ? skb->len : 0;
		} else {
			skb_queue_walk(&sk->sk_receive_queue, skb)
				amount += skb->len;
		}
		spin_unlock_bh(&sk->sk_receive_queue.lock);
		return put_user(amount, (int __user *)arg);
	case SIOCOUTQ:
		spin_lock_bh(&qs->txq.lock);
		skb_queue_walk(&qs->txq, skb)
			amount += skb->len;
		spin_unlock_bh(&qs->txq.lock);
		return put_user(amount, (int __user *)arg);
	default:
		return -ENOIOCTLCMD;
	}
}

/* AT+QISWTMD's answer: the new mode applies before the engine issues
 * anything else (it is kicked after this), so that no command follows a
 * CONNECT into the data connection. Under qd->lock.
 */
static void qt_mode_done(struct qtcpip_dev *qd, struct qt_cmd *cmd)
{
	struct qt_sock *qs = qt_conn_sock(cmd->conn);
	int id, mode;

	lockdep_assert_held(&qd->lock);
	if (cmd->outcome == QT_OUT_OK &&
	    sscanf(cmd->line, "AT+QISWTMD=%d,%d", &id, &mode) == 2) {
		if (mode == QTCPIP_MODE_TRANSPARENT) {
			/* The module is in data mode now, whatever became of
			 * the socket: the line must follow it.
			 */
			if (cmd->final == QT_FINAL_CONNECT && !qt_tp_on(qd)) {
				qt_sock_tp_enter(qd, qs);
				if (qs->releasing ||
				    qt_sock_state(qs) != QT_SS_CONNECTED)
					qt_tp_leave(qd, true);
			}
		} else {
			qs->mode = mode;
			if (mode == QTCPIP_MODE_BUFFER) {
				qs->rx_hint = true;
				qt_sock_schedule_read(qd, qs);
			}
		}
	}
	cmd->conn = NULL;
	sock_put(&qs->sk);
}

/* AT+QISWTMD=<id>,<mode> for @qs, or NULL (no memory). */
struct qt_cmd *qt_sock_mode_cmd(struct qt_sock *qs, int mode, gfp_t gfp)
{
	struct qt_cmd *cmd;

	cmd = qt_cmd_new(gfp, "AT+QISWTMD=%d,%d", qs->id, mode);
	if (!cmd)
		return NULL;
	cmd->flags = QT_CMDF_GETERROR;
	cmd->done = qt_mode_done;
	qt_cmd_set_sock(cmd, qs);
	return cmd;
}

/* AT+QISWTMD on a live connection, or "+++" out of transparent mode.
 * Under lock_sock.
 */
static int qt_sock_switch_mode(struct qt_sock *qs, int mode)
{
	struct qtcpip_dev *qd = qs->qd;
	struct qt_cmd *cmd;
	int err;

	sock_owned_by_me(&qs->sk);
	if (qt_sock_state(qs) != QT_SS_CONNECTED || !qd)
		return -ENOTCONN;
	spin_lock_bh(&qd->lock);
	/* The user decides now: no automatic return to transparent. */
	qs->tp_resume = false;
	spin_unlock_bh(&qd->lock);
	if (mode == qs->mode)
		return 0;
	if (mode == QTCPIP_MODE_TRANSPARENT && !qd->dialect->has_transparent)
		return -EOPNOTSUPP;
	if (qs->mode == QTCPIP_MODE_TRANSPARENT) {
		spin_lock_bh(&qd->lock);
		qt_tp_leave(qd, true);
		spin_unlock_bh(&qd->lock);
		release_sock(&qs->sk);
		err = wait_event_interruptible(qd->async_wait,
					       READ_ONCE(qd->tp_conn) != &qs->conn);
		lock_sock(&qs->sk);
		if (err)
			return err;
		/* The module is in buffer mode now. */
		if (mode == QTCPIP_MODE_BUFFER)
			return 0;
	}
	spin_lock_bh(&qd->lock);
	if (qs->id < 0 || qt_sock_state(qs) != QT_SS_CONNECTED) {
		err = -ENOTCONN;
	} else if (mode == QTCPIP_MODE_TRANSPARENT && qt_tp_on(qd)) {
		err = -EBUSY;
	} else {
		cmd = qt_sock_mode_cmd(qs, mode, GFP_ATOMIC);
		err = cmd ? 0 : -ENOMEM;
	}
	spin_unlock_bh(&qd->lock);
	if (err)
		return err;
	err = qt_cmd_exec_user(qd, cmd, QT_USER_WAIT_MS);
	if (err == -EIO && cmd->code)
		err = -qt_dialect_errno(qd->dialect, cmd->code);
	qt_cmd_put(cmd);
	return err;
}

/* AT+QISEND=<id>,0 (UC20): what the module sent and had acknowledged. */
static int qt_sock_send_info(struct qt_sock *qs, char __user *optval,
			     int __user *optlen, int len)
{
	struct qtcpip_send_info info = {};
	struct qt_ans_qisend a;
	struct qtcpip_dev *qd;
	char resp[96];
	const char *p;
	int err, id = READ_ONCE(qs->id);
	size_t n;

	if (len < (int)sizeof(info))
		return -EINVAL;
	/* Our own reference: connect() may drop a detached device. */
	lock_sock(&qs->sk);
	qd = qs->qd;
	if (qd)
		qt_dev_get(qd);
	release_sock(&qs->sk);
	if (!qd || id < 0)
		err = -ENOTCONN;
	else if (!qd->dialect->has_transparent)
		err = -EOPNOTSUPP;	/* the BC66 has no length-0 query */
	else
		err = qt_query(qd, resp, sizeof(resp), "AT+QISEND=%d,0", id);
	if (qd)
		qt_dev_put(qd);
	if (err)
		return err;
	p = qt_ans_line(resp, "+QISEND:", &n);
	if (!p || qt_ans_qisend(p, n, &a))
		return -EPROTO;
	info.total = a.total;
	info.acked = a.acked;
	info.unacked = a.unacked;
	if (put_user(sizeof(info), optlen) ||
	    copy_to_user(optval, &info, sizeof(info)))
		return -EFAULT;
	return 0;
}

/* IPPROTO_TCP and IPPROTO_IP options that programs set on AF_INET sockets
 * (curl, libmosquitto, Python's http.client and asyncio): accepted with
 * AF_INET's checks and read back, without effect; the module's own TCP
 * decides (qtcpip.rst, "Differences from AF_INET"). Others: ENOPROTOOPT,
 * as AF_INET answers an option it does not know. Under lock_sock.
 */
static int qt_set_inet_opt(struct sock *sk, int level, int optname, int val)
{
	struct qt_sock *qs = qt_sk(sk);

	if (level == SOL_TCP) {
		/* A UDP socket knows no TCP options. */
		if (sk->sk_type != SOCK_STREAM)
			return -ENOPROTOOPT;
		switch (optname) {
		case TCP_NODELAY:
			WRITE_ONCE(qs->nodelay, !!val);
			return 0;
		case TCP_KEEPIDLE:
			if (val < 1 || val > MAX_TCP_KEEPIDLE)
				return -EINVAL;
			WRITE_ONCE(qs->keepidle, val);
			return 0;
		case TCP_KEEPINTVL:
			if (val < 1 || val > MAX_TCP_KEEPINTVL)
				return -EINVAL;
			WRITE_ONCE(qs->keepintvl, val);
			return 0;
		case TCP_KEEPCNT:
			if (val < 1 || val > MAX_TCP_KEEPCNT)
				return -EINVAL;
			WRITE_ONCE(qs->keepcnt, val);
			return 0;
		}
		return -ENOPROTOOPT;
	}
	switch (optname) {
	case IP_TOS:
		/* A stream's ECN bits are TCP's: do_ip_setsockopt() keeps them. */
		if (sk->sk_type == SOCK_STREAM)
			val &= ~INET_ECN_MASK;
		WRITE_ONCE(qs->tos, val);
		return 0;
	case IP_TTL:
		if (val != -1 && (val < 1 || val > 255))
			return -EINVAL;
		WRITE_ONCE(qs->ttl, val == -1 ? 0 : val);
		return 0;
	}
	return -ENOPROTOOPT;
}

static int qt_get_inet_opt(struct sock *sk, int level, int optname, int *val)
{
	struct qt_sock *qs = qt_sk(sk);
	struct net *net = sock_net(sk);

	if (level == SOL_TCP) {
		/* ip_getsockopt()'s answer to a UDP socket */
		if (sk->sk_type != SOCK_STREAM)
			return -EOPNOTSUPP;
		switch (optname) {
		case TCP_NODELAY:
			*val = READ_ONCE(qs->nodelay);
			return 0;
		case TCP_KEEPIDLE:
			*val = READ_ONCE(qs->keepidle) ?:
			       READ_ONCE(net->ipv4.sysctl_tcp_keepalive_time) / HZ;
			return 0;
		case TCP_KEEPINTVL:
			*val = READ_ONCE(qs->keepintvl) ?:
			       READ_ONCE(net->ipv4.sysctl_tcp_keepalive_intvl) / HZ;
			return 0;
		case TCP_KEEPCNT:
			*val = READ_ONCE(qs->keepcnt) ?:
			       READ_ONCE(net->ipv4.sysctl_tcp_keepalive_probes);
			return 0;
		}
		return -ENOPROTOOPT;
	}
	switch (optname) {
	case IP_TOS:
		*val = READ_ONCE(qs->tos);
		return 0;
	case IP_TTL:
		*val = READ_ONCE(qs->ttl) ?:
		       READ_ONCE(net->ipv4.sysctl_ip_default_ttl);
		return 0;
	}
	return -ENOPROTOOPT;
}

static int qt_setsockopt(struct socket *sock, int level, int optname,
			 sockptr_t optval, unsigned int optlen)
{
	struct sock *sk = sock->sk;
	struct qt_sock *qs = qt_sk(sk);
	int val, err = 0;

	if (level != SOL_QTCPIP && level != SOL_TCP && level != SOL_IP)
		return -ENOPROTOOPT;
	if (optlen < sizeof(int))
		return -EINVAL;
	if (copy_from_sockptr(&val, optval, sizeof(val)))
		return -EFAULT;
	lock_sock(sk);
	if (level != SOL_QTCPIP) {
		err = qt_set_inet_opt(sk, level, optname, val);
		release_sock(sk);
		return err;
	}
	switch (optname) {
	case QTCPIP_CONTEXT:
		if (val < 1 || val > QT_MAX_CTX)
			err = -EINVAL;
		else if (qt_sock_state(qs) != QT_SS_UNCONN)
			err = -EISCONN;
		else
			qs->ctx = val;
		break;
	case QTCPIP_ACCESS_MODE:
		if (val < QTCPIP_MODE_BUFFER || val > QTCPIP_MODE_TRANSPARENT)
			err = -EINVAL;
		/* It hands the serial line, and so the module's command
		 * interpreter's neighbourhood, to one connection.
		 */
		else if (val == QTCPIP_MODE_TRANSPARENT &&
			 !capable(CAP_NET_ADMIN))
			err = -EPERM;
		else if (qt_sock_state(qs) == QT_SS_UNCONN)
			qs->mode = val;
		else
			err = qt_sock_switch_mode(qs, val);
		break;
	default:
		err = -ENOPROTOOPT;
	}
	release_sock(sk);
	return err;
}

static int qt_getsockopt(struct socket *sock, int level, int optname,
			 char __user *optval, int __user *optlen)
{
	struct qt_sock *qs = qt_sk(sock->sk);
	int len, val, err;
	u64 val64;

	if (level != SOL_QTCPIP && level != SOL_TCP && level != SOL_IP)
		return -ENOPROTOOPT;
	if (get_user(len, optlen))
		return -EFAULT;
	if (level != SOL_QTCPIP) {
		err = qt_get_inet_opt(sock->sk, level, optname, &val);
		if (err)
			return err;
		/* As tcp_getsockopt(): as much of the int as asked for. */
		if (len < 0)
			return -EINVAL;
		len = min_t(int, len, sizeof(val));
		if (put_user(len, optlen) || copy_to_user(optval, &val, len))
			return -EFAULT;
		return 0;
	}
	switch (optname) {
	case QTCPIP_CONTEXT:
		val = READ_ONCE(qs->ctx);
		break;
	case QTCPIP_ACCESS_MODE:
		val = READ_ONCE(qs->mode);
		break;
	case QTCPIP_CONNECT_ID:
		val = READ_ONCE(qs->id);
		break;
	case QTCPIP_ACCEPT_DROPPED:
		val = READ_ONCE(qs->accept_dropped);
		break;
	case QTCPIP_SEND_INFO:
		return qt_sock_send_info(qs, optval, optlen, len);
	case QTCPIP_RX_LOST:
		val64 = READ_ONCE(qs->rx_lost);
		if (len < (int)sizeof(val64))
			return -EINVAL;
		if (put_user(sizeof(val64), optlen) ||
		    copy_to_user(optval, &val64, sizeof(val64)))
			return -EFAULT;
		return 0;
	default:
		return -ENOPROTOOPT;
	}
	if (len < (int)sizeof(val))
		return -EINVAL;
	if (put_user(sizeof(val), optlen) ||
	    copy_to_user(optval, &val, sizeof(val)))
		return -EFAULT;
	return 0;
}

static int qt_accept(QT_ACCEPT_ARGS)
{
	return qt_accept_flags(sock, newsock, QT_ACCEPT_FLAGS);
}

const struct proto_ops qt_ops = {
	.owner		= THIS_MODULE,
	.release	= qt_release,
	.bind		= qt_bind,
	.connect	= qt_connect,
	.socketpair	= sock_no_socketpair,
	.accept		= qt_accept,
	.getname	= qt_getname,
	.poll		= qt_poll,
	.ioctl		= qt_ioctl,
	.listen		= qt_listen,
	.shutdown	= qt_shutdown,
	.setsockopt	= qt_setsockopt,
	.getsockopt	= qt_getsockopt,
	.sendmsg	= qt_sendmsg,
	.recvmsg	= qt_recvmsg,
	.mmap		= sock_no_mmap,
};

static void qt_sock_destruct(struct sock *sk)
{
	struct qt_sock *qs = qt_sk(sk);

	skb_queue_purge(&sk->sk_receive_queue);
	skb_queue_purge(&qs->txq);
	if (qs->qd)
		qt_dev_put(qs->qd);
}

/* The transparent connection @qs takes the line. Under qd->lock. */
void qt_sock_tp_enter(struct qtcpip_dev *qd, struct qt_sock *qs)
{
	lockdep_assert_held(&qd->lock);
	qs->mode = QTCPIP_MODE_TRANSPARENT;
	qs->tp_resume = false;
	qt_tp_enter(qd, &qs->conn);
}

void qt_sock_init(struct qt_sock *qs)
{
	qs->sk.sk_destruct = qt_sock_destruct;
	qs->conn.ops = &qt_sock_conn_ops;
	qs->id = -1;
	qs->ctx = 1;
	qs->mode = QTCPIP_MODE_BUFFER;
	skb_queue_head_init(&qs->txq);
	INIT_LIST_HEAD(&qs->accept_q);
	INIT_LIST_HEAD(&qs->accept_node);
	INIT_LIST_HEAD(&qs->bind_node);
}

static int qt_create(struct net *net, struct socket *sock, int protocol,
		     int kern)
{
	struct sock *sk;

	switch (sock->type) {
	case SOCK_STREAM:
		if (protocol && protocol != IPPROTO_TCP)
			return -EPROTONOSUPPORT;
		break;
	case SOCK_DGRAM:
		if (protocol && protocol != IPPROTO_UDP)
			return -EPROTONOSUPPORT;
		break;
	default:
		return -ESOCKTNOSUPPORT;
	}
	sk = sk_alloc(net, qt_family_nr, GFP_KERNEL, &qt_proto, kern);
	if (!sk)
		return -ENOMEM;
	sock_init_data(sock, sk);
	sock->ops = &qt_ops;
	sk->sk_protocol = sock->type == SOCK_STREAM ? IPPROTO_TCP : IPPROTO_UDP;
	qt_sock_init(qt_sk(sk));
	return 0;
}

static struct net_proto_family qt_family_ops = {
	.owner	= THIS_MODULE,
	.create	= qt_create,
};

/* Bytes in @q, under its own lock (inside qd->lock). */
static u32 qt_queue_bytes(struct sk_buff_head *q)
{
	struct sk_buff *skb;
	u32 n = 0;

	spin_lock_bh(&q->lock);
	skb_queue_walk(q, skb)
		n += skb->len;
	spin_unlock_bh(&q->lock);
	return n;
}

/* What netlink calls the state of @qs: the uapi's enum qtcpip_sock_state,
 * whose values are not sk_state's; a UDP SERVICE is LISTEN there.
 */
static u8 qt_sock_uapi_state(const struct qt_sock *qs)
{
	switch (qt_sock_state(qs)) {
	case QT_SS_OPENING:
		return QTCPIP_SOCK_OPENING;
	case QT_SS_CONNECTED:
		return QTCPIP_SOCK_CONNECTED;
	case QT_SS_CLOSED:
		return QTCPIP_SOCK_CLOSED;
	case QT_SS_LISTEN:
	case QT_SS_SERVICE:
		return QTCPIP_SOCK_LISTEN;
	default:
		return QTCPIP_SOCK_UNCONN;
	}
}

/* The socket of the first busy connectID from *@id on, copied into @info
 * under qd->lock; *@id then is the one after it: the caller keeps no
 * pointer into a socket and may sleep before it goes on. 0 or -ENOENT.
 */
int qt_sock_info_next(struct qtcpip_dev *qd, int *id,
		      struct qt_sock_info *info)
{
	struct qt_sock *qs = NULL;

	spin_lock_bh(&qd->lock);
	while (!qs && *id >= 0 && *id < QT_MAX_CONN)
		qs = qt_conn_sock(qd->conn[(*id)++]);
	if (qs) {
		info->id = *id - 1;
		info->type = qs->sk.sk_type;
		info->state = qt_sock_uapi_state(qs);
		info->mode = qs->mode;
		info->rxq = qt_queue_bytes(&qs->sk.sk_receive_queue);
		info->txq = qt_queue_bytes(&qs->txq);
		/* Written by connect() before the connection is attached. */
		info->peer = qs->peer;
		info->peer_len = qs->peer_len;
	}
	spin_unlock_bh(&qd->lock);
	return qs ? 0 : -ENOENT;
}

int qt_sock_register(void)
{
	int err;

	if (qt_family_nr <= 0 || qt_family_nr >= NPROTO) {
		pr_err("family=%d is outside 1..%d\n", qt_family_nr,
		       NPROTO - 1);
		return -EINVAL;
	}
	qt_family_ops.family = qt_family_nr;
	qt_engine_set_ops(&qt_sock_dev_ops);
	err = proto_register(&qt_proto, 1);
	if (err)
		return err;
	err = sock_register(&qt_family_ops);
	if (err) {
		pr_err("socket family %d is taken (%d)\n",
		       qt_family_nr, err);
		proto_unregister(&qt_proto);
	}
	return err;
}

void qt_sock_unregister(void)
{
	sock_unregister(qt_family_nr);
	proto_unregister(&qt_proto);
}
