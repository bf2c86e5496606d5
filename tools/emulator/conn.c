// SPDX-License-Identifier: GPL-2.0
/*
 * The connectIDs and the real sockets behind them. Received data is
 * buffered (buffer access mode), pushed as URCs (direct push) or copied
 * raw to the serial line (transparent); reading from a socket stops while
 * the module's buffer or the serial output queue is full, which gives TCP
 * the back-pressure a real module would apply.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <linux/sockios.h>
#include "emu.h"

#define TXCAP 65536
#define MAXCONN 12

/* a buffered UDP datagram */
struct dgram {
	uint32_t len;
	struct sockaddr_in src;
};

static struct conn conns[MAXCONN];

void conn_init(void)
{
	int i;

	for (i = 0; i < MAXCONN; i++) {
		conns[i].id = i;
		conns[i].fd = -1;
	}
}

static bool is_udp(const struct conn *c)
{
	return c->svc == SVC_UDP || c->svc == SVC_SERVICE;
}

static size_t push_max(void)
{
	return M.model == BC66 ? 700 : 1500;
}

const char *svc_name(int svc)
{
	static const char *const n[] = { "TCP", "UDP", "TCP LISTENER",
					 "TCP INCOMING", "UDP SERVICE" };
	return n[svc];
}

int state_num(int st)
{
	if (M.model == BC66)
		return st == CS_CLOSING ? 3 : st == CS_LISTENING ? 2 : st;
	return st;
}

const char *state_name(int st)
{
	static const char *const n[] = { "initial", "opening", "connected",
					 "listening", "closing" };
	return n[st];
}

bool ip_literal_bad(const char *s)
{
	struct in_addr a;
	const char *p;

	for (p = s; *p; p++)
		if (!(*p == '.' || (*p >= '0' && *p <= '9')))
			return false;	/* a domain name */
	return inet_pton(AF_INET, s, &a) != 1;
}

struct conn *conn_get(int id)
{
	if (id < 0 || id >= M.nconn || !conns[id].used)
		return NULL;
	return &conns[id];
}

struct conn *conn_alloc(int id)
{
	struct conn *c = &conns[id];

	conn_free(c);
	memset(&c->ctx, 0, sizeof(*c) - offsetof(struct conn, ctx));
	c->used = true;
	c->id = id;
	c->fd = -1;
	c->urc_armed = c->full_armed = true;
	return c;
}

void conn_free(struct conn *c)
{
	ev_cancel(&c->timer);
	if (c->fd >= 0) {
		ev_unwatch(c->fd);
		close(c->fd);
		c->fd = -1;
	}
	buf_free(&c->rx);
	buf_free(&c->tx);
	c->rx_bytes = 0;
	c->used = false;
	c->closing = false;
}

void conn_reset_all(void)
{
	int i;

	for (i = 0; i < MAXCONN; i++)
		if (conns[i].used)
			conn_free(&conns[i]);
}

bool conn_lport_used(int lport, bool udp)
{
	int i;

	for (i = 0; i < M.nconn; i++) {
		struct conn *c = &conns[i];

		if (c->used && c->lport == lport && is_udp(c) == udp &&
		    (c->fd >= 0 || c->state == CS_OPENING))
			return true;
	}
	return false;
}

static bool want_read(struct conn *c)
{
	switch (c->mode) {
	case 0:
		return c->rx_bytes < M.rxbuf;
	case 1:
		return at_idle() && serial_txq_len() < TXQ_HIGH;
	default:
		return at_trans_active(c) && serial_txq_len() < TXQ_HIGH;
	}
}

static void conn_ev(void *arg, uint32_t events);

void conn_poll(struct conn *c)
{
	uint32_t ev = 0;

	if (!c->used || c->fd < 0)
		return;
	if (c->state == CS_OPENING)
		ev = EPOLLOUT;
	else if (c->closing || c->state == CS_LISTENING)
		ev = EPOLLIN;
	else if (c->state == CS_CONNECTED && !c->peer_eof) {
		if (want_read(c))
			ev |= EPOLLIN;
		if (c->tx.len)
			ev |= EPOLLOUT;
	}
	ev_watch(c->fd, ev, conn_ev, c);
}

void conn_poll_all(void)
{
	int i;

	for (i = 0; i < MAXCONN; i++)
		if (conns[i].used)
			conn_poll(&conns[i]);
}

/* ---- opening ---- */

static void open_finish(struct conn *c, int code)
{
	ev_cancel(&c->timer);
	if (code) {
		C.open_fail++;
		if (c->fd >= 0) {
			ev_unwatch(c->fd);
			close(c->fd);
			c->fd = -1;
		}
		/* the id stays taken until AT+QICLOSE */
		c->state = CS_CLOSING;
		c->peer_eof = true;
		M.lasterr = code;
		trace_note("open %d failed: %d", c->id, code);
	} else {
		C.opens++;
		if (c->state == CS_OPENING)
			c->state = CS_CONNECTED;
		/* AT+QISTATE tells the local port the module chose */
		if (!c->lport && c->fd >= 0) {
			struct sockaddr_in la;
			socklen_t ll = sizeof(la);

			if (!getsockname(c->fd, (struct sockaddr *)&la, &ll))
				c->lport = ntohs(la.sin_port);
		}
		trace_note("open %d: %s %s", c->id, state_name(c->state),
			   c->rip);
	}
	conn_poll(c);
	if (c->done)
		c->done(c, code);
}

static int open_socket(struct conn *c)
{
	struct sockaddr_in la = { .sin_family = AF_INET };
	struct in_addr addr;
	int ttl, one = 1;
	bool server = c->svc == SVC_LISTENER || c->svc == SVC_SERVICE;

	if (!server) {
		if (dns_lookup(c->host, &addr, 1, &ttl) <= 0)
			return E_DNS_FAIL;
		inet_ntop(AF_INET, &addr, c->rip, sizeof(c->rip));
		if (!M.any_host && (ntohl(addr.s_addr) >> 24) != 127)
			return E_CONNECT;	/* never leave loopback */
		c->raddr.sin_family = AF_INET;
		c->raddr.sin_addr = addr;
		c->raddr.sin_port = htons(c->rport);
	}
	c->fd = socket(AF_INET, (is_udp(c) ? SOCK_DGRAM : SOCK_STREAM) |
		       SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (c->fd < 0)
		return E_SOCKET;
	if (server) {
		snprintf(c->rip, sizeof(c->rip), "%s", M.local_ip);
		inet_pton(AF_INET, M.local_ip, &la.sin_addr);
		setsockopt(c->fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	}
	if (c->lport) {
		la.sin_port = htons(c->lport);
		if (bind(c->fd, (struct sockaddr *)&la, sizeof(la)))
			return E_BIND;
	}
	if (c->svc == SVC_LISTENER) {
		if (listen(c->fd, 8))
			return E_LISTEN;
		c->state = CS_LISTENING;
		return 0;
	}
	if (c->svc == SVC_SERVICE) {
		c->state = CS_CONNECTED;
		return 0;
	}
	if (connect(c->fd, (struct sockaddr *)&c->raddr, sizeof(c->raddr))) {
		if (errno == EINPROGRESS)
			return -1;
		return E_CONNECT;
	}
	c->state = CS_CONNECTED;
	return 0;
}

static void open_start(void *arg)
{
	struct conn *c = arg;
	int r;

	c->timer = 0;
	if (F.openfail_count) {
		F.openfail_count--;
		open_finish(c, F.openfail_err);
		return;
	}
	if (!M.cfun || !M.pdp[c->ctx].active) {
		open_finish(c, ecode(E_PDP_OPEN));
		return;
	}
	r = open_socket(c);
	if (r < 0) {
		conn_poll(c);	/* connect in progress */
		return;
	}
	open_finish(c, r ? ecode(r) : 0);
}

void conn_open(struct conn *c, conn_done_cb done)
{
	c->state = CS_OPENING;
	c->done = done;
	if (!c->rip[0])
		snprintf(c->rip, sizeof(c->rip), "%.63s", c->host);
	c->timer = ev_timer(M.open_delay_ms * MS, open_start, c);
}

/* ---- data ---- */

static void peer_closed(struct conn *c)
{
	if (c->peer_eof)
		return;
	c->peer_eof = true;
	c->state = CS_CLOSING;
	if (c->fd >= 0) {
		ev_unwatch(c->fd);
		close(c->fd);
		c->fd = -1;
	}
	trace_note("connection %d closed by peer", c->id);
	if (at_trans_active(c))
		at_trans_closed(c);
	else
		urc_closed(c->id);
}

static void stored(struct conn *c, size_t n, bool was_empty)
{
	c->rx_bytes += n;
	if (was_empty && c->urc_armed) {
		c->urc_armed = false;
		urc_recv_hint(c->id);
	}
	if (c->rx_bytes >= M.rxbuf && M.model == BC66 && c->full_armed) {
		c->full_armed = false;
		urc_bufffull(c->id);
	}
}

static void do_read(struct conn *c)
{
	static unsigned char tmp[65536];
	struct sockaddr_in src;
	socklen_t sl = sizeof(src);
	size_t max = sizeof(tmp);
	bool was_empty = c->rx_bytes == 0;
	ssize_t n;

	if (!want_read(c))
		return;
	if (c->mode == 0 && !is_udp(c) && M.rxbuf - c->rx_bytes < max)
		max = M.rxbuf - c->rx_bytes;
	else if (c->mode == 1 && !is_udp(c))
		max = push_max();
	else if (c->mode == 2)
		/* no more than the UART's queue holds: the rest stays with the
		 * connection, as in a module, and is read in buffer mode once
		 * "+++" ends transparent mode
		 */
		max = TXQ_HIGH - serial_txq_len();
	n = recvfrom(c->fd, tmp, max, 0, (struct sockaddr *)&src, &sl);
	if (n < 0) {
		if (errno == EAGAIN || errno == EINTR)
			return;
		if (is_udp(c))
			return;	/* ICMP errors of earlier datagrams */
		peer_closed(c);
		return;
	}
	if (n == 0 && !is_udp(c)) {
		peer_closed(c);
		return;
	}
	C.sock_rx += n;
	c->rx_total += n;
	if (c->mode == 2) {
		c->rx_read += n;
		serial_write(tmp, n);
	} else if (c->mode == 1) {
		c->rx_read += n;
		urc_recv_push(c, tmp, n, &src);
	} else if (is_udp(c)) {
		struct dgram d = { .len = n, .src = src };

		if (c->rx_bytes + n > M.rxbuf) {
			c->rx_total -= n;	/* no room: dropped */
			return;
		}
		buf_put(&c->rx, &d, sizeof(d));
		buf_put(&c->rx, tmp, n);
		stored(c, n, was_empty);
	} else {
		buf_put(&c->rx, tmp, n);
		stored(c, n, was_empty);
	}
}

static void flush_tx(struct conn *c)
{
	while (c->tx.len && c->fd >= 0) {
		ssize_t n = send(c->fd, buf_data(&c->tx), c->tx.len,
				 MSG_NOSIGNAL);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno != EAGAIN)
				buf_reset(&c->tx);	/* reset by peer */
			break;
		}
		C.sock_tx += n;
		buf_drop(&c->tx, n);
	}
	if (at_trans_active(c) && !conn_tx_full(c))
		serial_rx_kick();
}

static void do_accept(struct conn *l)
{
	struct sockaddr_in sa;
	socklen_t sl = sizeof(sa);
	struct conn *c;
	int fd, id;

	fd = accept4(l->fd, (struct sockaddr *)&sa, &sl,
		     SOCK_NONBLOCK | SOCK_CLOEXEC);
	if (fd < 0)
		return;
	/* the module hands out the highest free connectID (example 4.5.2) */
	for (id = M.nconn - 1; id >= 0; id--)
		if (!conns[id].used)
			break;
	if (id < 0) {
		close(fd);
		urc_incoming_full();
		return;
	}
	c = conn_alloc(id);
	c->svc = SVC_INCOMING;
	c->ctx = l->ctx;
	c->mode = l->mode;
	c->server_id = l->id;
	c->fd = fd;
	c->state = CS_CONNECTED;
	c->raddr = sa;
	inet_ntop(AF_INET, &sa.sin_addr, c->rip, sizeof(c->rip));
	snprintf(c->host, sizeof(c->host), "%s", c->rip);
	c->rport = ntohs(sa.sin_port);
	c->lport = l->lport;
	C.accepts++;
	urc_incoming(id, l->id, c->rip, c->rport);
	conn_poll(c);
}

static void close_finish(void *arg)
{
	struct conn *c = arg;
	conn_done_cb done = c->done;

	c->timer = 0;
	conn_free(c);
	trace_note("connection %d closed", c->id);
	if (done)
		done(c, 0);
}

static void conn_ev(void *arg, uint32_t events)
{
	struct conn *c = arg;

	if (c->state == CS_OPENING) {
		int err = 0;
		socklen_t l = sizeof(err);

		getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &err, &l);
		open_finish(c, err ? ecode(E_CONNECT) : 0);
		return;
	}
	if (c->state == CS_LISTENING) {
		do_accept(c);
		return;
	}
	if (c->closing) {
		char tmp[4096];
		ssize_t n = read(c->fd, tmp, sizeof(tmp));

		/* the peer's FIN came first: the close timer must not fire
		 * later on whatever connection reuses this connectID
		 */
		if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR)) {
			ev_cancel(&c->timer);
			close_finish(c);
		}
		return;
	}
	if (events & EPOLLOUT)
		flush_tx(c);
	if (events & (EPOLLIN | EPOLLHUP | EPOLLERR))
		do_read(c);
	conn_poll(c);
}

bool conn_tx_full(struct conn *c)
{
	return c->tx.len > TXCAP / 2;
}

/* 0 sent, 1 buffer full (SEND FAIL), <0 -esem */
int conn_send(struct conn *c, const void *p, size_t n,
	      const struct sockaddr_in *dst)
{
	if (c->pdp_broken)
		return -E_PDP_BREAK;
	if (c->peer_eof || c->fd < 0 || c->state != CS_CONNECTED)
		return -E_CLOSED;
	if (is_udp(c)) {
		ssize_t r;

		if (dst)
			r = sendto(c->fd, p, n, 0, (const struct sockaddr *)dst,
				   sizeof(*dst));
		else
			r = send(c->fd, p, n, 0);
		if (r < 0 && errno == EAGAIN)
			return 1;
		if (r < 0 && errno != ECONNREFUSED)
			return -E_WRITE;
		C.sock_tx += n;
		c->tx_total += n;
		return 0;
	}
	if (c->tx.len + n > TXCAP)
		return 1;
	buf_put(&c->tx, p, n);
	c->tx_total += n;
	flush_tx(c);
	conn_poll(c);
	return 0;
}

size_t conn_read(struct conn *c, unsigned char *out, size_t max,
		 struct sockaddr_in *src)
{
	size_t n;

	if (!c->rx_bytes)
		return 0;
	if (is_udp(c)) {
		struct dgram d;

		memcpy(&d, buf_data(&c->rx), sizeof(d));
		n = d.len < max ? d.len : max;
		memcpy(out, buf_data(&c->rx) + sizeof(d), n);
		if (src)
			*src = d.src;
		buf_drop(&c->rx, sizeof(d) + d.len);
		c->rx_bytes -= d.len;
		/* the rest of a truncated datagram is gone */
		c->rx_read += d.len;
	} else {
		n = c->rx_bytes < max ? c->rx_bytes : max;
		memcpy(out, buf_data(&c->rx), n);
		buf_drop(&c->rx, n);
		c->rx_bytes -= n;
		c->rx_read += n;
	}
	if (!c->rx_bytes)
		c->urc_armed = c->full_armed = true;
	conn_poll(c);
	return n;
}

/* Hand buffered data out after a switch to direct push or transparent. */
void conn_flush_push(struct conn *c)
{
	static unsigned char tmp[1500];
	struct sockaddr_in src;

	while (c->rx_bytes) {
		size_t n = conn_read(c, tmp, push_max(), &src);

		if (c->mode == 2)
			serial_write(tmp, n);
		else
			urc_recv_push(c, tmp, n, &src);
	}
}

size_t conn_unacked(struct conn *c)
{
	int v = 0;

	if (c->fd >= 0 && !is_udp(c) && ioctl(c->fd, SIOCOUTQ, &v) < 0)
		v = 0;
	return c->tx.len + (v > 0 ? v : 0);
}

void conn_close(struct conn *c, unsigned int timeout_ms, conn_done_cb done)
{
	C.closes++;
	c->done = done;
	/* An open still held back (open_delay_ms) ends here: close_finish()
	 * forgets c->timer, and the open would fire later on whatever
	 * connection has this id by then.
	 */
	ev_cancel(&c->timer);
	if (c->fd < 0 || is_udp(c) || c->svc == SVC_LISTENER ||
	    c->peer_eof || !timeout_ms || c->state != CS_CONNECTED) {
		close_finish(c);
		return;
	}
	/* wait for the peer's FIN, as the module does, up to timeout */
	flush_tx(c);
	shutdown(c->fd, SHUT_WR);
	buf_reset(&c->rx);
	c->rx_bytes = 0;
	c->closing = true;
	conn_poll(c);
	c->timer = ev_timer(timeout_ms * MS, close_finish, c);
}

void conn_remote_close(struct conn *c, bool keepdata)
{
	if (!keepdata) {
		buf_reset(&c->rx);
		c->rx_bytes = 0;
	}
	if (c->state == CS_OPENING) {
		open_finish(c, ecode(E_CONNECT));
		return;
	}
	peer_closed(c);
}

void conn_bufffull(struct conn *c)
{
	c->full_armed = false;
	urc_bufffull(c->id);
}

void conn_pdpdeact(int ctx, bool urc)
{
	int i;

	for (i = 0; i < MAXCONN; i++) {
		struct conn *c = &conns[i];

		if (!c->used || c->ctx != ctx)
			continue;
		c->pdp_broken = true;
		if (c->state == CS_OPENING) {
			open_finish(c, ecode(E_PDP_BREAK));
			continue;
		}
		c->peer_eof = true;
		c->state = CS_CLOSING;
		if (c->fd >= 0) {
			ev_unwatch(c->fd);
			close(c->fd);
			c->fd = -1;
		}
		if (at_trans_active(c))
			at_trans_closed(c);
	}
	if (urc)
		urc_pdpdeact(ctx);
}
