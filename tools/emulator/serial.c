// SPDX-License-Identifier: GPL-2.0
/*
 * The serial endpoint (unix socket server or client, pty, stdio) and the
 * UART model: with a baud rate set, bytes leave and enter the modem no
 * faster than baud/10 per second (8N1), as on a real line. Output goes
 * through the fault filters (drop/dup/corrupt, split writes) on its way
 * to the wire; input through the receive-side filters.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include "emu.h"

#define RXCAP 4096
/*
 * Credit kept when we are late: a late wakeup must not slow the line
 * down, but a long stall must not turn into an unpaced burst either.
 */
#define CREDIT_NS (500 * MS)
#define WAKE_NS 500000ULL	/* minimum batch time when paced */

static struct {
	enum ep_kind kind;
	char path[108];
	bool persist, up, ever_up, blocked;
	int lfd, rfd, wfd, slave;
	struct buf txq, wire, rxq;
	uint64_t tx_free, rx_free, byte_ns;
	unsigned int baud;
	uint64_t tx_timer, rx_timer, conn_timer, hold_until, mute_until;
	uint64_t deaf_until;
	uint64_t conn_deadline;
	bool split_wait;
} S = { .lfd = -1, .rfd = -1, .wfd = -1, .slave = -1 };

static void peer_gone(void);
static void rx_ev(void *arg, uint32_t events);
static void tx_ev(void *arg, uint32_t events);

static void set_nonblock(int fd)
{
	fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
}

bool serial_up(void)
{
	return S.up;
}

void serial_set_baud(unsigned int baud)
{
	S.baud = baud;
	S.byte_ns = baud ? 10000000000ULL / baud : 0;
	S.tx_free = S.rx_free = now_ns();
}

unsigned int serial_baud(void)
{
	return S.baud;
}

size_t serial_txq_len(void)
{
	return S.txq.len + S.wire.len;
}

static void watch_rx(void)
{
	uint32_t in = S.rxq.len < RXCAP ? EPOLLIN : 0;
	uint32_t out = S.blocked ? EPOLLOUT : 0;

	if (!S.up)
		return;
	if (S.rfd == S.wfd) {
		ev_watch(S.rfd, in | out, rx_ev, NULL);
		return;
	}
	ev_watch(S.rfd, in, rx_ev, NULL);
	ev_watch(S.wfd, out, tx_ev, NULL);
}

static void tx_timer_cb(void *arg)
{
	(void)arg;
	S.tx_timer = 0;
	S.split_wait = false;
	serial_tx_kick();
}

static void tx_at(uint64_t when)
{
	uint64_t now = now_ns();

	ev_cancel(&S.tx_timer);
	S.tx_timer = ev_timer(when > now ? when - now : 0, tx_timer_cb, NULL);
}

/* Write the fault-filtered wire buffer; false when the fd is full. */
static bool flush_wire(void)
{
	while (S.wire.len) {
		ssize_t n = write(S.wfd, buf_data(&S.wire), S.wire.len);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN) {
				S.blocked = true;
				watch_rx();
				return false;
			}
			peer_gone();
			return false;
		}
		trace_data("tx", buf_data(&S.wire), n);
		C.tx_bytes += n;
		C.tx_writes++;
		buf_drop(&S.wire, n);
	}
	if (S.blocked) {
		/* the peer held us up: that time is not owed to the line */
		S.blocked = false;
		if (S.tx_free < now_ns())
			S.tx_free = now_ns();
		watch_rx();
	}
	return true;
}

void serial_tx_kick(void)
{
	uint64_t now;
	size_t n, before = serial_txq_len();

	if (!S.up)
		return;
	if (!flush_wire())
		return;
	while (S.txq.len && !S.split_wait) {
		now = now_ns();
		if (S.hold_until > now || S.mute_until > now) {
			tx_at(S.hold_until > S.mute_until ? S.hold_until :
			      S.mute_until);
			break;
		}
		n = S.txq.len;
		if (S.baud) {
			uint64_t credit;

			if (S.tx_free + CREDIT_NS < now)
				S.tx_free = now - CREDIT_NS;
			credit = now > S.tx_free ? now - S.tx_free : 0;
			if (credit / S.byte_ns < n)
				n = credit / S.byte_ns;
			if (!n) {
				uint64_t k = WAKE_NS / S.byte_ns;

				if (k < 1)
					k = 1;
				if (k > S.txq.len)
					k = S.txq.len;
				tx_at(S.tx_free + k * S.byte_ns);
				break;
			}
		}
		if (F.split) {
			size_t lim = F.split;

			if (F.split_rand)
				lim = 1 + rnd32() % F.split;
			if (n > lim)
				n = lim;
		}
		fault_bytes(DIR_TX, buf_data(&S.txq), n, &S.wire);
		buf_drop(&S.txq, n);
		if (S.baud)
			S.tx_free += n * S.byte_ns;
		if (!flush_wire())
			break;
		if (F.split && S.txq.len) {
			/* one write per split chunk, optionally spaced out */
			S.split_wait = true;
			tx_at(now_ns() + F.split_gap_us * 1000ULL);
		}
	}
	if (before >= TXQ_HIGH / 2 && serial_txq_len() < TXQ_HIGH / 2)
		conn_poll_all();
}

void serial_write_raw(const void *p, size_t n)
{
	if (!S.up || !n)
		return;
	if (!serial_txq_len() && S.baud && S.tx_free < now_ns())
		S.tx_free = now_ns();
	buf_put(&S.txq, p, n);
	serial_tx_kick();
}

void serial_write(const void *p, size_t n)
{
	if (hostile_on())
		hostile_write(p, n);
	else
		serial_write_raw(p, n);
}

void serial_discard_tx(void)
{
	buf_reset(&S.txq);
	buf_reset(&S.wire);
}

void serial_hold(uint64_t ms)
{
	S.hold_until = now_ns() + ms * MS;
	serial_tx_kick();
}

static void rx_pass(void);

static void rx_timer_cb(void *arg)
{
	(void)arg;
	S.rx_timer = 0;
	serial_rx_kick();
}

static void mute_end(void *arg)
{
	(void)arg;
	trace_note("mute ends");
	serial_rx_kick();
	serial_tx_kick();
}

void serial_mute(uint64_t ms)
{
	S.mute_until = now_ns() + ms * MS;
	ev_timer(ms * MS, mute_end, NULL);
}

static void deaf_end(void *arg)
{
	(void)arg;
	trace_note("deaf ends");
	serial_rx_kick();
}

/* Input only: what arrives is dropped (the module hears nothing it can
 * read), output flows as before.
 */
void serial_deaf(uint64_t ms)
{
	S.deaf_until = now_ns() + ms * MS;
	ev_timer(ms * MS, deaf_end, NULL);
}

void serial_rx_kick(void)
{
	static bool active, again;

	/* a command may call back in here: finish the outer pass first */
	if (active) {
		again = true;
		return;
	}
	active = true;
	do {
		again = false;
		rx_pass();
	} while (again && S.up);
	active = false;
}

static void rx_pass(void)
{
	uint64_t now = now_ns();
	size_t n, used;

	if (!S.up)
		return;
	if (S.mute_until > now) {
		C.muted_bytes += S.rxq.len;
		buf_reset(&S.rxq);
		watch_rx();
		return;
	}
	if (S.deaf_until > now) {
		C.deaf_bytes += S.rxq.len;
		buf_reset(&S.rxq);
		watch_rx();
		return;
	}
	while (S.rxq.len) {
		n = S.rxq.len;
		if (S.baud) {
			uint64_t credit;

			if (S.rx_free + CREDIT_NS < now)
				S.rx_free = now - CREDIT_NS;
			credit = now > S.rx_free ? now - S.rx_free : 0;
			if (credit / S.byte_ns < n)
				n = credit / S.byte_ns;
			if (!n) {
				uint64_t k = WAKE_NS / S.byte_ns;

				if (k < 1)
					k = 1;
				if (k > S.rxq.len)
					k = S.rxq.len;
				ev_cancel(&S.rx_timer);
				S.rx_timer = ev_timer(S.rx_free + k * S.byte_ns -
						      now, rx_timer_cb, NULL);
				break;
			}
		}
		used = at_input(buf_data(&S.rxq), n, now);
		buf_drop(&S.rxq, used);
		if (S.baud)
			S.rx_free += used * S.byte_ns;
		if (used < n || !S.up)
			break;	/* the command interpreter is busy */
	}
	watch_rx();
}

static void rx_ev(void *arg, uint32_t events)
{
	unsigned char tmp[RXCAP];
	ssize_t n;

	(void)arg;
	if (events & EPOLLOUT)
		serial_tx_kick();
	if (!S.up)
		return;
	if (!(events & (EPOLLIN | EPOLLHUP | EPOLLERR)))
		return;
	if (S.rxq.len >= RXCAP) {
		watch_rx();
		return;
	}
	n = read(S.rfd, tmp, RXCAP - S.rxq.len);
	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return;
	if (n <= 0) {
		peer_gone();
		return;
	}
	C.rx_bytes += n;
	trace_data("rx", tmp, n);
	if (!S.rxq.len && S.baud && S.rx_free < now_ns())
		S.rx_free = now_ns();
	fault_bytes(DIR_RX, tmp, n, &S.rxq);
	serial_rx_kick();
}

static void tx_ev(void *arg, uint32_t events)
{
	(void)arg;
	(void)events;
	serial_tx_kick();
}

static void up(int rfd, int wfd)
{
	S.rfd = rfd;
	S.wfd = wfd;
	set_nonblock(rfd);
	set_nonblock(wfd);
	S.up = true;
	S.blocked = false;
	S.tx_free = S.rx_free = now_ns();
	watch_rx();
	trace_note("serial peer connected");
	if (!S.ever_up) {
		S.ever_up = true;
		at_peer_connected();
	}
	serial_tx_kick();
}

static void accept_ev(void *arg, uint32_t events)
{
	int fd;

	(void)arg;
	(void)events;
	fd = accept4(S.lfd, NULL, NULL, SOCK_CLOEXEC);
	if (fd < 0)
		return;
	ev_unwatch(S.lfd);
	up(fd, fd);
}

static void try_connect(void *arg)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd;

	(void)arg;
	S.conn_timer = 0;
	memcpy(sa.sun_path, S.path, sizeof(sa.sun_path) - 1);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd >= 0 && connect(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0) {
		up(fd, fd);
		main_ready();
		return;
	}
	if (fd >= 0)
		close(fd);
	if (now_ns() > S.conn_deadline) {
		logmsg("cannot connect to %s: %s", S.path, strerror(errno));
		ev_stop(1);
		return;
	}
	S.conn_timer = ev_timer(100 * MS, try_connect, NULL);
}

static void peer_gone(void)
{
	if (!S.up)
		return;
	trace_note("serial peer disconnected");
	ev_unwatch(S.rfd);
	ev_unwatch(S.wfd);
	if (S.rfd != S.wfd)
		close(S.wfd);
	close(S.rfd);
	S.rfd = S.wfd = -1;
	S.up = false;
	buf_reset(&S.rxq);
	serial_discard_tx();
	if (!S.persist || S.kind == EP_STDIO) {
		ev_stop(0);
		return;
	}
	if (S.kind == EP_LISTEN) {
		ev_watch(S.lfd, EPOLLIN, accept_ev, NULL);
	} else if (S.kind == EP_CONNECT) {
		S.conn_deadline = now_ns() + 30000 * MS;
		try_connect(NULL);
	}
}

static void open_pty(void)
{
	struct termios tio;
	int m = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
	const char *name;

	if (m < 0 || grantpt(m) || unlockpt(m) || !(name = ptsname(m))) {
		perror("pty");
		exit(1);
	}
	/*
	 * Keep the slave open ourselves: its termios (raw) then survives
	 * the user's open/close, and a closed slave never reads as EOF.
	 */
	S.slave = open(name, O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (S.slave < 0 || tcgetattr(S.slave, &tio)) {
		perror(name);
		exit(1);
	}
	cfmakeraw(&tio);
	tcsetattr(S.slave, TCSANOW, &tio);
	printf("pty: %s\n", name);
	fflush(stdout);
	up(m, m);
}

void serial_open(enum ep_kind kind, const char *path, bool persist)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };

	S.kind = kind;
	S.persist = persist;
	if (path)
		snprintf(S.path, sizeof(S.path), "%s", path);
	switch (kind) {
	case EP_LISTEN:
		memcpy(sa.sun_path, S.path, sizeof(sa.sun_path) - 1);
		unlink(S.path);
		S.lfd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
		if (S.lfd < 0 || bind(S.lfd, (struct sockaddr *)&sa,
				      sizeof(sa)) || listen(S.lfd, 1)) {
			perror(S.path);
			exit(1);
		}
		ev_watch(S.lfd, EPOLLIN, accept_ev, NULL);
		main_ready();
		break;
	case EP_CONNECT:
		S.conn_deadline = now_ns() + 30000 * MS;
		try_connect(NULL);
		break;
	case EP_PTY:
		open_pty();
		main_ready();
		break;
	case EP_STDIO:
		up(0, 1);
		main_ready();
		break;
	default:
		break;
	}
}
