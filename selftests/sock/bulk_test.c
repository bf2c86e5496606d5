// SPDX-License-Identifier: GPL-2.0
/*
 * 1 MiB transfers through AF_QTCPIP stream sockets, checksummed, on the
 * module of each slot: upload to the counted sink (CRC-32 checked by the
 * host), download of the source's whole stream up to its close (compared
 * byte for byte) in buffer and in direct push access mode, and an echo in
 * both directions at once. The emulator's UART pacing is off: the rate is
 * what QEMU's line and the driver manage. The full MiB goes over a USB
 * serial line (make test's USB guest: 6 s a MiB); on a 16550 and on the
 * debug kernel the sizes are a quarter (qt_bulk_max()): a MiB through
 * QEMU's 16550 took 12 s on an idle machine and up to 450 s beside
 * seven other TCG guests on two cores. The deadlines bound a hang, the
 * rate is the benchmark's business.
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

/* the source's stream length: run-guest starts it with the default */
#define SOURCE_LEN	(1 << 20)

FIXTURE(bulk) {
	struct qt_mod m;
};

FIXTURE_VARIANT(bulk) {
	int slot;
};

#if QT_SLOT_ON(0)
FIXTURE_VARIANT_ADD(bulk, slot0) { .slot = 0 };
#endif
#if QT_SLOT_ON(1)
FIXTURE_VARIANT_ADD(bulk, slot1) { .slot = 1 };
#endif

FIXTURE_SETUP(bulk)
{
	QT_ATTACH(&self->m, variant->slot, 115200);
	ASSERT_EQ(0, qt_emu(self->m.ctl, "baud 0"));
}

FIXTURE_TEARDOWN(bulk)
{
	QT_DETACH(&self->m);
}

static void rate(struct __test_metadata *_metadata, const char *what,
		 size_t n, long long t0)
{
	long long ms = qt_now_ms() - t0;

	TH_LOG("%s: %zu bytes in %lld ms (%lld B/s)", what, n, ms,
	       ms ? (long long)n * 1000 / ms : 0);
}

QT_TEST_F(bulk, sink_upload, 420)
{
	size_t n = qt_bulk_max(&self->m);
	unsigned char *data = malloc(n);
	long long t0 = qt_now_ms();
	char got[64] = "";
	int fd, r;

	fd = qt_open(&self->m, SOCK_STREAM, QTCPIP_MODE_BUFFER,
		     qt_srv("TCP_SINK"));
	ASSERT_LE(0, fd) TH_LOG("connect: %s", strerror(-fd));
	qt_fill(data, n, 77);
	r = qt_sink_upload(fd, data, n, NULL, 400000, got, sizeof(got));
	EXPECT_EQ(0, r) TH_LOG("%s; sink said '%s'", strerror(-r), got);
	rate(_metadata, "upload", n, t0);
	close(fd);
	free(data);
}

static void download(struct __test_metadata *_metadata,
		     FIXTURE_DATA(bulk) *self, int mode)
{
	size_t n = qt_bulk_max(&self->m);
	bool whole = n >= SOURCE_LEN;
	unsigned char *rx = malloc(SOURCE_LEN + 1), *want = malloc(SOURCE_LEN);
	struct qt_flow f = { .rx = rx };
	long long t0 = qt_now_ms();
	uint32_t st = 1;
	char c;
	int r;

	f.fd = qt_open(&self->m, SOCK_STREAM, mode, qt_srv("TCP_SOURCE"));
	ASSERT_LE(0, f.fd) TH_LOG("connect: %s", strerror(-f.fd));
	/* the whole stream and its end, or the first n bytes */
	f.until_eof = whole;
	f.rx_len = whole ? SOURCE_LEN + 1 : n;
	r = qt_flows_run(&f, 1, 400000, NULL, NULL, 0);
	EXPECT_EQ(0, r) TH_LOG("%s after %zu bytes", strerror(-r), f.rx_off);
	rate(_metadata, mode ? "download (push)" : "download (buffer)",
	     f.rx_off, t0);
	if (whole) {
		EXPECT_TRUE(f.eof);
		EXPECT_EQ(SOURCE_LEN, f.rx_off);
		/* after EOF: EOF again, no error, nothing lost */
		EXPECT_EQ(0, recv(f.fd, &c, 1, MSG_DONTWAIT));
	} else {
		EXPECT_EQ(n, f.rx_off);
	}
	qt_source_gen(want, SOURCE_LEN, &st);
	EXPECT_EQ(-1, qt_diff(want, rx, f.rx_off < SOURCE_LEN ? f.rx_off :
			      SOURCE_LEN));
	EXPECT_EQ(0, qt_rx_lost(f.fd));
	close(f.fd);
	free(rx);
	free(want);
}

QT_TEST_F(bulk, source_download_buffer, 420)
{
	download(_metadata, self, QTCPIP_MODE_BUFFER);
}

QT_TEST_F(bulk, source_download_push, 420)
{
	download(_metadata, self, QTCPIP_MODE_PUSH);
}

/* Both directions at once, direct push, sends of odd sizes. */
QT_TEST_F(bulk, echo_push, 420)
{
	size_t n = qt_bulk_max(&self->m) / 4;
	long long t0 = qt_now_ms();
	int fd;

	fd = qt_open(&self->m, SOCK_STREAM, QTCPIP_MODE_PUSH,
		     qt_srv("TCP_ECHO"));
	ASSERT_LE(0, fd) TH_LOG("connect: %s", strerror(-fd));
	EXPECT_EQ(0, qt_echo_check(_metadata, fd, n, 99, 4999, 400000));
	rate(_metadata, "echo", n, t0);
	EXPECT_EQ(0, qt_rx_lost(fd));
	close(fd);
}

int main(int argc, char **argv)
{
	return test_harness_run(argc, argv);
}
