// SPDX-License-Identifier: GPL-2.0
/*
 * One SNTP (RFC 4330) client exchange for AT+QNTP. With --ntp-server the
 * request goes to that server whatever the command names, so tests never
 * reach a real time server.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include "emu.h"

#define NTP_UNIX_DELTA 2208988800LL

static struct {
	bool busy;
	int fd;
	uint64_t timer;
	ntp_cb cb;
	char server[256];
	int port, esem;
	int64_t t;
} N = { .fd = -1 };

bool ntp_busy(void)
{
	return N.busy;
}

const char *ntp_server(int *port)
{
	*port = N.port;
	return N.server;
}

static void report(void *arg)
{
	(void)arg;
	N.busy = false;
	C.ntp++;
	N.cb(N.esem, N.t);
}

static void finish(int esem, int64_t t)
{
	ev_cancel(&N.timer);
	if (N.fd >= 0) {
		ev_unwatch(N.fd);
		close(N.fd);
		N.fd = -1;
	}
	N.esem = esem;
	N.t = t;
	/* the network's round trip, if one is configured */
	ev_timer(esem ? 0 : M.rtt_ms * MS, report, NULL);
}

static void timeout_cb(void *arg)
{
	(void)arg;
	N.timer = 0;
	finish(E_NTP_NORESP, 0);
}

static void ntp_ev(void *arg, uint32_t events)
{
	unsigned char p[68];
	ssize_t n;
	uint32_t secs;

	(void)arg;
	(void)events;
	n = recv(N.fd, p, sizeof(p), 0);
	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return;
	if (n < 48 || ((p[0] & 7) != 4 && (p[0] & 7) != 5) || !p[1])
		return;	/* not a server reply: keep waiting */
	memcpy(&secs, p + 40, 4);
	finish(0, (int64_t)ntohl(secs) - NTP_UNIX_DELTA);
}

void ntp_start(const char *server, int port, ntp_cb cb)
{
	struct sockaddr_in sa = { .sin_family = AF_INET };
	unsigned char req[48] = { 0x23 };	/* LI 0, VN 4, client */
	const char *host = M.ntp_host[0] ? M.ntp_host : server;
	int ttl;

	N.busy = true;
	N.cb = cb;
	snprintf(N.server, sizeof(N.server), "%s", server);
	N.port = port;
	if (M.ntp_host[0])
		port = M.ntp_port;
	if (dns_lookup(host, &sa.sin_addr, 1, &ttl) <= 0) {
		finish(E_DNS_FAIL, 0);
		return;
	}
	sa.sin_port = htons(port);
	N.timer = ev_timer(M.ntp_timeout_ms * MS, timeout_cb, NULL);
	if (!M.any_host && (ntohl(sa.sin_addr.s_addr) >> 24) != 127)
		return;	/* off loopback: never sent, times out */
	N.fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (N.fd < 0 || connect(N.fd, (struct sockaddr *)&sa, sizeof(sa)) ||
	    send(N.fd, req, sizeof(req), 0) < 0) {
		if (N.fd >= 0)
			close(N.fd);
		N.fd = -1;
		return;
	}
	ev_watch(N.fd, EPOLLIN, ntp_ev, NULL);
}
