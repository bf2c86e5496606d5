// SPDX-License-Identifier: GPL-2.0
/*
 * AF_QTCPIP stream sockets (TCP clients of the module's stack): connect,
 * byte-exact transfers from 1 byte to 100 kB in both directions (echo,
 * counted sink, source; bulk_test has the 1 MiB ones), close() delivering
 * queued data, recv flags, shutdown, getpeername, netdev counters, access
 * mode switching.
 *
 * Each test runs on the module of every slot listed in $QTCPIP_MODEMS
 * (slot0 = ttyS1, slot1 = ttyS2, or ttyUSB<n>), in buffer and direct push
 * access modes; tcp_attach attaches after the port was throttled and, on
 * a ttyUSB, unplugs the module while attached.
 * Bulk transfers switch the emulator's UART pacing off to keep the run
 * short; the others run at 115200 baud.
 */
#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/sockios.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "qt_sock.h"

FIXTURE(tcp) {
	struct qt_mod m;
	int echo, sink, source;
};

FIXTURE_VARIANT(tcp) {
	int slot;
	int mode;
};

#if QT_SLOT_ON(0)
FIXTURE_VARIANT_ADD(tcp, slot0_buffer) { .slot = 0, .mode = QTCPIP_MODE_BUFFER };
FIXTURE_VARIANT_ADD(tcp, slot0_push) { .slot = 0, .mode = QTCPIP_MODE_PUSH };
#endif
#if QT_SLOT_ON(1)
FIXTURE_VARIANT_ADD(tcp, slot1_buffer) { .slot = 1, .mode = QTCPIP_MODE_BUFFER };
FIXTURE_VARIANT_ADD(tcp, slot1_push) { .slot = 1, .mode = QTCPIP_MODE_PUSH };
#endif

FIXTURE_SETUP(tcp)
{
	QT_ATTACH(&self->m, variant->slot, 115200);
	self->echo = qt_srv("TCP_ECHO");
	self->sink = qt_srv("TCP_SINK");
	self->source = qt_srv("TCP_SOURCE");
	ASSERT_LT(0, self->echo) TH_LOG("QTCPIP_SRV_TCP_ECHO is not set");
	ASSERT_LT(0, self->sink);
	ASSERT_LT(0, self->source);
}

FIXTURE_TEARDOWN(tcp)
{
	QT_DETACH(&self->m);
}

static int tcp_open(FIXTURE_DATA(tcp) *self, const FIXTURE_VARIANT(tcp) *v,
		    int port)
{
	return qt_open(&self->m, SOCK_STREAM, v->mode, port);
}

QT_TEST_F(tcp, echo_small, 60)
{
	const char msg[] = "hello, qtcpip\n";
	char buf[64] = "", r[QT_EMU_REPLY_MAX];
	struct sockaddr_in peer;
	socklen_t pl = sizeof(peer);
	long long tx0, rx0;
	int fd, id, mode = -1;
	socklen_t ml = sizeof(mode);

	tx0 = qt_netstat(self->m.ifname, "tx_bytes");
	rx0 = qt_netstat(self->m.ifname, "rx_bytes");
	fd = tcp_open(self, variant, self->echo);
	ASSERT_LE(0, fd) TH_LOG("connect: %s", strerror(-fd));

	id = qt_conn_id(fd);
	EXPECT_LE(0, id);
	EXPECT_GT(self->m.nconn, id);
	ASSERT_EQ(0, getsockopt(fd, SOL_QTCPIP, QTCPIP_ACCESS_MODE, &mode, &ml));
	EXPECT_EQ(variant->mode, mode);
	/* the module has that connection, in that mode, to that port */
	ASSERT_EQ(0, qt_emu_cmd(self->m.ctl, r, sizeof(r), "state %d", id))
		TH_LOG("module has no connection %d: %s", id, r);
	EXPECT_EQ(variant->mode, qt_kv(r, "mode", -1));
	EXPECT_EQ(self->echo, qt_kv(r, "rport", -1));
	EXPECT_EQ(2, qt_kv(r, "statenum", -1)) TH_LOG("%s", r);

	ASSERT_EQ(0, getpeername(fd, (struct sockaddr *)&peer, &pl));
	EXPECT_EQ(AF_INET, peer.sin_family);
	EXPECT_EQ(htons(self->echo), peer.sin_port);
	EXPECT_EQ(htonl(INADDR_LOOPBACK), peer.sin_addr.s_addr);

	ASSERT_EQ((ssize_t)strlen(msg), send(fd, msg, strlen(msg), 0));
	ASSERT_EQ(0, qt_set_timeo(fd, SO_RCVTIMEO, 10000));
	ASSERT_EQ((ssize_t)strlen(msg), recv(fd, buf, strlen(msg), MSG_WAITALL))
		TH_LOG("recv: %s", strerror(errno));
	EXPECT_STREQ(msg, buf);
	EXPECT_EQ(0, qt_rx_lost(fd));
	/* the netdev counts payload bytes, nothing else */
	EXPECT_EQ(tx0 + (long long)strlen(msg),
		  qt_netstat(self->m.ifname, "tx_bytes"));
	EXPECT_EQ(rx0 + (long long)strlen(msg),
		  qt_netstat(self->m.ifname, "rx_bytes"));
	EXPECT_EQ(0, close(fd));
}

/* QTCPIP_SEND_INFO: the module's AT+QISEND=<id>,0 answer (UC20 family);
 * the BC66 has no such query.
 */
QT_TEST_F(tcp, send_info, 60)
{
	struct qtcpip_send_info si;
	socklen_t sl = sizeof(si);
	char buf[300];
	int fd, r;

	fd = tcp_open(self, variant, self->echo);
	ASSERT_LE(0, fd) TH_LOG("connect: %s", strerror(-fd));
	memset(buf, 'q', sizeof(buf));
	ASSERT_EQ((ssize_t)sizeof(buf), send(fd, buf, sizeof(buf), 0));
	ASSERT_EQ(0, qt_set_timeo(fd, SO_RCVTIMEO, 10000));
	/* Echoed: the module has sent all of it. */
	ASSERT_EQ((ssize_t)sizeof(buf), recv(fd, buf, sizeof(buf), MSG_WAITALL));
	memset(&si, 0xff, sizeof(si));
	r = getsockopt(fd, SOL_QTCPIP, QTCPIP_SEND_INFO, &si, &sl);
	if (!self->m.uc20) {
		EXPECT_EQ(-1, r);
		EXPECT_EQ(EOPNOTSUPP, errno);
	} else {
		ASSERT_EQ(0, r) TH_LOG("QTCPIP_SEND_INFO: %s", strerror(errno));
		EXPECT_EQ(sizeof(si), sl);
		EXPECT_EQ(sizeof(buf), si.total);
		EXPECT_EQ(si.total, si.acked + si.unacked);
	}
	EXPECT_EQ(0, close(fd));
}

QT_TEST_F(tcp, connect_by_name, 60)
{
	struct sockaddr_qt sqt = qt_sqt("localhost", self->echo);
	char r[QT_EMU_REPLY_MAX], rip[64] = "";
	int fd, id;

	fd = qt_socket(self->m.ifname, SOCK_STREAM, variant->mode);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, connect(fd, (struct sockaddr *)&sqt, sizeof(sqt)))
		TH_LOG("connect to localhost: %s", strerror(errno));
	id = qt_conn_id(fd);
	ASSERT_EQ(0, qt_emu_cmd(self->m.ctl, r, sizeof(r), "state %d", id));
	qt_kv_str(r, "rip", rip, sizeof(rip));
	EXPECT_STREQ("127.0.0.1", rip);
	EXPECT_EQ(0, qt_echo_check(_metadata, fd, 1000, 7, 0, 20000));
	close(fd);
}

QT_TEST_F(tcp, connect_refused, 60)
{
	int fd, r;

	/* nothing listens on port 1 of the host's loopback */
	fd = qt_socket(self->m.ifname, SOCK_STREAM, variant->mode);
	ASSERT_LE(0, fd);
	r = qt_connect_port(fd, 1);
	EXPECT_EQ(-ECONNREFUSED, r) TH_LOG("connect: %s", strerror(-r));
	EXPECT_EQ(-1, send(fd, "x", 1, MSG_NOSIGNAL));
	EXPECT_TRUE(errno == ENOTCONN || errno == EPIPE)
		TH_LOG("send: %s", strerror(errno));
	close(fd);
	/* the failed attempt left the module in a usable state */
	fd = tcp_open(self, variant, self->echo);
	ASSERT_LE(0, fd) TH_LOG("connect after refusal: %s", strerror(-fd));
	EXPECT_EQ(0, qt_echo_check(_metadata, fd, 10, 8, 0, 10000));
	close(fd);
}

QT_TEST_F(tcp, connect_unknown_host, 90)
{
	struct sockaddr_qt sqt = qt_sqt("no-such-host.invalid", self->echo);
	int fd, r;

	fd = qt_socket(self->m.ifname, SOCK_STREAM, variant->mode);
	ASSERT_LE(0, fd);
	/* the module's "DNS parse failed" */
	r = connect(fd, (struct sockaddr *)&sqt, sizeof(sqt)) ? errno : 0;
	EXPECT_EQ(EHOSTUNREACH, r) TH_LOG("%s", strerror(r));
	close(fd);
}

/*
 * Sizes around both dialects' AT+QISEND/AT+QIRD limits, one connection.
 * No speed is asserted: 64 KiB of random bytes go to a BC66 as 128 KiB of
 * hex, and QEMU's 16550 costs the host a system call a byte (the echo took
 * over 30 s twice, push mode, on a loaded 2-core host).
 */
QT_TEST_F(tcp, echo_sizes, 240)
{
	static const size_t sizes[] = {
		1, 2, 3, 699, 700, 701, 1399, 1400, 1459, 1460, 1461, 1500,
		1501, 2920, 4096, 16383, 16384, 16385, 65536,
	};
	unsigned int i;
	int fd;

	ASSERT_EQ(0, qt_emu(self->m.ctl, "baud 0"));
	fd = tcp_open(self, variant, self->echo);
	ASSERT_LE(0, fd) TH_LOG("connect: %s", strerror(-fd));
	for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++)
		ASSERT_EQ(0, qt_echo_check(_metadata, fd, sizes[i], i + 1, 0,
					75000))
			TH_LOG("size %zu", sizes[i]);
	EXPECT_EQ(0, qt_rx_lost(fd));
	close(fd);
}

/* Guest -> host: the counted sink confirms length and CRC-32. */
QT_TEST_F(tcp, sink_upload, 120)
{
	static const size_t sizes[] = { 1, 700, 701, 1461, 100000 };
	char got[64];
	unsigned int i;

	ASSERT_EQ(0, qt_emu(self->m.ctl, "baud 0"));
	for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		unsigned char *data = malloc(sizes[i]);
		int fd = tcp_open(self, variant, self->sink), r;

		ASSERT_LE(0, fd) TH_LOG("connect: %s", strerror(-fd));
		qt_fill(data, sizes[i], 1000 + i);
		r = qt_sink_upload(fd, data, sizes[i], NULL, 100000, got,
				   sizeof(got));
		EXPECT_EQ(0, r) TH_LOG("upload of %zu bytes: %s, sink said '%s'",
				       sizes[i], strerror(-r), got);
		free(data);
		close(fd);
	}
}

/* Host -> guest: the start of the source's stream, then a local close
 * while the source is still sending.
 */
QT_TEST_F(tcp, source_partial, 120)
{
	size_t n = 65536;
	unsigned char *rx = malloc(n), *want = malloc(n);
	uint32_t st = 1;
	int fd, r;

	ASSERT_EQ(0, qt_emu(self->m.ctl, "baud 0"));
	fd = tcp_open(self, variant, self->source);
	ASSERT_LE(0, fd) TH_LOG("connect: %s", strerror(-fd));
	r = qt_xfer(fd, NULL, 0, rx, n, 60000);
	EXPECT_EQ(0, r) TH_LOG("%s", strerror(-r));
	qt_source_gen(want, n, &st);
	EXPECT_EQ(-1, qt_diff(want, rx, n));
	EXPECT_EQ(0, qt_rx_lost(fd));
	EXPECT_EQ(0, close(fd));
	free(rx);
	free(want);
}

/* close() right after send() still delivers everything queued. */
QT_TEST_F(tcp, close_delivers_queued, 120)
{
	size_t n = 24000;
	unsigned char *data = malloc(n);
	char tag[48], hdr[96], want[64], ans[64] = "";
	size_t off = 0;
	int fd, q, hl;

	snprintf(tag, sizeof(tag), "close-%d-%d-%lld", variant->slot,
		 variant->mode, qt_now_ms());
	qt_fill(data, n, 4242);
	snprintf(want, sizeof(want), "bytes=%zu crc32=%08x\n", n,
		 qt_crc32(0, data, n));
	fd = tcp_open(self, variant, self->sink);
	ASSERT_LE(0, fd);
	hl = snprintf(hdr, sizeof(hdr), "QTCPIP-COUNT %zu %s\n", n, tag);
	ASSERT_EQ(hl, send(fd, hdr, hl, 0));
	/* blocking sends: return once queued, long before the line (115200
	 * baud, > 2 s for this much) has carried it
	 */
	while (off < n) {
		ssize_t r = send(fd, data + off, n - off, 0);

		ASSERT_LT(0, r) TH_LOG("send: %s", strerror(errno));
		off += r;
	}
	EXPECT_EQ(0, close(fd));
	/* ask the sink, on another connection, what arrived */
	q = tcp_open(self, variant, self->sink);
	ASSERT_LE(0, q) TH_LOG("second connection: %s", strerror(-q));
	hl = snprintf(hdr, sizeof(hdr), "QTCPIP-QUERY %s\n", tag);
	EXPECT_EQ(0, qt_xfer(q, hdr, hl, ans, strlen(want), 60000));
	EXPECT_STREQ(want, ans);
	close(q);
	free(data);
}

QT_TEST_F(tcp, recv_flags, 60)
{
	char buf[4000], peek[16];
	unsigned char tx[3000];
	int fd, i, inq = -1;

	fd = tcp_open(self, variant, self->echo);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, qt_set_timeo(fd, SO_RCVTIMEO, 20000));
	/* nothing yet: MSG_DONTWAIT does not block */
	EXPECT_EQ(-1, recv(fd, buf, sizeof(buf), MSG_DONTWAIT));
	EXPECT_EQ(EAGAIN, errno);

	/* MSG_PEEK leaves the data in place; SIOCINQ counts it */
	ASSERT_EQ(5, send(fd, "abcde", 5, 0));
	ASSERT_EQ(POLLIN, qt_poll1(fd, POLLIN, 20000) & POLLIN);
	EXPECT_EQ(3, recv(fd, peek, 3, MSG_PEEK));
	EXPECT_EQ(0, memcmp(peek, "abc", 3));
	EXPECT_EQ(0, ioctl(fd, SIOCINQ, &inq));
	EXPECT_EQ(5, inq);
	EXPECT_EQ(5, recv(fd, buf, 5, MSG_WAITALL));
	EXPECT_EQ(0, ioctl(fd, SIOCINQ, &inq));
	EXPECT_EQ(0, inq);
	EXPECT_EQ(0, memcmp(buf, "abcde", 5));

	/* MSG_WAITALL gathers three separate sends into one recv */
	qt_fill(tx, sizeof(tx), 3);
	for (i = 0; i < 3; i++)
		ASSERT_EQ(1000, send(fd, tx + i * 1000, 1000, 0));
	EXPECT_EQ(3000, recv(fd, buf, 3000, MSG_WAITALL));
	EXPECT_EQ(0, memcmp(buf, tx, 3000));
	EXPECT_EQ(-1, recv(fd, buf, sizeof(buf), MSG_DONTWAIT));
	close(fd);
}

QT_TEST_F(tcp, shutdown_and_peer, 60)
{
	struct sockaddr_in peer;
	socklen_t pl = sizeof(peer);
	char c;
	int fd;

	fd = qt_socket(self->m.ifname, SOCK_STREAM, variant->mode);
	ASSERT_LE(0, fd);
	EXPECT_EQ(-1, getpeername(fd, (struct sockaddr *)&peer, &pl));
	EXPECT_EQ(ENOTCONN, errno);
	/* POSIX says ENOTCONN, Linux TCP says EPIPE */
	EXPECT_EQ(-1, send(fd, "x", 1, MSG_NOSIGNAL));
	EXPECT_TRUE(errno == ENOTCONN || errno == EPIPE)
		TH_LOG("send: %s", strerror(errno));
	ASSERT_EQ(0, qt_connect_port(fd, self->echo));
	/* a second connect on a connected socket */
	EXPECT_EQ(-EISCONN, qt_connect_port(fd, self->echo));

	ASSERT_EQ(0, shutdown(fd, SHUT_WR));
	EXPECT_EQ(-1, send(fd, "x", 1, MSG_NOSIGNAL));
	EXPECT_EQ(EPIPE, errno);
	ASSERT_EQ(0, shutdown(fd, SHUT_RD));
	EXPECT_EQ(0, recv(fd, &c, 1, 0));
	EXPECT_EQ(POLLIN, qt_poll1(fd, POLLIN, 1000) & POLLIN);
	close(fd);
}

/* The access mode of a live connection switches (AT+QISWTMD) both ways;
 * the context is fixed once connected.
 */
QT_TEST_F(tcp, mode_switch_after_connect, 90)
{
	int fd, other = !variant->mode, mode = -1;
	socklen_t ml = sizeof(mode);

	fd = tcp_open(self, variant, self->echo);
	ASSERT_LE(0, fd);
	EXPECT_EQ(0, qt_echo_check(_metadata, fd, 3000, 11, 0, 30000));
	EXPECT_EQ(0, qt_set_int(fd, SOL_QTCPIP, QTCPIP_ACCESS_MODE, other));
	EXPECT_EQ(-EISCONN, qt_set_int(fd, SOL_QTCPIP, QTCPIP_CONTEXT, 2));
	ASSERT_EQ(0, getsockopt(fd, SOL_QTCPIP, QTCPIP_ACCESS_MODE, &mode, &ml));
	EXPECT_EQ(other, mode);
	EXPECT_EQ(other, qt_emu_conn(self->m.ctl, qt_conn_id(fd), "mode"));
	EXPECT_EQ(0, qt_echo_check(_metadata, fd, 5000, 12, 0, 30000));
	/* And back. */
	EXPECT_EQ(0, qt_set_int(fd, SOL_QTCPIP, QTCPIP_ACCESS_MODE,
				variant->mode));
	EXPECT_EQ(variant->mode,
		  qt_emu_conn(self->m.ctl, qt_conn_id(fd), "mode"));
	EXPECT_EQ(0, qt_echo_check(_metadata, fd, 5000, 13, 0, 30000));
	close(fd);
}

/* Local close with unread data and with sends pending: the connectID is
 * closed in the module (checked by the teardown) and nothing hangs.
 */
QT_TEST_F(tcp, close_busy, 60)
{
	unsigned char buf[8000];
	int fd, fd2;

	fd = tcp_open(self, variant, self->echo);
	ASSERT_LE(0, fd);
	qt_fill(buf, sizeof(buf), 5);
	ASSERT_EQ(2000, send(fd, buf, 2000, 0));
	ASSERT_EQ(POLLIN, qt_poll1(fd, POLLIN, 20000) & POLLIN);
	fd2 = tcp_open(self, variant, self->echo);
	ASSERT_LE(0, fd2);
	ASSERT_LT(0, send(fd2, buf, sizeof(buf), MSG_DONTWAIT));
	EXPECT_EQ(0, close(fd));	/* unread data */
	EXPECT_EQ(0, close(fd2));	/* unsent data */
}

/*
 * Attaching after the module talked to nobody: N_TTY's buffer filled up
 * and it throttled the port. A USB serial port (ttyUSB, run-guest --line
 * usb) then stops reading the device altogether (a 16550 without flow
 * control ignores throttling); the new line discipline must unthrottle it
 * or nothing from the module ever arrives again.
 */
FIXTURE(tcp_attach) {
	struct qt_mod m;
	char usbdir[PATH_MAX];		/* usb_unplug: the device, while away */
};

FIXTURE_VARIANT(tcp_attach) {
	int slot;
};

#if QT_SLOT_ON(0)
FIXTURE_VARIANT_ADD(tcp_attach, slot0) { .slot = 0 };
#endif
#if QT_SLOT_ON(1)
FIXTURE_VARIANT_ADD(tcp_attach, slot1) { .slot = 1 };
#endif

FIXTURE_SETUP(tcp_attach)
{
	memset(&self->m, 0, sizeof(self->m));
	self->usbdir[0] = 0;
}

static int usb_authorize(const char *dir, int on);

FIXTURE_TEARDOWN(tcp_attach)
{
	QT_DETACH(&self->m);
	/* a failed usb_unplug must not leave the port away for the rest */
	if (self->usbdir[0])
		usb_authorize(self->usbdir, 1);
}

TEST_F_TIMEOUT(tcp_attach, after_throttled_input, 90)
{
	/* N_TTY throttles with less than 128 of its 4096 bytes free */
	const int throttled = 4096 - 128;
	char err[256] = "", cmd[1024];
	int echo = qt_srv("TCP_ECHO"), fd, i, r, inq = 0;
	long long end;

	ASSERT_LT(0, echo);
	r = qt_mod_prepare(&self->m, variant->slot, 115200, NULL, err,
			   sizeof(err));
	if (r == 1)
		SKIP(return, "no module in slot %d", variant->slot);
	ASSERT_EQ(0, r) TH_LOG("%s", err);
	TH_LOG("slot %d: %s on %s", variant->slot, self->m.model, self->m.tty);

	/* 5000 bytes of empty lines, which the driver's parser skips */
	for (i = 0; i < 250; i++)
		strcpy(cmd + 4 * i, "\\r\\n");
	for (i = 0; i < 10; i++)
		ASSERT_EQ(0, qt_emu(self->m.ctl, "raw %s", cmd));
	end = qt_now_ms() + 15000;
	while (qt_now_ms() < end) {
		ASSERT_EQ(0, ioctl(self->m.ttyfd, FIONREAD, &inq));
		if (inq > throttled)
			break;
		usleep(50000);
	}
	ASSERT_LT(throttled, inq) TH_LOG("N_TTY holds only %d bytes", inq);

	ASSERT_EQ(0, qt_mod_setd(&self->m, err, sizeof(err)))
		TH_LOG("%s", err);
	fd = qt_open(&self->m, SOCK_STREAM, QTCPIP_MODE_BUFFER, echo);
	ASSERT_LE(0, fd) TH_LOG("connect: %s", strerror(-fd));
	EXPECT_EQ(0, qt_echo_check(_metadata, fd, 3000, 11, 1000, 30000));
	EXPECT_EQ(0, close(fd));
}

/* The sysfs directory of the USB device behind a ttyUSB; 0 or -errno. */
static int usb_dev_dir(const char *tty, char *dir)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), "/sys/class/tty/%s/device/../..",
		 tty + strlen("/dev/"));
	return realpath(path, dir) ? 0 : -errno;
}

/* Writes "0" or "1" to the USB device's authorized file: the kernel
 * unbinds it (as on an unplug) or binds it again.
 */
static int usb_authorize(const char *dir, int on)
{
	char path[PATH_MAX + 16];
	FILE *f;
	int r;

	snprintf(path, sizeof(path), "%s/authorized", dir);
	f = fopen(path, "w");
	if (!f)
		return -errno;
	r = fprintf(f, "%d\n", on) < 0;
	r |= fclose(f);
	return r ? -EIO : 0;
}

/*
 * A USB module unplugged while attached (its device deauthorized: the
 * usb-serial port disconnects and hangs up the tty): the netdev goes, an
 * open socket fails with ENODEV, nothing leaks or warns; plugged in again
 * the same ttyUSB attaches and works. Skips on a 16550.
 */
TEST_F_TIMEOUT(tcp_attach, usb_unplug, 120)
{
	char err[256] = "", tty[64], *dir = self->usbdir, buf[16];
	int echo = qt_srv("TCP_ECHO"), fd, r;
	long long end;

	ASSERT_LT(0, echo);
	if (strncmp(qt_slot_tty(variant->slot), "/dev/ttyUSB", 11))
		SKIP(return, "slot %d is not on USB", variant->slot);
	r = qt_mod_attach(&self->m, variant->slot, 115200, err, sizeof(err));
	if (r == 1)
		SKIP(return, "no module in slot %d", variant->slot);
	ASSERT_EQ(0, r) TH_LOG("%s", err);
	snprintf(tty, sizeof(tty), "%s", self->m.tty);
	TH_LOG("slot %d: %s on %s, %s", variant->slot, self->m.model, tty,
	       self->m.ifname);
	fd = qt_open(&self->m, SOCK_STREAM, QTCPIP_MODE_BUFFER, echo);
	ASSERT_LE(0, fd) TH_LOG("connect: %s", strerror(-fd));
	ASSERT_EQ(0, qt_echo_check(_metadata, fd, 500, 12, 500, 20000));

	ASSERT_EQ(0, usb_dev_dir(tty, dir));
	ASSERT_EQ(0, usb_authorize(dir, 0));
	EXPECT_EQ(0, qt_wait_netdev_gone(self->m.ifname, 10000));
	ASSERT_EQ(0, qt_set_timeo(fd, SO_RCVTIMEO, 10000));
	EXPECT_EQ(-1, recv(fd, buf, sizeof(buf), 0));
	EXPECT_EQ(ENODEV, errno);
	EXPECT_EQ(0, close(fd));
	/* the module still has the connection: the next attach resets it */
	EXPECT_EQ(0, qt_mod_detach(&self->m));

	ASSERT_EQ(0, usb_authorize(dir, 1));
	self->usbdir[0] = 0;
	end = qt_now_ms() + 30000;
	while (access(tty, F_OK) && qt_now_ms() < end)
		usleep(100000);
	ASSERT_EQ(0, access(tty, F_OK)) TH_LOG("%s did not come back", tty);
	r = qt_mod_attach(&self->m, variant->slot, 115200, err, sizeof(err));
	ASSERT_EQ(0, r) TH_LOG("again: %s", err);
	fd = qt_open(&self->m, SOCK_STREAM, QTCPIP_MODE_BUFFER, echo);
	ASSERT_LE(0, fd) TH_LOG("connect: %s", strerror(-fd));
	EXPECT_EQ(0, qt_echo_check(_metadata, fd, 500, 13, 500, 20000));
	EXPECT_EQ(0, close(fd));
}

int main(int argc, char **argv)
{
	return test_harness_run(argc, argv);
}
