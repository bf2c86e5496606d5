// SPDX-License-Identifier: GPL-2.0
/*
 * Malformed requests to the "qtcpip" generic netlink family: a few hundred
 * messages, each wrong in one chosen way (unknown command, short header,
 * truncated or over-long attribute, wrong attribute size, attribute type
 * outside the policy, string without NUL, values out of range, quotes in
 * AT arguments, unknown devices, dump flag on a doit, a second privilege
 * level...) plus random attribute soup. Every one must be answered with
 * an error and nothing else; afterwards a valid request must still work.
 * The kernel's log is checked by the QEMU runner.
 *
 *	genl_fuzz -b BC66_IFNAME [-n COUNT] [-s SEED]
 *
 * Prints TAP: one case per kind of damage, then the sanity check.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>
#include <linux/qtcpip.h>

#include "qt_test.h"

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))
#define BUFSIZE		16384
#define MAX_DEVS	8

static uint32_t rng_state = 1;

static uint32_t rnd(void)
{
	/* xorshift32: reproducible from the seed */
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 17;
	rng_state ^= rng_state << 5;
	return rng_state;
}

static uint32_t rnd_below(uint32_t n)
{
	return n ? rnd() % n : 0;
}

static int family_id;
static int sock_fd;
static uint32_t seq = 1000;
static uint32_t devs[MAX_DEVS];	/* ifindexes of the qtcpip netdevs */
static int ndevs;
static uint32_t lo_index;
static uint32_t bc66_index;	/* -b: the BC66, whose contexts are 1-3 */

/* ---- building messages ---- */

struct msg {
	union {
		struct nlmsghdr nlh;
		uint8_t buf[BUFSIZE];
	};
	size_t len;
};

static void msg_init(struct msg *m, int type, uint8_t cmd, uint16_t flags)
{
	struct genlmsghdr *g;

	memset(m->buf, 0, 64);
	m->nlh.nlmsg_type = type;
	m->nlh.nlmsg_flags = NLM_F_REQUEST | flags;
	m->nlh.nlmsg_seq = ++seq;
	g = (struct genlmsghdr *)(m->buf + NLMSG_HDRLEN);
	g->cmd = cmd;
	g->version = QTCPIP_GENL_VERSION;
	m->len = NLMSG_HDRLEN + GENL_HDRLEN;
}

/* An attribute with a payload of len bytes; declared length nla_len. */
static void put_raw(struct msg *m, uint16_t type, const void *data, size_t len,
		    uint16_t nla_len)
{
	struct nlattr *a = (struct nlattr *)(m->buf + m->len);

	if (m->len + NLA_ALIGN(NLA_HDRLEN + len) > BUFSIZE)
		return;
	a->nla_type = type;
	a->nla_len = nla_len;
	memcpy(a + 1, data, len);
	memset((uint8_t *)(a + 1) + len, 0,
	       NLA_ALIGN(NLA_HDRLEN + len) - NLA_HDRLEN - len);
	m->len += NLA_ALIGN(NLA_HDRLEN + len);
}

static void put(struct msg *m, uint16_t type, const void *data, size_t len)
{
	put_raw(m, type, data, len, NLA_HDRLEN + len);
}

static void put_u8(struct msg *m, uint16_t type, uint8_t v)
{
	put(m, type, &v, 1);
}

static void put_u16(struct msg *m, uint16_t type, uint16_t v)
{
	put(m, type, &v, 2);
}

static void put_u32(struct msg *m, uint16_t type, uint32_t v)
{
	put(m, type, &v, 4);
}

static void put_str(struct msg *m, uint16_t type, const char *s)
{
	put(m, type, s, strlen(s) + 1);
}

static uint32_t some_dev(void)
{
	return ndevs ? devs[rnd_below(ndevs)] : 1;
}

/* ---- the kinds of damage ---- */

/* The commands the family implements, and their attributes. */
static const uint8_t doit_cmds[] = {
	QTCPIP_CMD_DEV_GET, QTCPIP_CMD_CTX_GET, QTCPIP_CMD_CTX_SET,
	QTCPIP_CMD_CTX_UP, QTCPIP_CMD_CTX_DOWN, QTCPIP_CMD_DNS_GET,
	QTCPIP_CMD_DNS_SET, QTCPIP_CMD_RESOLVE, QTCPIP_CMD_PING,
	QTCPIP_CMD_NTP, QTCPIP_CMD_CFG_GET, QTCPIP_CMD_CFG_SET,
	QTCPIP_CMD_ERR_GET,
};

static uint8_t any_doit(void)
{
	return doit_cmds[rnd_below(ARRAY_SIZE(doit_cmds))];
}

/* Plausible attributes for a command, all valid on their own. */
static void plausible(struct msg *m, uint8_t cmd)
{
	put_u32(m, QTCPIP_A_IFINDEX, some_dev());
	if (rnd() & 1)
		put_u8(m, QTCPIP_A_CTX_ID, 1 + rnd_below(3));
	switch (cmd) {
	case QTCPIP_CMD_CTX_SET:
		put_str(m, QTCPIP_A_CTX_APN, "fuzz");
		break;
	case QTCPIP_CMD_DNS_SET:
		put_str(m, QTCPIP_A_DNS_PRIMARY, "127.0.0.1");
		break;
	case QTCPIP_CMD_RESOLVE:
	case QTCPIP_CMD_PING:
		put_str(m, QTCPIP_A_HOST, "127.0.0.1");
		break;
	case QTCPIP_CMD_NTP:
		put_str(m, QTCPIP_A_NTP_SERVER, "127.0.0.1");
		break;
	case QTCPIP_CMD_CFG_GET:
	case QTCPIP_CMD_CFG_SET:
		put_str(m, QTCPIP_A_CFG_NAME, "viewmode");
		break;
	}
}

enum kind {
	K_UNKNOWN_CMD,		/* no such command */
	K_SHORT_HDR,		/* shorter than the genl header */
	K_TRUNCATED,		/* an attribute longer than the message */
	K_BAD_SIZE,		/* u8/u16/u32 of the wrong size */
	K_OUT_OF_POLICY,	/* types the policy does not accept */
	K_NO_NUL,		/* a string without its NUL */
	K_LONG_STRING,		/* a string over the policy's length */
	K_RANGE,		/* ctx id, count, timeout, port out of range */
	K_NO_DEV,		/* no device named */
	K_BAD_DEV,		/* lo, or no such ifindex or name */
	K_QUOTES,		/* '"' or control bytes in an AT argument */
	K_CFG,			/* unknown setting, wrong number of values */
	K_MODEL_CTX,		/* context beyond the BC66's 3 */
	K_DUMP_DOIT,		/* NLM_F_DUMP on a doit-only command */
	K_TRAILING,		/* bytes after the last attribute */
	K_SOUP,			/* random attributes, one surely bad */
	K_UNPRIV,		/* a valid change, but from nobody */
	K_BAD_DUMP,		/* a dump with a bad attribute */
	K_MAX
};

static const char *const kind_names[K_MAX] = {
	"unknown command", "header shorter than genlmsghdr",
	"attribute longer than the message", "integer of the wrong size",
	"attribute type outside the policy", "string without NUL",
	"string over the policy's length", "value out of range",
	"no device", "unknown or foreign device", "quotes and control bytes",
	"unknown setting or wrong value count", "context beyond the model's",
	"NLM_F_DUMP on a doit command", "trailing bytes",
	"random attribute soup", "changes as an unprivileged user",
	"dump with a bad attribute",
};

static const char *long_string(size_t n)
{
	static char s[600];

	if (n >= sizeof(s))
		n = sizeof(s) - 1;
	memset(s, 'a' + rnd_below(26), n);
	s[n] = 0;
	return s;
}

static void build(struct msg *m, enum kind k)
{
	uint8_t cmd = any_doit(), junk[64];
	uint32_t v;
	size_t i;

	msg_init(m, family_id, cmd, (rnd() & 1) ? NLM_F_ACK : 0);
	switch (k) {
	case K_UNKNOWN_CMD:
		v = rnd_below(4);
		cmd = v == 0 ? QTCPIP_CMD_UNSPEC : v == 1 ? QTCPIP_CMD_PING_REPLY :
		      v == 2 ? QTCPIP_CMD_EVENT :
		      QTCPIP_CMD_MAX + 1 + rnd_below(255 - QTCPIP_CMD_MAX);
		msg_init(m, family_id, cmd, NLM_F_ACK);
		plausible(m, cmd);
		break;
	case K_SHORT_HDR:
		m->len = NLMSG_HDRLEN + rnd_below(GENL_HDRLEN);
		break;
	case K_TRUNCATED:
		plausible(m, cmd);
		v = 4 + rnd_below(8);
		put_raw(m, QTCPIP_A_IFINDEX + rnd_below(QTCPIP_A_MAX), junk, 0,
			NLA_HDRLEN + v + 64 + rnd_below(4000));
		break;
	case K_BAD_SIZE: {
		static const uint16_t ints[] = {
			QTCPIP_A_IFINDEX, QTCPIP_A_CTX_ID, QTCPIP_A_CTX_AUTH,
			QTCPIP_A_TIMEOUT, QTCPIP_A_COUNT, QTCPIP_A_NTP_PORT,
			QTCPIP_A_CFG_VALUE,
		};
		static const size_t good[] = { 4, 1, 1, 4, 4, 2, 4 };
		size_t len;

		i = rnd_below(ARRAY_SIZE(ints));
		do
			len = rnd_below(9);
		while (len == good[i]);
		for (v = 0; v < len; v++)
			junk[v] = rnd();
		if (ints[i] != QTCPIP_A_IFINDEX)
			put_u32(m, QTCPIP_A_IFINDEX, some_dev());
		put(m, ints[i], junk, len);
		break;
	}
	case K_OUT_OF_POLICY: {
		/* replies-only attributes, and types past the maximum */
		static const uint16_t bad[] = {
			QTCPIP_A_UNSPEC, QTCPIP_A_MODEL, QTCPIP_A_STATE,
			QTCPIP_A_CTX, QTCPIP_A_ADDR, QTCPIP_A_PING_SENT,
			QTCPIP_A_NTP_TIME, QTCPIP_A_ERR_CODE, QTCPIP_A_SOCK,
			QTCPIP_A_SOCK_PEER, QTCPIP_A_EVENT, QTCPIP_A_PAD,
		};

		plausible(m, cmd);
		if (rnd() & 1)
			v = bad[rnd_below(ARRAY_SIZE(bad))];
		else
			v = QTCPIP_A_MAX + 1 + rnd_below(1000);
		put_u32(m, v, rnd());
		break;
	}
	case K_NO_NUL: {
		static const uint16_t strs[] = {
			QTCPIP_A_IFNAME, QTCPIP_A_CTX_APN, QTCPIP_A_CTX_USER,
			QTCPIP_A_CTX_PASSWORD, QTCPIP_A_DNS_PRIMARY,
			QTCPIP_A_HOST, QTCPIP_A_NTP_SERVER, QTCPIP_A_CFG_NAME,
		};

		put_u32(m, QTCPIP_A_IFINDEX, some_dev());
		put(m, strs[rnd_below(ARRAY_SIZE(strs))], "abcd",
		    4);
		break;
	}
	case K_LONG_STRING: {
		static const uint16_t strs[] = {
			QTCPIP_A_IFNAME, QTCPIP_A_CTX_APN, QTCPIP_A_CTX_USER,
			QTCPIP_A_CTX_PASSWORD, QTCPIP_A_DNS_PRIMARY,
			QTCPIP_A_DNS_SECONDARY, QTCPIP_A_HOST,
			QTCPIP_A_NTP_SERVER, QTCPIP_A_CFG_NAME,
		};

		put_u32(m, QTCPIP_A_IFINDEX, some_dev());
		put_str(m, strs[rnd_below(ARRAY_SIZE(strs))],
			long_string(128 + rnd_below(400)));
		break;
	}
	case K_RANGE:
		put_u32(m, QTCPIP_A_IFINDEX, some_dev());
		switch (rnd_below(4)) {
		case 0:
			put_u8(m, QTCPIP_A_CTX_ID,
			       (rnd() & 1) ? 0 : 17 + rnd_below(239));
			break;
		case 1:
			put_u32(m, QTCPIP_A_COUNT,
				(rnd() & 1) ? 0 : 11 + rnd_below(100000));
			break;
		case 2:
			put_u32(m, QTCPIP_A_TIMEOUT,
				(rnd() & 1) ? 0 : 256 + rnd());
			break;
		default:
			put_u16(m, QTCPIP_A_NTP_PORT, 0);
			break;
		}
		break;
	case K_NO_DEV:
		/* DEV_GET without a device is a valid dump, not a doit */
		if (rnd() & 1)
			put_u8(m, QTCPIP_A_CTX_ID, 1);
		break;
	case K_BAD_DEV:
		switch (rnd_below(3)) {
		case 0:
			put_u32(m, QTCPIP_A_IFINDEX, lo_index);
			break;
		case 1:
			put_u32(m, QTCPIP_A_IFINDEX, 100000 + rnd_below(1000000));
			break;
		default:
			put_str(m, QTCPIP_A_IFNAME, (rnd() & 1) ? "lo" : "nosuch0");
			break;
		}
		break;
	case K_QUOTES: {
		static const struct { uint8_t cmd; uint16_t attr; } q[] = {
			{ QTCPIP_CMD_CTX_SET, QTCPIP_A_CTX_APN },
			{ QTCPIP_CMD_CTX_SET, QTCPIP_A_CTX_USER },
			{ QTCPIP_CMD_CTX_SET, QTCPIP_A_CTX_PASSWORD },
			{ QTCPIP_CMD_DNS_SET, QTCPIP_A_DNS_PRIMARY },
			{ QTCPIP_CMD_DNS_SET, QTCPIP_A_DNS_SECONDARY },
			{ QTCPIP_CMD_RESOLVE, QTCPIP_A_HOST },
			{ QTCPIP_CMD_PING, QTCPIP_A_HOST },
			{ QTCPIP_CMD_NTP, QTCPIP_A_NTP_SERVER },
		};
		static const char *const evil[] = {
			"a\"b", "\"", "x\r\nAT+CFUN=0", "\x1a", "\x1b", "a\tb",
			"\x7f", "\xff\xfe", "\",1,\"",
		};

		i = rnd_below(ARRAY_SIZE(q));
		msg_init(m, family_id, q[i].cmd, NLM_F_ACK);
		plausible(m, q[i].cmd);
		/* the last attribute of a type wins in the kernel's table */
		put_str(m, q[i].attr, evil[rnd_below(ARRAY_SIZE(evil))]);
		if (q[i].cmd == QTCPIP_CMD_DNS_SET)
			put_str(m, QTCPIP_A_DNS_PRIMARY, q[i].attr ==
				QTCPIP_A_DNS_PRIMARY ? "\"" : "127.0.0.1");
		break;
	}
	case K_CFG:
		cmd = (rnd() & 1) ? QTCPIP_CMD_CFG_GET : QTCPIP_CMD_CFG_SET;
		msg_init(m, family_id, cmd, NLM_F_ACK);
		put_u32(m, QTCPIP_A_IFINDEX, some_dev());
		if (cmd == QTCPIP_CMD_CFG_GET || (rnd() & 1)) {
			static const char *const names[] = {
				"", "mtu", "DATAFORMAT", "viewmode ", "transpkt",
			};
			put_str(m, QTCPIP_A_CFG_NAME,
				names[rnd_below(ARRAY_SIZE(names))]);
			put_u32(m, QTCPIP_A_CFG_VALUE, 1);
		} else {
			/* a known name of each model, with 0 or 3 values */
			static const char *const names[] = {
				"dataformat", "viewmode", "transpktsize",
				"transwaittm",
			};
			put_str(m, QTCPIP_A_CFG_NAME, names[rnd_below(4)]);
			for (v = (rnd() & 1) ? 3 : 0; v; v--)
				put_u32(m, QTCPIP_A_CFG_VALUE, 1);
		}
		break;
	case K_MODEL_CTX: {
		/* only meaningful on a BC66 (contexts 1-3) */
		static const uint8_t cmds[] = {
			QTCPIP_CMD_CTX_GET, QTCPIP_CMD_RESOLVE,
			QTCPIP_CMD_PING, QTCPIP_CMD_NTP,
		};
		cmd = cmds[rnd_below(ARRAY_SIZE(cmds))];
		msg_init(m, family_id, cmd, NLM_F_ACK);
		put_u32(m, QTCPIP_A_IFINDEX, bc66_index);
		put_u8(m, QTCPIP_A_CTX_ID, 4 + rnd_below(13));
		put_str(m, cmd == QTCPIP_CMD_NTP ? QTCPIP_A_NTP_SERVER :
			QTCPIP_A_HOST, "127.0.0.1");
		break;
	}
	case K_DUMP_DOIT:
		do
			cmd = any_doit();
		while (cmd == QTCPIP_CMD_DEV_GET);
		msg_init(m, family_id, cmd, NLM_F_DUMP);
		plausible(m, cmd);
		break;
	case K_TRAILING:
		plausible(m, cmd);
		v = 1 + rnd_below(NLA_HDRLEN - 1);
		memset(m->buf + m->len, 0xa5, v);
		m->len += v;
		break;
	case K_SOUP:
		msg_init(m, family_id, rnd_below(256), rnd() & 0x0f0f);
		for (i = rnd_below(12); i > 0; i--) {
			size_t len = rnd_below(40);

			for (v = 0; v < len; v++)
				junk[v] = rnd();
			put_raw(m, rnd_below(QTCPIP_A_MAX + 4), junk, len,
				(rnd_below(8) == 0) ? rnd_below(80) :
				NLA_HDRLEN + len);
		}
		/* one surely bad attribute, so the request is never valid */
		put_u32(m, QTCPIP_A_MAX + 100, 0);
		break;
	case K_UNPRIV: {
		/* lookups and pings are open to everyone, like ping(8) */
		static const uint8_t cmds[] = {
			QTCPIP_CMD_CTX_SET, QTCPIP_CMD_CTX_UP,
			QTCPIP_CMD_CTX_DOWN, QTCPIP_CMD_DNS_SET,
			QTCPIP_CMD_NTP, QTCPIP_CMD_CFG_SET,
		};

		cmd = cmds[rnd_below(ARRAY_SIZE(cmds))];
		msg_init(m, family_id, cmd, NLM_F_ACK);
		plausible(m, cmd);
		if (cmd == QTCPIP_CMD_CFG_SET)
			put_u32(m, QTCPIP_A_CFG_VALUE, 0);
		break;
	}
	case K_BAD_DUMP:
		cmd = (rnd() & 1) ? QTCPIP_CMD_DEV_GET : QTCPIP_CMD_SOCK_GET;
		msg_init(m, family_id, cmd, NLM_F_DUMP);
		if (rnd() & 1)
			put_u32(m, QTCPIP_A_IFINDEX, some_dev());
		switch (rnd_below(3)) {
		case 0:
			put_u16(m, QTCPIP_A_IFINDEX, 1);	/* wrong size */
			break;
		case 1:
			put_u32(m, QTCPIP_A_SOCK, 0);		/* not in policy */
			break;
		default:
			put(m, QTCPIP_A_IFNAME, "qtcpip0", 7);	/* no NUL */
			break;
		}
		break;
	default:
		break;
	}
	m->nlh.nlmsg_len = m->len;
}

/* ---- talking ---- */

static int nl_open(void)
{
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };
	struct timeval tv = { .tv_sec = 20 };
	int one = 1, fd;

	fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_GENERIC);
	if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof(sa)))
		return -1;
	setsockopt(fd, SOL_NETLINK, NETLINK_EXT_ACK, &one, sizeof(one));
	setsockopt(fd, SOL_NETLINK, NETLINK_CAP_ACK, &one, sizeof(one));
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	return fd;
}

/*
 * Sends one message; returns the negative errno of its NLMSG_ERROR,
 * 0 for an ack, 1 if data or NLMSG_DONE came (a valid request), 2 if
 * nothing came.
 */
static int exchange(struct msg *m, char *extack, size_t size)
{
	static uint8_t rbuf[65536];
	uint32_t want = m->nlh.nlmsg_seq;

	extack[0] = 0;
	if (send(sock_fd, m->buf, m->len, 0) < 0)
		return -errno == -EINTR ? 2 : -errno;
	for (;;) {
		ssize_t n = recv(sock_fd, rbuf, sizeof(rbuf), 0);
		struct nlmsghdr *h;
		int len;

		if (n < 0)
			return 2;
		len = n;
		for (h = (struct nlmsghdr *)rbuf; NLMSG_OK(h, len);
		     h = NLMSG_NEXT(h, len)) {
			struct nlmsgerr *e;
			struct nlattr *a;
			int rem;

			if (h->nlmsg_seq != want)
				continue;	/* left over from an earlier one */
			if (h->nlmsg_type != NLMSG_ERROR)
				return 1;
			e = NLMSG_DATA(h);
			if (!e->error)
				return 0;
			/* NETLINK_CAP_ACK: TLVs right after the header */
			a = (struct nlattr *)((uint8_t *)(e + 1));
			rem = h->nlmsg_len - NLMSG_LENGTH(sizeof(*e));
			if (!(h->nlmsg_flags & NLM_F_ACK_TLVS))
				rem = 0;
			for (; rem >= NLA_HDRLEN && a->nla_len >= NLA_HDRLEN &&
			       a->nla_len <= rem;
			     rem -= NLA_ALIGN(a->nla_len),
			     a = (struct nlattr *)((uint8_t *)a + NLA_ALIGN(a->nla_len)))
				if (a->nla_type == NLMSGERR_ATTR_MSG)
					snprintf(extack, size, "%.*s",
						 (int)(a->nla_len - NLA_HDRLEN),
						 (char *)(a + 1));
			return e->error;
		}
	}
}

static int resolve_family(void)
{
	struct msg m;
	static uint8_t rbuf[8192];
	struct nlmsghdr *h;
	ssize_t n;
	int len;

	msg_init(&m, GENL_ID_CTRL, CTRL_CMD_GETFAMILY, 0);
	((struct genlmsghdr *)(m.buf + NLMSG_HDRLEN))->version = 1;
	put_str(&m, CTRL_ATTR_FAMILY_NAME, QTCPIP_GENL_NAME);
	m.nlh.nlmsg_len = m.len;
	if (send(sock_fd, m.buf, m.len, 0) < 0)
		return -1;
	n = recv(sock_fd, rbuf, sizeof(rbuf), 0);
	if (n < 0)
		return -1;
	len = n;
	for (h = (struct nlmsghdr *)rbuf; NLMSG_OK(h, len); h = NLMSG_NEXT(h, len)) {
		struct nlattr *a;
		int rem;

		if (h->nlmsg_type != GENL_ID_CTRL)
			return -1;
		a = (struct nlattr *)((uint8_t *)NLMSG_DATA(h) + GENL_HDRLEN);
		rem = h->nlmsg_len - NLMSG_LENGTH(GENL_HDRLEN);
		for (; rem >= NLA_HDRLEN && a->nla_len >= NLA_HDRLEN &&
		       a->nla_len <= rem;
		     rem -= NLA_ALIGN(a->nla_len),
		     a = (struct nlattr *)((uint8_t *)a + NLA_ALIGN(a->nla_len)))
			if (a->nla_type == CTRL_ATTR_FAMILY_ID)
				return *(uint16_t *)(a + 1);
	}
	return -1;
}

static void find_devs(void)
{
	char path[64];
	int i;

	for (i = 0; i < 16 && ndevs < MAX_DEVS; i++) {
		long v;

		snprintf(path, sizeof(path), "/sys/class/net/qtcpip%d/ifindex", i);
		v = qt_read_long(path);
		if (v > 0)
			devs[ndevs++] = v;
	}
	lo_index = qt_read_long("/sys/class/net/lo/ifindex");
}

static void dump_msg(const struct msg *m)
{
	size_t i;

	printf("#     message:");
	for (i = 0; i < m->len && i < 96; i++)
		printf(" %02x", m->buf[i]);
	printf("%s\n", m->len > 96 ? " ..." : "");
}

/* A valid request that only reads, for the parallel phase. */
static void build_valid(struct msg *m)
{
	uint32_t other = 0;
	int i;

	for (i = 0; i < ndevs; i++)
		if (devs[i] != bc66_index)
			other = devs[i];
	switch (rnd_below(7)) {
	case 0:
		msg_init(m, family_id, QTCPIP_CMD_DEV_GET, NLM_F_DUMP);
		break;
	case 1:
		msg_init(m, family_id, QTCPIP_CMD_SOCK_GET, NLM_F_DUMP);
		break;
	case 2:
		msg_init(m, family_id, QTCPIP_CMD_DEV_GET, NLM_F_ACK);
		put_u32(m, QTCPIP_A_IFINDEX, some_dev());
		break;
	case 3:
		msg_init(m, family_id, QTCPIP_CMD_CTX_GET, NLM_F_ACK);
		put_u32(m, QTCPIP_A_IFINDEX, some_dev());
		break;
	case 4:
		msg_init(m, family_id, QTCPIP_CMD_ERR_GET, NLM_F_ACK);
		put_u32(m, QTCPIP_A_IFINDEX, some_dev());
		break;
	case 5:
		msg_init(m, family_id, QTCPIP_CMD_CFG_GET, NLM_F_ACK);
		put_u32(m, QTCPIP_A_IFINDEX, bc66_index);
		put_str(m, QTCPIP_A_CFG_NAME, "viewmode");
		break;
	default:
		msg_init(m, family_id, QTCPIP_CMD_DNS_GET, NLM_F_ACK);
		put_u32(m, QTCPIP_A_IFINDEX, other ? other : some_dev());
		put_u8(m, QTCPIP_A_CTX_ID, 1);
		break;
	}
	m->nlh.nlmsg_len = m->len;
}

/*
 * Processes sending valid read requests at once (the family has
 * parallel_ops): each must be answered. Returns how many were not.
 */
static int parallel_reads(int procs, int each)
{
	int p, bad = 0, status;

	for (p = 0; p < procs; p++) {
		if (fork() == 0) {
			char extack[256];
			struct msg m;
			int i, n = 0;

			rng_state += 7919 * (p + 1);
			close(sock_fd);
			sock_fd = nl_open();
			for (i = 0; i < each; i++) {
				int ret;

				build_valid(&m);
				ret = exchange(&m, extack, sizeof(extack));
				if (ret < 0 || ret == 2) {
					if (n++ < 3) {
						printf("# parallel: request %d: %s (%s)\n",
						       i, ret == 2 ? "no answer" :
						       strerror(-ret), extack);
						dump_msg(&m);
					}
				}
			}
			fflush(stdout);
			_exit(n > 250 ? 250 : n);
		}
	}
	for (p = 0; p < procs; p++) {
		if (wait(&status) < 0 || !WIFEXITED(status))
			bad++;
		else
			bad += WEXITSTATUS(status);
	}
	return bad;
}

int main(int argc, char **argv)
{
	int count = 600, opt, k, i, failed = 0, tap = 0;
	int per_kind[K_MAX] = { 0 }, bad_kind[K_MAX] = { 0 };
	int errnos[K_MAX][3] = { { 0 } };
	const char *bc66 = "qtcpip0";
	uint32_t seed = 1;
	char extack[256];
	struct msg m;

	while ((opt = getopt(argc, argv, "b:n:s:")) != -1) {
		if (opt == 'b')
			bc66 = optarg;
		else if (opt == 'n')
			count = atoi(optarg);
		else if (opt == 's')
			seed = strtoul(optarg, NULL, 0);
		else
			return 2;
	}
	rng_state = seed ? seed : 1;
	printf("TAP version 13\n");
	sock_fd = nl_open();
	family_id = sock_fd < 0 ? -1 : resolve_family();
	if (family_id < 0) {
		printf("Bail out! generic netlink family %s not found\n",
		       QTCPIP_GENL_NAME);
		return 1;
	}
	find_devs();
	bc66_index = qt_sysfs_net_long(bc66, "ifindex");
	printf("# family %d, %d qtcpip devices, lo %u, %d messages, seed %u\n",
	       family_id, ndevs, lo_index, count, seed);

	for (i = 0; i < count; i++) {
		int ret;

		k = i % K_MAX;
		build(&m, k);
		if (k == K_UNPRIV) {
			/* from a child that is nobody, on its own socket */
			int status;
			pid_t pid = fork();

			if (pid == 0) {
				if (setresgid(65534, 65534, 65534) ||
				    setresuid(65534, 65534, 65534))
					_exit(100);
				close(sock_fd);
				sock_fd = nl_open();
				ret = exchange(&m, extack, sizeof(extack));
				_exit(ret == -EPERM ? 0 : 1);
			}
			waitpid(pid, &status, 0);
			ret = WIFEXITED(status) && WEXITSTATUS(status) == 0 ?
			      -EPERM : 1;
		} else {
			ret = exchange(&m, extack, sizeof(extack));
		}
		per_kind[k]++;
		if (ret < 0) {
			if (!errnos[k][0])
				errnos[k][0] = -ret;
			else if (errnos[k][0] != -ret && !errnos[k][1])
				errnos[k][1] = -ret;
			continue;
		}
		bad_kind[k]++;
		if (bad_kind[k] <= 3) {
			printf("# %s: message %d was %s\n", kind_names[k], i,
			       ret == 0 ? "acked as a success" :
			       ret == 1 ? "answered with data" :
			       "not answered in 20 s");
			dump_msg(&m);
		}
	}
	for (k = 0; k < K_MAX; k++) {
		tap++;
		if (bad_kind[k]) {
			failed = 1;
			printf("not ok %d %s: %d of %d not refused\n", tap,
			       kind_names[k], bad_kind[k], per_kind[k]);
		} else {
			printf("ok %d %s: %d refused (%s%s%s)\n", tap,
			       kind_names[k], per_kind[k],
			       strerror(errnos[k][0]), errnos[k][1] ? ", " : "",
			       errnos[k][1] ? strerror(errnos[k][1]) : "");
		}
	}

	fflush(stdout);
	tap++;
	k = parallel_reads(4, 40);
	if (k) {
		failed = 1;
		printf("not ok %d 4 processes x 40 valid reads at once: %d not answered\n",
		       tap, k);
	} else {
		printf("ok %d 4 processes x 40 valid reads at once: all answered\n",
		       tap);
	}

	/* The family still works: a valid dump lists the devices. */
	msg_init(&m, family_id, QTCPIP_CMD_DEV_GET, NLM_F_DUMP);
	m.nlh.nlmsg_len = m.len;
	tap++;
	if (exchange(&m, extack, sizeof(extack)) == 1) {
		printf("ok %d a valid request still works\n", tap);
	} else {
		failed = 1;
		printf("not ok %d a valid request still works\n", tap);
	}
	printf("1..%d\n", tap);
	return failed;
}
