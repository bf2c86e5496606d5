// SPDX-License-Identifier: GPL-2.0
/*
 * qtcpip-testsrv: loopback peers for the emulator's and the driver's
 * tests: TCP echo, TCP sink (byte count and CRC-32), TCP source (N
 * deterministic pseudo-random bytes), UDP echo, a silent UDP port and an
 * SNTP server. Port 0 picks a free port; every service prints
 * "<service>=<port>" on stdout and in the ready file.
 *
 * The sink also has a counted mode for peers that cannot half-close (the
 * modules' TCP has no shutdown): a connection that starts with the line
 * "QTCPIP-COUNT <n> [<tag>]\n" gets "bytes=<n> crc32=<x>\n" as soon as
 * <n> more bytes have arrived. A connection that starts with
 * "QTCPIP-QUERY <tag>\n" gets that line for the upload named <tag> once
 * it has its <n> bytes or its connection has ended (bytes= is then what
 * arrived), so a sender may close right after sending.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

enum kind { ECHO, SINK, SOURCE, UECHO, SNTP, SILENT };
static const char *const kname[] = { "tcp-echo", "tcp-sink", "tcp-source",
				     "udp-echo", "sntp", "udp-silent" };

struct svc {
	enum kind kind;
	int fd, port;
	long long count;	/* source: bytes; sntp: clock offset (s) */
	uint32_t seed;
};

/* sink header states */
enum { H_SNIFF, H_PLAIN, H_COUNT, H_QUERY };

struct peer {
	enum kind kind;
	int fd;
	int hstate;		/* sink: H_* */
	char hdr[96];		/* sink: first line, while sniffing */
	size_t hlen;
	unsigned long long want;	/* counted: bytes announced */
	struct result *res;	/* counted: its named result, if any */
	char tag[48];		/* query: the name asked for */
	unsigned char *out;	/* pending output */
	size_t olen, ooff;
	long long left;		/* source bytes still to generate */
	uint32_t state, crc;
	unsigned long long bytes;
	int eof;
};

/* results of named counted uploads, for QTCPIP-QUERY */
struct result {
	char tag[48];
	unsigned long long bytes;
	uint32_t crc;
	int done;
};

#define MAXRES 256
#define MAXQUERY 64
static struct result results[MAXRES];
static int nres;
static struct peer *queries[MAXQUERY];

#define MAXSVC 32
static struct svc svcs[MAXSVC];
static int nsvc, epfd;
static struct in_addr bind_addr;

/* the source's generator: xorshift32, low byte of each step */
static uint32_t xs(uint32_t *s)
{
	uint32_t x = *s;

	x ^= x << 13;
	x ^= x >> 17;
	x ^= x << 5;
	*s = x;
	return x;
}

static uint32_t crc32_upd(uint32_t crc, const unsigned char *p, size_t n)
{
	size_t i;
	int k;

	crc = ~crc;
	for (i = 0; i < n; i++) {
		crc ^= p[i];
		for (k = 0; k < 8; k++)
			crc = (crc >> 1) ^ (0xedb88320 & -(crc & 1));
	}
	return ~crc;
}

static void die(const char *what)
{
	perror(what);
	exit(1);
}

static void add(int fd, void *ptr, uint32_t ev, int op)
{
	struct epoll_event e = { .events = ev, .data.ptr = ptr };

	if (epoll_ctl(epfd, op, fd, &e))
		die("epoll_ctl");
}

static void result_done(struct result *r);

static void peer_free(struct peer *p)
{
	int i;

	for (i = 0; i < MAXQUERY; i++)
		if (queries[i] == p)
			queries[i] = NULL;
	if (p->res && !p->res->done) {
		p->res->bytes = p->bytes;
		p->res->crc = p->crc;
		result_done(p->res);
	}
	epoll_ctl(epfd, EPOLL_CTL_DEL, p->fd, NULL);
	close(p->fd);
	free(p->out);
	free(p);
}

static void queue(struct peer *p, const void *d, size_t n)
{
	p->out = realloc(p->out, p->olen + n);
	memcpy(p->out + p->olen, d, n);
	p->olen += n;
}

static void refill(struct peer *p)
{
	unsigned char b[16384];
	size_t n = 0;

	while (p->left && n < sizeof(b)) {
		b[n++] = xs(&p->state) & 0xff;
		p->left--;
	}
	queue(p, b, n);
}

/* returns 0 when the peer was freed */
static int flush(struct peer *p)
{
	while (p->ooff < p->olen) {
		ssize_t n = send(p->fd, p->out + p->ooff, p->olen - p->ooff,
				 MSG_NOSIGNAL);

		if (n < 0) {
			if (errno == EAGAIN)
				break;
			peer_free(p);
			return 0;
		}
		p->ooff += n;
		if (p->ooff == p->olen) {
			p->ooff = p->olen = 0;
			if (p->kind == SOURCE && p->left)
				refill(p);
		}
	}
	if (p->ooff == p->olen && p->kind == SOURCE && !p->left &&
	    p->eof != 2) {
		shutdown(p->fd, SHUT_WR);
		p->eof = 2;
	}
	if (p->ooff == p->olen && p->eof == 1 && p->kind != SOURCE) {
		shutdown(p->fd, SHUT_WR);
		p->eof = 2;
	}
	add(p->fd, p, EPOLLIN | (p->ooff < p->olen ? EPOLLOUT : 0),
	    EPOLL_CTL_MOD);
	return 1;
}

static void answer(struct peer *p, unsigned long long bytes, uint32_t crc)
{
	char r[64];
	int l = snprintf(r, sizeof(r), "bytes=%llu crc32=%08x\n", bytes, crc);

	queue(p, r, l);
	flush(p);
}

static struct result *result_find(const char *tag)
{
	int i;

	for (i = 0; i < nres && i < MAXRES; i++)
		if (!strcmp(results[i].tag, tag))
			return &results[i];
	return NULL;
}

/* answers queries waiting for it; answer() may free a query peer */
static void result_done(struct result *r)
{
	int i;

	r->done = 1;
	for (i = 0; i < MAXQUERY; i++) {
		struct peer *q = queries[i];

		if (q && !strcmp(q->tag, r->tag)) {
			queries[i] = NULL;
			answer(q, r->bytes, r->crc);
		}
	}
}

/* a counted upload has its bytes: publish and answer (may free p) */
static void counted_done(struct peer *p)
{
	if (p->res) {
		p->res->bytes = p->bytes;
		p->res->crc = p->crc;
		result_done(p->res);
	}
	answer(p, p->bytes, p->crc);
}

static void counted_data(struct peer *p, const unsigned char *b, size_t n)
{
	bool was_short = p->bytes < p->want;

	if (!n)
		return;
	p->bytes += n;
	p->crc = crc32_upd(p->crc, b, n);
	if (was_short && p->bytes >= p->want)
		counted_done(p);
}

static void sink_data(struct peer *p, const unsigned char *b, size_t n)
{
	if (p->hstate == H_COUNT) {
		counted_data(p, b, n);
	} else if (p->hstate == H_PLAIN) {
		p->bytes += n;
		p->crc = crc32_upd(p->crc, b, n);
	}
	/* H_QUERY: anything after the query line is ignored */
}

/* the sink's first line: "QTCPIP-COUNT n [tag]", "QTCPIP-QUERY tag" */
static void sink_sniff(struct peer *p, const unsigned char *b, size_t n)
{
	static const char magic[] = "QTCPIP-";
	unsigned long long want;
	char tag[48] = "", *nl;
	size_t take, k, m;
	int i;

	take = n < sizeof(p->hdr) - 1 - p->hlen ? n : sizeof(p->hdr) - 1 - p->hlen;
	memcpy(p->hdr + p->hlen, b, take);
	p->hlen += take;
	p->hdr[p->hlen] = 0;
	m = p->hlen < sizeof(magic) - 1 ? p->hlen : sizeof(magic) - 1;
	nl = memchr(p->hdr, '\n', p->hlen);
	if (memcmp(p->hdr, magic, m) || (!nl && p->hlen == sizeof(p->hdr) - 1)) {
		/* an ordinary sink peer: count what we held back */
		p->hstate = H_PLAIN;
		sink_data(p, (unsigned char *)p->hdr, p->hlen);
		sink_data(p, b + take, n - take);
		return;
	}
	if (!nl)
		return;
	*nl = 0;
	k = nl + 1 - p->hdr;	/* header bytes, with the newline */
	if (sscanf(p->hdr, "QTCPIP-COUNT %llu %47s", &want, tag) >= 1) {
		p->hstate = H_COUNT;
		p->want = want;
		if (tag[0]) {
			p->res = result_find(tag);
			if (!p->res) {
				p->res = &results[nres++ % MAXRES];
				memset(p->res, 0, sizeof(*p->res));
				snprintf(p->res->tag, sizeof(p->res->tag), "%s", tag);
			}
			p->res->done = 0;
		}
		if (!want) {
			counted_done(p);
			return;
		}
	} else if (sscanf(p->hdr, "QTCPIP-QUERY %47s", tag) == 1) {
		struct result *r = result_find(tag);

		p->hstate = H_QUERY;
		snprintf(p->tag, sizeof(p->tag), "%s", tag);
		if (r && r->done) {
			answer(p, r->bytes, r->crc);
			return;
		}
		for (i = 0; i < MAXQUERY && queries[i]; i++)
			;
		if (i < MAXQUERY)
			queries[i] = p;
		return;
	} else {
		p->hstate = H_PLAIN;
		sink_data(p, (unsigned char *)p->hdr, k);
	}
	/* bytes of this read after the header line */
	sink_data(p, b + (k - (p->hlen - take)), n - (k - (p->hlen - take)));
}

static void peer_ev(struct peer *p, uint32_t ev)
{
	unsigned char b[65536];
	ssize_t n;

	if ((ev & EPOLLOUT) && !flush(p))
		return;
	if (!(ev & (EPOLLIN | EPOLLHUP | EPOLLERR)))
		return;
	n = recv(p->fd, b, sizeof(b), 0);
	if (n < 0 && errno == EAGAIN)
		return;
	if (n <= 0) {
		if (p->kind == SINK && p->hstate == H_SNIFF) {
			p->hstate = H_PLAIN;
			sink_data(p, (unsigned char *)p->hdr, p->hlen);
		}
		if (p->kind == SINK && p->res && !p->res->done) {
			p->res->bytes = p->bytes;
			p->res->crc = p->crc;
			result_done(p->res);
		}
		if (p->kind == SINK && p->eof == 0 && p->hstate == H_PLAIN) {
			char r[64];
			int l = snprintf(r, sizeof(r), "bytes=%llu crc32=%08x\n",
					 p->bytes, p->crc);

			printf("tcp-sink: %s", r);
			fflush(stdout);
			queue(p, r, l);
		}
		if (n < 0 || p->eof == 2) {
			peer_free(p);
			return;
		}
		p->eof = 1;
		if (p->kind == SOURCE) {
			peer_free(p);
			return;
		}
		flush(p);
		if (p->eof == 2 && p->ooff == p->olen) {
			/* wait for the peer's close, then free */
		}
		return;
	}
	if (p->kind == ECHO) {
		queue(p, b, n);
		flush(p);
	} else if (p->kind == SINK) {
		if (p->hstate == H_SNIFF)
			sink_sniff(p, b, n);
		else
			sink_data(p, b, n);
	}
}

static void accept_ev(struct svc *s)
{
	struct peer *p;
	int fd = accept4(s->fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);

	if (fd < 0)
		return;
	p = calloc(1, sizeof(*p));
	p->kind = s->kind;
	p->fd = fd;
	p->left = s->kind == SOURCE ? s->count : 0;
	p->state = s->seed;
	add(fd, p, EPOLLIN, EPOLL_CTL_ADD);
	if (p->kind == SOURCE) {
		refill(p);
		flush(p);
	}
}

static void put_ts(unsigned char *o, struct timeval *tv, long long off)
{
	uint32_t s = htonl((uint32_t)(tv->tv_sec + off + 2208988800LL));
	uint32_t f = htonl((uint32_t)((double)tv->tv_usec * 4294.967296));

	memcpy(o, &s, 4);
	memcpy(o + 4, &f, 4);
}

static void udp_ev(struct svc *s)
{
	unsigned char b[65536];
	struct sockaddr_in sa;
	socklen_t sl = sizeof(sa);
	ssize_t n = recvfrom(s->fd, b, sizeof(b), 0, (struct sockaddr *)&sa,
			     &sl);
	struct timeval tv;

	if (n < 0)
		return;
	if (s->kind == UECHO) {
		sendto(s->fd, b, n, 0, (struct sockaddr *)&sa, sl);
	} else if (s->kind == SNTP && n >= 48 && (b[0] & 7) == 3) {
		unsigned char r[48] = { 0 };

		gettimeofday(&tv, NULL);
		r[0] = (b[0] & 0x38) | 4;	/* LI 0, client's VN, server */
		r[1] = 1;			/* stratum 1 */
		r[2] = b[2];
		r[3] = 0xec;
		memcpy(r + 12, "QTCP", 4);
		put_ts(r + 16, &tv, s->count);
		memcpy(r + 24, b + 40, 8);	/* originate */
		put_ts(r + 32, &tv, s->count);
		put_ts(r + 40, &tv, s->count);
		sendto(s->fd, r, sizeof(r), 0, (struct sockaddr *)&sa, sl);
	}
}

static void usage(int code)
{
	fprintf(code ? stderr : stdout,
"usage: qtcpip-testsrv [--bind ADDR] [--ready-file F] SERVICE...\n"
"  --tcp-echo PORT                echo every byte back\n"
"  --tcp-sink PORT                count bytes; on EOF answer and print\n"
"                                 'bytes=N crc32=XXXXXXXX'; a first line\n"
"                                 'QTCPIP-COUNT N [TAG]' answers after N\n"
"                                 bytes, 'QTCPIP-QUERY TAG' answers for TAG\n"
"  --tcp-source PORT[:N[:SEED]]   send N (default 1048576) xorshift32\n"
"                                 bytes (seed default 1), then close\n"
"  --udp-echo PORT                echo every datagram back\n"
"  --udp-silent PORT              read datagrams, never answer\n"
"  --sntp PORT[:OFFSET]           SNTP server, clock + OFFSET seconds\n"
"  --gen N[:SEED]                 print the source's N bytes and exit\n"
"PORT 0 picks a free port. Each service prints '<service>=<port>'.\n");
	exit(code);
}

static void add_svc(enum kind k, const char *arg)
{
	struct svc *s;
	char *e;

	if (nsvc == MAXSVC)
		usage(2);
	s = &svcs[nsvc++];
	s->kind = k;
	s->port = strtol(arg, &e, 10);
	s->count = k == SOURCE ? 1048576 : 0;
	s->seed = 1;
	if (*e == ':')
		s->count = strtoll(e + 1, &e, 10);
	if (*e == ':' && k == SOURCE)
		s->seed = strtoul(e + 1, &e, 0);
	if (*e || s->port < 0 || s->port > 65535)
		usage(2);
	if (!s->seed)
		s->seed = 1;
}

static void open_svc(struct svc *s)
{
	bool udp = s->kind == UECHO || s->kind == SNTP || s->kind == SILENT;
	struct sockaddr_in sa = { .sin_family = AF_INET,
				  .sin_addr = bind_addr,
				  .sin_port = htons(s->port) };
	socklen_t sl = sizeof(sa);
	int one = 1;

	s->fd = socket(AF_INET, (udp ? SOCK_DGRAM : SOCK_STREAM) |
		       SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (s->fd < 0)
		die("socket");
	setsockopt(s->fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(s->fd, (struct sockaddr *)&sa, sizeof(sa)) ||
	    (!udp && listen(s->fd, 16)))
		die(kname[s->kind]);
	getsockname(s->fd, (struct sockaddr *)&sa, &sl);
	s->port = ntohs(sa.sin_port);
	add(s->fd, s, EPOLLIN, EPOLL_CTL_ADD);
}

int main(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "bind", 1, NULL, 'b' }, { "ready-file", 1, NULL, 'r' },
		{ "tcp-echo", 1, NULL, 'e' }, { "tcp-sink", 1, NULL, 'k' },
		{ "tcp-source", 1, NULL, 's' }, { "udp-echo", 1, NULL, 'u' },
		{ "udp-silent", 1, NULL, 'q' }, { "sntp", 1, NULL, 'n' },
		{ "gen", 1, NULL, 'g' }, { "help", 0, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	const char *ready = NULL;
	char tmp[64];
	int o, i;

	inet_pton(AF_INET, "127.0.0.1", &bind_addr);
	while ((o = getopt_long(argc, argv, "h", lo, NULL)) != -1) {
		switch (o) {
		case 'b':
			if (inet_pton(AF_INET, optarg, &bind_addr) != 1)
				usage(2);
			break;
		case 'r':
			ready = optarg;
			break;
		case 'e':
			add_svc(ECHO, optarg);
			break;
		case 'k':
			add_svc(SINK, optarg);
			break;
		case 's':
			add_svc(SOURCE, optarg);
			break;
		case 'u':
			add_svc(UECHO, optarg);
			break;
		case 'q':
			add_svc(SILENT, optarg);
			break;
		case 'n':
			add_svc(SNTP, optarg);
			break;
		case 'g': {
			char *e;
			long long n = strtoll(optarg, &e, 10);
			uint32_t st = *e == ':' ? strtoul(e + 1, NULL, 0) : 1;

			if (!st)
				st = 1;
			while (n-- > 0)
				putchar(xs(&st) & 0xff);
			return 0;
		}
		case 'h':
			usage(0);
			break;
		default:
			usage(2);
		}
	}
	if (!nsvc || optind != argc)
		usage(2);
	signal(SIGPIPE, SIG_IGN);
	epfd = epoll_create1(EPOLL_CLOEXEC);
	for (i = 0; i < nsvc; i++)
		open_svc(&svcs[i]);
	for (i = 0; i < nsvc; i++)
		printf("%s=%d\n", kname[svcs[i].kind], svcs[i].port);
	fflush(stdout);
	if (ready) {
		snprintf(tmp, sizeof(tmp), "%s.tmp", ready);
		FILE *f = fopen(tmp, "w");

		if (!f)
			die(ready);
		for (i = 0; i < nsvc; i++)
			fprintf(f, "%s=%d\n", kname[svcs[i].kind],
				svcs[i].port);
		fclose(f);
		rename(tmp, ready);
	}
	for (;;) {
		struct epoll_event ev[32];
		int n = epoll_wait(epfd, ev, 32, -1);

		for (i = 0; i < n; i++) {
			void *ptr = ev[i].data.ptr;

			if (ptr >= (void *)svcs && ptr < (void *)(svcs + MAXSVC)) {
				struct svc *s = ptr;

				if (s->kind == ECHO || s->kind == SINK ||
				    s->kind == SOURCE)
					accept_ev(s);
				else
					udp_ev(s);
			} else {
				peer_ev(ptr, ev[i].events);
			}
		}
	}
}
