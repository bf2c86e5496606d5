// SPDX-License-Identifier: GPL-2.0
/*
 * qtcpip dns: the module's resolver. show and set (AT+QIDNSCFG, UC20
 * only), resolve (AT+QIDNSGIP: every address and the TTL).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "libqtcpip.h"

static const char dns_usage[] =
"Usage: qtcpip dns show dev DEV [ id ID ]\n"
"       qtcpip dns set dev DEV [ id ID ] PRIMARY [ SECONDARY ]\n"
"       qtcpip dns resolve dev DEV [ id ID ] NAME\n"
"ID := 1-16, default 1; PRIMARY, SECONDARY := IP address\n";

struct dns_out {
	const char *ifname;
	unsigned int id;
};

static int show_cb(const struct nlmsghdr *nlh, uint8_t cmd,
		   const struct qt_attrs *a, void *data)
{
	struct dns_out *o = data;

	(void)nlh;
	(void)cmd;
	out_obj_open(NULL);
	out_str("ifname", "%s", o->ifname);
	out_uint("id", " ctx %llu:", o->id);
	out_str("primary", " primary %s",
		qt_str(a, QTCPIP_A_DNS_PRIMARY) ?: "");
	out_str("secondary", " secondary %s",
		qt_str(a, QTCPIP_A_DNS_SECONDARY) ?: "");
	out_text("\n");
	out_obj_close();
	return 0;
}

/* The lookup itself is libqtcpip's; only the printing is here. */
static void print_resolved(const char *name, const struct qtcpip_resolved *r)
{
	unsigned int i;

	out_obj_open(NULL);
	out_str("name", "%s:", name);
	out_arr_open("addresses");
	for (i = 0; i < r->naddr; i++)
		out_str_elem(" %s", r->addr[i]);
	out_arr_close();
	out_uint("ttl", " ttl %llu", r->ttl);
	out_text("\n");
	out_obj_close();
}

static bool is_ip(const char *s)
{
	unsigned char buf[16];

	return inet_pton(AF_INET, s, buf) == 1 ||
	       inet_pton(AF_INET6, s, buf) == 1;
}

enum { DNS_SHOW, DNS_SET, DNS_RESOLVE };

static int dns_cmd(struct cmdline *cl, int which)
{
	const char *pos[3] = { 0 };
	struct target t = { .id = 1 };
	struct dns_out o;
	struct nlmsghdr *nlh;
	struct qt_err err;
	struct qt_nl *nl;
	int npos = 0, ret;
	uint8_t cmd;

	for (; cl->argc > 0; cl->argc--, cl->argv++) {
		ret = target_arg(cl, &t);
		if (ret < 0)
			return -ret;
		if (ret)
			continue;
		if (is_help(cl->argv[0]))
			return print_usage(dns_usage, QT_EXIT_OK);
		if (npos == (int)ARRAY_SIZE(pos))
			return usage_error(cl, "unexpected argument '%s'",
					   cl->argv[0]);
		pos[npos++] = cl->argv[0];
	}
	if (!t.ifname)
		return usage_error(cl, "'dev' is required");
	switch (which) {
	case DNS_SHOW:
		if (npos)
			return usage_error(cl, "unexpected argument '%s'",
					   pos[0]);
		cmd = QTCPIP_CMD_DNS_GET;
		break;
	case DNS_SET:
		if (npos < 1)
			return usage_error(cl, "the primary server's address is required");
		if (npos > 2)
			return usage_error(cl, "unexpected argument '%s'",
					   pos[2]);
		if (!is_ip(pos[0]))
			return usage_error(cl, "'%s' is not an IP address",
					   pos[0]);
		if (npos > 1 && !is_ip(pos[1]))
			return usage_error(cl, "'%s' is not an IP address",
					   pos[1]);
		cmd = QTCPIP_CMD_DNS_SET;
		break;
	default:
		if (npos != 1)
			return usage_error(cl, npos ? "one name at a time" :
					   "a host name is required");
		cmd = QTCPIP_CMD_RESOLVE;
		break;
	}
	nl = qt_open_or_report();
	if (!nl)
		return QT_EXIT_FAIL;
	nlh = qt_nl_req(nl, cmd, NLM_F_ACK);
	mnl_attr_put_u32(nlh, QTCPIP_A_IFINDEX, t.ifindex);
	mnl_attr_put_u8(nlh, QTCPIP_A_CTX_ID, t.id);
	o.ifname = t.ifname;
	o.id = t.id;
	if (which == DNS_SET) {
		mnl_attr_put_strz(nlh, QTCPIP_A_DNS_PRIMARY, pos[0]);
		if (npos > 1)
			mnl_attr_put_strz(nlh, QTCPIP_A_DNS_SECONDARY, pos[1]);
	}
	if (which == DNS_RESOLVE) {
		struct qtcpip_resolved r;

		memset(&err, 0, sizeof(err));
		ret = qtcpip_resolve_once(t.ifindex, t.id, pos[0], &r, err.msg,
					  sizeof(err.msg));
		err.error = -ret;
		out_begin();
		if (!ret)
			print_resolved(pos[0], &r);
		out_end();
	} else {
		if (which != DNS_SET)
			out_begin();
		ret = qt_nl_talk(nl, nlh, which == DNS_SHOW ? show_cb : NULL,
				 &o, &err);
		if (which != DNS_SET)
			out_end();
	}
	if (ret)
		ret = qt_report_dev(nl, cl->what, ret, &err, t.ifindex);
	qt_nl_close(nl);
	return ret;
}

int do_dns(int argc, char **argv)
{
	struct cmdline cl = {
		.argc = argc - 1, .argv = argv + 1, .usage = dns_usage,
	};

	if (argc < 1) {
		fprintf(stderr, "%s: dns: a command is required\n", prog);
		return print_usage(dns_usage, QT_EXIT_USAGE);
	}
	if (is_help(argv[0]))
		return print_usage(dns_usage, QT_EXIT_OK);
	if (matches(argv[0], "show") || !strcmp(argv[0], "list")) {
		cl.what = "dns show";
		return dns_cmd(&cl, DNS_SHOW);
	}
	if (!strcmp(argv[0], "set")) {
		cl.what = "dns set";
		return dns_cmd(&cl, DNS_SET);
	}
	if (matches(argv[0], "resolve")) {
		cl.what = "dns resolve";
		return dns_cmd(&cl, DNS_RESOLVE);
	}
	fprintf(stderr, "%s: dns: unknown command '%s'\n", prog, argv[0]);
	return print_usage(dns_usage, QT_EXIT_USAGE);
}
