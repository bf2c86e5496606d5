// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * libqtcpip: family number, addresses, devices and the module's resolver.
 * The generic netlink exchanges are done by hand (no libmnl), so that the
 * preload library built on this file pulls nothing into the programs it
 * is loaded into.
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>
#include <netinet/in.h>

#include "libqtcpip.h"

#ifndef NETLINK_EXT_ACK
#define NETLINK_EXT_ACK		11
#endif

int qtcpip_family(void)
{
	char buf[32];
	ssize_t n;
	int fd, fam;

	fd = open("/sys/module/qtcpip/parameters/family", O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		errno = ENOENT;
		return -1;
	}
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0) {
		errno = ENOENT;
		return -1;
	}
	buf[n] = '\0';
	fam = atoi(buf);
	if (fam <= 0 || fam >= AF_MAX) {
		errno = ENOENT;
		return -1;
	}
	return fam;
}

int qtcpip_socket(int type)
{
	int fam = qtcpip_family();

	if (fam < 0) {
		errno = EAFNOSUPPORT;
		return -1;
	}
	return socket(fam, type, 0);
}

/* ---- addresses ---- */

int qtcpip_addr_name(struct sockaddr_qt *sqt, const char *host,
		     unsigned short port)
{
	size_t i, n = host ? strlen(host) : 0;
	int fam = qtcpip_family();

	if (!n || n >= QTCPIP_HOST_MAX) {
		errno = EINVAL;
		return -1;
	}
	/* The name goes inside a quoted AT argument. */
	for (i = 0; i < n; i++) {
		if (host[i] <= ' ' || host[i] > '~' || host[i] == '"') {
			errno = EINVAL;
			return -1;
		}
	}
	memset(sqt, 0, sizeof(*sqt));
	sqt->sqt_family = fam < 0 ? AF_QTCPIP_DEFAULT : fam;
	sqt->sqt_port = htons(port);
	memcpy(sqt->sqt_host, host, n);
	return 0;
}

int qtcpip_addr_make(struct sockaddr_storage *ss, const char *host,
		     unsigned short port)
{
	struct sockaddr_in *sin = (struct sockaddr_in *)ss;
	struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)ss;

	memset(ss, 0, sizeof(*ss));
	if (inet_pton(AF_INET, host, &sin->sin_addr) == 1) {
		sin->sin_family = AF_INET;
		sin->sin_port = htons(port);
		return sizeof(*sin);
	}
	if (inet_pton(AF_INET6, host, &sin6->sin6_addr) == 1) {
		sin6->sin6_family = AF_INET6;
		sin6->sin6_port = htons(port);
		return sizeof(*sin6);
	}
	if (sizeof(struct sockaddr_qt) > sizeof(*ss)) {
		errno = EINVAL;
		return -1;
	}
	if (qtcpip_addr_name((struct sockaddr_qt *)ss, host, port))
		return -1;
	return sizeof(struct sockaddr_qt);
}

int qtcpip_addr_from_inet(struct sockaddr_storage *out,
			  const struct sockaddr *sa, socklen_t len)
{
	const struct sockaddr_in6 *sin6 = (const struct sockaddr_in6 *)sa;
	struct sockaddr_in *sin = (struct sockaddr_in *)out;

	memset(out, 0, sizeof(*out));
	if (sa->sa_family == AF_INET && len >= sizeof(struct sockaddr_in)) {
		memcpy(out, sa, sizeof(struct sockaddr_in));
		return sizeof(struct sockaddr_in);
	}
	if (sa->sa_family != AF_INET6 || len < sizeof(*sin6)) {
		errno = EAFNOSUPPORT;
		return -1;
	}
	if (IN6_IS_ADDR_V4MAPPED(&sin6->sin6_addr)) {
		sin->sin_family = AF_INET;
		sin->sin_port = sin6->sin6_port;
		memcpy(&sin->sin_addr, &sin6->sin6_addr.s6_addr[12], 4);
		return sizeof(*sin);
	}
	memcpy(out, sa, sizeof(*sin6));
	return sizeof(*sin6);
}

int qtcpip_addr_is_loopback(const struct sockaddr *sa, socklen_t len)
{
	const struct sockaddr_in *sin = (const struct sockaddr_in *)sa;
	const struct sockaddr_in6 *sin6 = (const struct sockaddr_in6 *)sa;

	if (sa->sa_family == AF_INET && len >= sizeof(*sin))
		return (ntohl(sin->sin_addr.s_addr) >> 24) == 127;
	if (sa->sa_family != AF_INET6 || len < sizeof(*sin6))
		return 0;
	if (IN6_IS_ADDR_LOOPBACK(&sin6->sin6_addr))
		return 1;
	return IN6_IS_ADDR_V4MAPPED(&sin6->sin6_addr) &&
	       sin6->sin6_addr.s6_addr[12] == 127;
}

const char *qtcpip_addr_str(const struct sockaddr *sa, socklen_t len,
			    char *buf, size_t size)
{
	const struct sockaddr_in *sin = (const struct sockaddr_in *)sa;
	const struct sockaddr_in6 *sin6 = (const struct sockaddr_in6 *)sa;
	const struct sockaddr_qt *sqt = (const struct sockaddr_qt *)sa;
	char a[INET6_ADDRSTRLEN];

	if (sa->sa_family == AF_INET && len >= sizeof(*sin)) {
		inet_ntop(AF_INET, &sin->sin_addr, a, sizeof(a));
		snprintf(buf, size, "%s:%u", a, ntohs(sin->sin_port));
	} else if (sa->sa_family == AF_INET6 && len >= sizeof(*sin6)) {
		inet_ntop(AF_INET6, &sin6->sin6_addr, a, sizeof(a));
		snprintf(buf, size, "[%s]:%u", a, ntohs(sin6->sin6_port));
	} else if (len >= sizeof(*sqt) && sa->sa_family == qtcpip_family()) {
		snprintf(buf, size, "%.*s:%u", QTCPIP_HOST_MAX, sqt->sqt_host,
			 ntohs(sqt->sqt_port));
	} else {
		snprintf(buf, size, "(family %u)", sa->sa_family);
	}
	return buf;
}

/* ---- generic netlink ---- */

#define NL_BUFSIZE	16384

struct nl {
	int fd;
	unsigned int seq;
	unsigned short family;
	int intr;		/* a signal ends the wait (-EINTR) */
	char rbuf[NL_BUFSIZE];
};

struct nl_req {
	struct nlmsghdr n;
	struct genlmsghdr g;
	char attrs[512];
};

static void nl_put(struct nl_req *r, unsigned short type, const void *data,
		   size_t len)
{
	struct nlattr *a = (struct nlattr *)((char *)r + NLMSG_ALIGN(r->n.nlmsg_len));

	if (NLMSG_ALIGN(r->n.nlmsg_len) + NLA_HDRLEN + NLA_ALIGN(len) > sizeof(*r))
		return;	/* callers bound what they put */
	a->nla_type = type;
	a->nla_len = NLA_HDRLEN + len;
	memcpy((char *)a + NLA_HDRLEN, data, len);
	r->n.nlmsg_len = NLMSG_ALIGN(r->n.nlmsg_len) + NLA_ALIGN(a->nla_len);
}

static void nl_init(struct nl *nl, struct nl_req *r, unsigned short type,
		    unsigned char cmd, unsigned short flags)
{
	memset(r, 0, sizeof(r->n) + sizeof(r->g));
	r->n.nlmsg_len = NLMSG_LENGTH(GENL_HDRLEN);
	r->n.nlmsg_type = type;
	r->n.nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK | flags;
	r->n.nlmsg_seq = ++nl->seq;
	r->g.cmd = cmd;
	r->g.version = type == GENL_ID_CTRL ? 1 : QTCPIP_GENL_VERSION;
}

/* Walks the attributes of a genl message (or a nest). */
#define nla_for_each(a, start, len)					\
	for (a = (struct nlattr *)(start);				\
	     (len) >= (int)NLA_HDRLEN && a->nla_len >= NLA_HDRLEN &&	\
	     a->nla_len <= (len);					\
	     len -= NLA_ALIGN(a->nla_len),				\
	     a = (struct nlattr *)((char *)a + NLA_ALIGN(a->nla_len)))

static const char *nla_str(const struct nlattr *a)
{
	const char *s = (const char *)a + NLA_HDRLEN;
	size_t n = a->nla_len - NLA_HDRLEN;

	return n && !s[n - 1] ? s : NULL;
}

static int nla_u32(const struct nlattr *a, unsigned int *v)
{
	if (a->nla_len < NLA_HDRLEN + 4)
		return -1;
	memcpy(v, (const char *)a + NLA_HDRLEN, 4);
	return 0;
}

typedef int (*nl_cb)(const struct nlmsghdr *nlh, void *data);

/* The extack message of an error, if any. */
static void nl_extack(const struct nlmsghdr *nlh, char *msg, size_t msglen)
{
	const struct nlmsgerr *e = NLMSG_DATA(nlh);
	const struct nlattr *a;
	size_t off = sizeof(*e);
	int len;

	if (!msg || !(nlh->nlmsg_flags & NLM_F_ACK_TLVS))
		return;
	if (!(nlh->nlmsg_flags & NLM_F_CAPPED))
		off += e->msg.nlmsg_len - sizeof(struct nlmsghdr);
	if (NLMSG_HDRLEN + off >= nlh->nlmsg_len)
		return;
	len = nlh->nlmsg_len - NLMSG_HDRLEN - NLMSG_ALIGN(off);
	nla_for_each(a, (const char *)NLMSG_DATA(nlh) + NLMSG_ALIGN(off), len) {
		if (a->nla_type == NLMSGERR_ATTR_MSG && nla_str(a))
			snprintf(msg, msglen, "%s", nla_str(a));
	}
}

/* Sends @r and hands each reply to @cb until the ack (or NLMSG_DONE).
 * Returns 0 or a negative errno.
 */
static int nl_talk(struct nl *nl, struct nl_req *r, nl_cb cb, void *data,
		   char *msg, size_t msglen)
{
	if (send(nl->fd, r, r->n.nlmsg_len, 0) < 0)
		return -errno;
	for (;;) {
		const struct nlmsghdr *nlh;
		ssize_t n = recv(nl->fd, nl->rbuf, sizeof(nl->rbuf), 0);
		int len;

		if (n < 0) {
			if (errno == EINTR && !nl->intr)
				continue;
			return -errno;
		}
		len = n;
		for (nlh = (const struct nlmsghdr *)nl->rbuf; NLMSG_OK(nlh, len);
		     nlh = NLMSG_NEXT(nlh, len)) {
			if (nlh->nlmsg_seq != r->n.nlmsg_seq)
				continue;	/* an earlier, abandoned request */
			if (nlh->nlmsg_type == NLMSG_ERROR) {
				const struct nlmsgerr *e = NLMSG_DATA(nlh);

				if (nlh->nlmsg_len < NLMSG_LENGTH(sizeof(*e)))
					return -EBADMSG;
				if (e->error)
					nl_extack(nlh, msg, msglen);
				return e->error;
			}
			if (nlh->nlmsg_type == NLMSG_DONE)
				return 0;
			if (nlh->nlmsg_len >= NLMSG_LENGTH(GENL_HDRLEN) && cb &&
			    cb(nlh, data))
				return 0;
		}
	}
}

static int family_cb(const struct nlmsghdr *nlh, void *data)
{
	struct nl *nl = data;
	const struct nlattr *a;
	int len = nlh->nlmsg_len - NLMSG_LENGTH(GENL_HDRLEN);

	nla_for_each(a, (const char *)NLMSG_DATA(nlh) + GENL_HDRLEN, len) {
		if ((a->nla_type & NLA_TYPE_MASK) == CTRL_ATTR_FAMILY_ID &&
		    a->nla_len >= NLA_HDRLEN + 2)
			memcpy(&nl->family, (const char *)a + NLA_HDRLEN, 2);
	}
	return 0;
}

static void nl_close(struct nl *nl)
{
	if (nl) {
		close(nl->fd);
		free(nl);
	}
}

/* A netlink socket and the family's id; NULL and errno on failure
 * (ENOENT: the module is not loaded).
 */
static struct nl *nl_open(void)
{
	struct sockaddr_nl snl = { .nl_family = AF_NETLINK };
	struct nl *nl = calloc(1, sizeof(*nl));
	struct nl_req r;
	int one = 1, err;

	if (!nl)
		return NULL;
	nl->fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_GENERIC);
	if (nl->fd < 0) {
		free(nl);
		return NULL;
	}
	if (bind(nl->fd, (struct sockaddr *)&snl, sizeof(snl)) < 0)
		goto fail;
	setsockopt(nl->fd, SOL_NETLINK, NETLINK_EXT_ACK, &one, sizeof(one));
	nl->seq = time(NULL);
	nl_init(nl, &r, GENL_ID_CTRL, CTRL_CMD_GETFAMILY, 0);
	nl_put(&r, CTRL_ATTR_FAMILY_NAME, QTCPIP_GENL_NAME,
	       sizeof(QTCPIP_GENL_NAME));
	err = nl_talk(nl, &r, family_cb, nl, NULL, 0);
	if (err || !nl->family) {
		errno = err == -ENOENT || !err ? ENOENT : -err;
		goto fail;
	}
	return nl;
fail:
	err = errno;
	nl_close(nl);
	errno = err;
	return NULL;
}

/* ---- devices ---- */

struct dev_list {
	struct qtcpip_dev *devs;
	int max, n;
};

static int dev_cb(const struct nlmsghdr *nlh, void *data)
{
	struct dev_list *l = data;
	struct qtcpip_dev d = { .state = -1 };
	const struct nlattr *a;
	int len = nlh->nlmsg_len - NLMSG_LENGTH(GENL_HDRLEN);
	unsigned int v;

	nla_for_each(a, (const char *)NLMSG_DATA(nlh) + GENL_HDRLEN, len) {
		switch (a->nla_type) {
		case QTCPIP_A_IFINDEX:
			if (!nla_u32(a, &v))
				d.ifindex = v;
			break;
		case QTCPIP_A_MODEL:
			if (nla_str(a))
				snprintf(d.model, sizeof(d.model), "%s", nla_str(a));
			break;
		case QTCPIP_A_STATE:
			if (a->nla_len >= NLA_HDRLEN + 1)
				d.state = *((const unsigned char *)a + NLA_HDRLEN);
			break;
		}
	}
	if (!d.ifindex || !if_indextoname(d.ifindex, d.ifname))
		return 0;	/* gone meanwhile */
	if (l->n < l->max)
		l->devs[l->n++] = d;
	return 0;
}

int qtcpip_dev_list(struct qtcpip_dev *devs, int max)
{
	struct dev_list l = { .devs = devs, .max = max };
	struct nl *nl = nl_open();
	struct nl_req r;
	int err;

	if (!nl)
		return -errno;
	nl_init(nl, &r, nl->family, QTCPIP_CMD_DEV_GET, NLM_F_DUMP);
	err = nl_talk(nl, &r, dev_cb, &l, NULL, 0);
	nl_close(nl);
	return err ? err : l.n;
}

int qtcpip_dev_select(const char *want, struct qtcpip_dev *dev)
{
	struct qtcpip_dev devs[16];
	int i, n;

	if (!want || !*want)
		want = getenv("QTCPIP_DEV");
	if (want && !*want)
		want = NULL;
	n = qtcpip_dev_list(devs, 16);
	if (n < 0)
		return n;
	for (i = 0; i < n; i++) {
		if (want ? !strcmp(devs[i].ifname, want) :
			   devs[i].state == QTCPIP_DEV_READY) {
			*dev = devs[i];
			return 0;
		}
	}
	return want ? -ENODEV : -ENETUNREACH;
}

int qtcpip_bind_dev(int fd, const char *ifname)
{
	return setsockopt(fd, SOL_SOCKET, SO_BINDTODEVICE, ifname,
			  strlen(ifname) + 1);
}

/* ---- resolver ---- */

static int resolve_cb(const struct nlmsghdr *nlh, void *data)
{
	struct qtcpip_resolved *res = data;
	const struct nlattr *a;
	int len = nlh->nlmsg_len - NLMSG_LENGTH(GENL_HDRLEN);
	unsigned int v;

	nla_for_each(a, (const char *)NLMSG_DATA(nlh) + GENL_HDRLEN, len) {
		if (a->nla_type == QTCPIP_A_TTL && !nla_u32(a, &v))
			res->ttl = v;
		if (a->nla_type == QTCPIP_A_ADDR && nla_str(a) &&
		    res->naddr < QTCPIP_RESOLVE_MAX &&
		    strlen(nla_str(a)) < INET6_ADDRSTRLEN)
			strcpy(res->addr[res->naddr++], nla_str(a));
	}
	return 0;
}

static int resolve_nl(struct nl *nl, unsigned int ifindex, unsigned char id,
		      const char *host, struct qtcpip_resolved *res,
		      char *msg, size_t msglen)
{
	struct nl_req r;

	nl_init(nl, &r, nl->family, QTCPIP_CMD_RESOLVE, 0);
	nl_put(&r, QTCPIP_A_IFINDEX, &ifindex, sizeof(ifindex));
	nl_put(&r, QTCPIP_A_CTX_ID, &id, sizeof(id));
	nl_put(&r, QTCPIP_A_HOST, host, strlen(host) + 1);
	memset(res, 0, sizeof(*res));
	if (msg && msglen)
		msg[0] = '\0';
	return nl_talk(nl, &r, resolve_cb, res, msg, msglen);
}

int qtcpip_resolve_once(unsigned int ifindex, int ctx, const char *host,
			struct qtcpip_resolved *res, char *msg, size_t msglen)
{
	struct nl *nl;
	int err;

	memset(res, 0, sizeof(*res));
	if (msg && msglen)
		msg[0] = '\0';
	/* the kernel bounds the name; a longer one cannot fit the request */
	if (!host || strlen(host) >= 256)
		return -EINVAL;
	nl = nl_open();
	if (!nl)
		return -errno;
	nl->intr = 1;
	err = resolve_nl(nl, ifindex, ctx > 0 ? ctx : 1, host, res, msg, msglen);
	nl_close(nl);
	return err;
}

int qtcpip_resolve(const char *ifname, int ctx, const char *host,
		   struct qtcpip_resolved *res, char *msg, size_t msglen)
{
	struct timespec ts = { 0, 200 * 1000 * 1000 };
	struct qtcpip_dev dev;
	struct nl *nl;
	int err, tries;

	memset(res, 0, sizeof(*res));
	if (msg && msglen)
		msg[0] = '\0';
	if (!host || !*host || strlen(host) >= QTCPIP_HOST_MAX)
		return -EINVAL;
	err = qtcpip_dev_select(ifname, &dev);
	if (err)
		return err;
	nl = nl_open();
	if (!nl)
		return -errno;
	/* One lookup runs per module at a time: another program's (or
	 * another thread's) is waited for, about as long as one takes.
	 */
	for (tries = 0; tries < 50; tries++) {
		err = resolve_nl(nl, dev.ifindex, ctx > 0 ? ctx : 1, host, res,
				 msg, msglen);
		if (err != -EBUSY && err != -EAGAIN)
			break;
		nanosleep(&ts, NULL);
	}
	nl_close(nl);
	if (!err && !res->naddr)
		err = -ENOENT;
	return err;
}

/* ---- getaddrinfo ---- */

static int service_port(const char *service, const struct addrinfo *hints,
			unsigned short *port)
{
	struct servent se, *sp = NULL;
	char buf[1024], *end;
	unsigned long v;

	*port = 0;
	if (!service)
		return 0;
	v = strtoul(service, &end, 10);
	if (*service && !*end) {
		if (v > 65535)
			return EAI_SERVICE;
		*port = v;
		return 0;
	}
	if (hints && (hints->ai_flags & AI_NUMERICSERV))
		return EAI_NONAME;
	if (getservbyname_r(service, hints && hints->ai_socktype == SOCK_DGRAM ?
			    "udp" : "tcp", &se, buf, sizeof(buf), &sp) || !sp)
		return EAI_SERVICE;
	*port = ntohs(sp->s_port);
	return 0;
}

/* One addrinfo and its address in one block, as glibc lays them out. */
static struct addrinfo *ai_new(int family, int socktype, const void *addr,
			       unsigned short port)
{
	struct addrinfo *ai = calloc(1, sizeof(*ai) + sizeof(struct sockaddr_in6));
	struct sockaddr_in *sin = (struct sockaddr_in *)(ai + 1);
	struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)(ai + 1);

	if (!ai)
		return NULL;
	ai->ai_family = family;
	ai->ai_socktype = socktype;
	ai->ai_protocol = socktype == SOCK_DGRAM ? IPPROTO_UDP : IPPROTO_TCP;
	ai->ai_addr = (struct sockaddr *)(ai + 1);
	if (family == AF_INET) {
		sin->sin_family = AF_INET;
		sin->sin_port = htons(port);
		memcpy(&sin->sin_addr, addr, 4);
		ai->ai_addrlen = sizeof(*sin);
	} else {
		sin6->sin6_family = AF_INET6;
		sin6->sin6_port = htons(port);
		memcpy(&sin6->sin6_addr, addr, 16);
		ai->ai_addrlen = sizeof(*sin6);
	}
	return ai;
}

void qtcpip_freeaddrinfo(struct addrinfo *ai)
{
	while (ai) {
		struct addrinfo *next = ai->ai_next;

		free(ai->ai_canonname);
		free(ai);
		ai = next;
	}
}

/* Appends the entries of one address (one per socket type wanted). */
static int ai_add(struct addrinfo ***tail, const struct addrinfo *hints,
		  const char *text, unsigned short port)
{
	static const int types[] = { SOCK_STREAM, SOCK_DGRAM };
	int want = hints ? hints->ai_family : AF_UNSPEC;
	int st = hints ? hints->ai_socktype : 0;
	unsigned char a[16];
	int fam, i;

	if (inet_pton(AF_INET, text, a) == 1) {
		fam = AF_INET;
		if (want == AF_INET6) {
			if (!(hints->ai_flags & AI_V4MAPPED))
				return 0;
			memmove(a + 12, a, 4);
			memset(a, 0, 10);
			a[10] = a[11] = 0xff;
			fam = AF_INET6;
		}
	} else if (inet_pton(AF_INET6, text, a) == 1) {
		fam = AF_INET6;
		if (want == AF_INET)
			return 0;
	} else {
		return 0;	/* not an address: skipped */
	}
	for (i = 0; i < 2; i++) {
		struct addrinfo *ai;

		if (st && st != types[i])
			continue;
		ai = ai_new(fam, types[i], a, port);
		if (!ai)
			return EAI_MEMORY;
		if (hints && hints->ai_protocol)
			ai->ai_protocol = hints->ai_protocol;
		**tail = ai;
		*tail = &ai->ai_next;
	}
	return 0;
}

int qtcpip_getaddrinfo(const char *ifname, const char *node,
		       const char *service, const struct addrinfo *hints,
		       struct addrinfo **res)
{
	struct addrinfo *head = NULL, **tail = &head;
	int flags = hints ? hints->ai_flags : 0;
	struct qtcpip_resolved r = { 0 };
	unsigned char a[16];
	unsigned short port;
	unsigned int i;
	int err;

	*res = NULL;
	if (!node && !service)
		return EAI_NONAME;
	if (hints && hints->ai_family != AF_UNSPEC && hints->ai_family != AF_INET &&
	    hints->ai_family != AF_INET6)
		return EAI_FAMILY;
	err = service_port(service, hints, &port);
	if (err)
		return err;
	if (!node) {
		/* the wildcard or the loopback address, as glibc gives */
		int v6 = hints && hints->ai_family == AF_INET6;

		snprintf(r.addr[0], sizeof(r.addr[0]), "%s",
			 flags & AI_PASSIVE ? (v6 ? "::" : "0.0.0.0") :
					      (v6 ? "::1" : "127.0.0.1"));
		r.naddr = 1;
	} else if (inet_pton(AF_INET, node, a) == 1 ||
		   inet_pton(AF_INET6, node, a) == 1) {
		snprintf(r.addr[0], sizeof(r.addr[0]), "%s", node);
		r.naddr = 1;
	} else if (flags & AI_NUMERICHOST) {
		return EAI_NONAME;
	} else {
		err = qtcpip_resolve(ifname, 0, node, &r, NULL, 0);
		switch (err) {
		case 0:
			break;
		case -ENOENT:
		case -EINVAL:
		case -EHOSTUNREACH:
		case -ENXIO:
			return EAI_NONAME;
		case -EBUSY:
		case -EAGAIN:
		case -ENETDOWN:
		case -ENETUNREACH:
		case -ETIMEDOUT:
			return EAI_AGAIN;
		default:
			errno = -err;
			return EAI_SYSTEM;
		}
	}
	for (i = 0; i < r.naddr; i++) {
		err = ai_add(&tail, hints, r.addr[i], port);
		if (err) {
			qtcpip_freeaddrinfo(head);
			return err;
		}
	}
	if (!head)
		return node ? EAI_ADDRFAMILY : EAI_NONAME;
	if ((flags & AI_CANONNAME) && node) {
		head->ai_canonname = strdup(node);
		if (!head->ai_canonname) {
			qtcpip_freeaddrinfo(head);
			return EAI_MEMORY;
		}
	}
	*res = head;
	return 0;
}
