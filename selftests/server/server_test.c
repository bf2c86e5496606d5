// SPDX-License-Identifier: GPL-2.0
/* UC20 server sockets: TCP LISTENER with listen/accept, UDP SERVICE with
 * sendto/recvfrom; and the BC66 refusing both.
 *
 * The clients are the module's own client connections to its own
 * listener: each is a real socket of the emulator on the host's loopback,
 * so the listener serves host clients while the test stays in the guest.
 * Slot 1 (ttyS2) must hold a UC20, slot 0 (ttyS1) a BC66.
 */
#include <signal.h>

#include "kselftest_harness.h"
#include "qt_sock.h"

/* The listeners' ports are real ports of the host the emulator runs on:
 * run-guest gives each run its own when runs cannot have a network
 * namespace each.
 */
#define PORT_BASE	qt_port_base()

static int qt_port_base(void)
{
	const char *v = getenv("QTCPIP_PORT_BASE");

	return v && atoi(v) > 0 ? atoi(v) : 21000;
}

/* listen(): EALREADY while the module still closes the socket's last
 * connectID; retried for up to 5 s. Returns listen()'s result.
 */
static int listen_after_close(int fd, int backlog)
{
	int r = -1, i;

	for (i = 0; i < 50; i++) {
		r = listen(fd, backlog);
		if (r == 0 || errno != EALREADY)
			break;
		usleep(100 * 1000);
	}
	return r;
}

FIXTURE(uc20)
{
	struct qt_mod m;
};

FIXTURE_SETUP(uc20)
{
	QT_ATTACH(&self->m, 1, 115200);
	if (!self->m.uc20)
		SKIP(return, "slot 1 holds no UC20");
}

FIXTURE_TEARDOWN(uc20)
{
	QT_DETACH(&self->m);
}

static int qt_listener(struct __test_metadata *_metadata,
		       const struct qt_mod *m, int port, int backlog)
{
	struct sockaddr_in sin = { .sin_family = AF_INET };
	int fd = qt_socket(m->ifname, SOCK_STREAM, -1);

	EXPECT_LE(0, fd);
	sin.sin_port = htons(port);
	EXPECT_EQ(0, bind(fd, (struct sockaddr *)&sin, sizeof(sin)))
		TH_LOG("bind: %s", strerror(errno));
	EXPECT_EQ(0, listen(fd, backlog)) TH_LOG("listen: %s", strerror(errno));
	return fd;
}

QT_TEST_F(uc20, listen_accept_echo_both_ways, 120)
{
	int port = PORT_BASE + 1, lfd, cfd, afd, id;
	unsigned char tx[3000], rx[3000];
	struct sockaddr_in peer;
	socklen_t plen = sizeof(peer);

	lfd = qt_listener(_metadata, &self->m, port, 4);
	/* Nothing to accept yet: a non-blocking accept says so. */
	qt_nonblock(lfd, true);
	EXPECT_EQ(-1, accept(lfd, NULL, NULL));
	EXPECT_EQ(EAGAIN, errno);
	EXPECT_EQ(0, qt_poll1(lfd, POLLIN, 0) & POLLIN);

	cfd = qt_open(&self->m, SOCK_STREAM, -1, port);
	ASSERT_LE(0, cfd) TH_LOG("client connect: %s", strerror(-cfd));
	/* poll on a listener: readable once accept will not block. */
	ASSERT_EQ(POLLIN, qt_poll1(lfd, POLLIN, 10000) & POLLIN);
	afd = accept(lfd, (struct sockaddr *)&peer, &plen);
	ASSERT_LE(0, afd) TH_LOG("accept: %s", strerror(errno));
	EXPECT_EQ(AF_INET, peer.sin_family);
	EXPECT_EQ(htonl(INADDR_LOOPBACK), peer.sin_addr.s_addr);
	EXPECT_NE(0, peer.sin_port);
	id = qt_conn_id(afd);
	EXPECT_LE(0, id);
	EXPECT_NE(qt_conn_id(cfd), id);

	/* Byte-exact, both directions, every byte value. */
	qt_fill(tx, sizeof(tx), 7);
	ASSERT_EQ(0, qt_xfer(cfd, tx, sizeof(tx), NULL, 0, 30000));
	ASSERT_EQ(0, qt_xfer(afd, NULL, 0, rx, sizeof(rx), 30000));
	EXPECT_EQ(0, memcmp(tx, rx, sizeof(tx)));
	qt_fill(tx, sizeof(tx), 8);
	ASSERT_EQ(0, qt_xfer(afd, tx, sizeof(tx), NULL, 0, 30000));
	ASSERT_EQ(0, qt_xfer(cfd, NULL, 0, rx, sizeof(rx), 30000));
	EXPECT_EQ(0, memcmp(tx, rx, sizeof(tx)));

	/* The client leaves: the accepted socket reads EOF. */
	close(cfd);
	EXPECT_EQ(POLLIN, qt_poll1(afd, POLLIN, 20000) & POLLIN);
	EXPECT_EQ(0, recv(afd, rx, sizeof(rx), 0));
	close(afd);
	close(lfd);
}

QT_TEST_F(uc20, many_clients_in_turn_and_at_once, 300)
{
	int port = PORT_BASE + 2, lfd, i, n = 5;
	int cfd[5], afd[5];
	unsigned char tx[500], rx[500];

	lfd = qt_listener(_metadata, &self->m, port, 8);
	/* In turn. */
	for (i = 0; i < 4; i++) {
		int c = qt_open(&self->m, SOCK_STREAM, -1, port), a;

		ASSERT_LE(0, c) TH_LOG("client %d: %s", i, strerror(-c));
		ASSERT_EQ(POLLIN, qt_poll1(lfd, POLLIN, 10000) & POLLIN);
		a = accept(lfd, NULL, NULL);
		ASSERT_LE(0, a);
		qt_fill(tx, sizeof(tx), 100 + i);
		ASSERT_EQ(0, qt_xfer(c, tx, sizeof(tx), NULL, 0, 20000));
		ASSERT_EQ(0, qt_xfer(a, NULL, 0, rx, sizeof(rx), 20000));
		EXPECT_EQ(0, memcmp(tx, rx, sizeof(tx)));
		close(c);
		close(a);
	}
	/* At once: 1 listener + 5 clients + 5 accepted = 11 of 12 ids. */
	for (i = 0; i < n; i++) {
		cfd[i] = qt_open(&self->m, SOCK_STREAM, -1, port);
		ASSERT_LE(0, cfd[i]) TH_LOG("client %d: %s", i, strerror(-cfd[i]));
	}
	for (i = 0; i < n; i++) {
		ASSERT_EQ(POLLIN, qt_poll1(lfd, POLLIN, 10000) & POLLIN);
		afd[i] = accept(lfd, NULL, NULL);
		ASSERT_LE(0, afd[i]);
	}
	/* Each client talks; the bytes reach exactly one accepted socket. */
	for (i = 0; i < n; i++) {
		char msg[32], got[32] = "";
		int j, k, found = 0;

		k = snprintf(msg, sizeof(msg), "client %d", i);
		ASSERT_EQ(k, send(cfd[i], msg, k, 0));
		for (j = 0; j < n && !found; j++) {
			if (!(qt_poll1(afd[j], POLLIN, j ? 200 : 5000) & POLLIN))
				continue;
			ASSERT_EQ(0, qt_xfer(afd[j], NULL, 0, got, k, 5000));
			EXPECT_EQ(0, memcmp(msg, got, k));
			found = 1;
		}
		EXPECT_EQ(1, found) TH_LOG("%s reached no accepted socket", msg);
	}
	for (i = 0; i < n; i++) {
		close(cfd[i]);
		close(afd[i]);
	}
	close(lfd);
}

QT_TEST_F(uc20, backlog_overflow_closed_and_counted, 120)
{
	int port = PORT_BASE + 3, lfd, c[3], i, a;
	unsigned int dropped = 0;
	socklen_t len = sizeof(dropped);
	char buf[8];

	lfd = qt_listener(_metadata, &self->m, port, 1);
	for (i = 0; i < 3; i++) {
		c[i] = qt_open(&self->m, SOCK_STREAM, -1, port);
		ASSERT_LE(0, c[i]);
	}
	/* Two of three found no room: the driver closed them. */
	for (i = 0; i < 100; i++) {
		ASSERT_EQ(0, getsockopt(lfd, SOL_QTCPIP, QTCPIP_ACCEPT_DROPPED,
					&dropped, &len));
		if (dropped == 2)
			break;
		usleep(100000);
	}
	EXPECT_EQ(2, dropped);
	a = accept(lfd, NULL, NULL);
	ASSERT_LE(0, a);
	/* The clients of the closed connections see them end. */
	for (i = 1; i < 3; i++) {
		EXPECT_NE(0, qt_poll1(c[i], POLLIN, 20000) & (POLLIN | POLLHUP));
		EXPECT_GE(0, recv(c[i], buf, sizeof(buf), MSG_DONTWAIT));
	}
	for (i = 0; i < 3; i++)
		close(c[i]);
	close(a);
	close(lfd);
}

QT_TEST_F(uc20, closing_listener_closes_pending, 120)
{
	int port = PORT_BASE + 4, lfd, c;
	char buf[8];

	lfd = qt_listener(_metadata, &self->m, port, 4);
	c = qt_open(&self->m, SOCK_STREAM, -1, port);
	ASSERT_LE(0, c);
	ASSERT_EQ(POLLIN, qt_poll1(lfd, POLLIN, 10000) & POLLIN);
	close(lfd);	/* never accepted */
	EXPECT_NE(0, qt_poll1(c, POLLIN, 20000) & (POLLIN | POLLHUP));
	EXPECT_GE(0, recv(c, buf, sizeof(buf), MSG_DONTWAIT));
	close(c);
}

QT_TEST_F(uc20, udp_service_sendto_recvfrom, 120)
{
	int port = PORT_BASE + 5, sfd, c1, c2;
	struct sockaddr_in sin = { .sin_family = AF_INET }, from;
	socklen_t flen = sizeof(from);
	char buf[2000];
	unsigned char dg[1460];
	ssize_t n;

	sfd = qt_socket(self->m.ifname, SOCK_DGRAM, -1);
	ASSERT_LE(0, sfd);
	sin.sin_port = htons(port);
	ASSERT_EQ(0, bind(sfd, (struct sockaddr *)&sin, sizeof(sin)))
		TH_LOG("bind: %s", strerror(errno));
	/* Two peers, two UDP clients of the same module. */
	c1 = qt_open(&self->m, SOCK_DGRAM, -1, port);
	c2 = qt_open(&self->m, SOCK_DGRAM, -1, port);
	ASSERT_LE(0, c1);
	ASSERT_LE(0, c2);
	qt_fill(dg, sizeof(dg), 3);
	ASSERT_EQ((ssize_t)sizeof(dg), send(c1, dg, sizeof(dg), 0));
	ASSERT_EQ(5, send(c2, "peer2", 5, 0));

	ASSERT_EQ(POLLIN, qt_poll1(sfd, POLLIN, 10000) & POLLIN);
	n = recvfrom(sfd, buf, sizeof(buf), 0, (struct sockaddr *)&from, &flen);
	ASSERT_EQ((ssize_t)sizeof(dg), n) TH_LOG("boundary kept");
	EXPECT_EQ(0, memcmp(buf, dg, sizeof(dg)));
	EXPECT_EQ(AF_INET, from.sin_family);
	EXPECT_EQ(htonl(INADDR_LOOPBACK), from.sin_addr.s_addr);
	/* Answer that sender: only c1 gets it. */
	ASSERT_EQ(3, sendto(sfd, "one", 3, 0, (struct sockaddr *)&from, flen));

	ASSERT_EQ(POLLIN, qt_poll1(sfd, POLLIN, 10000) & POLLIN);
	flen = sizeof(from);
	n = recvfrom(sfd, buf, sizeof(buf), 0, (struct sockaddr *)&from, &flen);
	ASSERT_EQ(5, n);
	EXPECT_EQ(0, memcmp(buf, "peer2", 5));
	ASSERT_EQ(3, sendto(sfd, "two", 3, 0, (struct sockaddr *)&from, flen));

	ASSERT_EQ(POLLIN, qt_poll1(c1, POLLIN, 10000) & POLLIN);
	ASSERT_EQ(3, recv(c1, buf, sizeof(buf), 0));
	EXPECT_EQ(0, memcmp(buf, "one", 3));
	ASSERT_EQ(POLLIN, qt_poll1(c2, POLLIN, 10000) & POLLIN);
	ASSERT_EQ(3, recv(c2, buf, sizeof(buf), 0));
	EXPECT_EQ(0, memcmp(buf, "two", 3));
	/* No destination: a service needs one per datagram. */
	EXPECT_EQ(-1, send(sfd, "x", 1, 0));
	EXPECT_EQ(EDESTADDRREQ, errno);
	close(c1);
	close(c2);
	close(sfd);
}

/* shutdown(SHUT_RD) or SHUT_RDWR of a listener makes it TCP_CLOSE, as
 * AF_INET's: no listener any more (SO_ACCEPTCONN 0), accept() fails with
 * EINVAL, the connection nobody accepted ends, the module's listener is
 * closed (a new client is refused); the socket stays bound, and listen()
 * starts it again.
 */
QT_TEST_F(uc20, listener_shutdown_stops_listening, 180)
{
	static const int how[] = { SHUT_RDWR, SHUT_RD };
	int port = PORT_BASE + 6, lfd, c, a, k, r;
	char buf[8];

	for (k = 0; k < 2; k++) {
		lfd = qt_listener(_metadata, &self->m, port, 4);
		ASSERT_LE(0, lfd);
		EXPECT_EQ(1, qt_get_int(lfd, SOL_SOCKET, SO_ACCEPTCONN));
		c = qt_open(&self->m, SOCK_STREAM, -1, port);
		ASSERT_LE(0, c) TH_LOG("client: %s", strerror(-c));
		ASSERT_EQ(POLLIN, qt_poll1(lfd, POLLIN, 10000) & POLLIN);

		ASSERT_EQ(0, shutdown(lfd, how[k]));
		EXPECT_EQ(0, qt_get_int(lfd, SOL_SOCKET, SO_ACCEPTCONN))
			TH_LOG("how %d: still a listener", how[k]);
		EXPECT_EQ(-1, accept(lfd, NULL, NULL));
		EXPECT_EQ(EINVAL, errno) TH_LOG("accept: %s", strerror(errno));
		/* AF_INET's TCP_CLOSE: POLLOUT | POLLHUP */
		EXPECT_EQ(POLLOUT | POLLHUP,
			  qt_poll1(lfd, POLLIN | POLLOUT, 0));
		/* the pending connection was closed */
		EXPECT_NE(0, qt_poll1(c, POLLIN, 20000) & (POLLIN | POLLHUP));
		EXPECT_GE(0, recv(c, buf, sizeof(buf), MSG_DONTWAIT));
		close(c);
		/* the module no longer listens: a new client is refused */
		r = qt_open(&self->m, SOCK_STREAM, -1, port);
		EXPECT_GT(0, r) TH_LOG("a client got through");
		if (r >= 0)
			close(r);

		/* still bound: listen() again, once the close is done */
		r = listen_after_close(lfd, 4);
		EXPECT_EQ(0, r) TH_LOG("listen again: %s", strerror(errno));
		EXPECT_EQ(1, qt_get_int(lfd, SOL_SOCKET, SO_ACCEPTCONN));
		c = qt_open(&self->m, SOCK_STREAM, -1, port);
		ASSERT_LE(0, c) TH_LOG("client again: %s", strerror(-c));
		qt_set_timeo(lfd, SO_RCVTIMEO, 10000);
		a = accept(lfd, NULL, NULL);
		EXPECT_LE(0, a) TH_LOG("accept again: %s", strerror(errno));
		if (a >= 0)
			close(a);
		close(c);
		close(lfd);
	}
}

/* The module reports a UDP SERVICE closed (+QIURC: "closed"): in either
 * access mode (buffer mode: once what the module holds is read) it ends
 * as a connection does, EOF and POLLHUP, no error. Never a listener
 * (SO_ACCEPTCONN 0).
 */
QT_TEST_F(uc20, udp_service_closed_by_module, 120)
{
	static const int mode[] = { QTCPIP_MODE_BUFFER, QTCPIP_MODE_PUSH };
	struct sockaddr_in sin = { .sin_family = AF_INET };
	int port = PORT_BASE + 7, sfd, k;
	char buf[8];
	short re;

	sin.sin_port = htons(port);
	for (k = 0; k < 2; k++) {
		sfd = qt_socket(self->m.ifname, SOCK_DGRAM, mode[k]);
		ASSERT_LE(0, sfd);
		ASSERT_EQ(0, bind(sfd, (struct sockaddr *)&sin, sizeof(sin)))
			TH_LOG("bind: %s", strerror(errno));
		EXPECT_EQ(0, qt_get_int(sfd, SOL_SOCKET, SO_ACCEPTCONN));
		ASSERT_EQ(0, qt_emu(self->m.ctl, "close %d", qt_conn_id(sfd)));
		re = qt_poll1(sfd, POLLIN, 10000);
		EXPECT_EQ(POLLIN | POLLHUP, re & (POLLIN | POLLHUP | POLLERR))
			TH_LOG("mode %d: revents %#x", mode[k], re);
		EXPECT_EQ(0, recv(sfd, buf, sizeof(buf), MSG_DONTWAIT))
			TH_LOG("mode %d: recv: %s", mode[k], strerror(errno));
		EXPECT_EQ(0, qt_so_error(sfd));
		EXPECT_EQ(0, qt_get_int(sfd, SOL_SOCKET, SO_ACCEPTCONN));
		close(sfd);
	}
}

/* listen() that stops waiting for the module's +QIOPEN (here its
 * SO_SNDTIMEO) leaves nothing running: the late +QIOPEN must not turn the
 * socket into a connected one, and listen() works again afterwards.
 */
QT_TEST_F(uc20, listen_timed_out_leaves_no_open, 120)
{
	struct timeval tv = { .tv_usec = 300000 };
	struct sockaddr_in sin = { .sin_family = AF_INET };
	int port = PORT_BASE + 11, fd, r;

	ASSERT_EQ(0, qt_emu(self->m.ctl, "set open_delay_ms 2000"));
	fd = qt_socket(self->m.ifname, SOCK_STREAM, -1);
	ASSERT_LE(0, fd);
	sin.sin_port = htons(port);
	ASSERT_EQ(0, bind(fd, (struct sockaddr *)&sin, sizeof(sin)));
	ASSERT_EQ(0, setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv)));
	EXPECT_EQ(-1, listen(fd, 1));
	EXPECT_EQ(ETIMEDOUT, errno) TH_LOG("listen: %s", strerror(errno));
	usleep(3000 * 1000);	/* the module's +QIOPEN came meanwhile */
	EXPECT_EQ(-1, send(fd, "x", 1, MSG_DONTWAIT)) TH_LOG("not connected");
	EXPECT_EQ(ENOTCONN, errno) TH_LOG("send: %s", strerror(errno));
	ASSERT_EQ(0, qt_emu(self->m.ctl, "set open_delay_ms 0"));
	tv.tv_usec = 0;
	ASSERT_EQ(0, setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv)));
	/* Once the aborted open's connectID is given back, listen works. */
	r = listen_after_close(fd, 1);
	EXPECT_EQ(0, r) TH_LOG("listen again: %s", strerror(errno));
	close(fd);
}

static void qt_on_alarm(int sig)
{
}

/* The same for a UDP SERVICE whose bind() a signal interrupts. */
QT_TEST_F(uc20, bind_interrupted_leaves_no_open, 120)
{
	struct sigaction sa = { .sa_handler = qt_on_alarm };
	struct sockaddr_in sin = { .sin_family = AF_INET };
	int port = PORT_BASE + 12, fd;

	ASSERT_EQ(0, sigaction(SIGALRM, &sa, NULL));	/* no SA_RESTART */
	ASSERT_EQ(0, qt_emu(self->m.ctl, "set open_delay_ms 2000"));
	fd = qt_socket(self->m.ifname, SOCK_DGRAM, -1);
	ASSERT_LE(0, fd);
	sin.sin_port = htons(port);
	ualarm(300000, 0);
	EXPECT_EQ(-1, bind(fd, (struct sockaddr *)&sin, sizeof(sin)));
	EXPECT_EQ(EINTR, errno) TH_LOG("bind: %s", strerror(errno));
	usleep(3000 * 1000);
	ASSERT_EQ(0, qt_emu(self->m.ctl, "set open_delay_ms 0"));
	/* Unbound and unconnected: a datagram needs a destination. */
	EXPECT_EQ(-1, send(fd, "x", 1, MSG_DONTWAIT));
	EXPECT_EQ(EDESTADDRREQ, errno) TH_LOG("send: %s", strerror(errno));
	close(fd);
}

/* Transparent mode: the line carries one connection's bytes raw. */
QT_TEST_F(uc20, transparent_echo_and_leave, 240)
{
	int echo = qt_srv("TCP_ECHO"), fd, other, mode = QTCPIP_MODE_TRANSPARENT;
	size_t n = 32 * 1024;
	unsigned char *tx = malloc(n), *rx = malloc(n);
	long long t0, ms;
	char buf[16];

	ASSERT_LT(0, echo);
	fd = qt_socket(self->m.ifname, SOCK_STREAM, mode);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, qt_connect_port(fd, echo));

	/* Another socket's connect waits: the line is not the engine's. */
	other = qt_socket(self->m.ifname, SOCK_STREAM, -1);
	ASSERT_LE(0, other);
	qt_nonblock(other, true);
	EXPECT_EQ(-EINPROGRESS, qt_connect_port(other, echo));

	qt_fill(tx, n, 42);
	t0 = qt_now_ms();
	ASSERT_EQ(0, qt_xfer(fd, tx, n, rx, n, 120000));
	ms = qt_now_ms() - t0;
	EXPECT_EQ(-1, qt_diff(tx, rx, n)) TH_LOG("echo differs");
	/* 115200 baud 8N1 carries 11520 B/s each way. */
	TH_LOG("transparent echo: %zu bytes each way in %lld ms, %.3f of the line rate",
	       n, ms, (double)n * 1000 / ms / 11520);
	EXPECT_EQ(0, qt_poll1(other, POLLOUT, 0) & POLLOUT);

	/* Leave with "+++": buffer mode, the other socket gets its turn. */
	mode = QTCPIP_MODE_BUFFER;
	ASSERT_EQ(0, setsockopt(fd, SOL_QTCPIP, QTCPIP_ACCESS_MODE, &mode,
				sizeof(mode)));
	EXPECT_EQ(POLLOUT, qt_poll1(other, POLLOUT, 20000) & POLLOUT);
	EXPECT_EQ(0, qt_so_error(other));
	/* The same connection goes on in buffer mode. */
	ASSERT_EQ(0, qt_xfer(fd, "after", 5, buf, 5, 20000));
	EXPECT_EQ(0, memcmp(buf, "after", 5));
	close(other);
	close(fd);
	free(tx);
	free(rx);
}

/* Bulk download in transparent mode: the line's rate is the bound, with
 * no AT framing at all. A figure, printed; the test checks the bytes.
 */
QT_TEST_F(uc20, transparent_bulk_download, 120)
{
	int src = qt_srv("TCP_SOURCE"), fd, mode = QTCPIP_MODE_TRANSPARENT;
	size_t n = 48 * 1024, got = 0;
	unsigned char *rx = malloc(n), *want = malloc(n);
	uint32_t seed = 1;
	long long t0 = 0, t1;
	ssize_t r;

	ASSERT_LT(0, src);
	fd = qt_socket(self->m.ifname, SOCK_STREAM, mode);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, qt_connect_port(fd, src));
	while (got < n) {
		ASSERT_EQ(POLLIN, qt_poll1(fd, POLLIN, 10000) & POLLIN);
		r = recv(fd, rx + got, n - got, 0);
		ASSERT_LT(0, r);
		if (!got)
			t0 = qt_now_ms();	/* from the first byte */
		got += r;
	}
	t1 = qt_now_ms();
	qt_source_gen(want, n, &seed);
	EXPECT_EQ(-1, qt_diff(want, rx, n)) TH_LOG("the source's bytes differ");
	TH_LOG("transparent download: %zu bytes in %lld ms = %.0f B/s, %.3f of the 115200 baud line (11520 B/s)",
	       n, t1 - t0, (double)n * 1000 / (t1 - t0),
	       (double)n * 1000 / (t1 - t0) / 11520);
	close(fd);
	free(rx);
	free(want);
}

/* The same module on a slow line, where what the module still holds for a
 * transparent connection takes seconds to come out.
 */
FIXTURE(uc20_slow)
{
	struct qt_mod m;
};

FIXTURE_SETUP(uc20_slow)
{
	QT_ATTACH(&self->m, 1, 9600);
	if (!self->m.uc20)
		SKIP(return, "slot 1 holds no UC20");
}

FIXTURE_TEARDOWN(uc20_slow)
{
	QT_DETACH(&self->m);
}

/* Leaving transparent mode while the source keeps sending: the module
 * first sends what it holds (seconds at 9600 baud), then its OK to
 * "+++". The driver waits for it while bytes come, and the stream goes
 * on in buffer mode, byte-exact, with none of the module's answers in it.
 */
QT_TEST_F(uc20_slow, transparent_leave_while_module_flushes, 180)
{
	int src = qt_srv("TCP_SOURCE"), fd, mode = QTCPIP_MODE_TRANSPARENT;
	size_t n = 12 * 1024, got = 0;
	unsigned char *rx = malloc(n), *want = malloc(n);
	uint32_t seed = 1;
	long long t0;
	ssize_t r;

	ASSERT_LT(0, src);
	fd = qt_socket(self->m.ifname, SOCK_STREAM, mode);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, qt_connect_port(fd, src));
	while (got < 1024) {
		ASSERT_EQ(POLLIN, qt_poll1(fd, POLLIN, 10000) & POLLIN);
		r = recv(fd, rx + got, n - got, 0);
		ASSERT_LT(0, r);
		got += r;
	}
	mode = QTCPIP_MODE_BUFFER;
	t0 = qt_now_ms();
	ASSERT_EQ(0, setsockopt(fd, SOL_QTCPIP, QTCPIP_ACCESS_MODE, &mode,
				sizeof(mode)));
	TH_LOG("left transparent mode in %lld ms", qt_now_ms() - t0);
	while (got < n) {
		ASSERT_EQ(POLLIN, qt_poll1(fd, POLLIN, 20000) & POLLIN)
			TH_LOG("%zu of %zu bytes", got, n);
		r = recv(fd, rx + got, n - got, 0);
		ASSERT_LT(0, r);
		got += r;
	}
	qt_source_gen(want, n, &seed);
	EXPECT_EQ(-1, qt_diff(want, rx, n))
		TH_LOG("the stream differs at byte %ld", qt_diff(want, rx, n));
	close(fd);
	free(rx);
	free(want);
}

QT_TEST_F(uc20, transparent_no_carrier_reads_eof, 120)
{
	int echo = qt_srv("TCP_ECHO"), fd, id, mode = QTCPIP_MODE_TRANSPARENT;
	char buf[16];

	fd = qt_socket(self->m.ifname, SOCK_STREAM, mode);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, qt_connect_port(fd, echo));
	ASSERT_EQ(0, qt_xfer(fd, "ping", 4, buf, 4, 20000));
	id = qt_conn_id(fd);
	ASSERT_LE(0, id);
	/* The remote end goes away: the module says NO CARRIER. */
	ASSERT_EQ(0, qt_emu(self->m.ctl, "close %d", id));
	EXPECT_EQ(POLLIN, qt_poll1(fd, POLLIN, 20000) & POLLIN);
	EXPECT_EQ(0, recv(fd, buf, sizeof(buf), 0));
	close(fd);
}

FIXTURE(bc66)
{
	struct qt_mod m;
};

FIXTURE_SETUP(bc66)
{
	QT_ATTACH(&self->m, 0, 115200);
	if (self->m.uc20)
		SKIP(return, "slot 0 holds no BC66");
}

FIXTURE_TEARDOWN(bc66)
{
	QT_DETACH(&self->m);
}

QT_TEST_F(bc66, listen_refused_with_eopnotsupp, 60)
{
	struct sockaddr_in sin = { .sin_family = AF_INET };
	int fd = qt_socket(self->m.ifname, SOCK_STREAM, -1);

	ASSERT_LE(0, fd);
	sin.sin_port = htons(PORT_BASE + 9);
	ASSERT_EQ(0, bind(fd, (struct sockaddr *)&sin, sizeof(sin)));
	EXPECT_EQ(-1, listen(fd, 1));
	EXPECT_EQ(EOPNOTSUPP, errno);
	close(fd);
}

QT_TEST_F(bc66, transparent_refused_with_eopnotsupp, 60)
{
	int fd = qt_socket(self->m.ifname, SOCK_STREAM, QTCPIP_MODE_TRANSPARENT);

	ASSERT_LE(0, fd);
	EXPECT_EQ(-EOPNOTSUPP, qt_connect_port(fd, qt_srv("TCP_ECHO")));
	close(fd);
}

TEST_HARNESS_MAIN
