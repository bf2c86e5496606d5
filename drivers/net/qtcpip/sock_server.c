// SPDX-License-Identifier: GPL-2.0
/* qtcpip: server sockets on the UC20 (the BC66 has no server services).
 *
 * bind() + listen() on a stream socket opens a "TCP LISTENER" on the
 * module's port; each "incoming" URC becomes a connected socket waiting
 * in the listener's accept queue, or, past the backlog, a connection the
 * driver closes again (counted in QTCPIP_ACCEPT_DROPPED). A datagram
 * socket bound to a port opens a "UDP SERVICE": sendto() any address,
 * recvfrom() reports each datagram's sender.
 */

#include <linux/capability.h>
#include <linux/in.h>
#include <linux/inet.h>
#include <net/ip.h>
#include <net/sock.h>
#include <net/tcp_states.h>

#include "sock.h"

/* bind() or listen() stopped waiting for +QIOPEN (a signal, SO_SNDTIMEO):
 * the open must not complete later behind the caller's back, making the
 * socket a connected one. Close it; its late +QIOPEN finds the socket no
 * longer opening and is ignored. Under lock_sock.
 */
static int qt_service_abort(struct qt_sock *qs, int err)
{
	struct qtcpip_dev *qd = qs->qd;

	spin_lock_bh(&qd->lock);
	if (qt_sock_state(qs) == QT_SS_OPENING) {
		qt_sock_set_state(qs, QT_SS_UNCONN);
		qt_sock_queue_close(qd, qs);
	}
	spin_unlock_bh(&qd->lock);
	/* Nothing is left in progress, and a restart would find the
	 * connectID still being given back.
	 */
	if (err == -EINPROGRESS)
		return -ETIMEDOUT;
	return err == -ERESTARTSYS ? -EINTR : err;
}

/* The sockets bind() gave a port to: a second bind() of a port fails with
 * EADDRINUSE, as with AF_INET, not later at the module's AT+QIOPEN. A
 * module gives a port to one connection, so SO_REUSEADDR makes no
 * difference (qtcpip.rst).
 */
static LIST_HEAD(qt_bound);
static DEFINE_SPINLOCK(qt_bound_lock);

/* Whether another socket that may use the same module holds @port. */
static bool qt_port_taken(const struct qt_sock *qs, u16 port)
{
	int dev = READ_ONCE(qs->sk.sk_bound_dev_if), odev;
	const struct qt_sock *o;

	lockdep_assert_held(&qt_bound_lock);
	if (!port)
		return false;
	list_for_each_entry(o, &qt_bound, bind_node) {
		odev = READ_ONCE(o->sk.sk_bound_dev_if);
		if (o->lport == port && o->sk.sk_type == qs->sk.sk_type &&
		    net_eq(sock_net(&o->sk), sock_net(&qs->sk)) &&
		    (!dev || !odev || dev == odev))
			return true;
	}
	return false;
}

/* Take @port for @qs; 0 or -EADDRINUSE. Under lock_sock. */
static int qt_port_take(struct qt_sock *qs, u16 port)
{
	int err = 0;

	spin_lock(&qt_bound_lock);
	if (qt_port_taken(qs, port)) {
		err = -EADDRINUSE;
	} else {
		qs->lport = port;
		list_add(&qs->bind_node, &qt_bound);
	}
	spin_unlock(&qt_bound_lock);
	return err;
}

/* The socket gives its port back (release, or a bind() that failed). */
void qt_sock_unbind(struct qt_sock *qs)
{
	spin_lock(&qt_bound_lock);
	list_del_init(&qs->bind_node);
	qs->lport = 0;
	spin_unlock(&qt_bound_lock);
}

int qt_bind(struct socket *sock, struct sockaddr *uaddr, int alen)
{
	struct sockaddr_in *sin = (struct sockaddr_in *)uaddr;
	struct sock *sk = sock->sk;
	struct qt_sock *qs = qt_sk(sk);
	struct qtcpip_dev *qd;
	int err = 0;

	if (alen < (int)sizeof(*sin))
		return -EINVAL;
	if (sin->sin_family != AF_INET)
		return -EAFNOSUPPORT;
	/* The module binds its own address; only the port is ours. */
	if (sin->sin_addr.s_addr != htonl(INADDR_ANY))
		return -EADDRNOTAVAIL;
	if (inet_port_requires_bind_service(sock_net(sk),
					    ntohs(sin->sin_port)) &&
	    !ns_capable(sock_net(sk)->user_ns, CAP_NET_BIND_SERVICE))
		return -EACCES;
	lock_sock(sk);
	/* Bound once, as AF_INET sockets are (port 0 too). */
	if (qt_sock_state(qs) != QT_SS_UNCONN || qs->lport ||
	    !list_empty(&qs->bind_node)) {
		err = -EINVAL;
		goto out;
	}
	err = qt_port_take(qs, ntohs(sin->sin_port));
	if (err || sk->sk_type != SOCK_DGRAM || !qs->lport)
		goto out;
	if (READ_ONCE(qs->id) >= 0) {
		/* An aborted attempt's id is still being given back. */
		err = -EALREADY;
		goto undo;
	}
	qt_sock_forget_dead_dev(qs);
	if (!qs->qd) {
		qd = qt_sock_pick_dev(sk);
		if (IS_ERR(qd)) {
			err = PTR_ERR(qd);
			goto undo;
		}
		qs->qd = qd;
	}
	/* A BC66 has no UDP SERVICE: the port serves its UDP clients. */
	if (!qs->qd->dialect || !qs->qd->dialect->has_servers)
		goto out;
	qs->udp_service = true;
	err = qt_sock_open_service(qs, qs->qd, false);
	if (!err) {
		err = qt_sock_wait_open(sk, sock_sndtimeo(sk, 0));
		if (err)
			err = qt_service_abort(qs, err);
	}
	if (!err && qt_sock_state(qs) != QT_SS_SERVICE)
		err = sock_error(sk) ?: -EADDRINUSE;
	if (!err)
		goto out;
	qs->udp_service = false;
undo:
	qt_sock_unbind(qs);
out:
	release_sock(sk);
	return err;
}

int qt_listen(struct socket *sock, int backlog)
{
	struct sock *sk = sock->sk;
	struct qt_sock *qs = qt_sk(sk);
	struct qtcpip_dev *qd;
	int err;

	if (sk->sk_type != SOCK_STREAM)
		return -EOPNOTSUPP;
	lock_sock(sk);
	if (qt_sock_state(qs) == QT_SS_LISTEN) {
		/* Only the backlog changes. */
		WRITE_ONCE(sk->sk_max_ack_backlog, max(backlog, 1));
		err = 0;
		goto out;
	}
	err = -EINVAL;
	if (qt_sock_state(qs) != QT_SS_UNCONN || !qs->lport)
		goto out;	/* the module needs a port: bind() first */
	err = -EALREADY;
	if (READ_ONCE(qs->id) >= 0)
		goto out;	/* an aborted attempt's id is being given back */
	qt_sock_forget_dead_dev(qs);
	if (!qs->qd) {
		qd = qt_sock_pick_dev(sk);
		if (IS_ERR(qd)) {
			err = PTR_ERR(qd);
			goto out;
		}
		qs->qd = qd;
	}
	WRITE_ONCE(sk->sk_max_ack_backlog, max(backlog, 1));
	err = qt_sock_open_service(qs, qs->qd, true);
	if (!err) {
		err = qt_sock_wait_open(sk, sock_sndtimeo(sk, 0));
		if (err)
			err = qt_service_abort(qs, err);
	}
	if (!err && qt_sock_state(qs) != QT_SS_LISTEN)
		err = sock_error(sk) ?: -EADDRINUSE;
	if (err)
		WRITE_ONCE(sk->sk_max_ack_backlog, 0);
out:
	release_sock(sk);
	return err;
}

/* +QIURC: "incoming",<id>,<serverID>,"<ip>",<port>. Under qd->lock. */
void qt_sock_event_incoming(struct qtcpip_dev *qd, const struct qt_event *ev)
{
	struct qt_sock *lq = NULL, *cq;
	struct sockaddr_in *sin;
	struct sock *sk;

	lockdep_assert_held(&qd->lock);
	if (ev->id < 0 || ev->id >= QT_MAX_CONN || qd->conn[ev->id])
		return;
	if (ev->id2 >= 0 && ev->id2 < QT_MAX_CONN)
		lq = qt_conn_sock(qd->conn[ev->id2]);
	if (lq && (qt_sock_state(lq) != QT_SS_LISTEN || lq->releasing))
		lq = NULL;
	sk = sk_alloc(lq ? sock_net(&lq->sk) : dev_net(qd->netdev),
		      qt_family_nr, GFP_ATOMIC, &qt_proto, 0);
	if (!sk) {
		qd->netdev->stats.rx_missed_errors++;
		return;
	}
	sock_init_data(NULL, sk);
	sk->sk_type = SOCK_STREAM;
	sk->sk_protocol = IPPROTO_TCP;
	cq = qt_sk(sk);
	qt_sock_init(cq);
	qt_dev_get(qd);
	cq->qd = qd;
	cq->id = ev->id;
	qt_sock_set_state(cq, QT_SS_CONNECTED);
	cq->mode = lq ? lq->mode : QTCPIP_MODE_BUFFER;
	cq->ctx = lq ? lq->ctx : 1;
	sin = (struct sockaddr_in *)&cq->peer;
	sin->sin_family = AF_INET;
	sin->sin_port = htons(ev->port);
	in4_pton(ev->addr, -1, (u8 *)&sin->sin_addr, -1, NULL);
	cq->peer_len = sizeof(*sin);
	qt_conn_attach_locked(qd, &cq->conn, ev->id);

	/* At most backlog wait (qtcpip.rst), one fewer than TCP lets in. */
	if (!lq || lq->sk.sk_ack_backlog >= lq->sk.sk_max_ack_backlog) {
		/* Nobody to take it: give the connection back at once. */
		if (lq)
			lq->accept_dropped++;
		else
			qd->netdev->stats.rx_missed_errors++;
		cq->releasing = true;
		qt_sock_queue_close(qd, cq);
		sock_put(sk);
		return;
	}
	/* The accept queue keeps the initial reference. */
	list_add_tail(&cq->accept_node, &lq->accept_q);
	sk_acceptq_added(&lq->sk);
	lq->sk.sk_data_ready(&lq->sk);
}

/* The listener goes away: so do the connections nobody accepted. */
void qt_sock_release_children(struct qtcpip_dev *qd, struct qt_sock *qs)
{
	struct qt_sock *cq, *tmp;

	lockdep_assert_held(&qd->lock);
	list_for_each_entry_safe(cq, tmp, &qs->accept_q, accept_node) {
		list_del_init(&cq->accept_node);
		sk_acceptq_removed(&qs->sk);
		cq->releasing = true;
		sock_set_flag(&cq->sk, SOCK_DEAD);
		qt_sock_queue_close(qd, cq);
		sock_put(&cq->sk);
	}
}

/* shutdown(SHUT_RD) of a TCP listener: as release does for the listener,
 * the connections nobody accepted are closed and so is its connectID; the
 * socket is unconnected and still bound, and listen() works again once the
 * close is done (until then: EALREADY). Under lock_sock and qd->lock.
 */
void qt_sock_stop_listening(struct qtcpip_dev *qd, struct qt_sock *qs)
{
	sock_owned_by_me(&qs->sk);
	lockdep_assert_held(&qd->lock);
	qt_sock_release_children(qd, qs);
	qt_sock_set_state(qs, QT_SS_UNCONN);
	/* A connect() that follows opens a client, not a listener. */
	WRITE_ONCE(qs->sk.sk_max_ack_backlog, 0);
	qt_sock_queue_close(qd, qs);
}

static struct qt_sock *qt_accept_pop(struct qt_sock *qs)
{
	struct qtcpip_dev *qd = qs->qd;
	struct qt_sock *cq = NULL;

	spin_lock_bh(&qd->lock);
	if (!list_empty(&qs->accept_q)) {
		cq = list_first_entry(&qs->accept_q, struct qt_sock,
				      accept_node);
		list_del_init(&cq->accept_node);
		sk_acceptq_removed(&qs->sk);
	}
	spin_unlock_bh(&qd->lock);
	return cq;
}

int qt_accept_flags(struct socket *sock, struct socket *newsock, int flags)
{
	struct sock *sk = sock->sk;
	struct qt_sock *qs = qt_sk(sk), *cq;
	long timeo;
	int err = 0;

	/* A datagram socket never accepts, as AF_INET's sock_no_accept(). */
	if (sk->sk_type != SOCK_STREAM)
		return -EOPNOTSUPP;
	lock_sock(sk);
	/* shutdown(SHUT_RD) ends accepting, as it stops a TCP listener. */
	if (qt_sock_state(qs) != QT_SS_LISTEN ||
	    (sk->sk_shutdown & RCV_SHUTDOWN)) {
		err = -EINVAL;
		goto out;
	}
	timeo = sock_rcvtimeo(sk, flags & O_NONBLOCK);
	while (!(cq = qt_accept_pop(qs))) {
		DEFINE_WAIT_FUNC(wait, woken_wake_function);

		err = sock_error(sk);
		if (!err && (qt_sock_state(qs) != QT_SS_LISTEN ||
			     (sk->sk_shutdown & RCV_SHUTDOWN)))
			err = -EINVAL;
		if (!err && !timeo)
			err = -EAGAIN;
		if (!err && signal_pending(current))
			err = sock_intr_errno(timeo);
		if (err)
			goto out;
		add_wait_queue(sk_sleep(sk), &wait);
		sk_wait_event(sk, &timeo,
			      READ_ONCE(sk->sk_ack_backlog) || sk->sk_err ||
			      qt_sock_state(qs) != QT_SS_LISTEN ||
			      (READ_ONCE(sk->sk_shutdown) & RCV_SHUTDOWN),
			      &wait);
		remove_wait_queue(sk_sleep(sk), &wait);
	}
	/* The child's lock nests inside the listener's. */
	lock_sock_nested(&cq->sk, SINGLE_DEPTH_NESTING);
	/* Its local port is the listener's. */
	cq->lport = qs->lport;
	sock_graft(&cq->sk, newsock);
	newsock->ops = &qt_ops;
	newsock->state = SS_CONNECTED;
	release_sock(&cq->sk);
out:
	release_sock(sk);
	return err;
}
