// SPDX-License-Identifier: GPL-2.0
/* qtcpip-nc: a netcat over AF_QTCPIP. Connects through the module's own
 * TCP/IP stack and copies stdin to the connection and the connection to
 * stdout, until both ends are done.
 *
 *   qtcpip-nc [-u] [-I ifname] [-p] [-w secs] HOST PORT
 *
 * -u UDP, -I bind to one module's netdev, -p direct push access mode,
 * -w stop waiting for the peer this many seconds after stdin ended.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <linux/qtcpip.h>

#include "libqtcpip.h"

static void usage(void)
{
	fprintf(stderr, "usage: qtcpip-nc [-u] [-I ifname] [-p] [-w secs] HOST PORT\n");
	exit(2);
}

int main(int argc, char **argv)
{
	int type = SOCK_STREAM, push = 0, wait_s = 10, opt, fd, fam = qtcpip_family();
	const char *ifname = NULL;
	struct sockaddr_storage ss;
	int salen;
	char buf[4096];
	int in_open = 1;

	while ((opt = getopt(argc, argv, "uI:pw:")) != -1) {
		switch (opt) {
		case 'u': type = SOCK_DGRAM; break;
		case 'I': ifname = optarg; break;
		case 'p': push = 1; break;
		case 'w': wait_s = atoi(optarg); break;
		default: usage();
		}
	}
	if (argc - optind != 2)
		usage();

	/* not loaded: socket() says so (EAFNOSUPPORT) */
	if (fam < 0)
		fam = AF_QTCPIP_DEFAULT;
	fd = socket(fam, type, 0);
	if (fd < 0) {
		fprintf(stderr, "qtcpip-nc: socket(%d): %s\n", fam, strerror(errno));
		return 1;
	}
	if (ifname && qtcpip_bind_dev(fd, ifname)) {
		fprintf(stderr, "qtcpip-nc: SO_BINDTODEVICE %s: %s\n", ifname,
			strerror(errno));
		return 1;
	}
	if (push && setsockopt(fd, SOL_QTCPIP, QTCPIP_ACCESS_MODE, &push,
			       sizeof(push))) {
		fprintf(stderr, "qtcpip-nc: access mode: %s\n", strerror(errno));
		return 1;
	}
	/* A literal address, or a name the module resolves. */
	salen = qtcpip_addr_make(&ss, argv[optind], atoi(argv[optind + 1]));
	if (salen < 0) {
		fprintf(stderr, "qtcpip-nc: %s: %s\n", argv[optind], strerror(errno));
		return 1;
	}
	if (connect(fd, (struct sockaddr *)&ss, salen)) {
		fprintf(stderr, "qtcpip-nc: connect %s:%s: %s\n", argv[optind],
			argv[optind + 1], strerror(errno));
		return 1;
	}
	for (;;) {
		struct pollfd p[2] = {
			{ .fd = fd, .events = POLLIN },
			{ .fd = in_open ? 0 : -1, .events = POLLIN },
		};
		ssize_t n;

		n = poll(p, 2, in_open ? -1 : wait_s * 1000);
		if (n < 0 && errno != EINTR)
			break;
		if (n == 0)
			break;	/* stdin done and the peer went quiet */
		if (p[0].revents & (POLLIN | POLLHUP | POLLERR)) {
			n = recv(fd, buf, sizeof(buf), 0);
			if (n < 0) {
				fprintf(stderr, "qtcpip-nc: recv: %s\n", strerror(errno));
				return 1;
			}
			if (n == 0)
				break;
			if (write(1, buf, n) != n)
				return 1;
		}
		if (p[1].revents & (POLLIN | POLLHUP)) {
			n = read(0, buf, type == SOCK_DGRAM ? 1400 : sizeof(buf));
			if (n <= 0) {
				in_open = 0;
				continue;
			}
			if (send(fd, buf, n, MSG_NOSIGNAL) != n) {
				fprintf(stderr, "qtcpip-nc: send: %s\n", strerror(errno));
				return 1;
			}
		}
	}
	close(fd);
	return 0;
}
