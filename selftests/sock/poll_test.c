// SPDX-License-Identifier: GPL-2.0
/*
 * poll/epoll, blocking and non-blocking calls, timeouts and signals on
 * AF_QTCPIP stream sockets: EPOLLOUT only with send buffer room, EPOLLIN on
 * data and on EOF, edge-triggered wakeups, non-blocking connect with
 * EINPROGRESS/SO_ERROR, SO_RCVTIMEO/SO_SNDTIMEO, EINTR and SA_RESTART for
 * recv, send and connect. The emulator's "send_delay_ms" (late SEND OK)
 * and "open_delay_ms" (late +QIOPEN) hold sends and connects back.
 * On the module of every slot, in buffer and direct push access modes.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <semaphore.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/sockios.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "qt_sock.h"

FIXTURE(poll) {
	struct qt_mod m;
	int echo;
};

FIXTURE_VARIANT(poll) {
	int slot;
	int mode;
};

#if QT_SLOT_ON(0)
FIXTURE_VARIANT_ADD(poll, slot0_buffer) { .slot = 0, .mode = QTCPIP_MODE_BUFFER };
FIXTURE_VARIANT_ADD(poll, slot0_push) { .slot = 0, .mode = QTCPIP_MODE_PUSH };
#endif
#if QT_SLOT_ON(1)
FIXTURE_VARIANT_ADD(poll, slot1_buffer) { .slot = 1, .mode = QTCPIP_MODE_BUFFER };
FIXTURE_VARIANT_ADD(poll, slot1_push) { .slot = 1, .mode = QTCPIP_MODE_PUSH };
#endif

FIXTURE_SETUP(poll)
{
	QT_ATTACH(&self->m, variant->slot, 115200);
	self->echo = qt_srv("TCP_ECHO");
	ASSERT_LT(0, self->echo);
}

FIXTURE_TEARDOWN(poll)
{
	QT_DETACH(&self->m);
}

static int echo_open(FIXTURE_DATA(poll) *self, const FIXTURE_VARIANT(poll) *v)
{
	return qt_open(&self->m, SOCK_STREAM, v->mode, self->echo);
}

/* ---- signals ---- */

static sem_t sig_sem;
static volatile sig_atomic_t sig_count;

static void on_alarm(int sig)
{
	(void)sig;
	sig_count++;
	sem_post(&sig_sem);
}

/* SIGALRM in ms, handled with or without SA_RESTART */
static void alarm_in(int ms, bool restart)
{
	struct sigaction sa = { .sa_handler = on_alarm };
	struct itimerval it = {
		.it_value = { .tv_sec = ms / 1000, .tv_usec = ms % 1000 * 1000 },
	};

	sem_init(&sig_sem, 0, 0);
	sig_count = 0;
	sa.sa_flags = restart ? SA_RESTART : 0;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGALRM, &sa, NULL);
	setitimer(ITIMER_REAL, &it, NULL);
}

/*
 * Stalls the socket's sends (each SEND OK comes send_delay_ms late) and
 * fills its send buffer with non-blocking sends; returns bytes queued.
 */
static long fill_stalled(struct __test_metadata *_metadata,
			 FIXTURE_DATA(poll) *self, int fd, int delay_ms)
{
	static unsigned char junk[4096];
	long total = 0;
	int i, outq = -1;

	EXPECT_EQ(0, qt_emu(self->m.ctl, "set send_delay_ms %d", delay_ms));
	qt_set_int(fd, SOL_SOCKET, SO_SNDBUF, 4096);
	for (i = 0; i < 10000; i++) {
		ssize_t r = send(fd, junk, sizeof(junk),
				 MSG_DONTWAIT | MSG_NOSIGNAL);

		if (r < 0) {
			EXPECT_EQ(EAGAIN, errno);
			break;
		}
		total += r;
	}
	EXPECT_GT(10000, i) TH_LOG("the send buffer never filled up");
	/* SIOCOUTQ: what the module has not taken yet */
	EXPECT_EQ(0, ioctl(fd, SIOCOUTQ, &outq));
	EXPECT_LT(0, outq);
	EXPECT_GE(total, outq);
	return total;
}

/* Reads from the echo until n bytes came back; 0 if they did. */
static int drain_echo(int fd, long n, int timeout_ms)
{
	static unsigned char buf[65536];
	long long end = qt_now_ms() + timeout_ms;

	while (n > 0 && qt_now_ms() < end) {
		ssize_t r;

		if (!(qt_poll1(fd, POLLIN, end - qt_now_ms()) & POLLIN))
			continue;
		r = recv(fd, buf, n < (long)sizeof(buf) ? n : (long)sizeof(buf),
			 MSG_DONTWAIT);
		if (r <= 0)
			return -1;
		n -= r;
	}
	return n ? -1 : 0;
}

/* ---- tests ---- */

QT_TEST_F(poll, idle_then_data, 60)
{
	char buf[64];
	int fd;

	fd = echo_open(self, variant);
	ASSERT_LE(0, fd);
	/* connected, idle: writable, nothing to read, no error */
	EXPECT_EQ(POLLOUT, qt_poll1(fd, POLLIN | POLLOUT | POLLRDHUP, 0));
	ASSERT_EQ(10, send(fd, "0123456789", 10, 0));
	EXPECT_EQ(POLLIN, qt_poll1(fd, POLLIN, 15000));
	EXPECT_EQ(10, recv(fd, buf, 10, MSG_WAITALL));
	EXPECT_EQ(0, memcmp(buf, "0123456789", 10));
	/* read out: POLLIN clears */
	EXPECT_EQ(0, qt_poll1(fd, POLLIN, 300));
	EXPECT_EQ(POLLOUT, qt_poll1(fd, POLLIN | POLLOUT, 0));
	close(fd);
}

QT_TEST_F(poll, epoll_edge_and_level, 60)
{
	struct epoll_event ev, out[4];
	char buf[64];
	int ep, a, b, n;

	a = echo_open(self, variant);
	ASSERT_LE(0, a);
	b = echo_open(self, variant);
	ASSERT_LE(0, b);
	ep = epoll_create1(EPOLL_CLOEXEC);
	ASSERT_LE(0, ep);
	ev.events = EPOLLIN | EPOLLET;
	ev.data.fd = a;
	ASSERT_EQ(0, epoll_ctl(ep, EPOLL_CTL_ADD, a, &ev));
	ev.events = EPOLLIN;
	ev.data.fd = b;
	ASSERT_EQ(0, epoll_ctl(ep, EPOLL_CTL_ADD, b, &ev));
	EXPECT_EQ(0, epoll_wait(ep, out, 4, 200));

	/* data on b only: only b reports, and keeps reporting (level) */
	ASSERT_EQ(1, send(b, "b", 1, 0));
	ASSERT_EQ(1, epoll_wait(ep, out, 4, 15000));
	EXPECT_EQ(b, out[0].data.fd);
	EXPECT_EQ(1, epoll_wait(ep, out, 4, 0));
	EXPECT_EQ(1, recv(b, buf, sizeof(buf), 0));
	EXPECT_EQ(0, epoll_wait(ep, out, 4, 0));

	/* edge-triggered a: one event per arrival, not per wait */
	ASSERT_EQ(1, send(a, "x", 1, 0));
	ASSERT_EQ(1, epoll_wait(ep, out, 4, 15000));
	EXPECT_EQ(a, out[0].data.fd);
	EXPECT_EQ(0, epoll_wait(ep, out, 4, 200));
	ASSERT_EQ(1, send(a, "y", 1, 0));
	n = epoll_wait(ep, out, 4, 15000);
	EXPECT_EQ(1, n);
	EXPECT_EQ(a, out[0].data.fd);
	EXPECT_EQ(2, recv(a, buf, 2, MSG_WAITALL));
	EXPECT_EQ(0, memcmp(buf, "xy", 2));
	close(ep);
	close(a);
	close(b);
}

/* The peer's close: unread data first, then EOF; EPOLLIN and a hangup. */
QT_TEST_F(poll, eof_on_remote_close, 60)
{
	char buf[64];
	short re;
	int fd, id;

	fd = echo_open(self, variant);
	ASSERT_LE(0, fd);
	id = qt_conn_id(fd);
	ASSERT_EQ(4, send(fd, "last", 4, 0));
	ASSERT_EQ(POLLIN, qt_poll1(fd, POLLIN, 15000));
	ASSERT_EQ(0, qt_emu(self->m.ctl, "close %d keepdata", id));
	re = qt_poll1(fd, POLLIN | POLLRDHUP, 15000);
	EXPECT_EQ(POLLIN, re & POLLIN);
	/* wait for the hangup itself: the data was readable before it */
	qt_poll1(fd, POLLRDHUP, 15000);
	re = qt_poll1(fd, POLLIN | POLLRDHUP, 0);
	EXPECT_EQ(POLLIN | POLLRDHUP | POLLHUP, re & (POLLIN | POLLRDHUP | POLLHUP))
		TH_LOG("revents %#x", re);
	EXPECT_EQ(4, recv(fd, buf, sizeof(buf), 0));
	EXPECT_EQ(0, memcmp(buf, "last", 4));
	EXPECT_EQ(0, recv(fd, buf, sizeof(buf), 0));
	EXPECT_EQ(0, recv(fd, buf, sizeof(buf), MSG_DONTWAIT));
	EXPECT_EQ(POLLIN | POLLHUP, qt_poll1(fd, POLLIN, 0));
	EXPECT_EQ(-1, send(fd, "x", 1, MSG_NOSIGNAL));
	EXPECT_TRUE(errno == EPIPE || errno == ECONNRESET)
		TH_LOG("send after the peer closed: %s", strerror(errno));
	close(fd);
}

/* POLLOUT only while the send buffer has room. */
QT_TEST_F(poll, pollout_only_with_room, 90)
{
	long queued;
	int fd, outq = -1;

	fd = echo_open(self, variant);
	ASSERT_LE(0, fd);
	queued = fill_stalled(_metadata, self, fd, 3000);
	ASSERT_LT(0, queued);
	EXPECT_EQ(0, qt_poll1(fd, POLLOUT, 0) & POLLOUT);
	EXPECT_EQ(0, qt_poll1(fd, POLLOUT, 500) & POLLOUT);
	ASSERT_EQ(0, qt_emu(self->m.ctl, "set send_delay_ms 0"));
	/* the pending SEND OK comes within 3 s; room follows */
	EXPECT_EQ(POLLOUT, qt_poll1(fd, POLLOUT, 20000) & POLLOUT);
	/* and everything queued arrives */
	EXPECT_EQ(0, drain_echo(fd, queued, 60000));
	EXPECT_EQ(0, ioctl(fd, SIOCOUTQ, &outq));
	EXPECT_EQ(0, outq);
	close(fd);
}

QT_TEST_F(poll, nonblocking_connect, 60)
{
	struct sockaddr_in sin = qt_sin(self->echo);
	short re;
	int fd, r;

	ASSERT_EQ(0, qt_emu(self->m.ctl, "set open_delay_ms 1000"));
	fd = qt_socket(self->m.ifname, SOCK_STREAM, variant->mode);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, qt_nonblock(fd, true));
	r = connect(fd, (struct sockaddr *)&sin, sizeof(sin));
	ASSERT_EQ(-1, r);
	ASSERT_EQ(EINPROGRESS, errno);
	/* while +QIOPEN is pending: not writable, connect says EALREADY */
	EXPECT_EQ(0, qt_poll1(fd, POLLOUT, 200));
	EXPECT_EQ(-1, connect(fd, (struct sockaddr *)&sin, sizeof(sin)));
	EXPECT_EQ(EALREADY, errno);
	re = qt_poll1(fd, POLLOUT, 15000);
	EXPECT_EQ(POLLOUT, re);
	EXPECT_EQ(0, qt_so_error(fd));
	/* as TCP: the next connect() says it worked, then EISCONN */
	EXPECT_EQ(0, connect(fd, (struct sockaddr *)&sin, sizeof(sin)))
		TH_LOG("connect: %s", strerror(errno));
	EXPECT_EQ(-1, connect(fd, (struct sockaddr *)&sin, sizeof(sin)));
	EXPECT_EQ(EISCONN, errno);
	EXPECT_EQ(0, qt_nonblock(fd, false));
	EXPECT_EQ(0, qt_echo_check(_metadata, fd, 100, 1, 0, 15000));
	close(fd);
}

QT_TEST_F(poll, nonblocking_connect_refused, 60)
{
	struct sockaddr_in sin = qt_sin(1);
	short re;
	int fd, r;

	fd = qt_socket(self->m.ifname, SOCK_STREAM, variant->mode);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, qt_nonblock(fd, true));
	r = connect(fd, (struct sockaddr *)&sin, sizeof(sin));
	if (r) {
		ASSERT_EQ(EINPROGRESS, errno);
		re = qt_poll1(fd, POLLOUT, 15000);
		EXPECT_NE(0, re & POLLERR) TH_LOG("revents %#x", re);
		EXPECT_EQ(ECONNREFUSED, qt_so_error(fd));
		/* read once */
		EXPECT_EQ(0, qt_so_error(fd));
	} else {
		TH_LOG("non-blocking connect to a closed port succeeded");
		EXPECT_NE(0, r);
	}
	close(fd);
}

QT_TEST_F(poll, rcvtimeo, 60)
{
	char buf[8];
	long long t0, dt;
	int fd;

	fd = echo_open(self, variant);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, qt_set_timeo(fd, SO_RCVTIMEO, 400));
	t0 = qt_now_ms();
	EXPECT_EQ(-1, recv(fd, buf, sizeof(buf), 0));
	dt = qt_now_ms() - t0;
	EXPECT_EQ(EAGAIN, errno);
	EXPECT_LE(380, dt);
	EXPECT_GT(3000, dt);
	/* MSG_WAITALL with part of the data: returns the part at the timeout */
	ASSERT_EQ(3, send(fd, "abc", 3, 0));
	ASSERT_EQ(POLLIN, qt_poll1(fd, POLLIN, 15000));
	EXPECT_EQ(3, recv(fd, buf, sizeof(buf), MSG_WAITALL));
	close(fd);
}

QT_TEST_F(poll, sndtimeo, 90)
{
	static unsigned char junk[4096];
	long long t0, dt;
	long queued;
	int fd;

	fd = echo_open(self, variant);
	ASSERT_LE(0, fd);
	queued = fill_stalled(_metadata, self, fd, 3000);
	ASSERT_EQ(0, qt_set_timeo(fd, SO_SNDTIMEO, 400));
	t0 = qt_now_ms();
	EXPECT_EQ(-1, send(fd, junk, sizeof(junk), MSG_NOSIGNAL));
	dt = qt_now_ms() - t0;
	EXPECT_EQ(EAGAIN, errno);
	EXPECT_LE(380, dt);
	EXPECT_GT(2500, dt);
	ASSERT_EQ(0, qt_emu(self->m.ctl, "set send_delay_ms 0"));
	EXPECT_EQ(0, drain_echo(fd, queued, 60000));
	close(fd);
}

QT_TEST_F(poll, eintr_recv, 60)
{
	char buf[8];
	long long t0, dt;
	int fd;

	fd = echo_open(self, variant);
	ASSERT_LE(0, fd);
	alarm_in(300, false);
	t0 = qt_now_ms();
	EXPECT_EQ(-1, recv(fd, buf, sizeof(buf), 0));
	dt = qt_now_ms() - t0;
	EXPECT_EQ(EINTR, errno);
	EXPECT_EQ(1, sig_count);
	EXPECT_LE(250, dt);
	EXPECT_GT(3000, dt);
	/* the socket is fine afterwards */
	EXPECT_EQ(0, qt_echo_check(_metadata, fd, 50, 2, 0, 15000));
	close(fd);
}

struct sender {
	int fd;
	const char *msg;
};

/* waits for the signal, then makes data arrive */
static void *send_after_signal(void *arg)
{
	struct sender *s = arg;

	while (sem_wait(&sig_sem) && errno == EINTR)
		;
	if (send(s->fd, s->msg, strlen(s->msg), 0) < 0)
		perror("send");
	return NULL;
}

QT_TEST_F(poll, sa_restart_recv, 60)
{
	struct sender s = { .msg = "restarted" };
	char buf[16] = "";
	pthread_t th;
	int fd;

	fd = echo_open(self, variant);
	ASSERT_LE(0, fd);
	s.fd = fd;
	alarm_in(300, true);
	ASSERT_EQ(0, pthread_create(&th, NULL, send_after_signal, &s));
	/* the signal comes while recv sleeps; recv goes on and gets data */
	EXPECT_EQ(9, recv(fd, buf, 9, MSG_WAITALL));
	EXPECT_STREQ("restarted", buf);
	EXPECT_EQ(1, sig_count);
	pthread_join(th, NULL);
	close(fd);
}

/* A call with a timeout is not restarted: EINTR even under SA_RESTART. */
QT_TEST_F(poll, sa_restart_timeo_eintr, 60)
{
	char buf[8];
	long long t0, dt;
	int fd;

	fd = echo_open(self, variant);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, qt_set_timeo(fd, SO_RCVTIMEO, 5000));
	alarm_in(300, true);
	t0 = qt_now_ms();
	EXPECT_EQ(-1, recv(fd, buf, sizeof(buf), 0));
	dt = qt_now_ms() - t0;
	EXPECT_EQ(EINTR, errno);
	EXPECT_EQ(1, sig_count);
	EXPECT_GT(3000, dt);
	close(fd);
}

struct unstall {
	int ctl;
	int ret;
};

/* waits for the signal, then lets the module take data again */
static void *unstall_after_signal(void *arg)
{
	struct unstall *u = arg;

	while (sem_wait(&sig_sem) && errno == EINTR)
		;
	u->ret = qt_emu(u->ctl, "set send_delay_ms 0");
	return NULL;
}

/* send() blocked on a full buffer, signal under SA_RESTART: it goes on and
 * completes once the module takes data again.
 */
QT_TEST_F(poll, sa_restart_send, 90)
{
	static unsigned char junk[4096];
	struct unstall u = { .ctl = self->m.ctl, .ret = -1 };
	pthread_t th;
	long queued;
	int fd;

	fd = echo_open(self, variant);
	ASSERT_LE(0, fd);
	queued = fill_stalled(_metadata, self, fd, 3000);
	alarm_in(300, true);
	ASSERT_EQ(0, pthread_create(&th, NULL, unstall_after_signal, &u));
	EXPECT_EQ((ssize_t)sizeof(junk), send(fd, junk, sizeof(junk), MSG_NOSIGNAL))
		TH_LOG("send: %s", strerror(errno));
	EXPECT_EQ(1, sig_count);
	pthread_join(th, NULL);
	EXPECT_EQ(0, u.ret);
	EXPECT_EQ(0, drain_echo(fd, queued + sizeof(junk), 60000));
	close(fd);
}

QT_TEST_F(poll, eintr_send, 90)
{
	static unsigned char junk[4096];
	long long t0, dt;
	long queued;
	int fd;

	fd = echo_open(self, variant);
	ASSERT_LE(0, fd);
	queued = fill_stalled(_metadata, self, fd, 3000);
	alarm_in(300, false);
	t0 = qt_now_ms();
	EXPECT_EQ(-1, send(fd, junk, sizeof(junk), MSG_NOSIGNAL));
	dt = qt_now_ms() - t0;
	EXPECT_EQ(EINTR, errno);
	EXPECT_LE(250, dt);
	EXPECT_GT(2500, dt);
	ASSERT_EQ(0, qt_emu(self->m.ctl, "set send_delay_ms 0"));
	EXPECT_EQ(0, drain_echo(fd, queued, 60000));
	close(fd);
}

/* Blocking connect interrupted: EINTR, and the attempt goes on (as TCP). */
QT_TEST_F(poll, eintr_connect, 60)
{
	struct sockaddr_in sin = qt_sin(self->echo);
	long long t0, dt;
	int fd, r;

	ASSERT_EQ(0, qt_emu(self->m.ctl, "set open_delay_ms 2000"));
	fd = qt_socket(self->m.ifname, SOCK_STREAM, variant->mode);
	ASSERT_LE(0, fd);
	alarm_in(300, false);
	t0 = qt_now_ms();
	r = connect(fd, (struct sockaddr *)&sin, sizeof(sin));
	dt = qt_now_ms() - t0;
	EXPECT_EQ(-1, r);
	EXPECT_EQ(EINTR, errno);
	EXPECT_GT(1500, dt);
	EXPECT_EQ(POLLOUT, qt_poll1(fd, POLLOUT, 15000));
	EXPECT_EQ(0, qt_so_error(fd));
	EXPECT_EQ(0, qt_echo_check(_metadata, fd, 20, 3, 0, 15000));
	close(fd);
}

/* state letter of /proc/pid/stat ('S' sleeping, 'D' uninterruptible...) */
static char proc_state(pid_t pid)
{
	return qt_proc_state(pid);
}

/* SIGKILL ends a process blocked in recv() or in a close() that flushes. */
QT_TEST_F(poll, sigkill_blocked, 60)
{
	long long t0;
	int st = 0, i, p[2];
	char c, state;

	for (i = 0; i < 2; i++) {
		pid_t pid;

		/* i == 1: sends stalled, so that close() has data to flush */
		ASSERT_EQ(0, qt_emu(self->m.ctl, "set send_delay_ms %d",
				    i ? 5000 : 0));
		ASSERT_EQ(0, pipe(p));
		pid = fork();
		ASSERT_LE(0, pid);
		if (!pid) {
			static unsigned char junk[16384];
			int fd = echo_open(self, variant);

			if (fd < 0)
				_exit(2);
			if (i)
				send(fd, junk, sizeof(junk), MSG_DONTWAIT);
			if (write(p[1], "x", 1) != 1)
				_exit(4);
			if (i == 0)
				recv(fd, junk, sizeof(junk), MSG_WAITALL);
			else
				close(fd);
			pause();
			_exit(3);
		}
		close(p[1]);
		ASSERT_EQ(1, read(p[0], &c, 1)) TH_LOG("child could not connect");
		close(p[0]);
		/* wait until it sleeps in the call */
		t0 = qt_now_ms();
		do {
			state = proc_state(pid);
			if (state != 'S' && state != 'D')
				usleep(1000);
		} while (state != 'S' && state != 'D' && qt_now_ms() - t0 < 3000);
		t0 = qt_now_ms();
		ASSERT_EQ(0, kill(pid, SIGKILL));
		while (waitpid(pid, &st, WNOHANG) == 0 &&
		       qt_now_ms() - t0 < 15000)
			usleep(20000);
		EXPECT_GT(2000, qt_now_ms() - t0)
			TH_LOG("%s: SIGKILL took %lld ms (state was %c)",
			       i ? "close" : "recv", qt_now_ms() - t0, state);
		if (qt_now_ms() - t0 >= 15000)
			waitpid(pid, &st, 0);
		EXPECT_TRUE(WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL);
	}
	ASSERT_EQ(0, qt_emu(self->m.ctl, "set send_delay_ms 0"));
}

int main(int argc, char **argv)
{
	return test_harness_run(argc, argv);
}
