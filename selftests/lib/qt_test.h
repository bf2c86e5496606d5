/* SPDX-License-Identifier: GPL-2.0 */
/* Helpers shared by qtcpip's C selftests (header-only, userspace). */
#ifndef QT_TEST_H
#define QT_TEST_H

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

static inline void qt_drop_caches(void)
{
	int fd = open("/proc/sys/vm/drop_caches", O_WRONLY);

	sync();
	if (fd >= 0) {
		if (write(fd, "3", 1) != 1)
			perror("drop_caches");
		close(fd);
	}
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

#endif /* QT_TEST_H */
