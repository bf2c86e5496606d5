/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * libqtcpip: what a program needs to use the TCP/IP stack of a Quectel
 * module through the qtcpip driver: the socket family's number, address
 * helpers, the choice of a module (netdev), and the module's resolver
 * (generic netlink QTCPIP_CMD_RESOLVE) as a getaddrinfo-like call.
 *
 * No dependency beyond libc; every call is thread-safe (no global state
 * but the cached family number). Errors: -1 and errno, or a negative
 * errno where the prototype says so.
 */
#ifndef LIBQTCPIP_H
#define LIBQTCPIP_H

#include <netdb.h>
#include <net/if.h>
#include <sys/socket.h>
#include <linux/qtcpip.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The family number the loaded module registered
 * (/sys/module/qtcpip/parameters/family), or -1 with errno ENOENT when
 * the module is not loaded.
 */
int qtcpip_family(void);

/* socket(qtcpip_family(), type, 0); type may carry SOCK_NONBLOCK and
 * SOCK_CLOEXEC. -1 and errno (EAFNOSUPPORT when the module is not loaded).
 */
int qtcpip_socket(int type);

/* ---- addresses ---- */

/* The name form of a destination: the module resolves @host itself.
 * -1 and EINVAL if @host is empty, too long or holds characters an AT
 * command cannot carry (space, '"', control characters).
 */
int qtcpip_addr_name(struct sockaddr_qt *sqt, const char *host,
		     unsigned short port);

/* @host (a literal IPv4/IPv6 address or a name) and @port into what
 * connect() on an AF_QTCPIP socket takes: sockaddr_in, sockaddr_in6 or
 * the name form. Returns the address length, or -1 and errno.
 */
int qtcpip_addr_make(struct sockaddr_storage *ss, const char *host,
		     unsigned short port);

/* An AF_INET/AF_INET6 address as the module wants it: IPv4-mapped IPv6
 * addresses become sockaddr_in. Returns the length, or -1 (EAFNOSUPPORT).
 */
int qtcpip_addr_from_inet(struct sockaddr_storage *out,
			  const struct sockaddr *sa, socklen_t len);

/* 1 if @sa is a loopback address (127/8, ::1, ::ffff:127/104), else 0. */
int qtcpip_addr_is_loopback(const struct sockaddr *sa, socklen_t len);

/* "1.2.3.4:80", "[::1]:80" or "host:80" into @buf. */
const char *qtcpip_addr_str(const struct sockaddr *sa, socklen_t len,
			    char *buf, size_t size);

/* ---- devices ---- */

struct qtcpip_dev {
	unsigned int ifindex;
	char ifname[IF_NAMESIZE];
	char model[16];		/* "BC66", "UC20", ... ("" if not known) */
	int state;		/* enum qtcpip_dev_state */
};

/* Every qtcpip device, up to @max. Returns the count or a negative errno. */
int qtcpip_dev_list(struct qtcpip_dev *devs, int max);

/* The device to use: @want if given, else $QTCPIP_DEV if set, else the
 * first one that is ready. Fills @dev and returns 0, or a negative errno:
 * -ENODEV (@want is no qtcpip device), -ENETUNREACH (none is ready),
 * -ENOENT (the module is not loaded).
 */
int qtcpip_dev_select(const char *want, struct qtcpip_dev *dev);

/* SO_BINDTODEVICE: the socket's connections go through that module. */
int qtcpip_bind_dev(int fd, const char *ifname);

/* ---- the module's resolver ---- */

#define QTCPIP_RESOLVE_MAX	8	/* addresses kept per lookup */

struct qtcpip_resolved {
	unsigned int naddr;
	unsigned int ttl;				/* seconds */
	char addr[QTCPIP_RESOLVE_MAX][INET6_ADDRSTRLEN];	/* text form */
};

/* AT+QIDNSGIP through device @ifname (NULL: qtcpip_dev_select(NULL)),
 * PDP context @ctx (0: 1). Returns 0 or a negative errno; @msg (if not
 * NULL) gets the kernel's or the module's explanation, "" if none.
 * A lookup already running on the module is waited for (a few retries).
 */
int qtcpip_resolve(const char *ifname, int ctx, const char *host,
		   struct qtcpip_resolved *res, char *msg, size_t msglen);

/* One lookup through device @ifindex, as the kernel answers it: no
 * device choice, no retry while another runs (-EBUSY), the kernel's
 * error and explanation unchanged; 0 addresses is not an error here.
 * A signal (handled without SA_RESTART) ends the wait with -EINTR.
 */
int qtcpip_resolve_once(unsigned int ifindex, int ctx, const char *host,
			struct qtcpip_resolved *res, char *msg, size_t msglen);

/* getaddrinfo(3) over qtcpip_resolve(): same arguments and EAI_* codes
 * (EAI_NONAME for unknown names, EAI_AGAIN when the module is busy or
 * not ready, EAI_SYSTEM with errno otherwise). Numeric hosts, a NULL
 * node and AI_NUMERICHOST never reach the module. The list is laid out
 * as glibc's, so that either freeaddrinfo() frees it.
 */
int qtcpip_getaddrinfo(const char *ifname, const char *node,
		       const char *service, const struct addrinfo *hints,
		       struct addrinfo **res);
void qtcpip_freeaddrinfo(struct addrinfo *ai);

#ifdef __cplusplus
}
#endif

#endif /* LIBQTCPIP_H */
