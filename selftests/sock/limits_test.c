// SPDX-License-Identifier: GPL-2.0
/*
 * connectID limits and the socket API's argument checks: every connectID
 * of the dialect (BC66 0-4, UC20 0-11) open at once, each moving data, and
 * one more refused with ENOBUFS (TCP, UDP, blocking and non-blocking);
 * IDs freed by close() and reused; unconnected sockets hold none; bad
 * socket types, addresses and options refused; no module, or a device
 * that is not a module.
 */
#include <errno.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "qt_sock.h"

#define MAXC 12

FIXTURE(limits) {
	struct qt_mod m;
	int echo, uecho;
	int fd[MAXC + 2];
	int n;
};

FIXTURE_VARIANT(limits) {
	int slot;
};

#if QT_SLOT_ON(0)
FIXTURE_VARIANT_ADD(limits, slot0) { .slot = 0 };
#endif
#if QT_SLOT_ON(1)
FIXTURE_VARIANT_ADD(limits, slot1) { .slot = 1 };
#endif

FIXTURE_SETUP(limits)
{
	int i;

	for (i = 0; i < MAXC + 2; i++)
		self->fd[i] = -1;
	QT_ATTACH(&self->m, variant->slot, 115200);
	self->echo = qt_srv("TCP_ECHO");
	self->uecho = qt_srv("UDP_ECHO");
	ASSERT_LT(0, self->echo);
	ASSERT_LT(0, self->uecho);
}

FIXTURE_TEARDOWN(limits)
{
	int i;

	for (i = 0; i < MAXC + 2; i++)
		if (self->fd[i] >= 0)
			close(self->fd[i]);
	QT_DETACH(&self->m);
}

/*
 * connect, retrying ENOBUFS while an earlier close() may still be
 * releasing its connectID in the module; counts the retries.
 */
static int open_retry(FIXTURE_DATA(limits) *self, int type, int port,
		      int *retries)
{
	long long end = qt_now_ms() + 15000;
	int fd;

	for (;;) {
		fd = qt_open(&self->m, type, -1, port);
		if (fd != -ENOBUFS || qt_now_ms() > end)
			return fd;
		(*retries)++;
		usleep(50000);
	}
}

/* Each socket sends its own data and gets it back (all at once). */
static void move_data(struct __test_metadata *_metadata,
		      FIXTURE_DATA(limits) *self, const int *types, size_t len)
{
	unsigned char tx[MAXC + 2][1500], rx[MAXC + 2][1500];
	struct qt_flow f[MAXC + 2];
	int i, r;

	memset(f, 0, sizeof(f));
	for (i = 0; i < self->n; i++) {
		qt_fill(tx[i], len, 500 + i);
		f[i].fd = self->fd[i];
		f[i].tx = tx[i];
		f[i].tx_len = len;
		f[i].rx = rx[i];
		f[i].rx_len = len;
		if (types[i] == SOCK_STREAM) {
			continue;
		}
		/* a datagram socket: one datagram out, one back */
		ASSERT_EQ((ssize_t)len, send(self->fd[i], tx[i], len, 0));
		f[i].tx_off = len;
	}
	r = qt_flows_run(f, self->n, 60000, NULL, NULL, 0);
	EXPECT_EQ(0, r) TH_LOG("%s", strerror(-r));
	for (i = 0; i < self->n; i++) {
		EXPECT_EQ(len, f[i].rx_off) TH_LOG("socket %d (id %d)", i,
						   qt_conn_id(self->fd[i]));
		EXPECT_EQ(-1, qt_diff(tx[i], rx[i], f[i].rx_off))
			TH_LOG("socket %d got another socket's data?", i);
	}
}

static void fill_ids(struct __test_metadata *_metadata,
		     FIXTURE_DATA(limits) *self, const int *types)
{
	unsigned int seen = 0;
	int i, id;

	for (i = 0; i < self->m.nconn; i++) {
		int port = types[i] == SOCK_STREAM ? self->echo : self->uecho;

		self->fd[i] = qt_open(&self->m, types[i], -1, port);
		ASSERT_LE(0, self->fd[i]) TH_LOG("socket %d: %s", i,
						 strerror(-self->fd[i]));
		self->n = i + 1;
		id = qt_conn_id(self->fd[i]);
		ASSERT_LE(0, id);
		ASSERT_GT(self->m.nconn, id);
		EXPECT_EQ(0, seen & (1u << id)) TH_LOG("connectID %d twice", id);
		seen |= 1u << id;
		/* the module has it too */
		EXPECT_EQ(2, qt_emu_conn(self->m.ctl, id, "statenum"));
	}
	EXPECT_EQ((1u << self->m.nconn) - 1, seen);
}

QT_TEST_F(limits, all_ids_tcp, 120)
{
	int types[MAXC + 2], i, fd, retries = 0, id;

	for (i = 0; i < MAXC + 2; i++)
		types[i] = SOCK_STREAM;
	fill_ids(_metadata, self, types);
	/* one more: a clear error, at once */
	fd = qt_open(&self->m, SOCK_STREAM, -1, self->echo);
	EXPECT_EQ(-ENOBUFS, fd) TH_LOG("connect %d+1: %s", self->m.nconn,
				       strerror(-fd));
	fd = qt_open(&self->m, SOCK_DGRAM, -1, self->uecho);
	EXPECT_EQ(-ENOBUFS, fd);
	move_data(_metadata, self, types, 1400);

	/* free one: its ID serves the next connect */
	id = qt_conn_id(self->fd[2]);
	close(self->fd[2]);
	self->fd[2] = open_retry(self, SOCK_STREAM, self->echo, &retries);
	ASSERT_LE(0, self->fd[2]) TH_LOG("%s", strerror(-self->fd[2]));
	EXPECT_EQ(id, qt_conn_id(self->fd[2]));
	if (retries)
		TH_LOG("connect after close: %d ENOBUFS retries", retries);
	move_data(_metadata, self, types, 300);
	for (i = 0; i < self->n; i++) {
		close(self->fd[i]);
		self->fd[i] = -1;
	}
}

QT_TEST_F(limits, all_ids_mixed, 120)
{
	int types[MAXC + 2], i, fd;

	for (i = 0; i < MAXC + 2; i++)
		types[i] = i % 2 ? SOCK_DGRAM : SOCK_STREAM;
	fill_ids(_metadata, self, types);
	fd = qt_open(&self->m, SOCK_DGRAM, -1, self->uecho);
	EXPECT_EQ(-ENOBUFS, fd);
	move_data(_metadata, self, types, 600);
	for (i = 0; i < self->n; i++) {
		close(self->fd[i]);
		self->fd[i] = -1;
	}
}

QT_TEST_F(limits, all_ids_nonblocking, 120)
{
	struct sockaddr_in sin = qt_sin(self->echo);
	int i, fd, r, types[MAXC + 2];

	ASSERT_EQ(0, qt_emu(self->m.ctl, "set open_delay_ms 500"));
	for (i = 0; i < self->m.nconn; i++) {
		self->fd[i] = qt_socket(self->m.ifname, SOCK_STREAM, -1);
		ASSERT_LE(0, self->fd[i]);
		self->n = i + 1;
		qt_nonblock(self->fd[i], true);
		r = connect(self->fd[i], (struct sockaddr *)&sin, sizeof(sin));
		EXPECT_EQ(-1, r);
		EXPECT_EQ(EINPROGRESS, errno);
	}
	/* all IDs are taken by pending opens already */
	fd = qt_socket(self->m.ifname, SOCK_STREAM, -1);
	ASSERT_LE(0, fd);
	qt_nonblock(fd, true);
	r = connect(fd, (struct sockaddr *)&sin, sizeof(sin)) ? errno : 0;
	if (r == EINPROGRESS) {
		EXPECT_NE(0, qt_poll1(fd, POLLOUT, 15000) & POLLERR);
		r = qt_so_error(fd);
	}
	EXPECT_EQ(ENOBUFS, r) TH_LOG("%s", strerror(r));
	close(fd);
	for (i = 0; i < self->n; i++) {
		EXPECT_EQ(POLLOUT, qt_poll1(self->fd[i], POLLOUT, 15000));
		EXPECT_EQ(0, qt_so_error(self->fd[i]));
		qt_nonblock(self->fd[i], false);
	}
	for (i = 0; i < MAXC + 2; i++)
		types[i] = SOCK_STREAM;
	move_data(_metadata, self, types, 200);
	for (i = 0; i < self->n; i++) {
		close(self->fd[i]);
		self->fd[i] = -1;
	}
}

/* 3 x nconn connect/echo/close cycles: close() gives every ID back. */
QT_TEST_F(limits, id_reuse_cycles, 180)
{
	int i, fd, retries = 0;
	char buf[8];

	for (i = 0; i < 3 * self->m.nconn; i++) {
		fd = open_retry(self, i % 3 ? SOCK_STREAM : SOCK_DGRAM,
				i % 3 ? self->echo : self->uecho, &retries);
		ASSERT_LE(0, fd) TH_LOG("cycle %d: %s", i, strerror(-fd));
		ASSERT_EQ(4, send(fd, "ping", 4, 0));
		ASSERT_EQ(0, qt_set_timeo(fd, SO_RCVTIMEO, 15000));
		EXPECT_EQ(4, recv(fd, buf, 4, MSG_WAITALL));
		close(fd);
	}
	TH_LOG("%d cycles, %d ENOBUFS retries while closes completed",
	       3 * self->m.nconn, retries);
}

QT_TEST_F(limits, unconnected_take_no_id, 90)
{
	int spare[20], i, types[MAXC + 2];

	for (i = 0; i < 20; i++) {
		spare[i] = qt_socket(self->m.ifname,
				     i % 2 ? SOCK_DGRAM : SOCK_STREAM, -1);
		ASSERT_LE(0, spare[i]);
	}
	for (i = 0; i < MAXC + 2; i++)
		types[i] = SOCK_STREAM;
	fill_ids(_metadata, self, types);
	for (i = 0; i < 20; i++)
		close(spare[i]);
	for (i = 0; i < self->n; i++) {
		close(self->fd[i]);
		self->fd[i] = -1;
	}
}

QT_TEST_F(limits, bad_arguments, 60)
{
	int fam = qt_family(), fd, v;
	struct sockaddr_qt sqt;
	struct sockaddr_in sin = qt_sin(self->echo);
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	socklen_t l;

	/* socket types and protocols */
	EXPECT_EQ(-1, socket(fam, SOCK_RAW, 0));
	EXPECT_EQ(-1, socket(fam, SOCK_SEQPACKET, 0));
	EXPECT_EQ(-1, socket(fam, SOCK_STREAM, IPPROTO_UDP));
	EXPECT_EQ(EPROTONOSUPPORT, errno);
	EXPECT_EQ(-1, socket(fam, SOCK_DGRAM, IPPROTO_TCP));
	fd = socket(fam, SOCK_STREAM, IPPROTO_TCP);
	EXPECT_LE(0, fd);
	close(fd);
	fd = socket(fam, SOCK_DGRAM, IPPROTO_UDP);
	EXPECT_LE(0, fd);
	close(fd);

	fd = qt_socket(self->m.ifname, SOCK_STREAM, -1);
	ASSERT_LE(0, fd);
	/* addresses */
	EXPECT_EQ(-1, connect(fd, (struct sockaddr *)&sin, 1));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, connect(fd, (struct sockaddr *)&sin, sizeof(sin) - 4));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, connect(fd, (struct sockaddr *)&sun, sizeof(sun)));
	EXPECT_EQ(EAFNOSUPPORT, errno);
	sin.sin_port = 0;
	EXPECT_EQ(-1, connect(fd, (struct sockaddr *)&sin, sizeof(sin)));
	EXPECT_EQ(EINVAL, errno);
	sqt = qt_sqt("localhost", self->echo);
	sqt.sqt_reserved = 1;
	EXPECT_EQ(-1, connect(fd, (struct sockaddr *)&sqt, sizeof(sqt)));
	EXPECT_EQ(EINVAL, errno);
	sqt = qt_sqt("", self->echo);
	EXPECT_EQ(-1, connect(fd, (struct sockaddr *)&sqt, sizeof(sqt)));
	EXPECT_EQ(EINVAL, errno);
	sqt = qt_sqt("local\"host", self->echo);	/* would break AT quoting */
	EXPECT_EQ(-1, connect(fd, (struct sockaddr *)&sqt, sizeof(sqt)));
	EXPECT_EQ(EINVAL, errno);
	sqt = qt_sqt("x", self->echo);
	memset(sqt.sqt_host, 'a', sizeof(sqt.sqt_host));	/* no NUL */
	EXPECT_EQ(-1, connect(fd, (struct sockaddr *)&sqt, sizeof(sqt)));
	EXPECT_EQ(EINVAL, errno);

	/* options */
	v = 7;
	EXPECT_EQ(-1, setsockopt(fd, SOL_QTCPIP, QTCPIP_ACCESS_MODE, &v,
				 sizeof(v)));
	EXPECT_EQ(EINVAL, errno);
	v = 0;
	EXPECT_EQ(-1, setsockopt(fd, SOL_QTCPIP, QTCPIP_CONTEXT, &v, sizeof(v)));
	EXPECT_EQ(EINVAL, errno);
	v = 17;
	EXPECT_EQ(-1, setsockopt(fd, SOL_QTCPIP, QTCPIP_CONTEXT, &v, sizeof(v)));
	EXPECT_EQ(EINVAL, errno);
	v = 1;
	EXPECT_EQ(-1, setsockopt(fd, SOL_QTCPIP, QTCPIP_CONNECT_ID, &v,
				 sizeof(v)));
	EXPECT_EQ(-1, setsockopt(fd, SOL_QTCPIP, 99, &v, sizeof(v)));
	EXPECT_EQ(ENOPROTOOPT, errno);
	l = sizeof(v);
	EXPECT_EQ(-1, getsockopt(fd, SOL_QTCPIP, 99, &v, &l));
	EXPECT_EQ(ENOPROTOOPT, errno);
	/* an unconnected socket has no connectID */
	v = 0;
	l = sizeof(v);
	if (!getsockopt(fd, SOL_QTCPIP, QTCPIP_CONNECT_ID, &v, &l))
		EXPECT_EQ(-1, v);
	if (!self->m.uc20) {
		/* transparent mode is a UC20 feature */
		v = QTCPIP_MODE_TRANSPARENT;
		if (!setsockopt(fd, SOL_QTCPIP, QTCPIP_ACCESS_MODE, &v,
				sizeof(v)))
			EXPECT_NE(0, qt_connect_port(fd, self->echo));
	}
	close(fd);

	/* after all that, the module is fine */
	fd = qt_open(&self->m, SOCK_STREAM, -1, self->echo);
	ASSERT_LE(0, fd);
	EXPECT_EQ(0, qt_echo_check(_metadata, fd, 10, 1, 0, 15000));
	close(fd);
}

/* Sockets not bound to a device use the first ready module. */
QT_TEST_F(limits, unbound_uses_a_module, 60)
{
	char r[QT_EMU_REPLY_MAX], conns[64] = "";
	int fd, id;

	fd = qt_open(NULL, SOCK_STREAM, -1, self->echo);
	ASSERT_LE(0, fd) TH_LOG("%s", strerror(-fd));
	id = qt_conn_id(fd);
	EXPECT_LE(0, id);
	/* with one module attached, it is ours */
	if (qt_count_netdevs("qtcpip") == 1) {
		ASSERT_EQ(0, qt_emu_cmd(self->m.ctl, r, sizeof(r), "state"));
		qt_kv_str(r, "conns", conns, sizeof(conns));
		EXPECT_STRNE("-", conns);
	}
	EXPECT_EQ(0, qt_echo_check(_metadata, fd, 100, 5, 0, 15000));
	close(fd);
}

QT_TEST_F(limits, not_a_module, 60)
{
	int fd, r;

	fd = qt_socket("lo", SOCK_STREAM, -1);
	if (fd < 0) {
		/* refusing the binding itself is as good */
		EXPECT_TRUE(fd == -ENODEV || fd == -EINVAL)
			TH_LOG("%s", strerror(-fd));
		return;
	}
	r = qt_connect_port(fd, self->echo);
	EXPECT_NE(0, r);
	TH_LOG("connect through lo: %s", strerror(-r));
	close(fd);
}

/* With no module attached, connect fails cleanly. */
QT_TEST_F(limits, no_module, 60)
{
	char ifname[IFNAMSIZ];
	int fd, r;

	snprintf(ifname, sizeof(ifname), "%s", self->m.ifname);
	ASSERT_EQ(0, qt_mod_detach(&self->m));
	if (qt_count_netdevs("qtcpip") == 0) {
		fd = qt_socket(NULL, SOCK_STREAM, -1);
		ASSERT_LE(0, fd);
		r = qt_connect_port(fd, self->echo);
		EXPECT_TRUE(r == -ENETUNREACH || r == -ENODEV ||
			    r == -ENETDOWN) TH_LOG("%s", strerror(-r));
		close(fd);
	}
	/* bound to the name of a device that went away */
	fd = qt_socket(ifname, SOCK_STREAM, -1);
	EXPECT_EQ(-ENODEV, fd);
	if (fd >= 0)
		close(fd);
}

int main(int argc, char **argv)
{
	return test_harness_run(argc, argv);
}
