/* SPDX-License-Identifier: GPL-2.0 */
/* Helpers shared by qtcpip's C selftests (header-only, userspace). */
#ifndef QT_TEST_H
#define QT_TEST_H

#include <time.h>
#include <pthread.h>
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <unistd.h>

static inline long qt_read_long(const char *path)
{
	long v = -1;
	FILE *f = fopen(path, "r");

	if (!f)
		return -1;
	if (fscanf(f, "%li", &v) != 1)
		v = -1;
	fclose(f);
	return v;
}

static inline int qt_ldisc(void)
{
	return qt_read_long("/sys/module/qtcpip/parameters/ldisc");
}

/* The tty of modem slot 0-7: $QTCPIP_TTY<slot> (tools/qemu/guest.sh
 * sets it, to a ttyUSB with run-guest --line usb, to a PCI ttyS for slots
 * 2-7), else the rig's 16550s /dev/ttyS1 and /dev/ttyS2. The string lives
 * until the next call for the same slot.
 */
static inline const char *qt_slot_tty(int slot)
{
	static char tty[8][64];
	char var[32];
	const char *v;

	snprintf(var, sizeof(var), "QTCPIP_TTY%d", slot);
	v = getenv(var);
	if (v && *v)
		snprintf(tty[slot & 7], sizeof(tty[0]), "%s", v);
	else
		snprintf(tty[slot & 7], sizeof(tty[0]), "/dev/ttyS%d", slot + 1);
	return tty[slot & 7];
}

/* Whether the tests attach slot's line with RTS/CTS flow control:
 * $QTCPIP_CRTSCTS<slot>=1 (run-guest --crtscts).
 */
static inline int qt_slot_crtscts(int slot)
{
	char var[32];
	const char *v;

	snprintf(var, sizeof(var), "QTCPIP_CRTSCTS%d", slot);
	v = getenv(var);
	return v && !strcmp(v, "1");
}

static inline long qt_module_refcnt(void)
{
	return qt_read_long("/sys/module/qtcpip/refcnt");
}

static inline long qt_sysfs_net_long(const char *ifname, const char *attr)
{
	char path[256];

	snprintf(path, sizeof(path), "/sys/class/net/%s/%s", ifname, attr);
	return qt_read_long(path);
}

static inline int qt_count_netdevs(const char *prefix)
{
	struct dirent *de;
	int n = 0;
	DIR *d = opendir("/sys/class/net");

	if (!d)
		return -1;
	while ((de = readdir(d)))
		if (!strncmp(de->d_name, prefix, strlen(prefix)))
			n++;
	closedir(d);
	return n;
}

/* Bytes held by all slab caches (active objects x object size). */
static inline long qt_slab_bytes(void)
{
	char line[512], name[64];
	long active, num, size, total = 0;
	FILE *f = fopen("/proc/slabinfo", "r");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "%63s %ld %ld %ld", name, &active, &num,
			   &size) == 4)
			total += active * size;
	fclose(f);
	return total;
}

/*
 * Shrinks every slab cache (SLUB's sysfs "shrink"): frees the empty slabs
 * and, under KASAN, the cache's objects held in the quarantine, which
 * /proc/slabinfo still counts as in use. Without it a debug kernel showed
 * a megabyte of "growth" after 100 clean attach/detach cycles.
 */
static inline void qt_shrink_slabs(void)
{
	DIR *d = opendir("/sys/kernel/slab");
	char path[300];
	struct dirent *e;
	int fd;

	if (!d)
		return;
	while ((e = readdir(d))) {
		/* aliases are symlinks to a cache listed under its own name */
		if (e->d_name[0] == '.' || e->d_type == DT_LNK)
			continue;
		snprintf(path, sizeof(path), "/sys/kernel/slab/%s/shrink",
			 e->d_name);
		fd = open(path, O_WRONLY);
		if (fd < 0)
			continue;
		if (write(fd, "1", 1) != 1)
			perror(path);
		close(fd);
	}
	closedir(d);
}

static inline void qt_drop_caches(void)
{
	int fd = open("/proc/sys/vm/drop_caches", O_WRONLY);

	sync();
	if (fd >= 0) {
		if (write(fd, "3", 1) != 1)
			perror("drop_caches");
		close(fd);
	}
	qt_shrink_slabs();
}

/* Load qtcpip from $QTCPIP_KO unless it is loaded already. */
static inline void qt_require_module(void)
{
	const char *ko = getenv("QTCPIP_KO");
	struct stat st;
	int fd;

	if (!stat("/sys/module/qtcpip", &st))
		return;
	if (!ko) {
		fprintf(stderr, "qtcpip is not loaded and QTCPIP_KO is unset\n");
		exit(1);
	}
	fd = open(ko, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || syscall(SYS_finit_module, fd, "", 0)) {
		perror(ko);
		exit(1);
	}
	close(fd);
}

/* The state letter of task @pid in /proc/<pid>/stat ('R' running or woken
 * but not yet run, 'S' sleeping, 'D' uninterruptible...), or 0.
 */
static inline char qt_proc_state(pid_t pid)
{
	char path[64], buf[512], *p;
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/stat", pid);
	fd = open(path, O_RDONLY);
	if (fd < 0)
		return 0;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return 0;
	buf[n] = 0;
	p = strrchr(buf, ')');
	return p && p[1] == ' ' ? p[2] : 0;
}

/* 0 if thread @th ended within @timeout_ms (and was joined). */
static inline int qt_join_ms(pthread_t th, int timeout_ms)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	ts.tv_sec += timeout_ms / 1000;
	ts.tv_nsec += (timeout_ms % 1000) * 1000000L;
	if (ts.tv_nsec >= 1000000000L) {
		ts.tv_sec++;
		ts.tv_nsec -= 1000000000L;
	}
	return pthread_timedjoin_np(th, NULL, &ts);
}

#endif /* QT_TEST_H */
