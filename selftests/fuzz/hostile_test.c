// SPDX-License-Identifier: GPL-2.0
/*
 * A hostile module against busy sockets, on the module of each slot: the
 * emulator's hostile mode (control "hostile on SEED RATE INSIDE KINDS") laces
 * the module's output with framing-plausible lies (huge, negative and
 * truncated data blocks, unknown connectIDs, URCs inside responses and
 * data, stray result codes, RDY storms, garbage) while TCP echo, upload,
 * download and UDP echo sockets are busy, all non-blocking. Then:
 *  - every socket ends in data (its transfer completes) or a clear error,
 *    at the latest once the module has been reset after the hostile
 *    spell; none stays pending;
 *  - every syscall returns in bounded time (close() included);
 *  - kernel memory stays bounded (slab bytes sampled during the spell, and
 *    compared before and after);
 *  - once the hostile mode ends (and, if the driver did not resync by
 *    itself, after a module reset) a normal TCP echo works.
 * The seed is printed; QTCPIP_HOSTILE_SEED replays one.
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

#define SPELL_MS	25000	/* hostile mode on */
#define SPELL_RDY_MS	8000	/* its last part, with RDY storms */
#define RATE		10	/* hostile items per second */
#define SETTLE_MS	30000	/* after it, for the sockets to end */
#define ECHO_BYTES	(512 << 10)	/* more than a run moves */
#define UPLOAD_BYTES	(32 << 10)
#define LATE_BYTES	2048	/* received after the spell: it works */
#define SLAB_PEAK_MAX	(32L << 20)	/* growth during the spell */
#define SLAB_LEAK_MAX	(4L << 20)	/* growth once all is closed */

enum kind { K_ECHO, K_ECHO_PUSH, K_UPLOAD, K_DOWNLOAD, K_UDP };

static const char *const kind_name[] = {
	"tcp echo", "tcp echo (push)", "tcp upload", "tcp download",
	"udp echo",
};

struct busy {
	enum kind kind;
	int fd;
	unsigned char *tx;
	size_t tx_len, tx_off, rx_off;
	unsigned long dgrams_rx, dgrams_rx_late;
	long long next_dgram;
	int err;		/* the errno that ended it */
	bool done;		/* its data all went through */
	bool eof;
	long mismatch;		/* first echoed byte that differs, or -1 */
	long rx_late;		/* rx_off when the spell ended, or -1 */
	long long retry_at;	/* reopen after a failed open (spell) */
};

/* What the sockets that ended during the spell ended with. */
struct tally {
	unsigned long data, errors, opens, open_errors;
	long long close_max_ms;
	int errs[134];
};

static const struct qt_mod *MOD;
static unsigned long long SEED;

FIXTURE(hostile) {
	struct qt_mod m;
};

FIXTURE_VARIANT(hostile) {
	int slot;
};

#if QT_SLOT_ON(0)
FIXTURE_VARIANT_ADD(hostile, slot0) { .slot = 0 };
#endif
#if QT_SLOT_ON(1)
FIXTURE_VARIANT_ADD(hostile, slot1) { .slot = 1 };
#endif

FIXTURE_SETUP(hostile)
{
	QT_ATTACH(&self->m, variant->slot, 115200);
}

FIXTURE_TEARDOWN(hostile)
{
	if (self->m.ctl >= 0)
		qt_emu(self->m.ctl, "clear");
	QT_DETACH(&self->m);
}

static bool ended(const struct busy *b)
{
	return b->done || b->err;
}

/* One non-blocking step of b; never waits. */
static void step(struct busy *b, short re, bool late)
{
	unsigned char buf[4096];
	ssize_t r;

	if (ended(b))
		return;
	if (b->kind == K_UDP) {
		if (qt_now_ms() >= b->next_dgram) {
			b->next_dgram = qt_now_ms() + 300;
			r = send(b->fd, b->tx, 200, MSG_DONTWAIT | MSG_NOSIGNAL);
			if (r < 0 && errno != EAGAIN && errno != EINTR &&
			    errno != ECONNREFUSED)
				b->err = errno;
		}
		while (!b->err &&
		       (r = recv(b->fd, buf, sizeof(buf), MSG_DONTWAIT)) > 0) {
			b->dgrams_rx++;
			if (late)
				b->dgrams_rx_late++;
		}
		/*
		 * 0: the module closed the connection ("closed"), which
		 * reads as EOF from then on (a loop on ">= 0" would spin on
		 * it until the test's timeout), or an empty datagram: it
		 * ended.
		 */
		if (!b->err && !r)
			b->err = EPIPE;
		else if (!b->err && errno != EAGAIN && errno != EINTR &&
			 errno != ECONNREFUSED)
			b->err = errno;
		/* a reply once the module behaves: it works */
		if (b->dgrams_rx_late)
			b->done = true;
		return;
	}
	if ((re & POLLOUT) && b->tx_off < b->tx_len) {
		size_t k = b->tx_len - b->tx_off;

		r = send(b->fd, b->tx + b->tx_off, k > 1000 ? 1000 : k,
			 MSG_DONTWAIT | MSG_NOSIGNAL);
		if (r > 0)
			b->tx_off += r;
		else if (r < 0 && errno != EAGAIN && errno != EINTR)
			b->err = errno;
	}
	if (!b->err && (re & (POLLIN | POLLHUP | POLLERR))) {
		r = recv(b->fd, buf, sizeof(buf), MSG_DONTWAIT);
		if (r > 0) {
			if (b->kind != K_DOWNLOAD && b->kind != K_UPLOAD &&
			    b->mismatch < 0 && b->rx_off + r <= b->tx_len) {
				long d = qt_diff(b->tx + b->rx_off, buf, r);

				if (d >= 0)
					b->mismatch = b->rx_off + d;
			}
			b->rx_off += r;
		} else if (!r) {
			b->eof = true;
		} else if (errno != EAGAIN && errno != EINTR) {
			b->err = errno;
		}
	}
	if (!b->err && (re & POLLERR) && !(re & POLLIN)) {
		int e = qt_so_error(b->fd);

		b->err = e > 0 ? e : EIO;
	}
	if (late && b->rx_late < 0)
		b->rx_late = b->rx_off;
	/*
	 * "Data": the transfer completed, or bytes keep coming once the
	 * module behaves (what came during the spell may be the module's
	 * lies).
	 */
	if (late && b->rx_off - b->rx_late >= LATE_BYTES)
		b->done = true;
	switch (b->kind) {
	case K_ECHO:
	case K_ECHO_PUSH:
		if (b->rx_off >= b->tx_len)
			b->done = true;
		break;
	case K_UPLOAD:
		/* the sink's "bytes=N crc32=X" line once it has them all */
		if (b->rx_off > 0 && b->tx_off == b->tx_len)
			b->done = true;
		break;
	case K_DOWNLOAD:
		if (b->eof)
			b->done = true;
		break;
	default:
		break;
	}
	if (b->eof && !b->done && !b->err)
		b->err = EPIPE;
}

static int busy_open(struct busy *x, enum kind kind, unsigned long long seed)
{
	int type = kind == K_UDP ? SOCK_DGRAM : SOCK_STREAM;
	int mode = kind == K_ECHO_PUSH ? QTCPIP_MODE_PUSH : QTCPIP_MODE_BUFFER;
	const char *srv = kind == K_UDP ? "UDP_ECHO" :
			  kind == K_UPLOAD ? "TCP_SINK" :
			  kind == K_DOWNLOAD ? "TCP_SOURCE" : "TCP_ECHO";
	int fd, r;

	free(x->tx);
	memset(x, 0, sizeof(*x));
	x->kind = kind;
	x->fd = -1;
	x->mismatch = -1;
	x->rx_late = -1;
	x->tx_len = kind == K_DOWNLOAD ? 0 : kind == K_UDP ? 200 :
		    kind == K_UPLOAD ? UPLOAD_BYTES : ECHO_BYTES;
	x->tx = malloc(x->tx_len + 64);
	if (!x->tx)
		return -ENOMEM;
	qt_fill(x->tx, x->tx_len, seed);
	if (kind == K_UPLOAD) {
		/* the sink's counted form: header, then the bytes */
		int hl = snprintf((char *)x->tx, 64, "QTCPIP-COUNT %zu\n",
				  x->tx_len - 64);

		memset(x->tx + hl, '.', 63 - hl);
		x->tx[63] = '\n';
	}
	fd = qt_socket(MOD->ifname, type, mode);
	if (fd < 0)
		return fd;
	/* a connect during the spell must end too */
	qt_set_timeo(fd, SO_SNDTIMEO, 15000);
	r = qt_connect_port(fd, qt_srv(srv));
	if (r) {
		close(fd);
		return r;
	}
	x->fd = fd;
	return 0;
}

static void busy_close(struct busy *x, struct tally *t)
{
	long long t0 = qt_now_ms(), d;

	if (x->fd < 0)
		return;
	close(x->fd);
	x->fd = -1;
	d = qt_now_ms() - t0;
	if (t && d > t->close_max_ms)
		t->close_max_ms = d;
}

/*
 * Runs every busy socket for ms. During the spell (tally set) a socket
 * that ended is counted, closed and replaced, so that sockets stay busy
 * all along, and the slab peak is sampled every second.
 */
static int run(struct busy *b, int n, int ms, bool late, struct tally *t,
	       long *slab_peak)
{
	long long end = qt_now_ms() + ms, next_slab = 0;
	struct pollfd p[8];
	int i, left;

	do {
		left = 0;
		for (i = 0; t && i < n; i++) {
			int r;

			if (!ended(&b[i]) ||
			    (b[i].fd < 0 && qt_now_ms() < b[i].retry_at))
				continue;
			if (b[i].fd >= 0) {
				if (b[i].done)
					t->data++;
				else
					t->errors++;
				if (b[i].err > 0 && b[i].err < 134)
					t->errs[b[i].err]++;
			}
			busy_close(&b[i], t);
			t->opens++;
			r = busy_open(&b[i], b[i].kind, SEED + t->opens);
			if (r) {
				t->open_errors++;
				if (-r > 0 && -r < 134)
					t->errs[-r]++;
				b[i].err = -r;
				b[i].retry_at = qt_now_ms() + 1000;
			}
		}
		for (i = 0; i < n; i++) {
			p[i].fd = ended(&b[i]) ? -1 : b[i].fd;
			p[i].events = POLLIN;
			if (b[i].tx_off < b[i].tx_len && b[i].kind != K_UDP)
				p[i].events |= POLLOUT;
			p[i].revents = 0;
			left += !ended(&b[i]);
		}
		if (!left && !t)
			return 0;
		if (poll(p, n, 100) < 0 && errno != EINTR)
			return -errno;
		for (i = 0; i < n; i++)
			if (b[i].fd >= 0)
				step(&b[i], p[i].revents, late);
		if (slab_peak && qt_now_ms() >= next_slab) {
			long s = qt_slab_bytes();

			if (s > *slab_peak)
				*slab_peak = s;
			next_slab = qt_now_ms() + 1000;
		}
	} while (qt_now_ms() < end);
	return left;
}

static int pending(const struct busy *b, int n)
{
	int i, k = 0;

	for (i = 0; i < n; i++)
		k += !ended(&b[i]);
	return k;
}

static void report(struct __test_metadata *_metadata, const struct busy *b,
		   int n, const char *when)
{
	int i;

	for (i = 0; i < n; i++)
		TH_LOG("%s: %s: %s%s, sent %zu/%zu, received %zu%s",
		       when, kind_name[b[i].kind],
		       b[i].done ? "data" : b[i].err ? "error " : "PENDING",
		       b[i].err && !b[i].done ? strerror(b[i].err) : "",
		       b[i].tx_off, b[i].tx_len,
		       b[i].kind == K_UDP ? b[i].dgrams_rx : b[i].rx_off,
		       b[i].mismatch >= 0 ? " (echo differs)" : "");
}

static int left_ms(long long end, int cap)
{
	long long l = end - qt_now_ms();

	return l < 1 ? 1 : l < cap ? (int)l : cap;
}

/*
 * A normal echo within ms: 0 if it worked. Every wait inside is cut to
 * what is left of ms, so that the test reports a module that stays
 * unusable before its own timeout would kill it.
 */
static int echo_ok(struct __test_metadata *_metadata, struct qt_mod *m,
		   uint64_t seed, int ms)
{
	long long end = qt_now_ms() + ms;
	int fd, r = -1;

	while (qt_now_ms() < end) {
		if (qt_wait_carrier(m->ifindex, 1, left_ms(end, 20000))) {
			TH_LOG("no carrier");
			continue;
		}
		fd = qt_socket(m->ifname, SOCK_STREAM, -1);
		if (fd < 0) {
			TH_LOG("echo socket: %s", strerror(-fd));
			r = fd;
			sleep(2);
			continue;
		}
		qt_set_timeo(fd, SO_SNDTIMEO, left_ms(end, 60000));
		r = qt_connect_port(fd, qt_srv("TCP_ECHO"));
		if (r) {
			TH_LOG("echo connect: %s", strerror(-r));
			close(fd);
			sleep(2);
			continue;
		}
		r = qt_echo_check(_metadata, fd, 3000, seed, 0,
				  left_ms(end, 30000));
		close(fd);
		if (!r)
			return 0;
		sleep(2);
	}
	return r;
}

QT_TEST_F(hostile, busy_sockets_survive, 280)
{
	static const enum kind kinds[] = { K_ECHO, K_ECHO_PUSH, K_DOWNLOAD,
					   K_UPLOAD, K_UDP };
	const char *env = getenv("QTCPIP_HOSTILE_SEED");
	unsigned long long seed = env ? strtoull(env, NULL, 0) :
		(unsigned long long)time(NULL) ^ getpid();
	struct tally tally = { 0 };
	struct busy b[5];
	long slab0, slab_peak = 0, slab1 = 0;
	long long t, t0 = qt_now_ms();
	int i, n = 0, left, fd, tries;
	char r[QT_EMU_REPLY_MAX];

	TH_LOG("seed %llu (QTCPIP_HOSTILE_SEED=%llu replays it)", seed, seed);
	qt_drop_caches();
	slab0 = qt_slab_bytes();
	ASSERT_LT(0, slab0);

	memset(b, 0, sizeof(b));
	MOD = &self->m;
	SEED = seed;
	/* a BC66 has five connectIDs: leave one for the echo check */
	for (i = 0; i < (int)ARRAY_SIZE(kinds) && n < self->m.nconn - 1; i++) {
		fd = busy_open(&b[n], kinds[i], seed + i);
		ASSERT_EQ(0, fd) TH_LOG("%s: %s", kind_name[kinds[i]],
					strerror(-fd));
		n++;
	}

	/* busy first, then hostile */
	EXPECT_LE(0, run(b, n, 2000, false, NULL, NULL));
	/*
	 * First lies without RDY, which would take the link down at once,
	 * then everything, RDY storms included.
	 */
	ASSERT_EQ(0, qt_emu_cmd(self->m.ctl, r, sizeof(r),
				"hostile on %llu %d 8 data,urc,final,garbage",
				seed, RATE));
	t = qt_now_ms();
	run(b, n, SPELL_MS - SPELL_RDY_MS, false, &tally, &slab_peak);
	ASSERT_EQ(0, qt_emu_cmd(self->m.ctl, r, sizeof(r), "hostile"));
	TH_LOG("hostile spell without RDY: %s", r + 3);
	ASSERT_EQ(0, qt_emu_cmd(self->m.ctl, r, sizeof(r),
				"hostile on %llu %d 8 all", seed + 1, RATE));
	run(b, n, SPELL_RDY_MS, false, &tally, &slab_peak);
	ASSERT_EQ(0, qt_emu_cmd(self->m.ctl, r, sizeof(r), "hostile off"));
	TH_LOG("hostile spell of %lld ms, the last %d ms with RDY: %s",
	       qt_now_ms() - t, SPELL_RDY_MS, r + 3);
	TH_LOG("sockets ended during it: %lu with data, %lu with an error; %lu reopened (%lu failed), longest close %lld ms",
	       tally.data, tally.errors, tally.opens, tally.open_errors,
	       tally.close_max_ms);
	for (i = 1; i < 134; i++)
		if (tally.errs[i])
			TH_LOG("  %d x %s", tally.errs[i], strerror(i));
	EXPECT_LT(0, tally.errors + tally.data + tally.opens)
		TH_LOG("the spell touched no socket");
	TH_LOG("slab: %ld before, peak %ld during (+%ld)", slab0, slab_peak,
	       slab_peak - slab0);
	EXPECT_GT(SLAB_PEAK_MAX, slab_peak - slab0);
	EXPECT_GT(65000, tally.close_max_ms);
	report(_metadata, b, n, "after the spell");

	/* the module behaves again: each socket ends */
	left = run(b, n, SETTLE_MS, true, NULL, NULL);
	if (left > 0) {
		report(_metadata, b, n, "still pending");
		TH_LOG("%d sockets still pending: the module resets", left);
		ASSERT_EQ(0, qt_emu(self->m.ctl, "reset"));
		left = run(b, n, SETTLE_MS, true, NULL, NULL);
	}
	report(_metadata, b, n, "end");
	TH_LOG("%lld s into the test", (qt_now_ms() - t0) / 1000);
	EXPECT_EQ(0, pending(b, n))
		TH_LOG("sockets with neither data nor an error");

	for (i = 0; i < n; i++) {
		t = qt_now_ms();
		busy_close(&b[i], NULL);
		EXPECT_GT(65000, qt_now_ms() - t)
			TH_LOG("close() of the %s took %lld ms",
			       kind_name[b[i].kind], qt_now_ms() - t);
		free(b[i].tx);
	}

	/* a normal echo, by itself or after a module reset */
	for (tries = 0; tries < 2; tries++) {
		/* a command whose answer the lies ate times out after the
		 * manuals' 60 s: give the driver that, and its retry
		 */
		if (!echo_ok(_metadata, &self->m, seed, tries ? 45000 : 90000))
			break;
		if (!qt_emu_cmd(self->m.ctl, r, sizeof(r), "state"))
			TH_LOG("emulator: %s", r);
		TH_LOG("no echo after the hostile spell: the module resets");
		qt_emu(self->m.ctl, "reset");
	}
	EXPECT_GT(2, tries) TH_LOG("the module stays unusable");
	if (tries)
		TH_LOG("the echo needed %d module reset(s)", tries);
	TH_LOG("echo checked %lld s into the test", (qt_now_ms() - t0) / 1000);

	for (i = 0; i < 10; i++) {
		qt_drop_caches();
		sleep(1);
		slab1 = qt_slab_bytes();
		if (slab1 - slab0 < SLAB_LEAK_MAX)
			break;
	}
	TH_LOG("slab: %ld after (%+ld)", slab1, slab1 - slab0);
	EXPECT_GT(SLAB_LEAK_MAX, slab1 - slab0);
}

TEST_HARNESS_MAIN
