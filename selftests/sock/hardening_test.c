// SPDX-License-Identifier: GPL-2.0
/*
 * Sending, hardened: what an unprivileged user can do to the send path
 * must not stall the engine, crash the kernel or block a non-blocking
 * caller. The socket calls run in a child that gave up root (nobody)
 * after the fixture attached the module:
 *
 *   UDP SERVICE close      two queued datagrams, then close(): both go
 *                          out, the service closes, the engine goes on
 *                          (was: soft lockup, a cancelled send requeued
 *                          forever)
 *   ... after SEND FAIL    the same with a send retry pending
 *   detach, long backlog   hundreds of queued datagrams at detach: the
 *                          socket fails with ENODEV (was: recursion as
 *                          deep as the queue, stack overflow)
 *   purge while prompted   the peer closes between AT+QISEND and its '>':
 *                          the payload written is the command's own (was:
 *                          freed memory; the debug kernel's KASAN sees it)
 *   MSG_DONTWAIT sendto()  on an unconnected datagram socket: returns at
 *                          once, the datagram goes when the open is done
 *                          (was: blocked until +QIOPEN)
 *   zero-length send       stream: 0 and no AT command; datagram: EINVAL
 *                          (was: AT+QISEND=<id>,0, the UC20's query)
 *   full tty queue         a transparent connection's bytes fill the
 *                          driver's queue to the module, the peer goes:
 *                          the AT+QICLOSE waits for room (was: dropped
 *                          with -ENOSPC, the connection left open)
 *
 * The UDP SERVICE, prompt and transparent cases need the UC20 (slot 1).
 */
#include <errno.h>
#include <grp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "qt_sock.h"

/* Our own range of the run's host ports (server_test uses the first). */
static int qt_port(int n)
{
	const char *v = getenv("QTCPIP_PORT_BASE");

	return (v && atoi(v) > 0 ? atoi(v) : 21000) + 12 + n;
}

FIXTURE(hard) {
	struct qt_mod m;
	int echo, uecho;
};

FIXTURE_VARIANT(hard) {
	int slot;
};

#if QT_SLOT_ON(0)
FIXTURE_VARIANT_ADD(hard, slot0) { .slot = 0 };
#endif
#if QT_SLOT_ON(1)
FIXTURE_VARIANT_ADD(hard, slot1) { .slot = 1 };
#endif

FIXTURE_SETUP(hard)
{
	QT_ATTACH(&self->m, variant->slot, 115200);
	self->echo = qt_srv("TCP_ECHO");
	self->uecho = qt_srv("UDP_ECHO");
	ASSERT_LT(0, self->echo);
	ASSERT_LT(0, self->uecho);
}

FIXTURE_TEARDOWN(hard)
{
	QT_DETACH(&self->m);
}

/* ---- the unprivileged child ---- */

/* In the child: report a failed check and end with status 1. */
#define CK(cond) do {							\
	if (!(cond)) {							\
		fprintf(stderr, "# child %s:%d: %s failed (%s)\n",	\
			__func__, __LINE__, #cond, strerror(errno));	\
		_exit(1);						\
	}								\
} while (0)

static void drop_root(void)
{
	CK(!setgroups(0, NULL));
	CK(!setgid(65534));
	CK(!setuid(65534));
	CK(geteuid() == 65534);
}

/* Fork; the child drops root and runs fn (which _exit()s). */
static pid_t as_nobody(void (*fn)(const struct qt_mod *m, int arg, int fd),
		       const struct qt_mod *m, int arg, int fd)
{
	pid_t pid = fork();

	if (pid)
		return pid;
	/* the parent's detach must not wait for our copy of the tty */
	if (m->ttyfd >= 0)
		close(m->ttyfd);
	drop_root();
	fn(m, arg, fd);
	_exit(0);
}

/* The child's exit status, or -1 if it did not end within timeout_ms. */
static int reap(pid_t pid, int timeout_ms)
{
	long long end = qt_now_ms() + timeout_ms;
	int st;

	while (qt_now_ms() < end) {
		if (waitpid(pid, &st, WNOHANG) == pid)
			return WIFEXITED(st) ? WEXITSTATUS(st) : 128;
		usleep(50000);
	}
	kill(pid, SIGKILL);
	waitpid(pid, &st, 0);
	return -1;
}

/* A UDP SERVICE on port, as the child's socket. */
static int service(const struct qt_mod *m, int port)
{
	struct sockaddr_in sin = { .sin_family = AF_INET };
	int fd = qt_socket(m->ifname, SOCK_DGRAM, -1);

	CK(fd >= 0);
	sin.sin_port = htons(port);
	CK(!bind(fd, (struct sockaddr *)&sin, sizeof(sin)));
	return fd;
}

/*
 * A UDP client of the module talks to its own service, which learns the
 * client's address from a first datagram, answers with n datagrams and
 * closes at once; the client must get them all.
 */
static void service_close_child(const struct qt_mod *m, int n, int ctl)
{
	int port = qt_port(0), sfd = service(m, port), c, i;
	struct sockaddr_in from;
	socklen_t flen = sizeof(from);
	char buf[64], want[32];

	c = qt_open(m, SOCK_DGRAM, -1, port);
	CK(c >= 0);
	CK(send(c, "hi", 2, 0) == 2);
	CK(qt_poll1(sfd, POLLIN, 10000) & POLLIN);
	CK(recvfrom(sfd, buf, sizeof(buf), 0, (struct sockaddr *)&from,
		    &flen) == 2);
	/* the first answer to the service's sends is SEND FAIL */
	if (ctl >= 0)
		CK(!qt_emu(ctl, "sendfail 1"));
	for (i = 0; i < n; i++) {
		snprintf(want, sizeof(want), "dgram %d", i);
		CK(sendto(sfd, want, strlen(want), 0, (struct sockaddr *)&from,
			  flen) == (ssize_t)strlen(want));
	}
	CK(!close(sfd));
	/* The datagrams queued before close() still go, in order. */
	for (i = 0; i < n; i++) {
		ssize_t r;

		snprintf(want, sizeof(want), "dgram %d", i);
		CK(qt_poll1(c, POLLIN, 15000) & POLLIN);
		r = recv(c, buf, sizeof(buf), 0);
		CK(r == (ssize_t)strlen(want) && !memcmp(buf, want, r));
	}
	CK(!close(c));
	_exit(0);
}

/* After the case: the engine still serves a new connection. */
static void engine_serves(struct __test_metadata *_metadata,
			  FIXTURE_DATA(hard) *self)
{
	int fd = qt_open(&self->m, SOCK_STREAM, -1, self->echo);

	ASSERT_LE(0, fd) TH_LOG("connect after the case: %s", strerror(-fd));
	EXPECT_EQ(0, qt_echo_check(_metadata, fd, 3000, 11, 0, 20000));
	close(fd);
}

QT_TEST_F(hard, udp_service_close_with_queued_sends, 90)
{
	if (!self->m.uc20)
		SKIP(return, "UDP SERVICE: UC20 only");
	/* SEND OK comes late: the second datagram waits behind the first
	 * when close() comes.
	 */
	ASSERT_EQ(0, qt_emu(self->m.ctl, "set send_delay_ms 300"));
	EXPECT_EQ(0, reap(as_nobody(service_close_child, &self->m, 2, -1),
			  60000));
	ASSERT_EQ(0, qt_emu(self->m.ctl, "set send_delay_ms 0"));
	engine_serves(_metadata, self);
}

QT_TEST_F(hard, udp_service_close_with_send_retry, 90)
{
	long long fails = qt_emu_counter(self->m.ctl, "send_fail");

	if (!self->m.uc20)
		SKIP(return, "UDP SERVICE: UC20 only");
	/* The service's send gets SEND FAIL after close(): a retry. */
	ASSERT_EQ(0, qt_emu(self->m.ctl, "set send_delay_ms 200"));
	EXPECT_EQ(0, reap(as_nobody(service_close_child, &self->m, 1,
				    self->m.ctl), 60000));
	ASSERT_EQ(0, qt_emu(self->m.ctl, "set send_delay_ms 0"));
	EXPECT_EQ(fails + 1, qt_emu_counter(self->m.ctl, "send_fail"));
	engine_serves(_metadata, self);
}

/*
 * Fills a UDP SERVICE's send queue with tiny datagrams while the module
 * sits on the first one, tells the parent how many (over fd), waits for
 * the detach and checks the socket reports it.
 */
static void backlog_child(const struct qt_mod *m, int unused, int fd)
{
	int sfd = service(m, qt_port(1)), n = 0, big = 1 << 20;
	struct sockaddr_in to = qt_sin(qt_port(2));
	char c;

	/* as much as an unprivileged user gets (2 * wmem_max) */
	CK(!setsockopt(sfd, SOL_SOCKET, SO_SNDBUF, &big, sizeof(big)));
	while (n < 5000 && sendto(sfd, "x", 1, MSG_DONTWAIT,
				  (struct sockaddr *)&to, sizeof(to)) == 1)
		n++;
	CK(errno == EAGAIN || n == 5000);
	CK(write(fd, &n, sizeof(n)) == sizeof(n));
	/* the parent detaches, then says so */
	CK(read(fd, &c, 1) == 1);
	CK(qt_poll1(sfd, POLLOUT, 5000) & (POLLERR | POLLHUP));
	CK(sendto(sfd, "x", 1, MSG_DONTWAIT, (struct sockaddr *)&to,
		  sizeof(to)) == -1);
	CK(!close(sfd));
	_exit(0);
}

QT_TEST_F(hard, detach_with_udp_service_backlog, 90)
{
	int sv[2], n = 0;
	pid_t pid;
	char c = 'd';

	if (!self->m.uc20)
		SKIP(return, "UDP SERVICE: UC20 only");
	ASSERT_EQ(0, socketpair(AF_UNIX, SOCK_STREAM, 0, sv));
	/* the first SEND OK comes long after the detach */
	ASSERT_EQ(0, qt_emu(self->m.ctl, "set send_delay_ms 20000"));
	pid = as_nobody(backlog_child, &self->m, 0, sv[1]);
	ASSERT_EQ(sizeof(n), read(sv[0], &n, sizeof(n)));
	TH_LOG("%d datagrams queued at detach", n);
	EXPECT_LE(200, n);
	EXPECT_EQ(0, qt_mod_detach(&self->m)) TH_LOG("netdev not gone");
	ASSERT_EQ(1, write(sv[0], &c, 1));
	EXPECT_EQ(0, reap(pid, 30000));
	close(sv[0]);
	close(sv[1]);
}

/*
 * The peer's close arrives between AT+QISEND and its '>' prompt: the
 * socket's queue is purged while the engine is about to write the payload.
 * The socket reads EOF, the module gets the payload from the command's own
 * buffer (on the debug kernel, KASAN checks it), the engine goes on.
 */
static void prompt_purge_child(const struct qt_mod *m, int sink, int ctl)
{
	int fd = qt_socket(m->ifname, SOCK_STREAM, QTCPIP_MODE_PUSH), id;
	unsigned char data[1400];
	char buf[16];

	CK(fd >= 0);
	CK(!qt_connect_port(fd, sink));
	id = qt_conn_id(fd);
	CK(id >= 0);
	CK(!qt_emu(ctl, "urc-prompt +QIURC: \"closed\",%d", id));
	qt_fill(data, sizeof(data), 5);
	CK(send(fd, data, sizeof(data), 0) == sizeof(data));
	CK(qt_poll1(fd, POLLIN, 15000) & (POLLIN | POLLHUP));
	CK(recv(fd, buf, sizeof(buf), MSG_DONTWAIT) == 0);
	CK(!close(fd));
	_exit(0);
}

QT_TEST_F(hard, peer_close_between_send_and_prompt, 90)
{
	long long urcs = qt_emu_counter(self->m.ctl, "urcs");
	int sink = qt_srv("TCP_SINK");

	if (!self->m.uc20)
		SKIP(return, "the '>' prompt: UC20 only");
	ASSERT_LT(0, sink);
	EXPECT_EQ(0, reap(as_nobody(prompt_purge_child, &self->m, sink,
				    self->m.ctl), 30000));
	/* the URC came, before the prompt */
	EXPECT_LE(urcs + 1, qt_emu_counter(self->m.ctl, "urcs"));
	engine_serves(_metadata, self);
}

/*
 * sendto() with MSG_DONTWAIT on an unconnected datagram socket while the
 * module takes 3 s to open: it returns at once, the datagram goes when
 * the connection is open, the echo comes back.
 */
static void dontwait_child(const struct qt_mod *m, int uecho, int unused)
{
	int fd = qt_socket(m->ifname, SOCK_DGRAM, -1);
	struct sockaddr_in to = qt_sin(uecho);
	long long t0;
	char buf[16];

	CK(fd >= 0);
	t0 = qt_now_ms();
	CK(sendto(fd, "hello", 5, MSG_DONTWAIT, (struct sockaddr *)&to,
		  sizeof(to)) == 5);
	fprintf(stderr, "# sendto(MSG_DONTWAIT) took %lld ms\n",
		qt_now_ms() - t0);
	CK(qt_now_ms() - t0 < 1000);
	/* still opening: no second open, no data lost */
	CK(send(fd, "again", 5, MSG_DONTWAIT) == 5);
	CK(qt_poll1(fd, POLLIN, 20000) & POLLIN);
	CK(recv(fd, buf, sizeof(buf), 0) == 5 && !memcmp(buf, "hello", 5));
	CK(qt_poll1(fd, POLLIN, 10000) & POLLIN);
	CK(recv(fd, buf, sizeof(buf), 0) == 5 && !memcmp(buf, "again", 5));
	CK(!close(fd));
	_exit(0);
}

QT_TEST_F(hard, dontwait_sendto_unconnected_returns_at_once, 90)
{
	ASSERT_EQ(0, qt_emu(self->m.ctl, "set open_delay_ms 3000"));
	EXPECT_EQ(0, reap(as_nobody(dontwait_child, &self->m, self->uecho, -1),
			  40000));
	ASSERT_EQ(0, qt_emu(self->m.ctl, "set open_delay_ms 0"));
}

/* Zero-length sends: no AT command on a stream, EINVAL on a datagram. */
static void zero_child(const struct qt_mod *m, int echo, int uecho)
{
	struct sockaddr_in to = qt_sin(uecho);
	int t = qt_open(m, SOCK_STREAM, -1, echo);
	int u = qt_socket(m->ifname, SOCK_DGRAM, -1);
	char buf[8];

	CK(t >= 0 && u >= 0);
	CK(send(t, buf, 0, 0) == 0);
	CK(send(t, "abc", 3, 0) == 3);
	CK(qt_poll1(t, POLLIN, 10000) & POLLIN);
	CK(recv(t, buf, 3, MSG_WAITALL) == 3);
	CK(!memcmp(buf, "abc", 3));
	/* unconnected: refused before anything is opened */
	CK(sendto(u, buf, 0, 0, (struct sockaddr *)&to, sizeof(to)) == -1);
	CK(errno == EINVAL);
	CK(qt_conn_id(u) == -1);
	CK(!qt_connect_port(u, uecho));
	CK(send(u, buf, 0, 0) == -1 && errno == EINVAL);
	CK(send(u, "xyz", 3, 0) == 3);
	CK(qt_poll1(u, POLLIN, 10000) & POLLIN);
	CK(recv(u, buf, sizeof(buf), 0) == 3 && !memcmp(buf, "xyz", 3));
	CK(!close(t));
	CK(!close(u));
	if (m->uc20) {
		int s = service(m, qt_port(3));

		CK(sendto(s, buf, 0, 0, (struct sockaddr *)&to,
			  sizeof(to)) == -1 && errno == EINVAL);
		CK(!close(s));
	}
	_exit(0);
}

QT_TEST_F(hard, zero_length_send, 90)
{
	long long cmds;
	int fd, u;
	char buf[4];

	EXPECT_EQ(0, reap(as_nobody(zero_child, &self->m, self->echo,
				    self->uecho), 60000));
	/* and no command at all for a stream's send(fd, buf, 0) */
	fd = qt_open(&self->m, SOCK_STREAM, -1, self->echo);
	ASSERT_LE(0, fd);
	u = qt_open(&self->m, SOCK_DGRAM, -1, self->uecho);
	ASSERT_LE(0, u);
	usleep(300000);
	cmds = qt_emu_counter(self->m.ctl, "cmds");
	EXPECT_EQ(0, send(fd, buf, 0, 0));
	EXPECT_EQ(-1, send(u, buf, 0, 0));
	EXPECT_EQ(EINVAL, errno);
	usleep(500000);
	EXPECT_EQ(cmds, qt_emu_counter(self->m.ctl, "cmds"));
	EXPECT_EQ(0, qt_echo_check(_metadata, fd, 500, 3, 0, 20000));
	close(fd);
	close(u);
}

/*
 * The tty queue full of a transparent connection's bytes when the peer
 * goes (NO CARRIER): the AT+QICLOSE that follows must wait for room, not
 * be dropped (it then only ended by its 60 s deadline, one more timeout
 * towards "module lost", and the module kept the connection).
 */
QT_TEST_F(hard, full_tty_queue_holds_commands_back, 120)
{
	int sink = qt_srv("TCP_SINK"), mode = QTCPIP_MODE_TRANSPARENT, fd, id;
	int sndbuf = 256 * 1024;
	const char chunk[8] = "AAAAAAA\r";
	long long closes, t0;
	size_t queued = 0;

	if (!self->m.uc20)
		SKIP(return, "transparent mode: UC20 only");
	ASSERT_LT(0, sink);
	fd = qt_socket(self->m.ifname, SOCK_STREAM, mode);
	ASSERT_LE(0, fd);
	/* more than the module, the UART and the driver's 8 KB hold */
	ASSERT_EQ(0, setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &sndbuf,
				sizeof(sndbuf)));
	ASSERT_EQ(0, qt_connect_port(fd, sink));
	id = qt_conn_id(fd);
	ASSERT_LE(0, id);
	/* The module takes 30 bytes a second: what we send piles up. */
	ASSERT_EQ(0, qt_emu(self->m.ctl, "baud 300"));
	/* Whole lines: what the module reads after NO CARRIER is garbage
	 * lines, each refused, not a prefix of the next command. Small
	 * ones: the driver's queue fills to within a few bytes, too few
	 * for "AT+QICLOSE=<id>".
	 */
	t0 = qt_now_ms();
	while (queued < 32 * 1024 && qt_now_ms() - t0 < 8000) {
		if (send(fd, chunk, sizeof(chunk), MSG_DONTWAIT) ==
		    sizeof(chunk))
			queued += sizeof(chunk);
		else if (errno == EAGAIN)
			qt_poll1(fd, POLLOUT, 100);
		else
			break;
	}
	TH_LOG("%zu bytes queued", queued);
	usleep(1000000);
	ASSERT_EQ(0, qt_emu(self->m.ctl, "close %d", id));
	EXPECT_NE(0, qt_poll1(fd, POLLIN, 20000) & (POLLIN | POLLHUP));
	/* the line is the engine's again, its tty queue still full */
	closes = qt_emu_counter(self->m.ctl, "closes");
	close(fd);
	usleep(1000000);
	ASSERT_EQ(0, qt_emu(self->m.ctl, "baud 0"));
	/* the module gets the AT+QICLOSE once the queue drained */
	t0 = qt_now_ms();
	while (qt_emu_counter(self->m.ctl, "closes") <= closes &&
	       qt_now_ms() - t0 < 15000)
		usleep(50000);
	EXPECT_LT(closes, qt_emu_counter(self->m.ctl, "closes"))
		TH_LOG("no AT+QICLOSE reached the module in 15 s");
	ASSERT_EQ(0, qt_emu(self->m.ctl, "baud 115200"));
	engine_serves(_metadata, self);
}

TEST_HARNESS_MAIN
