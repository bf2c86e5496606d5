// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * libqtcpip-preload.so: an unmodified, dynamically linked program's
 * AF_INET/AF_INET6 TCP and UDP sockets go through a Quectel module's
 * TCP/IP stack (qtcpip). Loaded with LD_PRELOAD, usually by qtcpip-run.
 *
 * The program's socket stays an ordinary AF_INET socket until it says
 * where it goes: at connect(), at sendto()/sendmsg() with an address, or
 * at listen(), an AF_QTCPIP socket is made, given the options the
 * program set so far (SO_*, and the others where the module's family
 * takes them), O_NONBLOCK and the bound port, and dup2()ed over the
 * program's descriptor (keeping FD_CLOEXEC). Unix sockets, netlink, raw
 * sockets and (without QTCPIP_ALL=1) loopback destinations stay local.
 *
 * Name lookups: getaddrinfo() and gethostbyname{,2}{,_r}() ask
 * the module's resolver (AT+QIDNSGIP through libqtcpip); names it does
 * not know fall back to the C library (so /etc/hosts still works).
 *
 * Environment: QTCPIP_DEV (the module's netdev, default the first ready
 * one), QTCPIP_ALL=1 (loopback through the module too), QTCPIP_RUN_DEBUG=1
 * (a line on stderr per socket moved), QTCPIP_NO_DNS=1 (leave name lookups
 * to the C library).
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <arpa/inet.h>
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "libqtcpip.h"

#define EXPORT __attribute__((visibility("default")))

/* What the program did to a socket before it became AF_QTCPIP. */
#define QT_MAX_OPTS	16
#define QT_OPT_MAX	64

struct qt_opt {
	int level, name;
	socklen_t len;
	unsigned char val[QT_OPT_MAX];
};

struct qt_fd {
	int nopts;
	struct qt_opt opts[QT_MAX_OPTS];
	unsigned short bound_port;	/* host order, 0: not bound */
	int bound_loopback;
};

#define QT_MAX_FDS	4096

static struct qt_fd *fds[QT_MAX_FDS];
static pthread_mutex_t fds_lock = PTHREAD_MUTEX_INITIALIZER;

static int (*real_socket)(int, int, int);
static int (*real_connect)(int, const struct sockaddr *, socklen_t);
static int (*real_bind)(int, const struct sockaddr *, socklen_t);
static int (*real_listen)(int, int);
static int (*real_setsockopt)(int, int, int, const void *, socklen_t);
static ssize_t (*real_sendto)(int, const void *, size_t, int,
			      const struct sockaddr *, socklen_t);
static ssize_t (*real_sendmsg)(int, const struct msghdr *, int);
static int (*real_close)(int);
static int (*real_getaddrinfo)(const char *, const char *,
			       const struct addrinfo *, struct addrinfo **);
static struct hostent *(*real_gethostbyname2)(const char *, int);
static int (*real_gethostbyname_r)(const char *, struct hostent *, char *,
				   size_t, struct hostent **, int *);
static int (*real_gethostbyname2_r)(const char *, int, struct hostent *,
				    char *, size_t, struct hostent **, int *);

static int opt_all, opt_debug, opt_no_dns;
static const char *opt_dev;

static void dbg(const char *fmt, ...)
{
	char buf[256];
	va_list ap;
	int n;

	if (!opt_debug)
		return;
	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof(buf) - 1, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if (n > (int)sizeof(buf) - 2)
		n = sizeof(buf) - 2;
	buf[n++] = '\n';
	/* write(2): stdio may be what the program is in the middle of */
	if (write(2, buf, n) < 0)
		return;
}

static int env_on(const char *name)
{
	const char *v = getenv(name);

	return v && *v && strcmp(v, "0");
}

static void *sym(const char *name)
{
	void *p = dlsym(RTLD_NEXT, name);

	if (!p) {
		dbg("qtcpip-preload: no %s in the C library", name);
		abort();
	}
	return p;
}

__attribute__((constructor)) static void qt_init(void)
{
	real_socket = sym("socket");
	real_connect = sym("connect");
	real_bind = sym("bind");
	real_listen = sym("listen");
	real_setsockopt = sym("setsockopt");
	real_sendto = sym("sendto");
	real_sendmsg = sym("sendmsg");
	real_close = sym("close");
	real_getaddrinfo = sym("getaddrinfo");
	real_gethostbyname2 = sym("gethostbyname2");
	real_gethostbyname_r = sym("gethostbyname_r");
	real_gethostbyname2_r = sym("gethostbyname2_r");
	opt_all = env_on("QTCPIP_ALL");
	opt_debug = env_on("QTCPIP_RUN_DEBUG");
	opt_no_dns = env_on("QTCPIP_NO_DNS");
	opt_dev = getenv("QTCPIP_DEV");
	if (opt_dev && !*opt_dev)
		opt_dev = NULL;
}

static void fd_forget(int fd)
{
	struct qt_fd *q;

	if (fd < 0 || fd >= QT_MAX_FDS)
		return;
	pthread_mutex_lock(&fds_lock);
	q = fds[fd];
	fds[fd] = NULL;
	pthread_mutex_unlock(&fds_lock);
	free(q);
}

/* The record of @fd, made if needed; called with fds_lock held. */
static struct qt_fd *fd_get(int fd)
{
	if (fd < 0 || fd >= QT_MAX_FDS)
		return NULL;
	if (!fds[fd])
		fds[fd] = calloc(1, sizeof(struct qt_fd));
	return fds[fd];
}

/* An AF_INET/AF_INET6 TCP or UDP socket: the kind that may move. */
static int inet_kind(int fd, int *family, int *type)
{
	socklen_t len = sizeof(int);
	int proto = 0;

	if (getsockopt(fd, SOL_SOCKET, SO_DOMAIN, family, &len))
		return 0;
	if (*family != AF_INET && *family != AF_INET6)
		return 0;
	len = sizeof(int);
	if (getsockopt(fd, SOL_SOCKET, SO_TYPE, type, &len) ||
	    (*type != SOCK_STREAM && *type != SOCK_DGRAM))
		return 0;
	len = sizeof(int);
	if (getsockopt(fd, SOL_SOCKET, SO_PROTOCOL, &proto, &len))
		return 0;
	return proto == 0 || proto == IPPROTO_TCP || proto == IPPROTO_UDP;
}

/* Should a socket going to (or listening on) @sa move to the module? */
static int wanted(const struct sockaddr *sa, socklen_t len)
{
	if (!sa || len < sizeof(sa_family_t))
		return 0;
	if (sa->sa_family != AF_INET && sa->sa_family != AF_INET6)
		return 0;
	return opt_all || !qtcpip_addr_is_loopback(sa, len);
}

/*
 * The AF_QTCPIP socket that takes over @fd: bound to the device, with
 * @fd's recorded options, blocking mode and port. Returns it, or -1 and
 * errno. With @nonblock non-NULL the twin stays blocking and *@nonblock
 * tells whether @fd was not.
 */
static int make_twin(int fd, int type, int *nonblock)
{
	struct sockaddr_in sin = { .sin_family = AF_INET };
	struct qt_fd rec = { 0 };
	int ns, fl, i, e;

	pthread_mutex_lock(&fds_lock);
	if (fd < QT_MAX_FDS && fds[fd])
		rec = *fds[fd];
	pthread_mutex_unlock(&fds_lock);

	fl = fcntl(fd, F_GETFL);
	if (fl < 0)
		return -1;
	ns = qtcpip_socket(type | SOCK_CLOEXEC);
	if (ns < 0)
		return -1;
	if (opt_dev && qtcpip_bind_dev(ns, opt_dev)) {
		e = errno;
		dbg("qtcpip-preload: binding to %s: %s", opt_dev, strerror(e));
		real_close(ns);
		errno = e == ENODEV ? ENETUNREACH : e;
		return -1;
	}
	/* Best effort, as the program was told yes already: an option
	 * the module's family does not take is left out.
	 */
	for (i = 0; i < rec.nopts; i++) {
		struct qt_opt *o = &rec.opts[i];

		if (real_setsockopt(ns, o->level, o->name, o->val, o->len))
			dbg("qtcpip-preload: fd %d: option %d/%d not carried over: %s",
			    fd, o->level, o->name, strerror(errno));
	}
	if (rec.bound_port) {
		sin.sin_port = htons(rec.bound_port);
		if (real_bind(ns, (struct sockaddr *)&sin, sizeof(sin))) {
			e = errno;
			real_close(ns);
			errno = e;
			return -1;
		}
	}
	if (nonblock)
		*nonblock = !!(fl & O_NONBLOCK);
	else if ((fl & O_NONBLOCK) && fcntl(ns, F_SETFL, O_NONBLOCK)) {
		e = errno;
		real_close(ns);
		errno = e;
		return -1;
	}
	return ns;
}

/* @ns takes @fd's place (keeping its FD_CLOEXEC); the records go. */
static int take_over(int fd, int ns)
{
	int fdfl = fcntl(fd, F_GETFD), e;

	if (dup3(ns, fd, fdfl >= 0 && (fdfl & FD_CLOEXEC) ? O_CLOEXEC : 0) < 0) {
		e = errno;
		real_close(ns);
		errno = e;
		return -1;
	}
	real_close(ns);
	fd_forget(fd);
	return 0;
}

/* ---- sockets ---- */

EXPORT int socket(int domain, int type, int protocol)
{
	int fd = real_socket(domain, type, protocol);

	/* a number reused without our close(): nothing recorded is its */
	if (fd >= 0)
		fd_forget(fd);
	return fd;
}

EXPORT int close(int fd)
{
	fd_forget(fd);
	return real_close(fd);
}

EXPORT int setsockopt(int fd, int level, int name, const void *val,
		      socklen_t len)
{
	int ret = real_setsockopt(fd, level, name, val, len), fam, type, i;
	struct qt_fd *q;

	if (ret || !val || len > QT_OPT_MAX || !inet_kind(fd, &fam, &type))
		return ret;
	pthread_mutex_lock(&fds_lock);
	q = fd_get(fd);
	if (q) {
		for (i = 0; i < q->nopts; i++)
			if (q->opts[i].level == level && q->opts[i].name == name)
				break;
		if (i < QT_MAX_OPTS) {
			q->opts[i].level = level;
			q->opts[i].name = name;
			q->opts[i].len = len;
			memcpy(q->opts[i].val, val, len);
			if (i == q->nopts)
				q->nopts++;
		}
	}
	pthread_mutex_unlock(&fds_lock);
	return ret;
}

EXPORT int bind(int fd, const struct sockaddr *sa, socklen_t len)
{
	int ret = real_bind(fd, sa, len), fam, type;
	struct sockaddr_storage ss;
	socklen_t sl = sizeof(ss);
	struct qt_fd *q;

	if (ret || !inet_kind(fd, &fam, &type))
		return ret;
	/* the port the kernel gave, if the program asked for any */
	if (getsockname(fd, (struct sockaddr *)&ss, &sl))
		return ret;
	pthread_mutex_lock(&fds_lock);
	q = fd_get(fd);
	if (q) {
		/* port 0 stays 0: the module picks its own */
		q->bound_port = ((struct sockaddr_in *)sa)->sin_port ?
			ntohs(((struct sockaddr_in *)&ss)->sin_port) : 0;
		q->bound_loopback = qtcpip_addr_is_loopback((struct sockaddr *)&ss, sl);
	}
	pthread_mutex_unlock(&fds_lock);
	return ret;
}

/*
 * UDP: an AF_INET connect() never waits, but the module's UDP socket is
 * an AT+QIOPEN away: the twin connects blocking (a round trip to the
 * module), and only then takes the program's O_NONBLOCK, so that a
 * non-blocking program (libuv: dig) does not see EINPROGRESS, which no
 * UDP socket of AF_INET returns.
 */
static int twin_connect(int fd, int type, const struct sockaddr *to,
			socklen_t tl, int *ns_out)
{
	int nb = 0, ns, ret, e;

	ns = make_twin(fd, type, type == SOCK_DGRAM ? &nb : NULL);
	if (ns < 0)
		return -1;
	ret = real_connect(ns, to, tl);
	e = errno;
	if (nb && fcntl(ns, F_SETFL, O_NONBLOCK)) {
		e = errno;
		real_close(ns);
		errno = e;
		return -1;
	}
	*ns_out = ns;
	errno = e;
	return ret;
}

EXPORT int connect(int fd, const struct sockaddr *sa, socklen_t len)
{
	struct sockaddr_storage to;
	char buf[INET6_ADDRSTRLEN + 8];
	int fam, type, ns = -1, tl, ret, e;

	if (!wanted(sa, len) || !inet_kind(fd, &fam, &type))
		return real_connect(fd, sa, len);
	tl = qtcpip_addr_from_inet(&to, sa, len);
	if (tl < 0)
		return real_connect(fd, sa, len);
	ret = twin_connect(fd, type, (struct sockaddr *)&to, tl, &ns);
	e = errno;
	if (ns < 0)
		return -1;
	if (ret && e == EAFNOSUPPORT) {
		/* IPv6 and a module without it: the program's own socket */
		dbg("qtcpip-preload: fd %d: %s: the module has no IPv6, left local",
		    fd, qtcpip_addr_str(sa, len, buf, sizeof(buf)));
		real_close(ns);
		return real_connect(fd, sa, len);
	}
	dbg("qtcpip-preload: fd %d: %s %s through the module: %s", fd,
	    type == SOCK_STREAM ? "TCP" : "UDP",
	    qtcpip_addr_str((struct sockaddr *)&to, tl, buf, sizeof(buf)),
	    ret ? strerror(e) : "connected");
	if (take_over(fd, ns))
		return -1;
	errno = e;
	return ret;
}

/*
 * An unconnected UDP socket's first datagram with an address: the twin
 * connects to it (the module's UDP socket has one peer). 0 when there
 * was nothing to move, 1 when moved, -1 and errno on failure.
 */
static int move_dgram(int fd, const struct sockaddr *sa, socklen_t len)
{
	struct sockaddr_storage to;
	char buf[INET6_ADDRSTRLEN + 8];
	int fam, type, ns = -1, tl;

	if (!wanted(sa, len) || !inet_kind(fd, &fam, &type) ||
	    type != SOCK_DGRAM)
		return 0;
	tl = qtcpip_addr_from_inet(&to, sa, len);
	if (tl < 0)
		return 0;
	if (twin_connect(fd, type, (struct sockaddr *)&to, tl, &ns)) {
		int e = errno;

		if (ns >= 0)
			real_close(ns);
		errno = e;
		if (e == EAFNOSUPPORT)
			return 0;	/* IPv6 without the module's IPv6 */
		return -1;
	}
	dbg("qtcpip-preload: fd %d: UDP to %s through the module", fd,
	    qtcpip_addr_str(sa, len, buf, sizeof(buf)));
	return take_over(fd, ns) ? -1 : 1;
}

/*
 * A datagram with an address on a socket already on the module: AF_INET
 * takes an address on a connected UDP socket, the module's socket has
 * one peer: the address is dropped when it is that peer (else the
 * kernel's EISCONN stands: a second peer needs a second socket).
 */
static int to_own_peer(int fd, const struct sockaddr *sa, socklen_t len)
{
	struct sockaddr_storage to, peer;
	socklen_t pl = sizeof(peer);
	struct sockaddr_in *a = (struct sockaddr_in *)&to;
	struct sockaddr_in *b = (struct sockaddr_in *)&peer;
	int fam = qtcpip_family(), dom;
	socklen_t dl = sizeof(dom);

	if (fam < 0 || getsockopt(fd, SOL_SOCKET, SO_DOMAIN, &dom, &dl) ||
	    dom != fam || qtcpip_addr_from_inet(&to, sa, len) < 0 ||
	    getpeername(fd, (struct sockaddr *)&peer, &pl))
		return 0;
	if (a->sin_family != AF_INET || b->sin_family != AF_INET)
		return 0;
	return a->sin_port == b->sin_port &&
	       a->sin_addr.s_addr == b->sin_addr.s_addr;
}

EXPORT ssize_t sendto(int fd, const void *b, size_t n, int flags,
		      const struct sockaddr *sa, socklen_t len)
{
	if (!sa || !wanted(sa, len))
		return real_sendto(fd, b, n, flags, sa, len);
	if (move_dgram(fd, sa, len) < 0)
		return -1;
	if (to_own_peer(fd, sa, len))
		return real_sendto(fd, b, n, flags, NULL, 0);
	return real_sendto(fd, b, n, flags, sa, len);
}

EXPORT ssize_t sendmsg(int fd, const struct msghdr *msg, int flags)
{
	struct msghdr m;

	if (!msg || !msg->msg_name || !wanted(msg->msg_name, msg->msg_namelen))
		return real_sendmsg(fd, msg, flags);
	if (move_dgram(fd, msg->msg_name, msg->msg_namelen) < 0)
		return -1;
	if (!to_own_peer(fd, msg->msg_name, msg->msg_namelen))
		return real_sendmsg(fd, msg, flags);
	m = *msg;
	m.msg_name = NULL;
	m.msg_namelen = 0;
	return real_sendmsg(fd, &m, flags);
}

/*
 * A TCP listener bound to a wildcard or outside address listens on the
 * module (a UC20's TCP LISTENER on the same port). A module without
 * servers (BC66), or a port-0 bind, leaves it local, with a message.
 */
EXPORT int listen(int fd, int backlog)
{
	struct qt_fd rec = { 0 };
	int fam, type, ns, e;

	if (!inet_kind(fd, &fam, &type) || type != SOCK_STREAM)
		return real_listen(fd, backlog);
	pthread_mutex_lock(&fds_lock);
	if (fd < QT_MAX_FDS && fds[fd])
		rec = *fds[fd];
	pthread_mutex_unlock(&fds_lock);
	if (!rec.bound_port || (rec.bound_loopback && !opt_all))
		return real_listen(fd, backlog);
	ns = make_twin(fd, type, NULL);
	if (ns < 0)
		goto local;
	if (real_listen(ns, backlog)) {
		e = errno;
		real_close(ns);
		errno = e;
		goto local;
	}
	dbg("qtcpip-preload: fd %d: listening on the module's port %u", fd,
	    rec.bound_port);
	return take_over(fd, ns);
local:
	fprintf(stderr, "qtcpip-preload: port %u: cannot listen on the module (%s), listening locally\n",
		rec.bound_port, strerror(errno));
	return real_listen(fd, backlog);
}

/* ---- names ---- */

static int module_name(const char *node)
{
	unsigned char a[16];

	if (opt_no_dns || !node || !*node)
		return 0;
	if (inet_pton(AF_INET, node, a) == 1 || inet_pton(AF_INET6, node, a) == 1)
		return 0;
	/* the machine's own names stay the machine's */
	if (!strcasecmp(node, "localhost") ||
	    (strlen(node) > 10 &&
	     !strcasecmp(node + strlen(node) - 10, ".localhost")))
		return 0;
	return 1;
}

EXPORT int getaddrinfo(const char *node, const char *service,
		       const struct addrinfo *hints, struct addrinfo **res)
{
	int ret;

	if (!module_name(node) || (hints && (hints->ai_flags & AI_NUMERICHOST)))
		return real_getaddrinfo(node, service, hints, res);
	ret = qtcpip_getaddrinfo(opt_dev, node, service, hints, res);
	dbg("qtcpip-preload: getaddrinfo %s through the module: %s", node,
	    ret ? gai_strerror(ret) : "ok");
	if (ret == EAI_NONAME || ret == EAI_ADDRFAMILY)
		return real_getaddrinfo(node, service, hints, res);
	return ret;
}

/*
 * A hostent of the module's answer for @name in @buf (as
 * gethostbyname_r() lays it out): 0, ERANGE when @buf is too small, or
 * -1 when the module has no address of family @af for it.
 */
static int module_hostent(const char *name, int af, struct hostent *h,
			  char *buf, size_t len)
{
	struct qtcpip_resolved r;
	size_t size = af == AF_INET6 ? 16 : 4, nlen = strlen(name) + 1, need;
	unsigned char a[QTCPIP_RESOLVE_MAX][16];
	unsigned int i, n = 0;
	char **list;
	int err;

	err = qtcpip_resolve(opt_dev, 0, name, &r, NULL, 0);
	dbg("qtcpip-preload: gethostbyname %s through the module: %s", name,
	    err ? strerror(-err) : "ok");
	if (err)
		return -1;
	for (i = 0; i < r.naddr; i++)
		if (inet_pton(af, r.addr[i], a[n]) == 1)
			n++;
	if (!n)
		return -1;
	/* pointers first (aligned), then the addresses, then the name */
	need = (n + 2) * sizeof(char *) + n * size + nlen;
	if ((uintptr_t)buf % sizeof(char *))
		return ERANGE;
	if (len < need)
		return ERANGE;
	list = (char **)buf;
	for (i = 0; i < n; i++) {
		list[i] = buf + (n + 2) * sizeof(char *) + i * size;
		memcpy(list[i], a[i], size);
	}
	list[n] = NULL;
	list[n + 1] = NULL;	/* the empty alias list */
	h->h_addr_list = list;
	h->h_aliases = &list[n + 1];
	h->h_name = buf + (n + 2) * sizeof(char *) + n * size;
	memcpy(h->h_name, name, nlen);
	h->h_addrtype = af;
	h->h_length = size;
	return 0;
}

EXPORT int gethostbyname2_r(const char *name, int af, struct hostent *ret,
			    char *buf, size_t len, struct hostent **result,
			    int *h_errnop)
{
	int err;

	if (module_name(name) && (af == AF_INET || af == AF_INET6)) {
		err = module_hostent(name, af, ret, buf, len);
		if (err >= 0) {
			*result = err ? NULL : ret;
			if (err)
				*h_errnop = NETDB_INTERNAL;
			return err;
		}
	}
	return real_gethostbyname2_r(name, af, ret, buf, len, result, h_errnop);
}

EXPORT int gethostbyname_r(const char *name, struct hostent *ret, char *buf,
			   size_t len, struct hostent **result, int *h_errnop)
{
	int err;

	if (module_name(name)) {
		err = module_hostent(name, AF_INET, ret, buf, len);
		if (err >= 0) {
			*result = err ? NULL : ret;
			if (err)
				*h_errnop = NETDB_INTERNAL;
			return err;
		}
	}
	return real_gethostbyname_r(name, ret, buf, len, result, h_errnop);
}

/* gethostbyname()'s static result, as the C library's. */
static struct hostent hb;
static union {
	char buf[1024];
	char *align;
} hb_buf;

EXPORT struct hostent *gethostbyname2(const char *name, int af)
{
	if (module_name(name) && (af == AF_INET || af == AF_INET6) &&
	    !module_hostent(name, af, &hb, hb_buf.buf, sizeof(hb_buf.buf)))
		return &hb;
	return real_gethostbyname2(name, af);
}

EXPORT struct hostent *gethostbyname(const char *name)
{
	return gethostbyname2(name, AF_INET);
}
