// SPDX-License-Identifier: GPL-2.0
/*
 * What libqtcpip-preload.so promises an ordinary AF_INET program, checked
 * from inside one (run by app_preload.sh under qtcpip-run --all, or
 * without --all for the loopback case):
 *
 *   preload_test TCP_ECHO_PORT UDP_ECHO_PORT [local|v4only]
 *
 * A TCP socket with FD_CLOEXEC, O_NONBLOCK and SO_KEEPALIVE/SO_RCVBUF set
 * before connect() becomes an AF_QTCPIP socket at connect() keeping all
 * of them, on the same descriptor number, and echoes; a non-blocking UDP
 * socket connects at once (as AF_INET UDP does) and echoes; an
 * unconnected UDP socket moves at its first sendto() and takes later
 * sendto()s to the same peer; unix sockets stay unix sockets. With
 * "local" (no --all), loopback connections stay AF_INET. An IPv4-mapped
 * IPv6 destination goes through the module as IPv4; with "v4only" (a
 * module without IPv6: the UC20) an AF_INET6 socket to ::1 stays the
 * program's own. TAP output.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

static int n, failed;

static void check(int cond, const char *what, const char *detail)
{
	n++;
	if (cond) {
		printf("ok %d %s\n", n, what);
	} else {
		printf("not ok %d %s\n", n, what);
		printf("#   %s (errno %s)\n", detail, strerror(errno));
		failed = 1;
	}
	fflush(stdout);
}

static int family(void)
{
	FILE *f = fopen("/sys/module/qtcpip/parameters/family", "r");
	int fam = -1;

	if (f) {
		if (fscanf(f, "%d", &fam) != 1)
			fam = -1;
		fclose(f);
	}
	return fam;
}

static int sock_domain(int fd)
{
	socklen_t len = sizeof(int);
	int d = -1;

	getsockopt(fd, SOL_SOCKET, SO_DOMAIN, &d, &len);
	return d;
}

static int sock_int(int fd, int level, int name)
{
	socklen_t len = sizeof(int);
	int v = -1;

	getsockopt(fd, level, name, &v, &len);
	return v;
}

/* Sends @msg and reads it back within @ms (the socket may be
 * non-blocking).
 */
static int echo(int fd, const char *msg, int ms)
{
	char buf[256];
	size_t got = 0, len = strlen(msg);
	struct pollfd p = { .fd = fd, .events = POLLIN };

	if (send(fd, msg, len, MSG_NOSIGNAL) != (ssize_t)len)
		return 0;
	while (got < len) {
		ssize_t r;

		if (poll(&p, 1, ms) <= 0)
			return 0;
		r = recv(fd, buf + got, sizeof(buf) - got, MSG_DONTWAIT);
		if (r <= 0) {
			if (r < 0 && errno == EAGAIN)
				continue;
			return 0;
		}
		got += r;
	}
	return got == len && !memcmp(buf, msg, len);
}

int main(int argc, char **argv)
{
	struct sockaddr_in tcp = { .sin_family = AF_INET };
	struct sockaddr_in udp = { .sin_family = AF_INET };
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	int fam = family(), local = argc > 3 && !strcmp(argv[3], "local");
	int v4only = argc > 3 && !strcmp(argv[3], "v4only");
	struct sockaddr_in6 six = { .sin6_family = AF_INET6 };
	int fd, fd2, one = 1, rcvbuf = 32768, ret, e, sv[2];
	struct pollfd p;
	char detail[160];

	if (argc < 3) {
		fprintf(stderr, "usage: preload_test TCP_ECHO_PORT UDP_ECHO_PORT [local]\n");
		return 2;
	}
	printf("TAP version 13\n");
	inet_pton(AF_INET, "127.0.0.1", &tcp.sin_addr);
	tcp.sin_port = htons(atoi(argv[1]));
	udp.sin_addr = tcp.sin_addr;
	udp.sin_port = htons(atoi(argv[2]));

	if (local) {
		/* nothing listens there in the guest: refused, locally */
		fd = socket(AF_INET, SOCK_STREAM, 0);
		ret = connect(fd, (struct sockaddr *)&tcp, sizeof(tcp));
		e = errno;
		snprintf(detail, sizeof(detail), "connect %d, domain %d",
			 ret, sock_domain(fd));
		errno = e;
		check(ret < 0 && e == ECONNREFUSED && sock_domain(fd) == AF_INET,
		      "without --all a loopback connect stays local (refused by the guest)",
		      detail);
		close(fd);
		printf("1..%d\n", n);
		return failed;
	}

	/* TCP: flags and options set before connect carry over */
	fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	setsockopt(fd, SOL_SOCKET, SO_KEEPALIVE, &one, sizeof(one));
	setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof(rcvbuf));
	fd2 = fd;
	ret = connect(fd, (struct sockaddr *)&tcp, sizeof(tcp));
	e = errno;
	snprintf(detail, sizeof(detail), "connect %d, domain %d (want %d)",
		 ret, sock_domain(fd), fam);
	errno = e;
	check(ret < 0 && e == EINPROGRESS && sock_domain(fd) == fam,
	      "TCP: a non-blocking connect moves the socket to AF_QTCPIP (EINPROGRESS)",
	      detail);
	check(fd == fd2 && (fcntl(fd, F_GETFD) & FD_CLOEXEC),
	      "TCP: same descriptor, FD_CLOEXEC kept", "F_GETFD");
	check(fcntl(fd, F_GETFL) & O_NONBLOCK, "TCP: O_NONBLOCK kept", "F_GETFL");
	check(sock_int(fd, SOL_SOCKET, SO_KEEPALIVE) == 1,
	      "TCP: SO_KEEPALIVE set before connect is set", "SO_KEEPALIVE");
	/* the kernel doubles what it is given */
	check(sock_int(fd, SOL_SOCKET, SO_RCVBUF) == 2 * rcvbuf,
	      "TCP: SO_RCVBUF set before connect is set", "SO_RCVBUF");
	p.fd = fd;
	p.events = POLLOUT;
	ret = poll(&p, 1, 60000);
	check(ret == 1 && (p.revents & POLLOUT) &&
	      sock_int(fd, SOL_SOCKET, SO_ERROR) == 0,
	      "TCP: POLLOUT, SO_ERROR 0 once the module connected", "poll");
	check(echo(fd, "hello over the module\n", 30000),
	      "TCP: data echoes through the module", "echo");
	close(fd);

	/* UDP, connected: no EINPROGRESS, even non-blocking */
	fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK, 0);
	ret = connect(fd, (struct sockaddr *)&udp, sizeof(udp));
	e = errno;
	snprintf(detail, sizeof(detail), "connect %d, domain %d", ret,
		 sock_domain(fd));
	errno = e;
	check(ret == 0 && sock_domain(fd) == fam &&
	      (fcntl(fd, F_GETFL) & O_NONBLOCK),
	      "UDP: a non-blocking connect completes at once, on AF_QTCPIP, still non-blocking",
	      detail);
	check(echo(fd, "datagram", 30000), "UDP: a datagram echoes", "echo");
	close(fd);

	/* UDP, unconnected: moves at the first sendto */
	fd = socket(AF_INET, SOCK_DGRAM, 0);
	ret = sendto(fd, "first", 5, 0, (struct sockaddr *)&udp, sizeof(udp));
	snprintf(detail, sizeof(detail), "sendto %d, domain %d", ret,
		 sock_domain(fd));
	check(ret == 5 && sock_domain(fd) == fam,
	      "UDP: the first sendto moves the socket", detail);
	ret = sendto(fd, "second", 6, 0, (struct sockaddr *)&udp, sizeof(udp));
	snprintf(detail, sizeof(detail), "sendto %d", ret);
	check(ret == 6, "UDP: a later sendto to the same peer is sent", detail);
	close(fd);

	/* IPv6: a mapped IPv4 address goes as IPv4 */
	six.sin6_port = tcp.sin_port;
	inet_pton(AF_INET6, "::ffff:127.0.0.1", &six.sin6_addr);
	fd = socket(AF_INET6, SOCK_STREAM, 0);
	if (fd < 0) {
		/* a kernel without IPv6 (the debug kernel's tinyconfig) */
		printf("ok %d IPv6 cases # SKIP no AF_INET6 in this kernel\n", ++n);
		v4only = 0;
		goto unix_sockets;
	}
	ret = connect(fd, (struct sockaddr *)&six, sizeof(six));
	snprintf(detail, sizeof(detail), "connect %d, domain %d", ret,
		 sock_domain(fd));
	check(ret == 0 && sock_domain(fd) == fam && echo(fd, "mapped\n", 30000),
	      "IPv6: ::ffff:127.0.0.1 goes through the module as IPv4", detail);
	close(fd);
	if (v4only) {
		/* the module refuses IPv6: the program's socket, untouched */
		inet_pton(AF_INET6, "::1", &six.sin6_addr);
		fd = socket(AF_INET6, SOCK_STREAM, 0);
		ret = connect(fd, (struct sockaddr *)&six, sizeof(six));
		e = errno;
		snprintf(detail, sizeof(detail), "connect %d, domain %d", ret,
			 sock_domain(fd));
		errno = e;
		check(ret < 0 && e == ECONNREFUSED && sock_domain(fd) == AF_INET6,
		      "IPv6: a module without IPv6 leaves an AF_INET6 socket local (refused by the guest)",
		      detail);
		close(fd);
	}

unix_sockets:
	/* unix sockets are the machine's */
	fd = socket(AF_UNIX, SOCK_STREAM, 0);
	snprintf(sun.sun_path, sizeof(sun.sun_path), "/nonexistent/qtcpip");
	ret = connect(fd, (struct sockaddr *)&sun, sizeof(sun));
	check(ret < 0 && errno == ENOENT && sock_domain(fd) == AF_UNIX,
	      "a unix socket's connect stays local", "connect");
	close(fd);
	ret = socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
	check(!ret && sock_domain(sv[0]) == AF_UNIX && write(sv[0], "x", 1) == 1,
	      "socketpair is untouched", "socketpair");
	printf("1..%d\n", n);
	return failed;
}
