// SPDX-License-Identifier: GPL-2.0
/*
 * AF_QTCPIP side by side with AF_INET: each case runs the same calls on an
 * AF_INET socket against servers on the guest's loopback and on an
 * AF_QTCPIP socket through the module (the host's servers, through the
 * emulator), records what each call returned, and asserts both records
 * are the same, except for the differences qtcpip.rst documents
 * ("Differences from AF_INET"), asserted as such. Unmodified programs
 * (curl, libmosquitto, Python's asyncio) expect AF_INET's answers:
 * poll masks of unconnected, failed, shut down and closed sockets; the
 * non-blocking connect + poll + SO_ERROR + connect sequence; bind()
 * conflicts; getsockname/getpeername; SO_ACCEPTCONN; IPPROTO_TCP,
 * IPPROTO_IP and SOL_SOCKET options; shutdown; EPIPE and SIGPIPE.
 *
 * On the module of every slot, in buffer access mode. The AF_INET peer
 * is an echo server of this program that closes a connection when it
 * reads 'Q' (and keeps it half closed on EOF, as the module's peer sees
 * no shutdown); the module's peer closes with the emulator's "close".
 */
#include <errno.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "qt_sock.h"

#ifndef TCP_USER_TIMEOUT
#define TCP_USER_TIMEOUT 18
#endif

/* ---- the AF_INET peer: an echo server on 127.0.0.1 ---- */

#define ECHO_MAX	16

struct lecho {
	int lfd, stop[2];
	int port;
	pthread_t th;
};

static void *lecho_run(void *arg)
{
	struct lecho *l = arg;
	struct pollfd p[ECHO_MAX + 2];
	int n = 2, i;

	p[0].fd = l->stop[0];
	p[0].events = POLLIN;
	p[1].fd = l->lfd;
	p[1].events = POLLIN;
	for (;;) {
		if (poll(p, n, -1) < 0)
			continue;
		if (p[0].revents)
			break;
		if ((p[1].revents & POLLIN) && n < ECHO_MAX + 2) {
			int fd = accept(l->lfd, NULL, NULL);

			if (fd >= 0) {
				p[n].fd = fd;
				p[n].events = POLLIN;
				p[n++].revents = 0;
			}
		}
		for (i = 2; i < n; i++) {
			char buf[4096];
			ssize_t r;

			if (!p[i].revents)
				continue;
			r = -1;
			if (p[i].events)
				r = recv(p[i].fd, buf, sizeof(buf), MSG_DONTWAIT);
			if (r < 0 && errno == EAGAIN)
				continue;
			/* EOF: half closed, as the module's peer stays (no
			 * half close there), until the connection ends
			 */
			if (!r) {
				p[i].events = 0;
				continue;
			}
			/* an error, a hangup, or 'Q': this side closes */
			if (r < 0 || memchr(buf, 'Q', r)) {
				close(p[i].fd);
				p[i--] = p[--n];
				continue;
			}
			if (send(p[i].fd, buf, r, MSG_NOSIGNAL) != r) {
				close(p[i].fd);
				p[i--] = p[--n];
			}
		}
	}
	for (i = 2; i < n; i++)
		close(p[i].fd);
	return NULL;
}

static int lecho_start(struct lecho *l)
{
	struct sockaddr_in sin = qt_sin(0);
	socklen_t sl = sizeof(sin);

	l->lfd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (l->lfd < 0 || bind(l->lfd, (struct sockaddr *)&sin, sizeof(sin)) ||
	    listen(l->lfd, 16) || pipe(l->stop) ||
	    getsockname(l->lfd, (struct sockaddr *)&sin, &sl))
		return -1;
	l->port = ntohs(sin.sin_port);
	return pthread_create(&l->th, NULL, lecho_run, l) ? -1 : 0;
}

static void lecho_stop(struct lecho *l)
{
	if (write(l->stop[1], "x", 1) == 1)
		pthread_join(l->th, NULL);
	close(l->lfd);
	close(l->stop[0]);
	close(l->stop[1]);
}

/* ---- one family's view ---- */

struct env {
	bool qt;			/* AF_QTCPIP, else AF_INET */
	const struct qt_mod *m;
	int echo;			/* echo server port */
	int listen_port;		/* for a listener of our own */
};

/* What the calls of a case returned, in order. */
#define OBS_MAX		48

struct obs {
	int n;
	char what[OBS_MAX][64];
	long v[OBS_MAX];
};

static void obs_add(struct obs *o, const char *what, long v)
{
	if (o->n == OBS_MAX)
		return;
	snprintf(o->what[o->n], sizeof(o->what[0]), "%s", what);
	o->v[o->n++] = v;
}

/* 0, or the errno of a call that returned -1 */
#define RC(call)	((call) < 0 ? errno : 0)

static int env_socket(const struct env *e, int type)
{
	int fd;

	if (e->qt)
		return qt_socket(e->m->ifname, type, QTCPIP_MODE_BUFFER);
	fd = socket(AF_INET, type | SOCK_CLOEXEC, 0);
	return fd < 0 ? -errno : fd;
}

static int env_connect(const struct env *e, int fd, int port)
{
	struct sockaddr_in sin = qt_sin(port);

	(void)e;
	return RC(connect(fd, (struct sockaddr *)&sin, sizeof(sin)));
}

/* The peer closes the connection of fd. */
static int env_peer_close(const struct env *e, int fd)
{
	if (e->qt)
		return qt_emu(e->m->ctl, "close %d", qt_conn_id(fd));
	return send(fd, "Q", 1, MSG_NOSIGNAL) == 1 ? 0 : -1;
}

static int local_port(int fd)
{
	struct sockaddr_in sin;
	socklen_t sl = sizeof(sin);

	memset(&sin, 0xff, sizeof(sin));
	if (getsockname(fd, (struct sockaddr *)&sin, &sl))
		return -errno;
	return sin.sin_family == AF_INET ? ntohs(sin.sin_port) : -1000;
}

static int peer_port(int fd)
{
	struct sockaddr_in sin;
	socklen_t sl = sizeof(sin);

	if (getpeername(fd, (struct sockaddr *)&sin, &sl))
		return -errno;
	return sin.sin_family == AF_INET ? ntohs(sin.sin_port) : -1000;
}

static int get_int(int fd, int level, int opt)
{
	int v = -12345;
	socklen_t l = sizeof(v);

	if (getsockopt(fd, level, opt, &v, &l))
		return -errno;
	return l == sizeof(v) ? v : -1000;
}

/* setsockopt's errno, then what getsockopt reads back */
static void set_get(struct obs *o, int fd, const char *what, int level,
		    int opt, int v)
{
	char w[64];

	snprintf(w, sizeof(w), "set %s %d", what, v);
	obs_add(o, w, RC(setsockopt(fd, level, opt, &v, sizeof(v))));
	snprintf(w, sizeof(w), "get %s", what);
	obs_add(o, w, get_int(fd, level, opt));
}

static volatile sig_atomic_t sigpipes;

static void on_sigpipe(int sig)
{
	(void)sig;
	sigpipes++;
}

static void sigpipe_count(bool on)
{
	struct sigaction sa = { .sa_handler = on ? on_sigpipe : SIG_IGN };

	sigemptyset(&sa.sa_mask);
	sigaction(SIGPIPE, &sa, NULL);
	sigpipes = 0;
}

/* A send after the connection ended: EPIPE, and SIGPIPE unless
 * MSG_NOSIGNAL. AF_INET's first send may still go (the peer answers it
 * with a reset): a few tries.
 */
static void send_epipe(struct obs *o, int fd)
{
	int i, err = 0;

	sigpipe_count(true);
	for (i = 0; i < 5; i++) {
		err = RC(send(fd, "x", 1, 0));
		if (err)
			break;
		usleep(100 * 1000);
	}
	obs_add(o, "send once closed", err);
	obs_add(o, "  SIGPIPE", sigpipes > 0);
	sigpipes = 0;
	obs_add(o, "send MSG_NOSIGNAL", RC(send(fd, "x", 1, MSG_NOSIGNAL)));
	obs_add(o, "  SIGPIPE", sigpipes);
	sigpipe_count(false);
}

/* ---- the cases: the same calls on either family ---- */

#define PALL	(POLLIN | POLLOUT | POLLRDHUP)

/* Never connected: poll, recv, shutdown, getpeername. */
static void case_unconnected(const struct env *e, struct obs *o)
{
	int fd = env_socket(e, SOCK_STREAM), u = env_socket(e, SOCK_DGRAM);
	char c;

	obs_add(o, "stream poll", qt_poll1(fd, PALL, 0));
	obs_add(o, "dgram poll", qt_poll1(u, PALL, 0));
	obs_add(o, "recv", RC(recv(fd, &c, 1, MSG_DONTWAIT)));
	obs_add(o, "shutdown", RC(shutdown(fd, SHUT_RDWR)));
	obs_add(o, "getpeername", peer_port(fd));
	obs_add(o, "SO_ERROR", qt_so_error(fd));
	close(fd);
	close(u);
}

/* curl's and libmosquitto's sequence, the connection refused. */
static void case_refused(const struct env *e, struct obs *o)
{
	int fd = env_socket(e, SOCK_STREAM);

	qt_nonblock(fd, true);
	obs_add(o, "connect", env_connect(e, fd, 1));
	obs_add(o, "poll POLLOUT", qt_poll1(fd, POLLOUT, 15000));
	obs_add(o, "poll all", qt_poll1(fd, PALL, 0));
	obs_add(o, "SO_ERROR", qt_so_error(fd));
	obs_add(o, "SO_ERROR again", qt_so_error(fd));
	/* the dead socket: no poll that blocks forever */
	obs_add(o, "poll after SO_ERROR", qt_poll1(fd, PALL, 1000));
	obs_add(o, "connect again", env_connect(e, fd, 1));
	obs_add(o, "poll after connect", qt_poll1(fd, PALL, 0));
	obs_add(o, "shutdown", RC(shutdown(fd, SHUT_WR)));
	close(fd);
}

/* The same sequence, connected: connect() reports it once, then EISCONN;
 * the local port is the module's.
 */
static void case_connect(const struct env *e, struct obs *o)
{
	int fd = env_socket(e, SOCK_STREAM), port;

	qt_nonblock(fd, true);
	obs_add(o, "connect", env_connect(e, fd, e->echo));
	obs_add(o, "poll POLLOUT", qt_poll1(fd, POLLOUT, 15000));
	obs_add(o, "SO_ERROR", qt_so_error(fd));
	obs_add(o, "connect again", env_connect(e, fd, e->echo));
	obs_add(o, "connect 3rd", env_connect(e, fd, e->echo));
	obs_add(o, "getpeername port is echo", peer_port(fd) == e->echo);
	port = local_port(fd);
	obs_add(o, "getsockname port > 0", port > 0);
	if (e->qt) {
		char r[QT_EMU_REPLY_MAX];

		/* the port the module reports */
		qt_emu_cmd(e->m->ctl, r, sizeof(r), "state %d",
			   qt_conn_id(fd));
		obs_add(o, "getsockname port is the module's",
			port == qt_kv(r, "lport", -1));
	} else {
		obs_add(o, "getsockname port is the module's", 1);
	}
	obs_add(o, "SO_ACCEPTCONN connected",
		get_int(fd, SOL_SOCKET, SO_ACCEPTCONN));
	obs_add(o, "TCP_NODELAY once connected",
		RC(qt_set_int(fd, IPPROTO_TCP, TCP_NODELAY, 1)));
	qt_nonblock(fd, false);
	obs_add(o, "poll all", qt_poll1(fd, PALL, 0));
	close(fd);
}

/* The peer closes: EOF, the peer still known, EPIPE with SIGPIPE. */
static void case_peer_close(const struct env *e, struct obs *o)
{
	int fd = env_socket(e, SOCK_STREAM);
	char buf[8];

	obs_add(o, "connect", env_connect(e, fd, e->echo));
	obs_add(o, "send", send(fd, "ab", 2, 0));
	qt_set_timeo(fd, SO_RCVTIMEO, 15000);
	obs_add(o, "recv echo", recv(fd, buf, 2, MSG_WAITALL));
	obs_add(o, "peer close", env_peer_close(e, fd));
	obs_add(o, "poll RDHUP", !!(qt_poll1(fd, POLLRDHUP, 15000) & POLLRDHUP));
	obs_add(o, "recv EOF", recv(fd, buf, sizeof(buf), 0));
	obs_add(o, "getpeername port is echo", peer_port(fd) == e->echo);
	send_epipe(o, fd);
	close(fd);
}

/* bind(): the port shows, a port is taken once, a socket binds once. */
static void case_bind(const struct env *e, struct obs *o, int port)
{
	struct sockaddr_in sin = qt_sin(port), any = qt_sin(0);
	int a = env_socket(e, SOCK_STREAM), b = env_socket(e, SOCK_STREAM);
	int c = env_socket(e, SOCK_STREAM);

	sin.sin_addr.s_addr = htonl(INADDR_ANY);
	any.sin_addr.s_addr = htonl(INADDR_ANY);
	obs_add(o, "bind", RC(bind(a, (struct sockaddr *)&sin, sizeof(sin))));
	obs_add(o, "getsockname port is bound", local_port(a) == port);
	obs_add(o, "bind again", RC(bind(a, (struct sockaddr *)&sin,
					  sizeof(sin))));
	obs_add(o, "bind other socket",
		RC(bind(b, (struct sockaddr *)&sin, sizeof(sin))));
	close(a);
	obs_add(o, "bind once closed",
		RC(bind(b, (struct sockaddr *)&sin, sizeof(sin))));
	obs_add(o, "bind port 0", RC(bind(c, (struct sockaddr *)&any,
					  sizeof(any))));
	obs_add(o, "bind port 0 again",
		RC(bind(c, (struct sockaddr *)&any, sizeof(any))));
	close(b);
	close(c);
}

/* A listener: SO_ACCEPTCONN, its port and its connections', shutdown. */
static void case_listen(const struct env *e, struct obs *o)
{
	struct sockaddr_in sin = qt_sin(e->listen_port);
	int l = env_socket(e, SOCK_STREAM), c = env_socket(e, SOCK_STREAM), a;

	sin.sin_addr.s_addr = htonl(INADDR_ANY);
	obs_add(o, "SO_ACCEPTCONN before", get_int(l, SOL_SOCKET,
						   SO_ACCEPTCONN));
	obs_add(o, "bind", RC(bind(l, (struct sockaddr *)&sin, sizeof(sin))));
	obs_add(o, "listen", RC(listen(l, 4)));
	obs_add(o, "SO_ACCEPTCONN", get_int(l, SOL_SOCKET, SO_ACCEPTCONN));
	obs_add(o, "getsockname port is bound",
		local_port(l) == e->listen_port);
	obs_add(o, "connect", env_connect(e, c, e->listen_port));
	qt_set_timeo(l, SO_RCVTIMEO, 15000);
	a = accept(l, NULL, NULL);
	obs_add(o, "accept", a < 0 ? errno : 0);
	obs_add(o, "accepted: getsockname port is the listener's",
		local_port(a) == e->listen_port);
	obs_add(o, "accepted: SO_ACCEPTCONN", get_int(a, SOL_SOCKET,
						      SO_ACCEPTCONN));
	close(a);
	close(c);
	/* what wakes a thread blocked in accept() */
	qt_set_timeo(l, SO_RCVTIMEO, 2000);
	obs_add(o, "shutdown", RC(shutdown(l, SHUT_RDWR)));
	/* TCP_CLOSE, as tcp_disconnect() leaves a listener */
	obs_add(o, "SO_ACCEPTCONN after shutdown",
		get_int(l, SOL_SOCKET, SO_ACCEPTCONN));
	obs_add(o, "poll after shutdown", qt_poll1(l, PALL, 0));
	obs_add(o, "accept after shutdown", RC(accept(l, NULL, NULL)));
	close(l);
}

/* A bound datagram socket (on the UC20 a UDP SERVICE): no listener. */
static void case_udp_bound(const struct env *e, struct obs *o)
{
	struct sockaddr_in sin = qt_sin(e->listen_port);
	int u = env_socket(e, SOCK_DGRAM);

	sin.sin_addr.s_addr = htonl(INADDR_ANY);
	obs_add(o, "SO_ACCEPTCONN before", get_int(u, SOL_SOCKET,
						   SO_ACCEPTCONN));
	obs_add(o, "bind", RC(bind(u, (struct sockaddr *)&sin, sizeof(sin))));
	obs_add(o, "SO_ACCEPTCONN", get_int(u, SOL_SOCKET, SO_ACCEPTCONN));
	obs_add(o, "listen", RC(listen(u, 4)));
	obs_add(o, "SO_ACCEPTCONN after listen",
		get_int(u, SOL_SOCKET, SO_ACCEPTCONN));
	obs_add(o, "accept", RC(accept(u, NULL, NULL)));
	close(u);
}

/* Options real programs set, before connect, and what reads back. */
static void case_options(const struct env *e, struct obs *o)
{
	int fd = env_socket(e, SOCK_STREAM), u = env_socket(e, SOCK_DGRAM);
	struct linger lg = { .l_onoff = 1, .l_linger = 5 }, lg2 = { 0, 0 };
	struct timeval tv = { .tv_sec = 1, .tv_usec = 500000 }, tv2 = { 0, 0 };
	socklen_t l;

	/* AF_INET's defaults */
	obs_add(o, "TCP_NODELAY", get_int(fd, IPPROTO_TCP, TCP_NODELAY));
	obs_add(o, "TCP_KEEPIDLE", get_int(fd, IPPROTO_TCP, TCP_KEEPIDLE));
	obs_add(o, "TCP_KEEPINTVL", get_int(fd, IPPROTO_TCP, TCP_KEEPINTVL));
	obs_add(o, "TCP_KEEPCNT", get_int(fd, IPPROTO_TCP, TCP_KEEPCNT));
	obs_add(o, "IP_TOS", get_int(fd, IPPROTO_IP, IP_TOS));
	obs_add(o, "IP_TTL", get_int(fd, IPPROTO_IP, IP_TTL));
	obs_add(o, "SO_KEEPALIVE", get_int(fd, SOL_SOCKET, SO_KEEPALIVE));
	obs_add(o, "SO_TYPE", get_int(fd, SOL_SOCKET, SO_TYPE));
	obs_add(o, "SO_PROTOCOL", get_int(fd, SOL_SOCKET, SO_PROTOCOL));
	obs_add(o, "SO_ERROR", get_int(fd, SOL_SOCKET, SO_ERROR));
	obs_add(o, "SO_ACCEPTCONN", get_int(fd, SOL_SOCKET, SO_ACCEPTCONN));
	/* set and read back */
	set_get(o, fd, "TCP_NODELAY", IPPROTO_TCP, TCP_NODELAY, 1);
	set_get(o, fd, "TCP_KEEPIDLE", IPPROTO_TCP, TCP_KEEPIDLE, 60);
	set_get(o, fd, "TCP_KEEPINTVL", IPPROTO_TCP, TCP_KEEPINTVL, 10);
	set_get(o, fd, "TCP_KEEPCNT", IPPROTO_TCP, TCP_KEEPCNT, 5);
	set_get(o, fd, "TCP_KEEPIDLE", IPPROTO_TCP, TCP_KEEPIDLE, 0);
	set_get(o, fd, "TCP_KEEPCNT", IPPROTO_TCP, TCP_KEEPCNT, 128);
	set_get(o, fd, "IP_TOS", IPPROTO_IP, IP_TOS, 0x10);
	set_get(o, fd, "IP_TOS", IPPROTO_IP, IP_TOS, 0xb9);
	set_get(o, fd, "IP_TTL", IPPROTO_IP, IP_TTL, 32);
	set_get(o, fd, "IP_TTL", IPPROTO_IP, IP_TTL, 0);
	set_get(o, fd, "IP_TTL", IPPROTO_IP, IP_TTL, 256);
	set_get(o, fd, "SO_KEEPALIVE", SOL_SOCKET, SO_KEEPALIVE, 1);
	set_get(o, fd, "SO_REUSEADDR", SOL_SOCKET, SO_REUSEADDR, 1);
	obs_add(o, "set SO_LINGER", RC(setsockopt(fd, SOL_SOCKET, SO_LINGER,
						  &lg, sizeof(lg))));
	l = sizeof(lg2);
	getsockopt(fd, SOL_SOCKET, SO_LINGER, &lg2, &l);
	obs_add(o, "get SO_LINGER", lg2.l_onoff * 1000 + lg2.l_linger);
	obs_add(o, "set SO_RCVTIMEO", RC(setsockopt(fd, SOL_SOCKET,
						    SO_RCVTIMEO, &tv,
						    sizeof(tv))));
	l = sizeof(tv2);
	getsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv2, &l);
	obs_add(o, "get SO_RCVTIMEO ms", tv2.tv_sec * 1000 +
		tv2.tv_usec / 1000);
	/* options nobody knows */
	set_get(o, fd, "IPPROTO_TCP 9999", IPPROTO_TCP, 9999, 1);
	set_get(o, fd, "IPPROTO_IP 9999", IPPROTO_IP, 9999, 1);
	/* a datagram socket */
	set_get(o, u, "udp TCP_NODELAY", IPPROTO_TCP, TCP_NODELAY, 1);
	set_get(o, u, "udp IP_TOS", IPPROTO_IP, IP_TOS, 0x10);
	obs_add(o, "udp SO_TYPE", get_int(u, SOL_SOCKET, SO_TYPE));
	obs_add(o, "udp SO_PROTOCOL", get_int(u, SOL_SOCKET, SO_PROTOCOL));
	close(fd);
	close(u);
}

/* shutdown of a connection: the module has no half close (qtcpip.rst),
 * but what the caller sees is AF_INET's.
 */
static void case_shutdown(const struct env *e, struct obs *o)
{
	int fd = env_socket(e, SOCK_STREAM);
	char buf[8];

	obs_add(o, "connect", env_connect(e, fd, e->echo));
	obs_add(o, "send", send(fd, "ab", 2, 0));
	qt_set_timeo(fd, SO_RCVTIMEO, 15000);
	obs_add(o, "recv echo", recv(fd, buf, 2, MSG_WAITALL));
	obs_add(o, "poll all", qt_poll1(fd, PALL, 0));
	obs_add(o, "SHUT_WR", RC(shutdown(fd, SHUT_WR)));
	obs_add(o, "poll POLLOUT", qt_poll1(fd, POLLOUT, 0));
	send_epipe(o, fd);
	obs_add(o, "SHUT_RD", RC(shutdown(fd, SHUT_RD)));
	obs_add(o, "recv", recv(fd, buf, sizeof(buf), 0));
	obs_add(o, "poll all", qt_poll1(fd, PALL, 0));
	close(fd);
}

/* ---- the fixture: both families on one slot ---- */

FIXTURE(inet) {
	struct qt_mod m;
	struct lecho l;
	struct env qt, in;
};

FIXTURE_VARIANT(inet) {
	int slot;
};

#if QT_SLOT_ON(0)
FIXTURE_VARIANT_ADD(inet, slot0) { .slot = 0 };
#endif
#if QT_SLOT_ON(1)
FIXTURE_VARIANT_ADD(inet, slot1) { .slot = 1 };
#endif

FIXTURE_SETUP(inet)
{
	const char *v = getenv("QTCPIP_PORT_BASE");

	self->l.lfd = -1;
	QT_ATTACH(&self->m, variant->slot, 115200);
	ASSERT_EQ(0, lecho_start(&self->l));
	self->qt.qt = true;
	self->qt.m = &self->m;
	self->qt.echo = qt_srv("TCP_ECHO");
	ASSERT_LT(0, self->qt.echo);
	/* a host port of this run's range (server_test: the first 13) */
	self->qt.listen_port = (v && atoi(v) > 0 ? atoi(v) : 21000) + 15;
	self->in.echo = self->l.port;
	self->in.listen_port = self->qt.listen_port;
}

FIXTURE_TEARDOWN(inet)
{
	if (self->l.lfd >= 0)
		lecho_stop(&self->l);
	QT_DETACH(&self->m);
}

/* Both records the same, entry by entry. */
static void obs_compare(struct __test_metadata *_metadata,
			const struct obs *in, const struct obs *qt)
{
	int i, differ = 0;

	ASSERT_EQ(in->n, qt->n);
	for (i = 0; i < in->n; i++) {
		if (in->v[i] == qt->v[i])
			continue;
		TH_LOG("%s: AF_INET %ld (%#lx), AF_QTCPIP %ld (%#lx)",
		       in->what[i], in->v[i], in->v[i], qt->v[i], qt->v[i]);
		differ++;
	}
	EXPECT_EQ(0, differ);
}

#define SIDE_BY_SIDE(fn, ...) do {					\
	struct obs _in = { 0 }, _qt = { 0 };				\
									\
	fn(&self->in, &_in, ##__VA_ARGS__);				\
	fn(&self->qt, &_qt, ##__VA_ARGS__);				\
	obs_compare(_metadata, &_in, &_qt);				\
} while (0)

QT_TEST_F(inet, unconnected, 60)
{
	SIDE_BY_SIDE(case_unconnected);
}

QT_TEST_F(inet, nonblocking_connect_refused, 60)
{
	SIDE_BY_SIDE(case_refused);
}

QT_TEST_F(inet, nonblocking_connect, 60)
{
	struct sockaddr_in sin = qt_sin(self->qt.echo);
	int fd;

	SIDE_BY_SIDE(case_connect);
	/* The module only: a connect() while +QIOPEN is pending says
	 * EALREADY (AF_INET's loopback handshake is over before it can).
	 */
	ASSERT_EQ(0, qt_emu(self->m.ctl, "set open_delay_ms 1000"));
	fd = env_socket(&self->qt, SOCK_STREAM);
	qt_nonblock(fd, true);
	EXPECT_EQ(EINPROGRESS, env_connect(&self->qt, fd, self->qt.echo));
	EXPECT_EQ(0, qt_poll1(fd, PALL, 0));
	EXPECT_EQ(-1, connect(fd, (struct sockaddr *)&sin, sizeof(sin)));
	EXPECT_EQ(EALREADY, errno);
	EXPECT_EQ(POLLOUT, qt_poll1(fd, POLLOUT, 15000));
	EXPECT_EQ(0, connect(fd, (struct sockaddr *)&sin, sizeof(sin)));
	EXPECT_EQ(0, qt_emu(self->m.ctl, "set open_delay_ms 0"));
	close(fd);
}

QT_TEST_F(inet, peer_close, 90)
{
	SIDE_BY_SIDE(case_peer_close);
}

QT_TEST_F(inet, bind, 60)
{
	struct sockaddr_in sin = qt_sin(0);
	socklen_t sl = sizeof(sin);
	int fd, port;

	/* a port free on the guest's loopback */
	fd = socket(AF_INET, SOCK_STREAM, 0);
	ASSERT_EQ(0, bind(fd, (struct sockaddr *)&sin, sizeof(sin)));
	ASSERT_EQ(0, getsockname(fd, (struct sockaddr *)&sin, &sl));
	port = ntohs(sin.sin_port);
	close(fd);
	SIDE_BY_SIDE(case_bind, port);
}

QT_TEST_F(inet, listener, 90)
{
	if (!self->m.uc20)
		SKIP(return, "the BC66 has no TCP LISTENER");
	SIDE_BY_SIDE(case_listen);
}

QT_TEST_F(inet, udp_bound_is_no_listener, 60)
{
	SIDE_BY_SIDE(case_udp_bound);
}

QT_TEST_F(inet, options, 60)
{
	int in, qt;

	SIDE_BY_SIDE(case_options);
	/* Documented differences: the family is the module's; options of
	 * AF_INET's own TCP (no equivalent in the module) are refused.
	 */
	in = env_socket(&self->in, SOCK_STREAM);
	qt = env_socket(&self->qt, SOCK_STREAM);
	EXPECT_EQ(AF_INET, get_int(in, SOL_SOCKET, SO_DOMAIN));
	EXPECT_EQ(qt_family(), get_int(qt, SOL_SOCKET, SO_DOMAIN));
	EXPECT_EQ(0, RC(qt_set_int(in, IPPROTO_TCP, TCP_USER_TIMEOUT, 1000)));
	EXPECT_EQ(ENOPROTOOPT, RC(qt_set_int(qt, IPPROTO_TCP,
					     TCP_USER_TIMEOUT, 1000)));
	EXPECT_EQ(0, RC(qt_set_int(in, IPPROTO_TCP, TCP_CORK, 1)));
	EXPECT_EQ(ENOPROTOOPT, RC(qt_set_int(qt, IPPROTO_TCP, TCP_CORK, 1)));
	EXPECT_LT(0, get_int(in, IPPROTO_TCP, TCP_MAXSEG));
	EXPECT_EQ(-ENOPROTOOPT, get_int(qt, IPPROTO_TCP, TCP_MAXSEG));
	close(in);
	close(qt);
}

QT_TEST_F(inet, shutdown, 60)
{
	SIDE_BY_SIDE(case_shutdown);
}

TEST_HARNESS_MAIN
