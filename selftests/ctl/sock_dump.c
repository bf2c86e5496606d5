// SPDX-License-Identifier: GPL-2.0
/* The socket dump (QTCPIP_CMD_SOCK_GET) over several reads: every
 * connectID of both modules busy (5 + 12), each connection to a long host
 * name of selftests/ctl/hosts, so that the dump does not fit in one 4 KiB
 * read and resumes where the last message that fitted ended. Every socket
 * must come exactly once, with its own peer: a cursor that skips or
 * repeats the entry that did not fit fails here. Needs the emulators' host
 * table (--emu-args "--dns-table selftests/ctl/hosts").
 */
#include <linux/genetlink.h>
#include <linux/netlink.h>

#include "kselftest_harness.h"
#include "qt_sock.h"

/* 113 characters: a message of 228 bytes; 16 fill netlink's first part
 * (3776 bytes) but for 128, so the 17th is started and cancelled, where a
 * cursor that moves on anyway skips it.
 */
#define QT_LONG_HOST	"a-host-name-long-enough-that-a-socket-dump-needs-" \
			"several-reads-to-carry-the-sockets-of-both-modules." \
			"dump.ctl.test"
#define QT_READ		4096
#define QT_MAX_SOCKS	(2 * 12)

struct qt_entry {
	uint32_t ifindex;
	int32_t id;
	char peer[160];
};

FIXTURE(dump)
{
	struct qt_mod m[2];
	int fd[QT_MAX_SOCKS];
	int nfd;
};

FIXTURE_SETUP(dump)
{
	QT_ATTACH(&self->m[0], 0, 115200);
	QT_ATTACH(&self->m[1], 1, 115200);
}

FIXTURE_TEARDOWN(dump)
{
	while (self->nfd)
		close(self->fd[--self->nfd]);
	QT_DETACH(&self->m[1]);
	QT_DETACH(&self->m[0]);
}

static struct nlattr *qt_nla_next(struct nlattr *a, int *rem)
{
	*rem -= NLA_ALIGN(a->nla_len);
	return (struct nlattr *)((char *)a + NLA_ALIGN(a->nla_len));
}

#define qt_nla_for_each(a, start, len, rem)				\
	for ((a) = (start), (rem) = (len);				\
	     (rem) >= NLA_HDRLEN && (a)->nla_len >= NLA_HDRLEN &&	\
	     (a)->nla_len <= (rem); (a) = qt_nla_next((a), &(rem)))

/* A generic netlink request of @cmd to @family; 0 or -errno. */
static int qt_nl_send(int fd, int family, int flags, int cmd, int version,
		      const char *name)
{
	struct {
		struct nlmsghdr h;
		struct genlmsghdr g;
		char attrs[64];
	} req = {
		.h.nlmsg_type = family,
		.h.nlmsg_flags = NLM_F_REQUEST | flags,
		.h.nlmsg_seq = 1,
		.g.cmd = cmd,
		.g.version = version,
	};
	struct nlattr *a = (struct nlattr *)req.attrs;

	req.h.nlmsg_len = NLMSG_LENGTH(GENL_HDRLEN);
	if (name) {
		a->nla_type = CTRL_ATTR_FAMILY_NAME;
		a->nla_len = NLA_HDRLEN + strlen(name) + 1;
		strcpy((char *)a + NLA_HDRLEN, name);
		req.h.nlmsg_len += NLA_ALIGN(a->nla_len);
	}
	return send(fd, &req, req.h.nlmsg_len, 0) < 0 ? -errno : 0;
}

/* One read of at most QT_READ bytes; its length or -errno. */
static int qt_nl_read(int fd, char *buf)
{
	struct iovec iov = { buf, QT_READ };
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1 };
	ssize_t n = recvmsg(fd, &msg, 0);

	if (n < 0)
		return -errno;
	return msg.msg_flags & MSG_TRUNC ? -EMSGSIZE : n;
}

static int qt_nl_family(int fd)
{
	char buf[QT_READ];
	struct nlmsghdr *h = (struct nlmsghdr *)buf;
	struct nlattr *a;
	int n, rem;

	if (qt_nl_send(fd, GENL_ID_CTRL, 0, CTRL_CMD_GETFAMILY, 1,
		       QTCPIP_GENL_NAME))
		return -1;
	n = qt_nl_read(fd, buf);
	if (n < 0 || !NLMSG_OK(h, n) || h->nlmsg_type != GENL_ID_CTRL)
		return -1;
	qt_nla_for_each(a, (struct nlattr *)((char *)NLMSG_DATA(h) + GENL_HDRLEN),
			h->nlmsg_len - NLMSG_LENGTH(GENL_HDRLEN), rem)
		if (a->nla_type == CTRL_ATTR_FAMILY_ID)
			return *(uint16_t *)((char *)a + NLA_HDRLEN);
	return -1;
}

/* One dump message's socket into @e. */
static void qt_parse_sock(struct nlmsghdr *h, struct qt_entry *e)
{
	struct nlattr *a, *b;
	int rem, rem2;

	memset(e, 0, sizeof(*e));
	e->id = -1;
	qt_nla_for_each(a, (struct nlattr *)((char *)NLMSG_DATA(h) + GENL_HDRLEN),
			h->nlmsg_len - NLMSG_LENGTH(GENL_HDRLEN), rem) {
		if ((a->nla_type & NLA_TYPE_MASK) != QTCPIP_A_SOCK)
			continue;
		qt_nla_for_each(b, (struct nlattr *)((char *)a + NLA_HDRLEN),
				a->nla_len - NLA_HDRLEN, rem2) {
			void *v = (char *)b + NLA_HDRLEN;

			if (b->nla_type == QTCPIP_A_IFINDEX)
				e->ifindex = *(uint32_t *)v;
			else if (b->nla_type == QTCPIP_A_SOCK_CONN_ID)
				e->id = *(int32_t *)v;
			else if (b->nla_type == QTCPIP_A_SOCK_PEER)
				snprintf(e->peer, sizeof(e->peer), "%.*s",
					 (int)(b->nla_len - NLA_HDRLEN),
					 (char *)v);
		}
	}
}

/* The whole dump into @e (at most @max); the number of entries or -errno;
 * @reads: the reads that carried sockets. On a fresh socket netlink fills
 * the first part of a dump up to NLMSG_GOODSIZE (a page less the skb's
 * overhead, 3776 bytes with 4 KiB pages), the next ones up to the read's
 * size: 17 messages of 228 bytes take two parts.
 */
static int qt_dump(int fd, int family, struct qt_entry *e, int max,
		   int *reads)
{
	char buf[QT_READ];
	int n = 0, len, err;

	*reads = 0;
	err = qt_nl_send(fd, family, NLM_F_DUMP, QTCPIP_CMD_SOCK_GET,
			 QTCPIP_GENL_VERSION, NULL);
	if (err)
		return err;
	for (;;) {
		struct nlmsghdr *h = (struct nlmsghdr *)buf;
		bool some = false;

		len = qt_nl_read(fd, buf);
		if (len <= 0)
			return len ? len : -EPIPE;
		for (; NLMSG_OK(h, len); h = NLMSG_NEXT(h, len)) {
			if (h->nlmsg_type == NLMSG_DONE) {
				*reads += some;
				return n;
			}
			if (h->nlmsg_type == NLMSG_ERROR)
				return ((struct nlmsgerr *)NLMSG_DATA(h))->error ?: -EPROTO;
			if (n == max)
				return -E2BIG;
			qt_parse_sock(h, &e[n++]);
			some = true;
		}
		*reads += some;
	}
}

QT_TEST_F(dump, every_socket_once_over_several_reads, 180)
{
	struct qt_entry got[4 * QT_MAX_SOCKS];
	struct qt_entry want[QT_MAX_SOCKS];
	int port = qt_srv("TCP_ECHO");
	struct sockaddr_qt sqt = qt_sqt(QT_LONG_HOST, port);
	int s, i, k, n, nl, family, reads;

	ASSERT_LT(0, port);
	for (s = 0; s < 2; s++) {
		for (i = 0; i < self->m[s].nconn; i++) {
			int fd = qt_socket(self->m[s].ifname, SOCK_STREAM, -1);

			ASSERT_LE(0, fd);
			self->fd[self->nfd] = fd;
			ASSERT_EQ(0, connect(fd, (struct sockaddr *)&sqt,
					     sizeof(sqt)))
				TH_LOG("%s, connection %d to %s: %s",
				       self->m[s].ifname, i, QT_LONG_HOST,
				       strerror(errno));
			want[self->nfd].ifindex = self->m[s].ifindex;
			want[self->nfd].id = qt_conn_id(fd);
			snprintf(want[self->nfd].peer,
				 sizeof(want[self->nfd].peer), "%s:%d",
				 QT_LONG_HOST, port);
			self->nfd++;
		}
	}

	/* A read sets the socket's dump size: the family from another. */
	nl = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_GENERIC);
	ASSERT_LE(0, nl);
	family = qt_nl_family(nl);
	close(nl);
	ASSERT_LT(0, family);
	nl = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_GENERIC);
	ASSERT_LE(0, nl);
	n = qt_dump(nl, family, got, ARRAY_SIZE(got), &reads);
	close(nl);
	ASSERT_LE(0, n) TH_LOG("dump: %s", strerror(-n));
	TH_LOG("%d sockets in %d reads", n, reads);
	EXPECT_EQ(self->nfd, n);
	for (i = 0; i < self->nfd; i++) {
		int seen = 0;

		for (k = 0; k < n; k++) {
			if (got[k].ifindex != want[i].ifindex ||
			    got[k].id != want[i].id)
				continue;
			seen++;
			EXPECT_STREQ(want[i].peer, got[k].peer);
		}
		EXPECT_EQ(1, seen) TH_LOG("ifindex %u connectID %d",
					  want[i].ifindex, want[i].id);
	}
	/* Else nothing here tested the resumption. */
	EXPECT_LE(2, reads);
}

TEST_HARNESS_MAIN
