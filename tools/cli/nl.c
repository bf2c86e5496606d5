// SPDX-License-Identifier: GPL-2.0
/*
 * Generic netlink plumbing on libmnl: resolving the family, requests,
 * acks with extended ack messages, dumps, and the multicast group.
 *
 * libmnl's mnl_cb_run() drops the extack TLVs of error messages, and the
 * extack message is what tells the user why the module refused, so the
 * replies are walked here.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/socket.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>

#include "cli.h"

#ifndef NETLINK_EXT_ACK
#define NETLINK_EXT_ACK		11
#endif
#ifndef NETLINK_CAP_ACK
#define NETLINK_CAP_ACK		10
#endif
#ifndef NLMSGERR_ATTR_MISS_TYPE
#define NLMSGERR_ATTR_MISS_TYPE	5
#endif

/* Large enough for any dump message (the kernel fills up to ~8 KiB). */
#define QT_NL_BUFSIZE	(64 * 1024)

struct qt_nl {
	struct mnl_socket *sock;
	uint32_t portid;
	uint32_t seq;
	uint16_t family;
	uint32_t version;
	uint32_t events_grp;	/* 0 if the kernel has no such group */
	char *buf;		/* the request being built */
	char *rbuf;		/* replies: never the request's buffer */
};

/* Attribute types, to validate what the kernel sends before using it. */
static const enum mnl_attr_data_type qt_types[QTCPIP_A_MAX + 1] = {
	[QTCPIP_A_IFINDEX]		= MNL_TYPE_U32,
	[QTCPIP_A_IFNAME]		= MNL_TYPE_NUL_STRING,
	[QTCPIP_A_MODEL]		= MNL_TYPE_NUL_STRING,
	[QTCPIP_A_REVISION]		= MNL_TYPE_NUL_STRING,
	[QTCPIP_A_IMEI]			= MNL_TYPE_NUL_STRING,
	[QTCPIP_A_STATE]		= MNL_TYPE_U8,
	[QTCPIP_A_TTY]			= MNL_TYPE_NUL_STRING,
	[QTCPIP_A_MAX_CONN]		= MNL_TYPE_U32,
	[QTCPIP_A_MAX_CTX]		= MNL_TYPE_U32,
	[QTCPIP_A_MAX_SEND]		= MNL_TYPE_U32,
	[QTCPIP_A_MAX_READ]		= MNL_TYPE_U32,
	[QTCPIP_A_CTX]			= MNL_TYPE_NESTED,
	[QTCPIP_A_CTX_ID]		= MNL_TYPE_U8,
	[QTCPIP_A_CTX_ACTIVE]		= MNL_TYPE_U8,
	[QTCPIP_A_CTX_ADDR]		= MNL_TYPE_NUL_STRING,
	[QTCPIP_A_CTX_APN]		= MNL_TYPE_NUL_STRING,
	[QTCPIP_A_CTX_USER]		= MNL_TYPE_NUL_STRING,
	[QTCPIP_A_CTX_PASSWORD]		= MNL_TYPE_NUL_STRING,
	[QTCPIP_A_CTX_AUTH]		= MNL_TYPE_U8,
	[QTCPIP_A_DNS_PRIMARY]		= MNL_TYPE_NUL_STRING,
	[QTCPIP_A_DNS_SECONDARY]	= MNL_TYPE_NUL_STRING,
	[QTCPIP_A_HOST]			= MNL_TYPE_NUL_STRING,
	[QTCPIP_A_ADDR]			= MNL_TYPE_NUL_STRING,
	[QTCPIP_A_TTL]			= MNL_TYPE_U32,
	[QTCPIP_A_TIMEOUT]		= MNL_TYPE_U32,
	[QTCPIP_A_COUNT]		= MNL_TYPE_U32,
	[QTCPIP_A_PING_RESULT]		= MNL_TYPE_U32,
	[QTCPIP_A_PING_BYTES]		= MNL_TYPE_U32,
	[QTCPIP_A_PING_TIME]		= MNL_TYPE_U32,
	[QTCPIP_A_PING_SENT]		= MNL_TYPE_U32,
	[QTCPIP_A_PING_RCVD]		= MNL_TYPE_U32,
	[QTCPIP_A_PING_LOST]		= MNL_TYPE_U32,
	[QTCPIP_A_PING_MIN]		= MNL_TYPE_U32,
	[QTCPIP_A_PING_MAX]		= MNL_TYPE_U32,
	[QTCPIP_A_PING_AVG]		= MNL_TYPE_U32,
	[QTCPIP_A_NTP_SERVER]		= MNL_TYPE_NUL_STRING,
	[QTCPIP_A_NTP_PORT]		= MNL_TYPE_U16,
	[QTCPIP_A_NTP_SET_CLOCK]	= MNL_TYPE_FLAG,
	[QTCPIP_A_NTP_TIME]		= MNL_TYPE_NUL_STRING,
	[QTCPIP_A_CFG_NAME]		= MNL_TYPE_NUL_STRING,
	[QTCPIP_A_CFG_VALUE]		= MNL_TYPE_U32,
	[QTCPIP_A_ERR_CODE]		= MNL_TYPE_U32,
	[QTCPIP_A_ERR_TEXT]		= MNL_TYPE_NUL_STRING,
	[QTCPIP_A_SOCK]			= MNL_TYPE_NESTED,
	[QTCPIP_A_SOCK_CONN_ID]		= MNL_TYPE_U32,
	[QTCPIP_A_SOCK_TYPE]		= MNL_TYPE_U8,
	[QTCPIP_A_SOCK_STATE]		= MNL_TYPE_U8,
	[QTCPIP_A_SOCK_PEER]		= MNL_TYPE_NUL_STRING,
	[QTCPIP_A_SOCK_ACCESS_MODE]	= MNL_TYPE_U8,
	[QTCPIP_A_SOCK_RX_QUEUED]	= MNL_TYPE_U32,
	[QTCPIP_A_SOCK_TX_QUEUED]	= MNL_TYPE_U32,
	[QTCPIP_A_SOCK_MOD_STATE]	= MNL_TYPE_U8,
	[QTCPIP_A_SOCK_MOD_LPORT]	= MNL_TYPE_U16,
	[QTCPIP_A_SOCK_MOD_TYPE]	= MNL_TYPE_NUL_STRING,
	[QTCPIP_A_EVENT]		= MNL_TYPE_U8,
	[QTCPIP_A_MAX_BAUD]		= MNL_TYPE_U32,
	[QTCPIP_A_BAUD]			= MNL_TYPE_U32,
	[QTCPIP_A_BAUD_FAILED]		= MNL_TYPE_U32,
};

static int attr_cb(const struct nlattr *attr, void *data)
{
	struct qt_attrs *a = data;
	uint16_t type = mnl_attr_get_type(attr);

	/* newer kernels may send attributes this tool does not know */
	if (type > QTCPIP_A_MAX || type == QTCPIP_A_PAD)
		return MNL_CB_OK;
	if (qt_types[type] != MNL_TYPE_UNSPEC &&
	    mnl_attr_validate(attr, qt_types[type]) < 0)
		return MNL_CB_OK;	/* malformed: treated as absent */
	a->tb[type] = attr;
	return MNL_CB_OK;
}

int qt_parse(const struct nlmsghdr *nlh, struct qt_attrs *a)
{
	memset(a, 0, sizeof(*a));
	if (nlh->nlmsg_len < NLMSG_LENGTH(GENL_HDRLEN))
		return -EINVAL;
	return mnl_attr_parse(nlh, GENL_HDRLEN, attr_cb, a) < 0 ? -EINVAL : 0;
}

int qt_parse_nested(const struct nlattr *nest, struct qt_attrs *a)
{
	memset(a, 0, sizeof(*a));
	return mnl_attr_parse_nested(nest, attr_cb, a) < 0 ? -EINVAL : 0;
}

bool qt_has(const struct qt_attrs *a, int type)
{
	return a->tb[type] != NULL;
}

const char *qt_str(const struct qt_attrs *a, int type)
{
	return a->tb[type] ? mnl_attr_get_str(a->tb[type]) : NULL;
}

uint32_t qt_u32(const struct qt_attrs *a, int type)
{
	return a->tb[type] ? mnl_attr_get_u32(a->tb[type]) : 0;
}

int32_t qt_s32(const struct qt_attrs *a, int type)
{
	return (int32_t)qt_u32(a, type);
}

uint16_t qt_u16(const struct qt_attrs *a, int type)
{
	return a->tb[type] ? mnl_attr_get_u16(a->tb[type]) : 0;
}

uint8_t qt_u8(const struct qt_attrs *a, int type)
{
	return a->tb[type] ? mnl_attr_get_u8(a->tb[type]) : 0;
}

/* ---- the family ---- */

static int grp_cb(const struct nlattr *attr, void *data)
{
	const struct nlattr **tb = data;
	uint16_t type = mnl_attr_get_type(attr);

	if (type <= CTRL_ATTR_MCAST_GRP_MAX)
		tb[type] = attr;
	return MNL_CB_OK;
}

static void family_groups(struct qt_nl *nl, const struct nlattr *groups)
{
	const struct nlattr *g;

	mnl_attr_for_each_nested(g, groups) {
		const struct nlattr *tb[CTRL_ATTR_MCAST_GRP_MAX + 1] = { 0 };

		if (mnl_attr_parse_nested(g, grp_cb, tb) < 0)
			continue;
		if (!tb[CTRL_ATTR_MCAST_GRP_NAME] || !tb[CTRL_ATTR_MCAST_GRP_ID] ||
		    mnl_attr_validate(tb[CTRL_ATTR_MCAST_GRP_NAME],
				      MNL_TYPE_NUL_STRING) < 0 ||
		    mnl_attr_validate(tb[CTRL_ATTR_MCAST_GRP_ID],
				      MNL_TYPE_U32) < 0)
			continue;
		if (!strcmp(mnl_attr_get_str(tb[CTRL_ATTR_MCAST_GRP_NAME]),
			    QTCPIP_GENL_MCGRP))
			nl->events_grp =
				mnl_attr_get_u32(tb[CTRL_ATTR_MCAST_GRP_ID]);
	}
}

static int ctrl_attr_cb(const struct nlattr *attr, void *data)
{
	const struct nlattr **tb = data;
	uint16_t type = mnl_attr_get_type(attr);

	if (type <= CTRL_ATTR_MAX)
		tb[type] = attr;
	return MNL_CB_OK;
}

static int family_cb(const struct nlmsghdr *nlh, uint8_t cmd,
		     const struct qt_attrs *unused, void *data)
{
	const struct nlattr *tb[CTRL_ATTR_MAX + 1] = { 0 };
	struct qt_nl *nl = data;

	(void)cmd;
	(void)unused;
	if (mnl_attr_parse(nlh, GENL_HDRLEN, ctrl_attr_cb, tb) < 0)
		return 0;
	if (tb[CTRL_ATTR_FAMILY_ID] &&
	    mnl_attr_validate(tb[CTRL_ATTR_FAMILY_ID], MNL_TYPE_U16) == 0)
		nl->family = mnl_attr_get_u16(tb[CTRL_ATTR_FAMILY_ID]);
	if (tb[CTRL_ATTR_VERSION] &&
	    mnl_attr_validate(tb[CTRL_ATTR_VERSION], MNL_TYPE_U32) == 0)
		nl->version = mnl_attr_get_u32(tb[CTRL_ATTR_VERSION]);
	if (tb[CTRL_ATTR_MCAST_GROUPS])
		family_groups(nl, tb[CTRL_ATTR_MCAST_GROUPS]);
	return 0;
}

static struct nlmsghdr *put_header(struct qt_nl *nl, uint16_t type,
				   uint8_t cmd, uint8_t version,
				   uint16_t flags)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(nl->buf);
	struct genlmsghdr *g;

	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = NLM_F_REQUEST | flags;
	nlh->nlmsg_seq = ++nl->seq;
	g = mnl_nlmsg_put_extra_header(nlh, sizeof(*g));
	g->cmd = cmd;
	g->version = version;
	return nlh;
}

struct nlmsghdr *qt_nl_req(struct qt_nl *nl, uint8_t cmd, uint16_t flags)
{
	return put_header(nl, nl->family, cmd, QTCPIP_GENL_VERSION, flags);
}

struct qt_nl *qt_nl_open(void)
{
	struct qt_nl *nl = calloc(1, sizeof(*nl));
	struct nlmsghdr *nlh;
	struct qt_err err;
	int one = 1, ret;

	if (!nl)
		return NULL;
	nl->buf = malloc(QT_NL_BUFSIZE);
	nl->rbuf = malloc(QT_NL_BUFSIZE);
	nl->sock = mnl_socket_open(NETLINK_GENERIC);
	if (!nl->buf || !nl->rbuf || !nl->sock) {
		fprintf(stderr, "%s: netlink socket: %s\n", prog,
			strerror(errno));
		goto fail;
	}
	if (mnl_socket_bind(nl->sock, 0, MNL_SOCKET_AUTOPID) < 0) {
		fprintf(stderr, "%s: netlink bind: %s\n", prog,
			strerror(errno));
		goto fail;
	}
	/* Both are best effort: old kernels simply send no extack. */
	mnl_socket_setsockopt(nl->sock, NETLINK_EXT_ACK, &one, sizeof(one));
	mnl_socket_setsockopt(nl->sock, NETLINK_CAP_ACK, &one, sizeof(one));
	nl->portid = mnl_socket_get_portid(nl->sock);
	nl->seq = time(NULL);

	nlh = put_header(nl, GENL_ID_CTRL, CTRL_CMD_GETFAMILY, 1, NLM_F_ACK);
	mnl_attr_put_strz(nlh, CTRL_ATTR_FAMILY_NAME, QTCPIP_GENL_NAME);
	ret = qt_nl_talk(nl, nlh, family_cb, nl, &err);
	if (ret == -ENOENT || (!ret && !nl->family)) {
		fprintf(stderr,
			"%s: generic netlink family '%s' not found: is the qtcpip module loaded?\n",
			prog, QTCPIP_GENL_NAME);
		goto fail;
	}
	if (ret) {
		qt_report("resolving the generic netlink family", ret, &err);
		goto fail;
	}
	return nl;
fail:
	qt_nl_close(nl);
	return NULL;
}

void qt_nl_close(struct qt_nl *nl)
{
	if (!nl)
		return;
	if (nl->sock)
		mnl_socket_close(nl->sock);
	free(nl->buf);
	free(nl->rbuf);
	free(nl);
}

struct qt_nl *qt_open_or_report(void)
{
	return qt_nl_open();
}

/* ---- exchanges ---- */

static int ext_cb(const struct nlattr *attr, void *data)
{
	const struct nlattr **tb = data;
	uint16_t type = mnl_attr_get_type(attr);

	if (type <= NLMSGERR_ATTR_MAX)
		tb[type] = attr;
	return MNL_CB_OK;
}

/* The extack TLVs that follow an error or a NLMSG_DONE. */
static void parse_extack(const struct nlmsghdr *nlh, size_t off,
			 struct qt_err *err)
{
	const struct nlattr *tb[NLMSGERR_ATTR_MAX + 1] = { 0 };
	const struct nlattr *attr;

	if (!(nlh->nlmsg_flags & NLM_F_ACK_TLVS) ||
	    off >= nlh->nlmsg_len - NLMSG_HDRLEN)
		return;
	mnl_attr_for_each(attr, nlh, off)
		ext_cb(attr, tb);
	attr = tb[NLMSGERR_ATTR_MSG];
	if (attr && mnl_attr_validate(attr, MNL_TYPE_NUL_STRING) == 0)
		snprintf(err->msg, sizeof(err->msg), "%s",
			 mnl_attr_get_str(attr));
	attr = tb[NLMSGERR_ATTR_OFFS];
	if (attr && mnl_attr_validate(attr, MNL_TYPE_U32) == 0)
		err->offs = mnl_attr_get_u32(attr);
	attr = tb[NLMSGERR_ATTR_MISS_TYPE];
	if (attr && mnl_attr_validate(attr, MNL_TYPE_U32) == 0)
		err->miss_type = mnl_attr_get_u32(attr);
}

/* An NLMSG_ERROR: 0 for the ack, else the negative errno. */
static int handle_error(const struct nlmsghdr *nlh, struct qt_err *err)
{
	const struct nlmsgerr *e = mnl_nlmsg_get_payload(nlh);
	size_t off;

	if (nlh->nlmsg_len < NLMSG_LENGTH(sizeof(*e)))
		return -EBADMSG;
	/* Extack TLVs follow the request, or only its header if capped. */
	off = sizeof(*e);
	if (!(nlh->nlmsg_flags & NLM_F_CAPPED) &&
	    e->msg.nlmsg_len > sizeof(struct nlmsghdr))
		off += e->msg.nlmsg_len - sizeof(struct nlmsghdr);
	if (e->error) {
		err->error = -e->error;
		parse_extack(nlh, off, err);
	} else if (!err->msg[0]) {
		/* a warning on success is still worth showing */
		parse_extack(nlh, off, err);
	}
	return e->error;
}

/* NLMSG_DONE of a dump: an int (the dump's error) then extack TLVs. */
static int handle_done(const struct nlmsghdr *nlh, struct qt_err *err)
{
	int e = 0;

	if (nlh->nlmsg_len >= NLMSG_LENGTH(sizeof(int)))
		memcpy(&e, mnl_nlmsg_get_payload(nlh), sizeof(e));
	if (e < 0) {
		err->error = -e;
		parse_extack(nlh, sizeof(int), err);
	}
	return e < 0 ? e : 0;
}

/* Reply messages of a genl family; nl->family 0 means the controller. */
static int handle_msg(struct qt_nl *nl, const struct nlmsghdr *nlh,
		      qt_msg_cb cb, void *data)
{
	const struct genlmsghdr *g;
	struct qt_attrs a;

	if (nlh->nlmsg_len < NLMSG_LENGTH(GENL_HDRLEN))
		return 0;
	g = mnl_nlmsg_get_payload(nlh);
	if (nl->family && nlh->nlmsg_type == nl->family) {
		if (qt_parse(nlh, &a))
			return 0;
	} else {
		memset(&a, 0, sizeof(a));
	}
	return cb ? cb(nlh, g->cmd, &a, data) : 0;
}

/* QTCPIP_DEBUG=1: every message received, for bug reports. */
static void debug_msg(const struct nlmsghdr *nlh, uint32_t seq)
{
	const uint8_t *p = mnl_nlmsg_get_payload(nlh);

	fprintf(stderr, "%s: debug: type %u flags %#x seq %u (want %u) len %u",
		prog, nlh->nlmsg_type, nlh->nlmsg_flags, nlh->nlmsg_seq, seq,
		nlh->nlmsg_len);
	if (nlh->nlmsg_type == NLMSG_ERROR &&
	    nlh->nlmsg_len >= NLMSG_LENGTH(sizeof(int)))
		fprintf(stderr, " error %d", *(const int *)p);
	else if (nlh->nlmsg_len >= NLMSG_LENGTH(GENL_HDRLEN))
		fprintf(stderr, " cmd %u", p[0]);
	fputc('\n', stderr);
}

int qt_nl_talk(struct qt_nl *nl, struct nlmsghdr *req, qt_msg_cb cb,
	       void *data, struct qt_err *err)
{
	uint32_t seq = req->nlmsg_seq;
	bool dump = (req->nlmsg_flags & NLM_F_DUMP) == NLM_F_DUMP;
	bool ack = req->nlmsg_flags & NLM_F_ACK;

	memset(err, 0, sizeof(*err));
	if (mnl_socket_sendto(nl->sock, req, req->nlmsg_len) < 0) {
		if (errno == EINTR)
			return -EINTR;
		fprintf(stderr, "%s: netlink send: %s\n", prog,
			strerror(errno));
		return -EIO;
	}
	for (;;) {
		const struct nlmsghdr *nlh;
		ssize_t n;
		int len;

		if (qt_interrupted)
			return -EINTR;
		n = mnl_socket_recvfrom(nl->sock, nl->rbuf, QT_NL_BUFSIZE);
		if (n < 0) {
			if (errno == EINTR) {
				if (qt_interrupted)
					return -EINTR;
				continue;
			}
			if (errno == ENOBUFS) {
				fprintf(stderr, "%s: netlink: replies lost (receive buffer overrun)\n",
					prog);
				return -EIO;
			}
			fprintf(stderr, "%s: netlink receive: %s\n", prog,
				strerror(errno));
			return -EIO;
		}
		len = n;
		for (nlh = (const struct nlmsghdr *)nl->rbuf;
		     mnl_nlmsg_ok(nlh, len); nlh = mnl_nlmsg_next(nlh, &len)) {
			int ret;

			if (getenv("QTCPIP_DEBUG"))
				debug_msg(nlh, seq);
			/* stray replies of an earlier, interrupted request */
			if (nlh->nlmsg_seq != seq ||
			    (nlh->nlmsg_pid && nlh->nlmsg_pid != nl->portid))
				continue;
			switch (nlh->nlmsg_type) {
			case NLMSG_ERROR:
				return handle_error(nlh, err);
			case NLMSG_DONE:
				return handle_done(nlh, err);
			case NLMSG_NOOP:
			case NLMSG_OVERRUN:
				continue;
			}
			ret = handle_msg(nl, nlh, cb, data);
			if (ret)
				return ret < 0 ? ret : 0;
			/* a doit without NLM_F_ACK ends with its reply */
			if (!dump && !ack && !(nlh->nlmsg_flags & NLM_F_MULTI))
				return 0;
		}
	}
}

int qt_nl_join_events(struct qt_nl *nl)
{
	int grp = nl->events_grp;

	if (!grp) {
		fprintf(stderr, "%s: the kernel's qtcpip family has no '%s' multicast group\n",
			prog, QTCPIP_GENL_MCGRP);
		return -ENOENT;
	}
	if (mnl_socket_setsockopt(nl->sock, NETLINK_ADD_MEMBERSHIP, &grp,
				  sizeof(grp)) < 0) {
		fprintf(stderr, "%s: joining the '%s' group: %s\n", prog,
			QTCPIP_GENL_MCGRP, strerror(errno));
		return -errno;
	}
	return 0;
}

int qt_nl_listen(struct qt_nl *nl, qt_msg_cb cb, void *data)
{
	for (;;) {
		const struct nlmsghdr *nlh;
		ssize_t n;
		int len;

		if (qt_interrupted)
			return -EINTR;
		n = mnl_socket_recvfrom(nl->sock, nl->rbuf, QT_NL_BUFSIZE);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno == ENOBUFS) {
				/* events were lost; say so and go on */
				fprintf(stderr, "%s: monitor: events lost (receive buffer overrun)\n",
					prog);
				continue;
			}
			fprintf(stderr, "%s: netlink receive: %s\n", prog,
				strerror(errno));
			return -EIO;
		}
		len = n;
		for (nlh = (const struct nlmsghdr *)nl->rbuf;
		     mnl_nlmsg_ok(nlh, len); nlh = mnl_nlmsg_next(nlh, &len)) {
			int ret;

			if (nlh->nlmsg_type != nl->family)
				continue;
			ret = handle_msg(nl, nlh, cb, data);
			if (ret)
				return ret;
		}
	}
}

/* ---- errors ---- */

int qt_report(const char *what, int ret, const struct qt_err *err)
{
	if (ret == -EINTR)
		return QT_EXIT_INTR;
	if (ret == -EIO && (!err || !err->error))
		return QT_EXIT_FAIL;	/* already printed */
	fprintf(stderr, "%s: %s: %s", prog, what, strerror(-ret));
	if (err && err->msg[0])
		fprintf(stderr, " (%s%s)",
			qt_module_text(err->msg) ? "module: " : "", err->msg);
	else if (err && err->miss_type)
		fprintf(stderr, " (missing attribute %u)", err->miss_type);
	fputc('\n', stderr);
	return QT_EXIT_FAIL;
}
