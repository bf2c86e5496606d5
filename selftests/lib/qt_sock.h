/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers of the AF_QTCPIP socket selftests and the benchmark (guest side,
 * header-only): attaching an emulated module, sockets, the host test
 * servers, a poll-driven transfer engine, checksums.
 *
 * The QEMU rig (tools/qemu/run-guest) wires slot 0 to /dev/ttyS1 and slot
 * 1 to /dev/ttyS2, or to ttyUSB<n> ($QTCPIP_TTY<slot>, qt_slot_tty());
 * $QTCPIP_CRTSCTS<slot>=1 attaches with RTS/CTS flow control;
 * $QTCPIP_MODEMS names the model in each slot ("bc66 uc20", "uc20
 * none", ...); the emulator of slot i has its control channel
 * on the virtio port "qtcpip.ctl<i>" (qt_emu.h); the host test servers'
 * ports are in $QTCPIP_SRV_TCP_ECHO, _TCP_SINK, _TCP_SOURCE, _UDP_ECHO.
 */
#ifndef QT_SOCK_H
#define QT_SOCK_H

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <linux/serial.h>
#include <linux/socket.h>
#include <linux/qtcpip.h>
#include <net/if.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <termios.h>
#include <unistd.h>

#include "qt_test.h"
#include "qt_emu.h"

#ifndef N_TTY
#define N_TTY 0
#endif

/* A socket that failed makes send() raise SIGPIPE: report EPIPE instead. */
static void __attribute__((constructor)) qt_ignore_sigpipe(void)
{
	signal(SIGPIPE, SIG_IGN);
}

/* ---- the modules in the rig ---- */

struct qt_mod {
	int slot;			/* 0: ttyS1, 1: ttyS2... (qt_slot_tty) */
	char model[8];			/* "bc66" or "uc20" */
	bool uc20;
	bool bc66_errors;		/* 550-574 table of the BC66 manual */
	int nconn;			/* connectIDs: 5 or 12 */
	int max_send;			/* AT+QISEND payload: 700 or 1460 */
	int max_dgram;			/* largest UDP datagram both ways */
	char tty[64];
	int ttyfd;			/* holds the line discipline */
	int ctl;			/* emulator control channel */
	bool inited;			/* qt_mod_attach() ran */
	bool attached;
	unsigned int baud;
	long long close_ms, gone_ms;	/* last detach: close(), netdev gone */
	char ifname[IFNAMSIZ];
	int ifindex;
};

/* Model in slot from $QTCPIP_MODEMS; 0 if a module is there. */
static inline int qt_slot_model(int slot, char *model, size_t size)
{
	const char *env = getenv("QTCPIP_MODEMS");
	char buf[128], *tok, *save = NULL;
	int i = 0;

	if (!env)
		return -1;
	snprintf(buf, sizeof(buf), "%s", env);
	for (tok = strtok_r(buf, " ", &save); tok;
	     tok = strtok_r(NULL, " ", &save), i++) {
		if (i != slot)
			continue;
		if (strcmp(tok, "bc66") && strcmp(tok, "uc20"))
			return -1;
		snprintf(model, size, "%s", tok);
		return 0;
	}
	return -1;
}

/* Does $QTCPIP_PROFILES (run-guest --modem) name @profile for slot? */
static inline bool qt_slot_profile_is(int slot, const char *profile)
{
	const char *env = getenv("QTCPIP_PROFILES");
	char buf[128], *tok, *save = NULL;
	int i = 0;

	if (!env)
		return false;
	snprintf(buf, sizeof(buf), "%s", env);
	for (tok = strtok_r(buf, " ", &save); tok;
	     tok = strtok_r(NULL, " ", &save), i++)
		if (i == slot)
			return !strcmp(tok, profile);
	return false;
}

/* Port of host test server name ("TCP_ECHO"...), -1 if not started. */
static inline int qt_srv(const char *name)
{
	char var[64];
	const char *v;

	snprintf(var, sizeof(var), "QTCPIP_SRV_%s", name);
	v = getenv(var);
	return v ? atoi(v) : -1;
}

static inline int qt_family(void)
{
	long f = qt_read_long("/sys/module/qtcpip/parameters/family");

	return f > 0 ? f : AF_QTCPIP_DEFAULT;
}

static inline int qt_write_param(const char *name, long v)
{
	char path[128], s[32];
	int fd, n, r;

	snprintf(path, sizeof(path), "/sys/module/qtcpip/parameters/%s", name);
	fd = open(path, O_WRONLY);
	if (fd < 0)
		return -errno;
	n = snprintf(s, sizeof(s), "%ld\n", v);
	r = write(fd, s, n) == n ? 0 : -errno;
	close(fd);
	return r;
}

static inline long qt_read_param(const char *name)
{
	char path[128];

	snprintf(path, sizeof(path), "/sys/module/qtcpip/parameters/%s", name);
	return qt_read_long(path);
}

/* IFLA_CARRIER of ifindex over rtnetlink (works whether or not it is up). */
static inline int qt_link_carrier(int ifindex)
{
	struct {
		struct nlmsghdr nh;
		struct ifinfomsg ifi;
	} req = {
		.nh.nlmsg_len = NLMSG_LENGTH(sizeof(struct ifinfomsg)),
		.nh.nlmsg_type = RTM_GETLINK,
		.nh.nlmsg_flags = NLM_F_REQUEST,
		.ifi.ifi_family = AF_UNSPEC,
		.ifi.ifi_index = ifindex,
	};
	char buf[16384];
	struct nlmsghdr *nh;
	int fd, carrier = -1;
	ssize_t n;

	fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
	if (fd < 0)
		return -1;
	if (send(fd, &req, req.nh.nlmsg_len, 0) < 0) {
		close(fd);
		return -1;
	}
	n = recv(fd, buf, sizeof(buf), 0);
	for (nh = (struct nlmsghdr *)buf; n > 0 && NLMSG_OK(nh, n);
	     nh = NLMSG_NEXT(nh, n)) {
		struct ifinfomsg *ifi = NLMSG_DATA(nh);
		struct rtattr *rta = IFLA_RTA(ifi);
		int len = IFLA_PAYLOAD(nh);

		if (nh->nlmsg_type != RTM_NEWLINK)
			continue;
		for (; RTA_OK(rta, len); rta = RTA_NEXT(rta, len))
			if (rta->rta_type == IFLA_CARRIER)
				carrier = *(unsigned char *)RTA_DATA(rta);
	}
	close(fd);
	return carrier;
}

/* Sets IFF_UP on ifname (what "ip link set IF up" does); 0 or -errno. */
static inline int qt_link_set(const char *ifname, bool up)
{
	struct ifreq ifr;
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0), r = 0;

	if (fd < 0)
		return -errno;
	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", ifname);
	if (ioctl(fd, SIOCGIFFLAGS, &ifr)) {
		r = -errno;
	} else {
		if (up)
			ifr.ifr_flags |= IFF_UP;
		else
			ifr.ifr_flags &= ~IFF_UP;
		if (ioctl(fd, SIOCSIFFLAGS, &ifr))
			r = -errno;
	}
	close(fd);
	return r;
}

/* Waits for the carrier of ifindex to become want; 0 when it did. */
static inline int qt_wait_carrier(int ifindex, int want, int timeout_ms)
{
	long long end = qt_now_ms() + timeout_ms;

	do {
		if (qt_link_carrier(ifindex) == want)
			return 0;
		usleep(20000);
	} while (qt_now_ms() < end);
	return -1;
}

/*
 * Waits for ifname to go away. Not with if_nametoindex(): for a name that
 * does not exist, SIOCGIFINDEX as root runs "modprobe netdev-<name>",
 * seconds over 9p in the guest.
 */
static inline int qt_wait_netdev_gone(const char *ifname, int timeout_ms)
{
	long long end = qt_now_ms() + timeout_ms;
	char path[64];

	snprintf(path, sizeof(path), "/sys/class/net/%s", ifname);
	do {
		if (access(path, F_OK))
			return 0;
		usleep(20000);
	} while (qt_now_ms() < end);
	return -1;
}

static inline speed_t qt_speed(unsigned int baud)
{
	switch (baud) {
	case 9600: return B9600;
	case 19200: return B19200;
	case 38400: return B38400;
	case 57600: return B57600;
	case 230400: return B230400;
	case 460800: return B460800;
	case 921600: return B921600;
	case 1000000: return B1000000;
	case 2000000: return B2000000;
	case 3000000: return B3000000;
	default: return B115200;
	}
}

/*
 * Raw 8N1 at baud, no flow control, CLOCAL. The 16550's usual base rate is
 * 115200; above it the port's baud_base is raised so that the speed can be
 * set (QEMU does not pace the UART; the emulator paces the line).
 */
static inline int qt_tty_setup(int fd, unsigned int baud)
{
	struct serial_struct ss;
	struct termios tio;

	if (!ioctl(fd, TIOCGSERIAL, &ss)) {
		int want = baud > 115200 ? (int)baud : 115200;

		if (ss.baud_base != want) {
			ss.baud_base = want;
			ioctl(fd, TIOCSSERIAL, &ss);
		}
	}
	if (tcgetattr(fd, &tio))
		return -errno;
	cfmakeraw(&tio);
	tio.c_cflag &= ~(CRTSCTS | CSTOPB | PARENB | HUPCL);
	tio.c_cflag |= CLOCAL | CREAD | CS8;
	tio.c_cc[VMIN] = 1;
	tio.c_cc[VTIME] = 0;
	cfsetispeed(&tio, qt_speed(baud));
	cfsetospeed(&tio, qt_speed(baud));
	if (tcsetattr(fd, TCSANOW, &tio))
		return -errno;
	return 0;
}

/* Turns RTS/CTS flow control on; 0 if the driver kept it. */
static inline int qt_tty_crtscts(int fd)
{
	struct termios tio;

	if (tcgetattr(fd, &tio))
		return -1;
	tio.c_cflag |= CRTSCTS;
	if (tcsetattr(fd, TCSANOW, &tio) || tcgetattr(fd, &tio))
		return -1;
	if (!(tio.c_cflag & CRTSCTS)) {
		errno = EOPNOTSUPP;
		return -1;
	}
	return 0;
}

/* Reads the tty (N_TTY, raw) until @text or, if not NULL, @alt appears;
 * 0 if one did.
 */
static inline int qt_tty_expect_either(int fd, const char *text,
				       const char *alt, int timeout_ms)
{
	long long end = qt_now_ms() + timeout_ms;
	char buf[512];
	size_t n = 0;

	for (;;) {
		struct pollfd pfd = { .fd = fd, .events = POLLIN };
		long long left = end - qt_now_ms();
		ssize_t r;

		if (left <= 0)
			return -1;
		if (poll(&pfd, 1, left) <= 0)
			continue;
		if (n >= sizeof(buf) - 1) {
			memmove(buf, buf + n / 2, n - n / 2);
			n -= n / 2;
		}
		r = read(fd, buf + n, sizeof(buf) - 1 - n);
		if (r <= 0)
			continue;
		n += r;
		buf[n] = 0;
		if (memmem(buf, n, text, strlen(text)) ||
		    (alt && memmem(buf, n, alt, strlen(alt))))
			return 0;
	}
}

static inline int qt_tty_expect(int fd, const char *text, int timeout_ms)
{
	return qt_tty_expect_either(fd, text, NULL, timeout_ms);
}

/* Reads the tty until the module's boot ends: "RDY" (the manuals, APP RDY
 * of newer modules) or the MT2625 boot ROM's "Leaving the BROM" (a real
 * BC66, emulator profile bc66-fw); 0 if it did.
 */
static inline int qt_tty_expect_boot(int fd, int timeout_ms)
{
	return qt_tty_expect_either(fd, "RDY", "Leaving the BROM", timeout_ms);
}

/* Reads and drops what @fd gets until it has been quiet for @quiet_ms
 * (at most @max_ms): output the module sent before anyone listened, such
 * as its boot RDY, still on its way from the UART after a tcflush().
 */
static inline void qt_tty_drain(int fd, int quiet_ms, int max_ms)
{
	long long end = qt_now_ms() + max_ms;
	char buf[256];

	while (qt_now_ms() < end) {
		struct pollfd pfd = { .fd = fd, .events = POLLIN };

		if (poll(&pfd, 1, quiet_ms) <= 0 || read(fd, buf, sizeof(buf)) <= 0)
			return;
	}
}

/* The first half of qt_mod_attach(): the tty open in N_TTY, the module
 * just reset, after the emulator control command @setup (or none).
 * Returns 0, 1 if the slot is empty, -1 (why in err).
 */
static inline int qt_mod_prepare(struct qt_mod *m, int slot, unsigned int baud,
				 const char *setup, char *err, size_t errsz)
{
	int i;

	memset(m, 0, sizeof(*m));
	m->inited = true;
	m->slot = slot;
	m->ttyfd = m->ctl = -1;
	m->baud = baud;
	if (qt_slot_model(slot, m->model, sizeof(m->model)))
		return 1;
	m->uc20 = !strcmp(m->model, "uc20");
	/* BG96 and EC2x (emulator profiles bg96, ec21) speak the UC20
	 * dialect with the BC66 error table
	 */
	m->bc66_errors = !m->uc20 || qt_slot_profile_is(slot, "bg96") ||
			 qt_slot_profile_is(slot, "ec21");
	m->nconn = m->uc20 ? 12 : 5;
	m->max_send = m->uc20 ? 1460 : 700;
	m->max_dgram = m->uc20 ? 1460 : 700;
	snprintf(m->tty, sizeof(m->tty), "%.63s", qt_slot_tty(slot));
	qt_require_module();

	m->ctl = qt_emu_open(slot);
	if (m->ctl < 0) {
		snprintf(err, errsz, "control port of slot %d: %s", slot,
			 strerror(-m->ctl));
		return -1;
	}
	if (qt_emu(m->ctl, "clear") || qt_emu(m->ctl, "set open_delay_ms 0") ||
	    qt_emu(m->ctl, "set send_delay_ms 0") ||
	    qt_emu(m->ctl, "set rtt_ms 0") ||
	    qt_emu(m->ctl, "set close_wait_ms 1000") ||
	    qt_emu(m->ctl, "baud %u", baud)) {
		snprintf(err, errsz, "emulator %d does not answer", slot);
		return -1;
	}
	/* "clear" went back to the emulator's command line profile: a
	 * control command (e.g. "profile bc66-fw") to pose as another module
	 */
	if (setup && qt_emu(m->ctl, "%s", setup)) {
		snprintf(err, errsz, "emulator %d refused '%s'", slot, setup);
		return -1;
	}
	m->ttyfd = open(m->tty, O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
	if (m->ttyfd < 0 || qt_tty_setup(m->ttyfd, baud)) {
		snprintf(err, errsz, "%s: %s", m->tty, strerror(errno));
		return -1;
	}
	/* (once, on the debug kernel, an RDY never showed: try again) */
	for (i = 0; i < 3; i++) {
		long long t0 = qt_now_ms();

		tcflush(m->ttyfd, TCIOFLUSH);
		/*
		 * An older RDY must not pass for the answer to this reset.
		 * The last test's module output may still be on its way: at
		 * "baud 0" the emulator pushes as fast as its socket takes
		 * it, and QEMU's 16550 hands it over a byte at a time (a
		 * loaded host once took over 30 s after a push-mode
		 * source): until the line is quiet.
		 */
		qt_tty_drain(m->ttyfd, 200, 40000);
		if (qt_now_ms() - t0 > 5000)
			fprintf(stderr, "# %s: old output drained for %lld ms\n",
				m->tty, qt_now_ms() - t0);
		/* a loaded host may take a while to deliver it */
		if (!qt_emu(m->ctl, "reset") &&
		    !qt_tty_expect_boot(m->ttyfd, 10000))
			break;
		fprintf(stderr, "# %s: no RDY after a reset, again\n", m->tty);
	}
	if (i == 3) {
		snprintf(err, errsz, "module in slot %d did not reset", slot);
		return -1;
	}
	tcflush(m->ttyfd, TCIOFLUSH);
	if (qt_slot_crtscts(slot) && qt_tty_crtscts(m->ttyfd)) {
		snprintf(err, errsz, "%s: RTS/CTS flow control: %s", m->tty,
			 strerror(errno));
		return -1;
	}
	return 0;
}

/* The second half of qt_mod_attach(): the line discipline on the tty
 * qt_mod_prepare() opened, the link up, carrier. 0 or -1 (why in err).
 */
static inline int qt_mod_setd(struct qt_mod *m, char *err, size_t errsz)
{
	int disc;

	disc = qt_ldisc();
	if (ioctl(m->ttyfd, TIOCSETD, &disc)) {
		snprintf(err, errsz, "TIOCSETD %d on %s: %s", disc, m->tty,
			 strerror(errno));
		return -1;
	}
	m->attached = true;
	if (ioctl(m->ttyfd, SIOCGIFNAME, m->ifname)) {
		snprintf(err, errsz, "SIOCGIFNAME: %s", strerror(errno));
		return -1;
	}
	m->ifindex = if_nametoindex(m->ifname);
	/* the link's administrative state drives the default context */
	if (qt_link_set(m->ifname, true)) {
		snprintf(err, errsz, "%s: cannot set it up: %s", m->ifname,
			 strerror(errno));
		return -1;
	}
	if (qt_wait_carrier(m->ifindex, 1, 20000)) {
		snprintf(err, errsz, "%s (%s): no carrier after 20 s",
			 m->ifname, m->model);
		return -1;
	}
	return 0;
}

/*
 * Prepares slot's module and emulator and attaches the line discipline:
 * faults cleared, delays zeroed, line at baud, module reset (RDY seen),
 * then TIOCSETD, the link set up (a UC20 activates context 1 then) and a
 * wait for carrier. Returns 0, 1 if the slot is empty,
 * -1 on failure (why in err).
 */
static inline int qt_mod_attach_emu(struct qt_mod *m, int slot,
				    unsigned int baud, const char *setup,
				    char *err, size_t errsz)
{
	int r = qt_mod_prepare(m, slot, baud, setup, err, errsz);

	return r ? r : qt_mod_setd(m, err, errsz);
}

static inline int qt_mod_attach(struct qt_mod *m, int slot, unsigned int baud,
				char *err, size_t errsz)
{
	return qt_mod_attach_emu(m, slot, baud, NULL, err, errsz);
}

/* Ends the attachment as ldattach's exit does; 0 if the netdev went. */
static inline int qt_mod_detach(struct qt_mod *m)
{
	int r = 0;

	if (!m->inited)
		return 0;
	if (m->ttyfd >= 0) {
		long long t0 = qt_now_ms();

		close(m->ttyfd);
		m->ttyfd = -1;
		m->close_ms = qt_now_ms() - t0;
		if (m->attached && m->ifname[0])
			r = qt_wait_netdev_gone(m->ifname, 15000);
		m->gone_ms = qt_now_ms() - t0;
	}
	m->attached = false;
	if (m->ctl >= 0) {
		qt_emu(m->ctl, "clear");
		close(m->ctl);
		m->ctl = -1;
	}
	return r;
}

/* ---- sockets ---- */

/* A socket of the family, bound to ifname (if any), in access mode (>= 0). */
static inline int qt_socket(const char *ifname, int type, int mode)
{
	int fd = socket(qt_family(), type | SOCK_CLOEXEC, 0);

	if (fd < 0)
		return -errno;
	if (ifname && setsockopt(fd, SOL_SOCKET, SO_BINDTODEVICE, ifname,
				 strlen(ifname) + 1)) {
		int e = errno;

		close(fd);
		return -e;
	}
	if (mode >= 0 && setsockopt(fd, SOL_QTCPIP, QTCPIP_ACCESS_MODE, &mode,
				    sizeof(mode))) {
		int e = errno;

		close(fd);
		return -e;
	}
	return fd;
}

static inline struct sockaddr_in qt_sin(int port)
{
	struct sockaddr_in sin = { .sin_family = AF_INET };

	sin.sin_port = htons(port);
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	return sin;
}

static inline struct sockaddr_qt qt_sqt(const char *host, int port)
{
	struct sockaddr_qt sqt;

	memset(&sqt, 0, sizeof(sqt));
	sqt.sqt_family = qt_family();
	sqt.sqt_port = htons(port);
	snprintf(sqt.sqt_host, sizeof(sqt.sqt_host), "%s", host);
	return sqt;
}

/* connect to 127.0.0.1:port; 0 or -errno */
static inline int qt_connect_port(int fd, int port)
{
	struct sockaddr_in sin = qt_sin(port);

	return connect(fd, (struct sockaddr *)&sin, sizeof(sin)) ? -errno : 0;
}

/* socket + connect to 127.0.0.1:port on m; fd or -errno */
static inline int qt_open(const struct qt_mod *m, int type, int mode, int port)
{
	int fd = qt_socket(m ? m->ifname : NULL, type, mode), r;

	if (fd < 0)
		return fd;
	r = qt_connect_port(fd, port);
	if (r) {
		close(fd);
		return r;
	}
	return fd;
}

static inline int qt_conn_id(int fd)
{
	int id = -1;
	socklen_t l = sizeof(id);

	if (getsockopt(fd, SOL_QTCPIP, QTCPIP_CONNECT_ID, &id, &l))
		return -errno;
	return id;
}

static inline long long qt_rx_lost(int fd)
{
	uint64_t v = 0;
	socklen_t l = sizeof(v);

	if (getsockopt(fd, SOL_QTCPIP, QTCPIP_RX_LOST, &v, &l))
		return -errno;
	return v;
}

static inline int qt_so_error(int fd)
{
	int e = -1;
	socklen_t l = sizeof(e);

	if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &e, &l))
		return -errno;
	return e;
}

/* An int option's value, or -errno */
static inline int qt_get_int(int fd, int level, int opt)
{
	int v = -1;
	socklen_t l = sizeof(v);

	if (getsockopt(fd, level, opt, &v, &l))
		return -errno;
	return v;
}

static inline int qt_set_int(int fd, int level, int opt, int v)
{
	return setsockopt(fd, level, opt, &v, sizeof(v)) ? -errno : 0;
}

static inline int qt_set_timeo(int fd, int opt, int ms)
{
	struct timeval tv = { .tv_sec = ms / 1000, .tv_usec = (ms % 1000) * 1000 };

	return setsockopt(fd, SOL_SOCKET, opt, &tv, sizeof(tv)) ? -errno : 0;
}

static inline int qt_nonblock(int fd, bool on)
{
	int fl = fcntl(fd, F_GETFL);

	return fcntl(fd, F_SETFL, on ? fl | O_NONBLOCK : fl & ~O_NONBLOCK);
}

/* poll one fd for events; returns revents (0 on timeout) */
static inline short qt_poll1(int fd, short events, int timeout_ms)
{
	struct pollfd p = { .fd = fd, .events = events };
	long long end = qt_now_ms() + timeout_ms;
	int r;

	for (;;) {
		r = poll(&p, 1, timeout_ms);
		if (r >= 0 || errno != EINTR)
			break;
		timeout_ms = end - qt_now_ms();
		if (timeout_ms < 0)
			timeout_ms = 0;
	}
	return r > 0 ? p.revents : 0;
}

/*
 * Largest bulk transfer: 1 MiB over a USB serial line, a quarter of it on
 * a 16550 (QEMU's hands the host one byte per system call: a MiB cost
 * minutes of a loaded host's two cores) and on the debug kernel (KASAN
 * and friends make it several times slower under TCG).
 */
static inline size_t qt_bulk_max(const struct qt_mod *m)
{
	const char *k = getenv("QTCPIP_KERNEL");

	if (k && !strcmp(k, "debug"))
		return 256 << 10;
	return strstr(m->tty, "ttyUSB") ? 1 << 20 : 256 << 10;
}

/* ---- data: generator, checksums, the host servers' formats ---- */

static inline void qt_fill(unsigned char *p, size_t n, uint64_t seed)
{
	uint64_t x = seed * 0x9e3779b97f4a7c15ULL + 1;
	size_t i;

	for (i = 0; i < n; i++) {
		x ^= x >> 12;
		x ^= x << 25;
		x ^= x >> 27;
		p[i] = (x * 0x2545f4914f6cdd1dULL) >> 56;
	}
}

static inline uint32_t qt_crc32(uint32_t crc, const unsigned char *p, size_t n)
{
	static uint32_t tab[256];
	size_t i;

	if (!tab[1]) {
		for (i = 0; i < 256; i++) {
			uint32_t c = i;
			int k;

			for (k = 0; k < 8; k++)
				c = (c >> 1) ^ (0xedb88320 & -(c & 1));
			tab[i] = c;
		}
	}
	crc = ~crc;
	for (i = 0; i < n; i++)
		crc = tab[(crc ^ p[i]) & 0xff] ^ (crc >> 8);
	return ~crc;
}

/* tcp-source's stream: low byte of each xorshift32 step (seed 1) */
static inline void qt_source_gen(unsigned char *p, size_t n, uint32_t *state)
{
	uint32_t x = *state;
	size_t i;

	for (i = 0; i < n; i++) {
		x ^= x << 13;
		x ^= x >> 17;
		x ^= x << 5;
		p[i] = x & 0xff;
	}
	*state = x;
}

/* offset of the first difference, or -1 */
static inline long qt_diff(const unsigned char *a, const unsigned char *b,
			   size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (a[i] != b[i])
			return i;
	return -1;
}

/* ---- a poll-driven transfer engine over several sockets ---- */

struct qt_flow {
	int fd;
	const unsigned char *tx;	/* to send */
	size_t tx_len, tx_off;
	size_t tx_chunk;		/* at most this per send(), 0: all */
	unsigned char *rx;		/* to fill */
	size_t rx_len, rx_off;
	bool until_eof;			/* read until EOF (rx_len: capacity) */
	bool eof;			/* recv returned 0 */
	int err;			/* errno that stopped this flow */
	long long t_first_rx, t_done;	/* ms timestamps */
};

static inline bool qt_flow_done(const struct qt_flow *f)
{
	if (f->err)
		return true;
	if (f->tx_off < f->tx_len)
		return false;
	if (f->until_eof)
		return f->eof || f->rx_off == f->rx_len;
	return f->rx_off >= f->rx_len;
}

typedef void (*qt_hook_fn)(void *arg);

/*
 * Runs the flows until all are done, an error stops one, or timeout_ms
 * passes; hook (if any) is called every hook_ms. Returns 0 if every flow
 * completed without error, -ETIMEDOUT, or -(first flow error).
 */
static inline int qt_flows_run(struct qt_flow *f, int n, int timeout_ms,
			       qt_hook_fn hook, void *arg, int hook_ms)
{
	long long end = qt_now_ms() + timeout_ms, next_hook;
	struct pollfd pfd[64];
	int i, left;

	if (n > 64)
		return -EINVAL;
	next_hook = qt_now_ms() + hook_ms;
	for (;;) {
		int wait = 200;
		long long now = qt_now_ms();

		left = 0;
		for (i = 0; i < n; i++) {
			pfd[i].fd = f[i].fd;
			pfd[i].events = 0;
			pfd[i].revents = 0;
			if (qt_flow_done(&f[i])) {
				pfd[i].fd = -1;
				continue;
			}
			left++;
			if (f[i].tx_off < f[i].tx_len)
				pfd[i].events |= POLLOUT;
			if (f[i].until_eof || f[i].rx_off < f[i].rx_len)
				pfd[i].events |= POLLIN;
		}
		if (!left)
			break;
		if (now >= end)
			return -ETIMEDOUT;
		if (hook && now >= next_hook) {
			hook(arg);
			next_hook = now + hook_ms;
		}
		if (end - now < wait)
			wait = end - now;
		if (hook && next_hook - now < wait)
			wait = next_hook - now > 0 ? next_hook - now : 0;
		if (poll(pfd, n, wait) < 0 && errno != EINTR)
			return -errno;
		for (i = 0; i < n; i++) {
			struct qt_flow *x = &f[i];
			short re = pfd[i].revents;
			ssize_t r;

			if (pfd[i].fd < 0 || !re)
				continue;
			if (re & POLLOUT) {
				size_t k = x->tx_len - x->tx_off;

				if (x->tx_chunk && k > x->tx_chunk)
					k = x->tx_chunk;
				r = send(x->fd, x->tx + x->tx_off, k,
					 MSG_DONTWAIT | MSG_NOSIGNAL);
				if (r > 0)
					x->tx_off += r;
				else if (r < 0 && errno != EAGAIN &&
					 errno != EINTR)
					x->err = errno;
			}
			if (re & (POLLIN | POLLHUP | POLLERR)) {
				size_t room = x->rx_len - x->rx_off;

				if (!room && x->until_eof) {
					x->err = EMSGSIZE;
					continue;
				}
				r = room ? recv(x->fd, x->rx + x->rx_off, room,
						MSG_DONTWAIT) : 0;
				if (r > 0) {
					if (!x->rx_off)
						x->t_first_rx = qt_now_ms();
					x->rx_off += r;
				} else if (r == 0 && room) {
					x->eof = true;
					if (!x->until_eof)
						x->err = EPIPE;
				} else if (r < 0 && errno != EAGAIN &&
					   errno != EINTR) {
					x->err = errno;
				}
			}
			if (!x->err && (re & POLLERR) && !(re & POLLIN)) {
				int e = qt_so_error(x->fd);

				x->err = e > 0 ? e : EIO;
			}
			if (qt_flow_done(x) && !x->t_done)
				x->t_done = qt_now_ms();
		}
	}
	for (i = 0; i < n; i++)
		if (f[i].err)
			return -f[i].err;
	return 0;
}

/* One socket: send tx (tx_len) while reading exactly rx_len into rx. */
static inline int qt_xfer(int fd, const void *tx, size_t tx_len, void *rx,
			  size_t rx_len, int timeout_ms)
{
	struct qt_flow f = {
		.fd = fd, .tx = tx, .tx_len = tx_len,
		.rx = rx, .rx_len = rx_len,
	};

	return qt_flows_run(&f, 1, timeout_ms, NULL, NULL, 0);
}

/*
 * Counted upload to the sink (see tools/testsrv): header, data, and the
 * sink's answer; tag may be NULL. 0 if the answer matches what was sent.
 */
static inline int qt_sink_upload(int fd, const unsigned char *data, size_t n,
				 const char *tag, int timeout_ms, char *got,
				 size_t gotsz)
{
	char hdr[128], want[64], ans[64] = "";
	size_t hl, wl;
	unsigned char *buf;
	int r;

	hl = snprintf(hdr, sizeof(hdr), "QTCPIP-COUNT %zu%s%s\n", n,
		      tag ? " " : "", tag ? tag : "");
	wl = snprintf(want, sizeof(want), "bytes=%zu crc32=%08x\n", n,
		      qt_crc32(0, data, n));
	buf = malloc(hl + n);
	if (!buf)
		return -ENOMEM;
	memcpy(buf, hdr, hl);
	memcpy(buf + hl, data, n);
	r = qt_xfer(fd, buf, hl + n, ans, wl, timeout_ms);
	free(buf);
	if (got)
		snprintf(got, gotsz, "%.*s", (int)strcspn(ans, "\n"), ans);
	if (r)
		return r;
	return strncmp(ans, want, wl) ? -EBADMSG : 0;
}

/* netdev statistic (statistics/<name>) of ifname, -1 if unreadable */
static inline long long qt_netstat(const char *ifname, const char *name)
{
	char attr[64];

	snprintf(attr, sizeof(attr), "statistics/%s", name);
	return qt_sysfs_net_long(ifname, attr);
}

/*
 * Waits until the module has no connection open ("state" says conns=-):
 * what a driver that closed its sockets leaves. 0 when reached.
 */
static inline int qt_emu_wait_no_conns(int ctl, int timeout_ms, char *last,
				       size_t size)
{
	long long end = qt_now_ms() + timeout_ms;
	char r[QT_EMU_REPLY_MAX], conns[64] = "?";

	do {
		if (!qt_emu_cmd(ctl, r, sizeof(r), "state") &&
		    !qt_kv_str(r, "conns", conns, sizeof(conns)) &&
		    !strcmp(conns, "-"))
			return 0;
		usleep(50000);
	} while (qt_now_ms() < end);
	if (last)
		snprintf(last, size, "%s", conns);
	return -1;
}

/*
 * A test source built with -DQT_ONLY_SLOT=<n> (sock/<name><n>_test, see
 * the Makefile) has the fixture variants of slot <n> only, so that each
 * program stays within the guest's per-program time limit.
 */
#ifdef QT_ONLY_SLOT
#define QT_SLOT_ON(n)	((n) == QT_ONLY_SLOT)
#else
#define QT_SLOT_ON(n)	1
#endif

#ifdef __KSELFTEST_HARNESS_H
/*
 * TEST_F_TIMEOUT whose body does not run when the fixture's setup skipped
 * (the 6.1 harness runs the body after a SKIP in setup).
 */
#define QT_TEST_F(fixture, name, tmo)					\
	static void qt_body_##fixture##_##name(				\
		struct __test_metadata *_metadata,			\
		FIXTURE_DATA(fixture) *self,				\
		const FIXTURE_VARIANT(fixture) *variant);		\
	TEST_F_TIMEOUT(fixture, name, tmo)				\
	{								\
		if (_metadata->skip)					\
			return;						\
		qt_body_##fixture##_##name(_metadata, self, variant);	\
	}								\
	static void qt_body_##fixture##_##name(				\
		struct __test_metadata __attribute__((unused)) *_metadata, \
		FIXTURE_DATA(fixture) __attribute__((unused)) *self,	\
		const FIXTURE_VARIANT(fixture)				\
			__attribute__((unused)) *variant)

/* Attach slot's module in a fixture setup; skips if the slot is empty. */
#define QT_ATTACH(m_, slot_, baud_) do {					\
	char _err[256] = "";						\
	int _r = qt_mod_attach(m_, slot_, baud_, _err, sizeof(_err));	\
									\
	if (_r == 1)							\
		SKIP(return, "no module in slot %d", slot_);		\
	ASSERT_EQ(0, _r) TH_LOG("%s", _err);				\
	TH_LOG("slot %d: %s on %s%s, %s", (m_)->slot, (m_)->model,	\
	       (m_)->tty, qt_slot_crtscts(slot_) ? " (RTS/CTS)" : "",	\
	       (m_)->ifname);						\
} while (0)

/*
 * Detach in a teardown; when the test passed, also check that the module
 * was left with no connection open, and report a slow netdev removal.
 */
#define QT_DETACH(m) do {						\
	char _c[64] = "";						\
	long long _t;							\
									\
	if ((m)->attached && _metadata->passed && !_metadata->skip)	\
		EXPECT_EQ(0, qt_emu_wait_no_conns((m)->ctl, 20000, _c,	\
						  sizeof(_c)))		\
			TH_LOG("connectIDs %s still open in the module",\
			       _c);					\
	_t = qt_now_ms();						\
	EXPECT_EQ(0, qt_mod_detach(m));					\
	if (qt_now_ms() - _t > 2000)					\
		TH_LOG("detach took %lld ms (close %lld, netdev gone %lld)",\
		       qt_now_ms() - _t, (m)->close_ms, (m)->gone_ms);	\
} while (0)

/* n random bytes echoed back byte for byte on fd; 0 or -errno. */
static inline int qt_echo_check(struct __test_metadata *_metadata, int fd,
				size_t n, uint64_t seed, size_t chunk,
				int timeout_ms)
{
	unsigned char *tx = malloc(n), *rx = malloc(n);
	struct qt_flow f = { .fd = fd, .tx_chunk = chunk };
	long d;
	int r;

	qt_fill(tx, n, seed);
	memset(rx, 0, n);
	f.tx = tx;
	f.tx_len = n;
	f.rx = rx;
	f.rx_len = n;
	r = qt_flows_run(&f, 1, timeout_ms, NULL, NULL, 0);
	if (r)
		TH_LOG("echo of %zu bytes: %s after %zu sent, %zu received",
		       n, strerror(-r), f.tx_off, f.rx_off);
	d = qt_diff(tx, rx, f.rx_off);
	if (d >= 0) {
		TH_LOG("echo of %zu bytes differs at offset %ld: sent %02x got %02x",
		       n, d, tx[d], rx[d]);
		r = -EBADMSG;
	}
	free(tx);
	free(rx);
	return r;
}
#endif

#endif /* QT_SOCK_H */
