// SPDX-License-Identifier: GPL-2.0
/* qtcpip line discipline: attach, detach, hangup, privileges, leaks.
 *
 * Runs in the QEMU guest as root, on the modem slots' ttys (qt_slot_tty():
 * ttyS1/ttyS2 or ttyUSB<n>; nothing need be connected to them). Loads
 * qtcpip from $QTCPIP_KO if it is not loaded.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "qt_test.h"

/* A hundred attach cycles and the slab checks took 38 s on a loaded
 * KASAN guest: more than the harness's 30 s.
 */
#undef TEST_TIMEOUT_DEFAULT
#define TEST_TIMEOUT_DEFAULT 120

static int attach(const char *tty, int disc, char *ifname)
{
	int fd = open(tty, O_RDWR | O_NOCTTY);

	if (fd < 0)
		return -errno;
	if (ioctl(fd, TIOCSETD, &disc)) {
		int err = -errno;

		close(fd);
		return err;
	}
	if (ifname && ioctl(fd, SIOCGIFNAME, ifname)) {
		int err = -errno;

		close(fd);
		return err;
	}
	return fd;
}

TEST(ldisc_registered)
{
	char line[128], name[32];
	int num, found = 0;
	FILE *f = fopen("/proc/tty/ldiscs", "r");

	ASSERT_NE(NULL, f);
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "%31s %d", name, &num) == 2 &&
		    !strcmp(name, "qtcpip")) {
			found = 1;
			EXPECT_EQ(qt_ldisc(), num);
		}
	fclose(f);
	EXPECT_EQ(1, found);
}

TEST(attach_creates_netdev_close_removes)
{
	char ifname[IFNAMSIZ] = "";
	int fd;

	fd = attach(qt_slot_tty(0), qt_ldisc(), ifname);
	ASSERT_LE(0, fd) TH_LOG("attach: %s", strerror(-fd));
	EXPECT_EQ(0, strncmp(ifname, "qtcpip", 6)) TH_LOG("ifname %s", ifname);
	EXPECT_NE(0, if_nametoindex(ifname));
	EXPECT_EQ(65534, qt_sysfs_net_long(ifname, "type")); /* ARPHRD_NONE */
	EXPECT_EQ(IFF_NOARP, qt_sysfs_net_long(ifname, "flags") & IFF_NOARP);
	/* The attached tty holds one module reference. */
	EXPECT_EQ(1, qt_module_refcnt());
	close(fd);
	EXPECT_EQ(0, if_nametoindex(ifname));
	EXPECT_EQ(0, qt_module_refcnt());
	EXPECT_EQ(0, qt_count_netdevs("qtcpip"));
}

TEST(detach_removes_netdev)
{
	char ifname[IFNAMSIZ] = "";
	int fd, n_tty = N_TTY;

	fd = attach(qt_slot_tty(0), qt_ldisc(), ifname);
	ASSERT_LE(0, fd);
	ASSERT_NE(0, if_nametoindex(ifname));
	ASSERT_EQ(0, ioctl(fd, TIOCSETD, &n_tty));
	EXPECT_EQ(0, if_nametoindex(ifname));
	EXPECT_EQ(0, qt_module_refcnt());
	close(fd);
}

TEST(hangup_removes_netdev)
{
	char ifname[IFNAMSIZ] = "";
	int fd;

	fd = attach(qt_slot_tty(0), qt_ldisc(), ifname);
	ASSERT_LE(0, fd);
	ASSERT_NE(0, if_nametoindex(ifname));
	ASSERT_EQ(0, ioctl(fd, TIOCVHANGUP));
	EXPECT_EQ(0, if_nametoindex(ifname));
	EXPECT_EQ(0, qt_module_refcnt());
	/* The hung-up descriptor is dead but closing it must be harmless. */
	close(fd);
	EXPECT_EQ(0, qt_count_netdevs("qtcpip"));
}

TEST(two_ports_two_netdevs)
{
	char if1[IFNAMSIZ] = "", if2[IFNAMSIZ] = "";
	int fd1, fd2;

	fd1 = attach(qt_slot_tty(0), qt_ldisc(), if1);
	ASSERT_LE(0, fd1);
	fd2 = attach(qt_slot_tty(1), qt_ldisc(), if2);
	ASSERT_LE(0, fd2);
	EXPECT_NE(0, strcmp(if1, if2));
	EXPECT_EQ(2, qt_count_netdevs("qtcpip"));
	EXPECT_EQ(2, qt_module_refcnt());
	close(fd1);
	EXPECT_EQ(0, if_nametoindex(if1));
	EXPECT_NE(0, if_nametoindex(if2));
	close(fd2);
	EXPECT_EQ(0, qt_count_netdevs("qtcpip"));
}

/* An unprivileged user who may open the port still may not attach. */
TEST(unprivileged_user_refused)
{
	pid_t pid;
	int status;

	ASSERT_EQ(0, chmod(qt_slot_tty(0), 0666));
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		int fd, disc = qt_ldisc();

		if (setresgid(65534, 65534, 65534) || setresuid(65534, 65534, 65534))
			_exit(10);
		fd = open(qt_slot_tty(0), O_RDWR | O_NOCTTY);
		if (fd < 0)
			_exit(11);
		if (ioctl(fd, TIOCSETD, &disc) == 0)
			_exit(12);
		_exit(errno == EPERM ? 0 : 13);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	chmod(qt_slot_tty(0), 0600);
	EXPECT_TRUE(WIFEXITED(status));
	EXPECT_EQ(0, WEXITSTATUS(status));
	EXPECT_EQ(0, qt_count_netdevs("qtcpip"));
}

/* Root without CAP_NET_ADMIN is refused too: the check is the capability. */
TEST(root_without_cap_net_admin_refused)
{
	pid_t pid;
	int status;

	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		struct __user_cap_header_struct hdr = {
			.version = _LINUX_CAPABILITY_VERSION_3,
		};
		struct __user_cap_data_struct data[2];
		int fd, disc = qt_ldisc();

		if (syscall(SYS_capget, &hdr, data))
			_exit(10);
		data[CAP_NET_ADMIN / 32].effective &= ~(1u << (CAP_NET_ADMIN % 32));
		if (syscall(SYS_capset, &hdr, data))
			_exit(11);
		fd = open(qt_slot_tty(0), O_RDWR | O_NOCTTY);
		if (fd < 0)
			_exit(12);
		if (ioctl(fd, TIOCSETD, &disc) == 0)
			_exit(13);
		_exit(errno == EPERM ? 0 : 14);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_TRUE(WIFEXITED(status));
	EXPECT_EQ(0, WEXITSTATUS(status));
}

/* 100 attach/detach cycles leave no netdev, module reference or slab. */
TEST(hundred_cycles_leak_nothing)
{
	long slab_before, slab_after;
	int i, fd, n_tty = N_TTY;

	/* Warm up caches so that first-use allocations do not count. */
	for (i = 0; i < 20; i++) {
		fd = attach(qt_slot_tty(0), qt_ldisc(), NULL);
		ASSERT_LE(0, fd);
		close(fd);
	}
	qt_drop_caches();
	sleep(1);
	slab_before = qt_slab_bytes();
	ASSERT_LT(0, slab_before);
	for (i = 0; i < 100; i++) {
		fd = attach(qt_slot_tty(0), qt_ldisc(), NULL);
		ASSERT_LE(0, fd) TH_LOG("cycle %d: %s", i, strerror(-fd));
		if (i % 2)
			ASSERT_EQ(0, ioctl(fd, TIOCSETD, &n_tty));
		close(fd);
	}
	EXPECT_EQ(0, qt_count_netdevs("qtcpip"));
	EXPECT_EQ(0, qt_module_refcnt());
	/* Netdevs and sysfs nodes are freed after RCU grace periods and in
	 * work items: give them a few seconds before judging.
	 */
	for (i = 0; i < 10; i++) {
		qt_drop_caches();
		sleep(1);
		slab_after = qt_slab_bytes();
		if (slab_after - slab_before < 256 * 1024)
			break;
	}
	TH_LOG("slab delta after 100 cycles: %ld bytes",
	       slab_after - slab_before);
	/* One leaked device (netdev + state + queue) is over 8 KiB, so 100
	 * leaks would be ~800 KiB; allow for unrelated kernel activity.
	 */
	EXPECT_GT(256 * 1024, slab_after - slab_before);
}

int main(int argc, char **argv)
{
	qt_require_module();
	return test_harness_run(argc, argv);
}
