// SPDX-License-Identifier: GPL-2.0
/*
 * AF_QTCPIP datagram sockets (UDP clients of the module's stack) against
 * the host's UDP echo: datagram boundaries kept for every size up to the
 * dialect's limit (BC66 700, UC20 1460 bytes), order kept, MSG_TRUNC,
 * MSG_PEEK, oversized sends refused, connect by name, netdev counters.
 * On the module of every slot, in buffer and direct push access modes.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "qt_sock.h"

FIXTURE(udp) {
	struct qt_mod m;
	int port;
};

FIXTURE_VARIANT(udp) {
	int slot;
	int mode;
};

#if QT_SLOT_ON(0)
FIXTURE_VARIANT_ADD(udp, slot0_buffer) { .slot = 0, .mode = QTCPIP_MODE_BUFFER };
FIXTURE_VARIANT_ADD(udp, slot0_push) { .slot = 0, .mode = QTCPIP_MODE_PUSH };
#endif
#if QT_SLOT_ON(1)
FIXTURE_VARIANT_ADD(udp, slot1_buffer) { .slot = 1, .mode = QTCPIP_MODE_BUFFER };
FIXTURE_VARIANT_ADD(udp, slot1_push) { .slot = 1, .mode = QTCPIP_MODE_PUSH };
#endif

FIXTURE_SETUP(udp)
{
	QT_ATTACH(&self->m, variant->slot, 115200);
	self->port = qt_srv("UDP_ECHO");
	ASSERT_LT(0, self->port) TH_LOG("QTCPIP_SRV_UDP_ECHO is not set");
}

FIXTURE_TEARDOWN(udp)
{
	QT_DETACH(&self->m);
}

static int udp_open(FIXTURE_DATA(udp) *self, const FIXTURE_VARIANT(udp) *v)
{
	int fd = qt_open(&self->m, SOCK_DGRAM, v->mode, self->port);

	if (fd >= 0)
		qt_set_timeo(fd, SO_RCVTIMEO, 15000);
	return fd;
}

/* datagram i of a test: its sequence number in the first bytes */
static void make_dgram(unsigned char *p, size_t n, unsigned int i)
{
	qt_fill(p, n, 1000 + i);
	if (n >= 4)
		memcpy(p, &i, 4);
}

QT_TEST_F(udp, echo_boundaries, 90)
{
	size_t max = self->m.max_dgram;
	const size_t sizes[] = { 1, 2, 3, 100, 512, 699, 700, max - 1, max };
	unsigned int n = sizeof(sizes) / sizeof(sizes[0]), i;
	unsigned char tx[2048], rx[4096];
	long long tx0, rx0, total = 0;
	int fd, id;

	tx0 = qt_netstat(self->m.ifname, "tx_bytes");
	rx0 = qt_netstat(self->m.ifname, "rx_bytes");
	fd = udp_open(self, variant);
	ASSERT_LE(0, fd) TH_LOG("connect: %s", strerror(-fd));
	id = qt_conn_id(fd);
	EXPECT_LE(0, id);
	EXPECT_GT(self->m.nconn, id);
	/* one at a time */
	for (i = 0; i < n; i++) {
		make_dgram(tx, sizes[i], i);
		ASSERT_EQ((ssize_t)sizes[i], send(fd, tx, sizes[i], 0))
			TH_LOG("send of %zu: %s", sizes[i], strerror(errno));
		ASSERT_EQ((ssize_t)sizes[i], recv(fd, rx, sizeof(rx), 0))
			TH_LOG("datagram of %zu bytes: %s", sizes[i],
			       strerror(errno));
		EXPECT_EQ(0, memcmp(tx, rx, sizes[i]));
		total += sizes[i];
	}
	/* all at once: each comes back whole, separately, in order */
	for (i = 0; i < n; i++) {
		make_dgram(tx, sizes[i], 100 + i);
		ASSERT_EQ((ssize_t)sizes[i], send(fd, tx, sizes[i], 0));
		total += sizes[i];
	}
	for (i = 0; i < n; i++) {
		make_dgram(tx, sizes[i], 100 + i);
		ASSERT_EQ((ssize_t)sizes[i], recv(fd, rx, sizeof(rx), 0))
			TH_LOG("datagram %u of %zu bytes: %s", i, sizes[i],
			       strerror(errno));
		EXPECT_EQ(0, memcmp(tx, rx, sizes[i])) TH_LOG("datagram %u", i);
	}
	EXPECT_EQ(-1, recv(fd, rx, sizeof(rx), MSG_DONTWAIT));
	EXPECT_EQ(EAGAIN, errno);
	EXPECT_EQ(0, qt_rx_lost(fd));
	EXPECT_EQ(tx0 + total, qt_netstat(self->m.ifname, "tx_bytes"));
	EXPECT_EQ(rx0 + total, qt_netstat(self->m.ifname, "rx_bytes"));
	close(fd);
}

/* 24 datagrams of mixed sizes sent back to back (~8 kB, under the
 * module's 16 kB buffer): all come back, whole and in order.
 */
QT_TEST_F(udp, burst, 90)
{
	unsigned char tx[2048], rx[4096];
	unsigned int i, n = 24;
	int fd;

	fd = udp_open(self, variant);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, qt_emu(self->m.ctl, "baud 0"));
	for (i = 0; i < n; i++) {
		size_t len = 4 + (i * 97) % (self->m.max_dgram / 2);

		make_dgram(tx, len, 200 + i);
		ASSERT_EQ((ssize_t)len, send(fd, tx, len, 0));
	}
	for (i = 0; i < n; i++) {
		size_t len = 4 + (i * 97) % (self->m.max_dgram / 2);
		unsigned int seq = ~0u;
		ssize_t r = recv(fd, rx, sizeof(rx), 0);

		ASSERT_LT(0, r) TH_LOG("datagram %u: %s", i, strerror(errno));
		memcpy(&seq, rx, 4);
		EXPECT_EQ(200 + i, seq);
		EXPECT_EQ((ssize_t)len, r);
		make_dgram(tx, len, 200 + i);
		EXPECT_EQ(0, memcmp(tx, rx, len));
	}
	close(fd);
}

QT_TEST_F(udp, trunc_and_peek, 60)
{
	unsigned char tx[600], rx[600];
	struct iovec iov = { .iov_base = rx, .iov_len = 100 };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1 };
	int fd;

	fd = udp_open(self, variant);
	ASSERT_LE(0, fd);
	qt_fill(tx, sizeof(tx), 9);
	ASSERT_EQ(500, send(fd, tx, 500, 0));
	ASSERT_EQ(200, send(fd, tx + 500, 100, 0) + send(fd, tx + 500, 100, 0));

	/* peek a part, then a short read: the rest of the datagram is gone */
	ASSERT_EQ(10, recv(fd, rx, 10, MSG_PEEK));
	EXPECT_EQ(0, memcmp(rx, tx, 10));
	EXPECT_EQ(100, recvmsg(fd, &mh, 0));
	EXPECT_EQ(MSG_TRUNC, mh.msg_flags & MSG_TRUNC);
	EXPECT_EQ(0, memcmp(rx, tx, 100));

	/* MSG_TRUNC asks for the real length */
	EXPECT_EQ(100, recv(fd, rx, 10, MSG_TRUNC));
	EXPECT_EQ(0, memcmp(rx, tx + 500, 10));
	/* the next datagram is whole */
	mh.msg_flags = 0;
	iov.iov_len = sizeof(rx);
	EXPECT_EQ(100, recvmsg(fd, &mh, 0));
	EXPECT_EQ(0, mh.msg_flags & MSG_TRUNC);
	EXPECT_EQ(0, memcmp(rx, tx + 500, 100));
	close(fd);
}

QT_TEST_F(udp, oversize_refused, 60)
{
	unsigned char tx[4096];
	int fd;

	fd = udp_open(self, variant);
	ASSERT_LE(0, fd);
	qt_fill(tx, sizeof(tx), 10);
	/* one AT+QISEND carries one datagram: more does not fit */
	EXPECT_EQ(-1, send(fd, tx, self->m.max_dgram + 1, 0));
	EXPECT_EQ(EMSGSIZE, errno);
	EXPECT_EQ(-1, send(fd, tx, sizeof(tx), 0));
	EXPECT_EQ(EMSGSIZE, errno);
	/* and it did not break the socket */
	ASSERT_EQ(5, send(fd, "hello", 5, 0));
	EXPECT_EQ(5, recv(fd, tx, sizeof(tx), 0));
	close(fd);
}

QT_TEST_F(udp, connect_by_name, 60)
{
	struct sockaddr_qt sqt = qt_sqt("localhost", self->port);
	char buf[16];
	int fd;

	fd = qt_socket(self->m.ifname, SOCK_DGRAM, variant->mode);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, connect(fd, (struct sockaddr *)&sqt, sizeof(sqt)))
		TH_LOG("connect: %s", strerror(errno));
	ASSERT_EQ(0, qt_set_timeo(fd, SO_RCVTIMEO, 15000));
	ASSERT_EQ(6, send(fd, "qtcpip", 6, 0));
	EXPECT_EQ(6, recv(fd, buf, sizeof(buf), 0));
	EXPECT_EQ(0, memcmp(buf, "qtcpip", 6));
	close(fd);
}

/* sendto() on an unconnected datagram socket connects it. */
QT_TEST_F(udp, sendto_connects, 60)
{
	struct sockaddr_in sin = qt_sin(self->port), peer;
	socklen_t pl = sizeof(peer);
	char buf[16];
	int fd;

	fd = qt_socket(self->m.ifname, SOCK_DGRAM, variant->mode);
	ASSERT_LE(0, fd);
	EXPECT_EQ(-1, send(fd, "x", 1, 0));
	EXPECT_TRUE(errno == EDESTADDRREQ || errno == ENOTCONN)
		TH_LOG("send before connect: %s", strerror(errno));
	ASSERT_EQ(5, sendto(fd, "hello", 5, 0, (struct sockaddr *)&sin,
			    sizeof(sin))) TH_LOG("sendto: %s", strerror(errno));
	ASSERT_EQ(0, getpeername(fd, (struct sockaddr *)&peer, &pl));
	EXPECT_EQ(sin.sin_port, peer.sin_port);
	EXPECT_LE(0, qt_conn_id(fd));
	ASSERT_EQ(0, qt_set_timeo(fd, SO_RCVTIMEO, 15000));
	EXPECT_EQ(5, recv(fd, buf, sizeof(buf), 0));
	EXPECT_EQ(0, memcmp(buf, "hello", 5));
	close(fd);
}

/* Nothing answers: recv honours SO_RCVTIMEO and the socket stays usable. */
QT_TEST_F(udp, silent_peer_timeout, 60)
{
	char buf[16];
	long long t0;
	int fd;

	/* the discard port: nothing listens on it on the host */
	fd = qt_open(&self->m, SOCK_DGRAM, variant->mode, 9);
	ASSERT_LE(0, fd) TH_LOG("connect: %s", strerror(-fd));
	ASSERT_EQ(0, qt_set_timeo(fd, SO_RCVTIMEO, 500));
	ASSERT_EQ(4, send(fd, "ping", 4, 0));
	t0 = qt_now_ms();
	EXPECT_EQ(-1, recv(fd, buf, sizeof(buf), 0));
	EXPECT_EQ(EAGAIN, errno);
	EXPECT_LE(450, qt_now_ms() - t0);
	EXPECT_GT(5000, qt_now_ms() - t0);
	/* ICMP port unreachable on the host does not kill the socket */
	EXPECT_EQ(4, send(fd, "ping", 4, 0));
	close(fd);
}

int main(int argc, char **argv)
{
	return test_harness_run(argc, argv);
}
