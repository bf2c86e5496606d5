// SPDX-License-Identifier: GPL-2.0
/*
 * AT+QPING: real ICMP echo requests, through an unprivileged ICMP datagram
 * socket when net.ipv4.ping_group_range allows it, else a raw socket.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <netinet/ip.h>
#include <netinet/ip_icmp.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include "emu.h"

#define PING_BYTES 32

static struct {
	bool busy, raw, waiting;
	int fd, timeout_s, num, sent, rcvd, min, max, ttl, ms;
	long sum;
	uint16_t id, seq;
	struct in_addr dst;
	char ip[INET_ADDRSTRLEN];
	uint64_t t_sent, timer;
	ping_reply_cb reply;
	ping_end_cb end;
} P = { .fd = -1 };

bool ping_busy(void)
{
	return P.busy;
}

static uint16_t csum(const void *p, size_t n)
{
	const uint16_t *w = p;
	uint32_t s = 0;

	for (; n > 1; n -= 2)
		s += *w++;
	if (n)
		s += *(const uint8_t *)w;
	s = (s >> 16) + (s & 0xffff);
	s += s >> 16;
	return ~s;
}

static void send_next(void *arg);

static void finish(void)
{
	ev_cancel(&P.timer);
	if (P.fd >= 0) {
		ev_unwatch(P.fd);
		close(P.fd);
		P.fd = -1;
	}
	P.busy = false;
	P.end(P.sent, P.rcvd, P.rcvd ? P.min : 0, P.rcvd ? P.max : 0,
	      P.rcvd ? (int)(P.sum / P.rcvd) : 0);
}

static void lost_cb(void *arg)
{
	(void)arg;
	P.timer = 0;
	P.waiting = false;
	P.reply(0, P.ip, PING_BYTES, 0, 0);
	send_next(NULL);
}

static void report_cb(void *arg)
{
	(void)arg;
	P.timer = 0;
	P.reply(1, P.ip, PING_BYTES, P.ms, P.ttl);
	send_next(NULL);
}

static void send_next(void *arg)
{
	unsigned char pkt[sizeof(struct icmphdr) + PING_BYTES];
	struct icmphdr *h = (struct icmphdr *)pkt;
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_addr = P.dst };

	(void)arg;
	if (P.sent == P.num) {
		finish();
		return;
	}
	memset(pkt, 0, sizeof(pkt));
	h->type = ICMP_ECHO;
	h->un.echo.id = htons(P.id);
	h->un.echo.sequence = htons(++P.seq);
	memset(pkt + sizeof(*h), 'Q', PING_BYTES);
	h->checksum = csum(pkt, sizeof(pkt));
	P.sent++;
	C.pings++;
	P.t_sent = now_ns();
	P.waiting = true;
	if (F.pingdrop)
		F.pingdrop--;	/* lost on the way */
	else if (M.any_host || (ntohl(P.dst.s_addr) >> 24) == 127)
		sendto(P.fd, pkt, sizeof(pkt), 0, (struct sockaddr *)&sa,
		       sizeof(sa));
	P.timer = ev_timer(P.timeout_s * 1000ULL * MS, lost_cb, NULL);
}

static void ping_ev(void *arg, uint32_t events)
{
	unsigned char b[1500], cb[256];
	struct iovec iov = { b, sizeof(b) };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1,
			     .msg_control = cb, .msg_controllen = sizeof(cb) };
	struct cmsghdr *cm;
	struct icmphdr *h;
	ssize_t n;
	int ttl = 64, off = 0;

	(void)arg;
	(void)events;
	n = recvmsg(P.fd, &mh, 0);
	if (n < 0)
		return;
	if (P.raw) {
		struct iphdr *ip = (struct iphdr *)b;

		off = ip->ihl * 4;
		ttl = ip->ttl;
	} else {
		for (cm = CMSG_FIRSTHDR(&mh); cm; cm = CMSG_NXTHDR(&mh, cm))
			if (cm->cmsg_level == IPPROTO_IP &&
			    cm->cmsg_type == IP_TTL)
				memcpy(&ttl, CMSG_DATA(cm), sizeof(ttl));
	}
	if (n < off + (ssize_t)sizeof(*h))
		return;
	h = (struct icmphdr *)(b + off);
	if (h->type != ICMP_ECHOREPLY || ntohs(h->un.echo.sequence) != P.seq ||
	    (P.raw && ntohs(h->un.echo.id) != P.id) || !P.waiting)
		return;
	P.waiting = false;
	ev_cancel(&P.timer);
	P.ms = (now_ns() - P.t_sent) / MS + M.rtt_ms;
	P.ttl = ttl;
	P.rcvd++;
	P.sum += P.ms;
	if (P.rcvd == 1 || P.ms < P.min)
		P.min = P.ms;
	if (P.ms > P.max)
		P.max = P.ms;
	/* the simulated network's round trip */
	P.timer = ev_timer(M.rtt_ms * MS, report_cb, NULL);
}

void ping_start(struct in_addr dst, int timeout_s, int num,
		ping_reply_cb reply, ping_end_cb end)
{
	int one = 1;

	memset(&P, 0, sizeof(P));
	P.busy = true;
	P.dst = dst;
	P.timeout_s = timeout_s;
	P.num = num;
	P.reply = reply;
	P.end = end;
	P.id = getpid() & 0xffff;
	inet_ntop(AF_INET, &dst, P.ip, sizeof(P.ip));
	P.fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC,
		      IPPROTO_ICMP);
	if (P.fd < 0) {
		P.raw = true;
		P.fd = socket(AF_INET, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC,
			      IPPROTO_ICMP);
	}
	if (P.fd < 0) {
		logmsg("no ICMP socket: %s", strerror(errno));
	} else {
		setsockopt(P.fd, IPPROTO_IP, IP_RECVTTL, &one, sizeof(one));
		ev_watch(P.fd, EPOLLIN, ping_ev, NULL);
	}
	send_next(NULL);
}
