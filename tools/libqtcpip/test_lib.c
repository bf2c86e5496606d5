// SPDX-License-Identifier: GPL-2.0
/*
 * Host unit tests of libqtcpip's parts that need no module: addresses,
 * getaddrinfo's numeric paths and its list (freed by glibc's
 * freeaddrinfo, as the preload library's callers do). TAP output.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "libqtcpip.h"

static int n, failed;

#define CHECK(cond, what) do {						\
	n++;								\
	if (cond) {							\
		printf("ok %d %s\n", n, what);				\
	} else {							\
		printf("not ok %d %s (line %d)\n", n, what, __LINE__);	\
		failed = 1;						\
	}								\
} while (0)

static int count(const struct addrinfo *ai)
{
	int c = 0;

	for (; ai; ai = ai->ai_next)
		c++;
	return c;
}

int main(void)
{
	struct addrinfo hints = { 0 }, *res;
	struct sockaddr_storage ss, out;
	struct sockaddr_in6 m6 = { .sin6_family = AF_INET6 };
	struct sockaddr_in *sin = (struct sockaddr_in *)&out;
	char buf[160];
	int len;

	printf("TAP version 13\n");
	len = qtcpip_addr_make(&ss, "192.0.2.1", 80);
	CHECK(len == sizeof(struct sockaddr_in) && ss.ss_family == AF_INET,
	      "addr_make: an IPv4 literal gives sockaddr_in");
	CHECK(!strcmp(qtcpip_addr_str((struct sockaddr *)&ss, len, buf,
				      sizeof(buf)), "192.0.2.1:80"),
	      "addr_str: 192.0.2.1:80");
	len = qtcpip_addr_make(&ss, "2001:db8::1", 443);
	CHECK(len == sizeof(struct sockaddr_in6) && ss.ss_family == AF_INET6,
	      "addr_make: an IPv6 literal gives sockaddr_in6");
	len = qtcpip_addr_make(&ss, "example.org", 7);
	CHECK(len == sizeof(struct sockaddr_qt) &&
	      !strcmp(((struct sockaddr_qt *)&ss)->sqt_host, "example.org") &&
	      ntohs(((struct sockaddr_qt *)&ss)->sqt_port) == 7,
	      "addr_make: a name gives the name form");
	errno = 0;
	CHECK(qtcpip_addr_make(&ss, "a\"b", 7) < 0 && errno == EINVAL,
	      "addr_make: a quote is refused (EINVAL)");
	CHECK(qtcpip_addr_make(&ss, "", 7) < 0, "addr_make: an empty name is refused");

	inet_pton(AF_INET6, "::ffff:127.0.0.5", &m6.sin6_addr);
	m6.sin6_port = htons(99);
	len = qtcpip_addr_from_inet(&out, (struct sockaddr *)&m6, sizeof(m6));
	CHECK(len == sizeof(struct sockaddr_in) && sin->sin_family == AF_INET &&
	      sin->sin_addr.s_addr == htonl(0x7f000005) &&
	      ntohs(sin->sin_port) == 99,
	      "addr_from_inet: an IPv4-mapped address becomes sockaddr_in");
	CHECK(qtcpip_addr_is_loopback((struct sockaddr *)&m6, sizeof(m6)),
	      "addr_is_loopback: ::ffff:127.0.0.5");
	inet_pton(AF_INET6, "::1", &m6.sin6_addr);
	CHECK(qtcpip_addr_is_loopback((struct sockaddr *)&m6, sizeof(m6)),
	      "addr_is_loopback: ::1");
	qtcpip_addr_make(&ss, "10.0.0.1", 1);
	CHECK(!qtcpip_addr_is_loopback((struct sockaddr *)&ss, sizeof(ss)),
	      "addr_is_loopback: not 10.0.0.1");

	CHECK(!qtcpip_getaddrinfo(NULL, "192.0.2.7", "80", NULL, &res) &&
	      count(res) == 2 && res->ai_family == AF_INET &&
	      res->ai_socktype == SOCK_STREAM &&
	      res->ai_next->ai_socktype == SOCK_DGRAM,
	      "getaddrinfo: a numeric host, no hints: a stream and a datagram entry");
	freeaddrinfo(res);
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_PASSIVE;
	CHECK(!qtcpip_getaddrinfo(NULL, NULL, "8080", &hints, &res) &&
	      count(res) == 1 &&
	      ((struct sockaddr_in *)res->ai_addr)->sin_addr.s_addr == 0 &&
	      ntohs(((struct sockaddr_in *)res->ai_addr)->sin_port) == 8080,
	      "getaddrinfo: no host, AI_PASSIVE: the wildcard address");
	freeaddrinfo(res);
	hints.ai_flags = AI_NUMERICHOST;
	CHECK(qtcpip_getaddrinfo(NULL, "example.org", "80", &hints, &res) ==
	      EAI_NONAME, "getaddrinfo: AI_NUMERICHOST with a name: EAI_NONAME");
	hints.ai_flags = AI_V4MAPPED | AI_CANONNAME;
	hints.ai_family = AF_INET6;
	CHECK(!qtcpip_getaddrinfo(NULL, "192.0.2.9", "http", &hints, &res) &&
	      count(res) == 1 && res->ai_family == AF_INET6 &&
	      IN6_IS_ADDR_V4MAPPED(&((struct sockaddr_in6 *)res->ai_addr)->sin6_addr) &&
	      ntohs(((struct sockaddr_in6 *)res->ai_addr)->sin6_port) == 80 &&
	      res->ai_canonname && !strcmp(res->ai_canonname, "192.0.2.9"),
	      "getaddrinfo: AF_INET6 + AI_V4MAPPED maps, services by name, AI_CANONNAME");
	freeaddrinfo(res);
	hints.ai_flags = 0;
	CHECK(qtcpip_getaddrinfo(NULL, "192.0.2.9", "80", &hints, &res) ==
	      EAI_ADDRFAMILY, "getaddrinfo: AF_INET6 without AI_V4MAPPED: EAI_ADDRFAMILY");
	hints.ai_family = AF_PACKET;
	CHECK(qtcpip_getaddrinfo(NULL, "192.0.2.9", "80", &hints, &res) ==
	      EAI_FAMILY, "getaddrinfo: another family: EAI_FAMILY");
	hints.ai_family = AF_UNSPEC;
	CHECK(qtcpip_getaddrinfo(NULL, "192.0.2.9", "99999", &hints, &res) ==
	      EAI_SERVICE, "getaddrinfo: port 99999: EAI_SERVICE");
	printf("1..%d\n", n);
	return failed;
}
