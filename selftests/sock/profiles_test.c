// SPDX-License-Identifier: GPL-2.0
/*
 * What real modules print beyond their manuals (the emulator's profiles,
 * Documentation/networking/qtcpip-dialects.rst "Profiles"), one case per
 * fact:
 *
 *   slot 0 (BC66 dialect)
 *     bc66_fw_comes_up     3-line ATI "Quectel_BC66", BROM banner, first
 *                          AT after boot unanswered: the module comes up
 *     bc66_fw_brom_reset   BROM banner mid-transfer: blocked recv() and
 *                          every socket get ENETRESET; usable again
 *     bc660k_late_close_ok CLOSE OK ~50 ms after OK, none for unused ids:
 *                          init does not stall, closes never end the
 *                          commands that follow
 *     stray_finals         CLOSE OK / SEND OK inside other answers end
 *                          nothing: the next command keeps its answer
 *     unknown_model        reported once, not re-probed in a tight loop;
 *                          dialect= and a reset bring it up
 *     wrong_rate0          a module answering at another baud rate
 *                          (emulator "garble"): state bad-rate, said
 *                          once, probed seldom; up again by itself
 *   slot 1 (UC20 dialect)
 *     bg96_recv_hints      boot burst, vendor URCs inside answers, the
 *                          buffer-mode hint with and without a length
 *                          (and one longer than a block): data exact
 *     ec21_urcport         URCs reach the UART only after the driver
 *                          routes them there (AT+QURCCFG="urcport")
 *     wrong_rate1          as wrong_rate0
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "qt_sock.h"

FIXTURE(profiles) {
	struct qt_mod m;
	int echo;
	bool param_set;
};

FIXTURE_SETUP(profiles)
{
	memset(&self->m, 0, sizeof(self->m));
	self->echo = qt_srv("TCP_ECHO");
	ASSERT_LT(0, self->echo);
}

FIXTURE_TEARDOWN(profiles)
{
	if (self->param_set) {
		int fd = open("/sys/module/qtcpip/parameters/dialect", O_WRONLY);

		EXPECT_LE(0, fd);
		if (fd >= 0) {
			EXPECT_EQ(1, write(fd, "\n", 1));
			close(fd);
		}
	}
	QT_DETACH(&self->m);
}

/* Attach slot's module posing as @setup (an emulator control command). */
#define ATTACH_AS(slot_, setup_) do {					\
	char _err[256] = "";						\
	int _r = qt_mod_attach_emu(&self->m, slot_, 115200, setup_,	\
				   _err, sizeof(_err));			\
									\
	if (_r == 1)							\
		SKIP(return, "no module in slot %d", slot_);		\
	ASSERT_EQ(0, _r) TH_LOG("%s: %s", setup_, _err);		\
} while (0)

struct reader {
	pthread_t th;
	int fd;
	ssize_t ret;
	int err;
};

static __attribute__((unused)) void *reader_fn(void *arg)
{
	struct reader *r = arg;
	char buf[64];

	r->ret = recv(r->fd, buf, sizeof(buf), 0);
	r->err = r->ret < 0 ? errno : 0;
	return NULL;
}

static __attribute__((unused)) int reader_wait(struct reader *r, int timeout_ms)
{
	return qt_join_ms(r->th, timeout_ms);
}

/* A connection to the echo server that echoes @n bytes exactly. */
static void echo_ok(struct __test_metadata *_metadata,
		    FIXTURE_DATA(profiles) *self, int mode, size_t n,
		    uint64_t seed)
{
	int fd = qt_open(&self->m, SOCK_STREAM, mode, self->echo);

	ASSERT_LE(0, fd) TH_LOG("connect: %s", strerror(-fd));
	EXPECT_EQ(0, qt_echo_check(_metadata, fd, n, seed, 0, 30000));
	close(fd);
}

/* Kernel log lines from @fd (/dev/kmsg, opened before) holding @text. */
static __attribute__((unused)) int kmsg_count(int fd, const char *text)
{
	char rec[1024];
	ssize_t n;
	int count = 0;

	for (;;) {
		n = read(fd, rec, sizeof(rec) - 1);
		if (n < 0 && errno == EPIPE)
			continue;
		if (n <= 0)
			return count;
		rec[n] = '\0';
		if (strstr(rec, text))
			count++;
	}
}

/* The output of `qtcpip ARGS` holds @text. */
static bool cli_has(const char *args, const char *text)
{
	const char *top = getenv("QTCPIP_TOP");
	char cmd[512], line[256];
	bool found = false;
	FILE *f;

	if (!top)
		return false;
	snprintf(cmd, sizeof(cmd), "%s/tools/cli/qtcpip %s", top, args);
	f = popen(cmd, "r");
	if (!f)
		return false;
	while (fgets(line, sizeof(line), f))
		if (strstr(line, text))
			found = true;
	pclose(f);
	return found;
}

/* `qtcpip dev show dev IF` holds @text. */
static bool dev_show_has(const char *ifname, const char *text)
{
	char args[64];

	snprintf(args, sizeof(args), "dev show dev %s", ifname);
	return cli_has(args, text);
}

/* A module that rebooted at another rate than the tty's (AT+IPR, a wrong
 * ldattach -s): the state says so within 15 s, the log once, the probes
 * back off; when its bytes make sense again it comes up by itself.
 * Fails before: probing for ever, once a second, with nothing said.
 */
static __attribute__((unused)) void wrong_rate(struct __test_metadata *_metadata,
					       FIXTURE_DATA(profiles) *self,
					       int slot)
{
	char err[256] = "", msg[160];
	const char *tty;
	long long cmds;
	int kmsg, r, n, i;

	r = qt_mod_attach_emu(&self->m, slot, 115200, NULL, err, sizeof(err));
	if (r == 1)
		SKIP(return, "no module in slot %d", slot);
	ASSERT_EQ(0, r) TH_LOG("%s", err);
	kmsg = open("/dev/kmsg", O_RDONLY | O_NONBLOCK);
	ASSERT_LE(0, kmsg);
	lseek(kmsg, 0, SEEK_END);
	ASSERT_EQ(0, qt_emu(self->m.ctl, "garble on"));
	ASSERT_EQ(0, qt_emu(self->m.ctl, "reset"));
	for (i = 0; i < 30; i++) {
		if (dev_show_has(self->m.ifname, "state bad-rate"))
			break;
		usleep(500000);
	}
	ASSERT_GT(30, i) TH_LOG("no state bad-rate after 15 s");
	cmds = qt_emu_counter(self->m.ctl, "cmds");
	sleep(10);
	cmds = qt_emu_counter(self->m.ctl, "cmds") - cmds;
	EXPECT_GE(3, cmds) TH_LOG("%lld probes in 10 s", cmds);
	EXPECT_TRUE(dev_show_has(self->m.ifname, "state bad-rate"));
	/* the kernel's name: "/dev/ttyS1" is ttyS1 */
	tty = strrchr(self->m.tty, '/') ? strrchr(self->m.tty, '/') + 1 :
					  self->m.tty;
	snprintf(msg, sizeof(msg),
		 "%.63s: the module answers in garbage at 115200 baud", tty);
	n = kmsg_count(kmsg, msg);
	EXPECT_EQ(1, n) TH_LOG("%d \"%s\" messages", n, msg);
	close(kmsg);

	ASSERT_EQ(0, qt_emu(self->m.ctl, "garble off"));
	ASSERT_EQ(0, qt_wait_carrier(self->m.ifindex, 1, 30000));
	EXPECT_TRUE(dev_show_has(self->m.ifname, "state ready"));
	echo_ok(_metadata, self, QTCPIP_MODE_BUFFER, 300, 80 + slot);
}

#if QT_SLOT_ON(0)

TEST_F_TIMEOUT(profiles, wrong_rate0, 120)
{
	wrong_rate(_metadata, self, 0);
}

/* Fails before: qt_identify wanted a line starting with "BC66". */
TEST_F_TIMEOUT(profiles, bc66_fw_comes_up, 90)
{
	ATTACH_AS(0, "profile bc66-fw");
	echo_ok(_metadata, self, QTCPIP_MODE_BUFFER, 1000, 1);
	echo_ok(_metadata, self, QTCPIP_MODE_PUSH, 1000, 2);
	EXPECT_TRUE(dev_show_has(self->m.ifname, "BC66 revision BC66NBR01A06"));
}

/* Fails before: the banner went unnoticed, recv() blocked for ever. */
TEST_F_TIMEOUT(profiles, bc66_fw_brom_reset, 120)
{
	struct reader rd = { 0 };
	int idle, blocked;
	char c;

	ATTACH_AS(0, "profile bc66-fw");
	idle = qt_open(&self->m, SOCK_STREAM, QTCPIP_MODE_BUFFER, self->echo);
	ASSERT_LE(0, idle);
	blocked = qt_open(&self->m, SOCK_STREAM, QTCPIP_MODE_BUFFER,
			  self->echo);
	ASSERT_LE(0, blocked);
	EXPECT_EQ(0, qt_echo_check(_metadata, idle, 300, 3, 0, 15000));
	rd.fd = blocked;
	ASSERT_EQ(0, pthread_create(&rd.th, NULL, reader_fn, &rd));
	usleep(300000);
	/* AT+QRST=1 or a brown-out: the boot ROM banner, no RDY */
	ASSERT_EQ(0, qt_emu(self->m.ctl, "reset"));
	ASSERT_EQ(0, reader_wait(&rd, 15000)) TH_LOG("recv() still blocked");
	EXPECT_EQ(-1, rd.ret);
	EXPECT_EQ(ENETRESET, rd.err) TH_LOG("%s", strerror(rd.err));
	EXPECT_EQ(-1, recv(idle, &c, 1, MSG_DONTWAIT));
	EXPECT_EQ(ENETRESET, errno);
	close(idle);
	close(blocked);
	/* the first AT after the banner goes unanswered: probed again */
	ASSERT_EQ(0, qt_wait_carrier(self->m.ifindex, 1, 20000));
	echo_ok(_metadata, self, QTCPIP_MODE_BUFFER, 500, 4);
}

/* Fails before: init waited close_timeout_ms (60 s) per unused id for a
 * CLOSE OK that never comes: no carrier within the attach's 20 s.
 */
TEST_F_TIMEOUT(profiles, bc660k_late_close_ok, 120)
{
	long long t0 = qt_now_ms();
	int i;

	ATTACH_AS(0, "profile bc660k");
	TH_LOG("up in %lld ms", qt_now_ms() - t0);
	EXPECT_TRUE(dev_show_has(self->m.ifname, "BC660K revision"));
	/* each close's CLOSE OK lands inside the next open */
	for (i = 0; i < 4; i++)
		echo_ok(_metadata, self, i % 2 ? QTCPIP_MODE_PUSH :
			QTCPIP_MODE_BUFFER, 200, 10 + i);
}

/* CLOSE OK and SEND OK that no command in flight owns (a BC660K's late
 * CLOSE OK, a SEND OK after a timeout). Before, one ended whatever was in
 * flight; with the output slowed down the real final of that command
 * then ended the next command before its answer came: "cfg show" (two
 * AT+QICFG queries in a row) lost the second answer.
 */
TEST_F_TIMEOUT(profiles, stray_finals, 120)
{
	char cmd[256];
	int i;

	ATTACH_AS(0, "profile bc66");
	/* a final's bytes trickle in while the next command is written */
	ASSERT_EQ(0, qt_emu(self->m.ctl, "split 1 20000"));
	for (i = 0; i < 4; i++) {
		ASSERT_EQ(0, qt_emu(self->m.ctl, "urc-mid %s",
				    i % 2 ? "SEND OK" : "CLOSE OK"));
		snprintf(cmd, sizeof(cmd), "cfg show dev %s", self->m.ifname);
		EXPECT_TRUE(cli_has(cmd, "viewmode 0 "))
			TH_LOG("round %d: the second answer was lost", i);
	}
	ASSERT_EQ(0, qt_emu(self->m.ctl, "split 0"));
	echo_ok(_metadata, self, QTCPIP_MODE_BUFFER, 300, 30);
}

/* Fails before: "unsupported module" every 2 s, with AT, ATE0, AT+CMEE
 * and ATI each time.
 */
TEST_F_TIMEOUT(profiles, unknown_model, 150)
{
	char err[256] = "";
	long long cmds;
	int kmsg, fd, r, n;

	kmsg = open("/dev/kmsg", O_RDONLY | O_NONBLOCK);
	ASSERT_LE(0, kmsg);
	lseek(kmsg, 0, SEEK_END);
	r = qt_mod_attach_emu(&self->m, 0, 115200,
			      "ati Quectel|XY99|Revision: XY99R01A01",
			      err, sizeof(err));
	if (r == 1)
		SKIP(return, "no module in slot 0");
	/* never ready: no carrier after the attach's 20 s */
	ASSERT_EQ(-1, r);
	ASSERT_TRUE(self->m.attached) TH_LOG("%s", err);
	EXPECT_TRUE(dev_show_has(self->m.ifname, "state unsupported"));
	cmds = qt_emu_counter(self->m.ctl, "cmds");
	sleep(10);
	cmds = qt_emu_counter(self->m.ctl, "cmds") - cmds;
	EXPECT_GE(2, cmds) TH_LOG("%lld commands in 10 s", cmds);
	n = kmsg_count(kmsg, "unsupported module, ATI said \"Quectel|XY99|");
	EXPECT_EQ(1, n) TH_LOG("%d messages in 30 s", n);
	close(kmsg);

	/* dialect= forces a profile; a reset makes the driver ask again */
	fd = open("/sys/module/qtcpip/parameters/dialect", O_WRONLY);
	ASSERT_LE(0, fd);
	self->param_set = true;
	ASSERT_EQ(4, write(fd, "bc66", 4));
	close(fd);
	ASSERT_EQ(0, qt_emu(self->m.ctl, "reset"));
	ASSERT_EQ(0, qt_wait_carrier(self->m.ifindex, 1, 20000));
	EXPECT_TRUE(dev_show_has(self->m.ifname, "XY99 revision XY99R01A01"));
	echo_ok(_metadata, self, QTCPIP_MODE_BUFFER, 300, 40);
}

#endif

#if QT_SLOT_ON(1)

TEST_F_TIMEOUT(profiles, wrong_rate1, 120)
{
	wrong_rate(_metadata, self, 1);
}

/* Fails before: BG96 refused; then "recv",<id>,<n> taken as a direct
 * push header, the next lines as data.
 */
TEST_F_TIMEOUT(profiles, bg96_recv_hints, 180)
{
	long long v0;
	int i;

	ATTACH_AS(1, "profile bg96");
	v0 = qt_emu_counter(self->m.ctl, "vendor_urcs");
	EXPECT_TRUE(dev_show_has(self->m.ifname, "BG96 revision BG96MAR02A07M1G"));
	/* the IMEI, not a vendor URC that came inside AT+CGSN's answer */
	EXPECT_TRUE(dev_show_has(self->m.ifname, "imei 866425030000006"));
	for (i = 0; i < 4; i++)
		echo_ok(_metadata, self, QTCPIP_MODE_BUFFER, 300, 50 + i);
	/* more than one block unread: a hint with a length above 1500 */
	echo_ok(_metadata, self, QTCPIP_MODE_BUFFER, 6000, 60);
	echo_ok(_metadata, self, QTCPIP_MODE_PUSH, 2000, 61);
	EXPECT_LT(v0, qt_emu_counter(self->m.ctl, "vendor_urcs"));
}

/* Fails before: EC21 refused; with URCs on the USB AT port no +QIOPEN
 * would ever reach the UART.
 */
TEST_F_TIMEOUT(profiles, ec21_urcport, 120)
{
	long long lost;

	ATTACH_AS(1, "profile ec21");
	lost = qt_emu_counter(self->m.ctl, "urcs_wrong_port");
	echo_ok(_metadata, self, QTCPIP_MODE_BUFFER, 1000, 70);
	echo_ok(_metadata, self, QTCPIP_MODE_PUSH, 1000, 71);
	EXPECT_EQ(lost, qt_emu_counter(self->m.ctl, "urcs_wrong_port"));
}

#endif

TEST_HARNESS_MAIN
