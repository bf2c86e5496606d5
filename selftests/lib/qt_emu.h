/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The modem emulator's control channel, seen from the QEMU guest.
 *
 * tools/qemu/run-guest wires the control socket of the emulator in slot i
 * to a virtio-serial port named "qtcpip.ctl<i>" (/dev/vportXpY). The
 * protocol is one command line in, one reply line out: "ok [key=value...]"
 * or "err <reason>" (tools/emulator/control.c). A port can be open in only
 * one process at a time.
 */
#ifndef QT_EMU_H
#define QT_EMU_H

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define QT_EMU_REPLY_MAX	2048
#define QT_EMU_TIMEOUT_MS	5000

static inline long long qt_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

/* /dev/vportXpY of the port named "qtcpip.ctl<slot>", or "" */
static inline int qt_emu_port_path(int slot, char *path, size_t size)
{
	char want[32], name[64], p[300];
	struct dirent *de;
	DIR *d = opendir("/sys/class/virtio-ports");
	int found = 0;

	snprintf(want, sizeof(want), "qtcpip.ctl%d", slot);
	if (!d)
		return -ENOENT;
	while (!found && (de = readdir(d))) {
		FILE *f;

		if (de->d_name[0] == '.')
			continue;
		snprintf(p, sizeof(p), "/sys/class/virtio-ports/%s/name",
			 de->d_name);
		f = fopen(p, "r");
		if (!f)
			continue;
		if (fgets(name, sizeof(name), f)) {
			name[strcspn(name, "\n")] = 0;
			if (!strcmp(name, want)) {
				snprintf(path, size, "/dev/%s", de->d_name);
				found = 1;
			}
		}
		fclose(f);
	}
	closedir(d);
	return found ? 0 : -ENOENT;
}

/* Reads one line (without the newline) within timeout_ms; -1 on failure. */
static inline int qt_emu_readline(int fd, char *line, size_t size,
				  int timeout_ms)
{
	long long end = qt_now_ms() + timeout_ms;
	size_t n = 0;

	for (;;) {
		struct pollfd pfd = { .fd = fd, .events = POLLIN };
		long long left = end - qt_now_ms();
		char c;
		ssize_t r;

		if (left <= 0)
			return -1;
		if (poll(&pfd, 1, left) <= 0)
			continue;
		r = read(fd, &c, 1);
		if (r < 0 && (errno == EINTR || errno == EAGAIN))
			continue;
		if (r <= 0)
			return -1;
		if (c == '\n') {
			line[n] = 0;
			return 0;
		}
		if (n + 1 < size)
			line[n++] = c;
	}
}

/*
 * Opens the control port of slot and drops replies left by earlier users.
 * A port has one user at a time: wait (up to 30 s) for an earlier test's
 * process to let go of it.
 */
static inline int qt_emu_open(int slot)
{
	char path[300], junk[QT_EMU_REPLY_MAX];
	long long end = qt_now_ms() + 30000;
	int fd;

	if (qt_emu_port_path(slot, path, sizeof(path)))
		return -ENOENT;
	for (;;) {
		fd = open(path, O_RDWR | O_CLOEXEC);
		if (fd >= 0 || errno != EBUSY || qt_now_ms() > end)
			break;
		usleep(100000);
	}
	if (fd < 0)
		return -errno;
	while (!qt_emu_readline(fd, junk, sizeof(junk), 50))
		;
	return fd;
}

/*
 * Sends a command line, reads its reply into reply (may be NULL).
 * Returns 0 for "ok...", 1 for "err...", -1 if no reply came.
 */
static inline int qt_emu_vcmd(int fd, char *reply, size_t size,
			      const char *fmt, va_list ap)
{
	char line[QT_EMU_REPLY_MAX], buf[QT_EMU_REPLY_MAX];
	int n;

	n = vsnprintf(line, sizeof(line) - 1, fmt, ap);
	if (n < 0 || n >= (int)sizeof(line) - 1)
		return -1;
	line[n++] = '\n';
	if (write(fd, line, n) != n)
		return -1;
	if (!reply) {
		reply = buf;
		size = sizeof(buf);
	}
	if (qt_emu_readline(fd, reply, size, QT_EMU_TIMEOUT_MS))
		return -1;
	if (!strncmp(reply, "ok", 2))
		return 0;
	return 1;
}

static inline int qt_emu_cmd(int fd, char *reply, size_t size,
			     const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
static inline int qt_emu_cmd(int fd, char *reply, size_t size,
			     const char *fmt, ...)
{
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = qt_emu_vcmd(fd, reply, size, fmt, ap);
	va_end(ap);
	return r;
}

/* Shorthand when only success matters. */
static inline int qt_emu(int fd, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static inline int qt_emu(int fd, const char *fmt, ...)
{
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = qt_emu_vcmd(fd, NULL, 0, fmt, ap);
	va_end(ap);
	return r;
}

/* Value of " key=<number>" in a reply; def if absent. */
static inline long long qt_kv(const char *reply, const char *key, long long def)
{
	size_t kl = strlen(key);
	const char *p = reply;

	while ((p = strstr(p, key))) {
		if ((p == reply || p[-1] == ' ') && p[kl] == '=')
			return strtoll(p + kl + 1, NULL, 0);
		p += kl;
	}
	return def;
}

/* Text value of " key=<word>" into out; 0 if found. */
static inline int qt_kv_str(const char *reply, const char *key, char *out,
			    size_t size)
{
	size_t kl = strlen(key);
	const char *p = reply;

	while ((p = strstr(p, key))) {
		if ((p == reply || p[-1] == ' ') && p[kl] == '=') {
			size_t n = strcspn(p + kl + 1, " ");

			if (n >= size)
				n = size - 1;
			memcpy(out, p + kl + 1, n);
			out[n] = 0;
			return 0;
		}
		p += kl;
	}
	return -1;
}

/* One emulator counter ("counters" command); -1 on failure. */
static inline long long qt_emu_counter(int fd, const char *name)
{
	char r[QT_EMU_REPLY_MAX];

	if (qt_emu_cmd(fd, r, sizeof(r), "counters"))
		return -1;
	return qt_kv(r, name, -1);
}

/* A field of "state ID" (a connectID's state in the module); -1 if none. */
static inline long long qt_emu_conn(int fd, int id, const char *key)
{
	char r[QT_EMU_REPLY_MAX];

	if (qt_emu_cmd(fd, r, sizeof(r), "state %d", id))
		return -1;
	return qt_kv(r, key, -1);
}

/*
 * Waits until field key of connectID id is at least min (an emulator-side
 * condition that no guest event reports). Returns the value, or -1.
 */
static inline long long qt_emu_wait_conn(int fd, int id, const char *key,
					 long long min, int timeout_ms)
{
	long long end = qt_now_ms() + timeout_ms, v;

	do {
		v = qt_emu_conn(fd, id, key);
		if (v >= min)
			return v;
		usleep(20000);
	} while (qt_now_ms() < end);
	return -1;
}

#endif /* QT_EMU_H */
