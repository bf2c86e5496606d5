// SPDX-License-Identifier: GPL-2.0
/*
 * qtcpip sock show: every AF_QTCPIP socket as the driver sees it, beside
 * the module's own view of its connectID (AT+QISTATE), like ss(8).
 */
#include <net/if.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "cli.h"

static const char sock_usage[] =
"Usage: qtcpip sock show [ dev DEV ]\n";

struct sock_show {
	uint32_t ifindex;	/* filter, 0: all */
	struct qt_dev_info devs[64];
	int ndevs;
	int shown;
};

static const struct qt_dev_info *find_dev(struct sock_show *s,
					  uint32_t ifindex)
{
	int i;

	for (i = 0; i < s->ndevs; i++)
		if (s->devs[i].ifindex == ifindex)
			return &s->devs[i];
	return NULL;
}

static const char *type_name(unsigned int type)
{
	static char buf[16];

	if (type == SOCK_STREAM)
		return "tcp";
	if (type == SOCK_DGRAM)
		return "udp";
	snprintf(buf, sizeof(buf), "%u", type);
	return buf;
}

static void print_sock(struct sock_show *s, uint32_t ifindex,
		       const struct qt_attrs *k)
{
	const struct qt_dev_info *d = find_dev(s, ifindex);
	char name[IF_NAMESIZE];
	const char *ifname = d ? d->ifname : qt_ifname(ifindex, name);
	const char *model = d ? d->model : "";
	int32_t conn = qt_s32(k, QTCPIP_A_SOCK_CONN_ID);
	const char *peer;

	if (s->ifindex && ifindex != s->ifindex)
		return;
	s->shown++;
	out_obj_open(NULL);
	out_uint("ifindex", NULL, ifindex);
	out_str("ifname", "%-9s", ifname);
	if (!qt_has(k, QTCPIP_A_SOCK_CONN_ID))
		conn = -1;
	out_int("conn_id", NULL, conn);
	if (conn >= 0)
		out_text(" %-4d", conn);
	else
		out_text(" %-4s", "-");
	out_str("type", " %-4s", type_name(qt_u8(k, QTCPIP_A_SOCK_TYPE)));
	out_str("state", " %-11s",
		qt_sock_state_name(qt_u8(k, QTCPIP_A_SOCK_STATE)));
	out_str("access_mode", " %-11s",
		qt_mode_name(qt_u8(k, QTCPIP_A_SOCK_ACCESS_MODE)));
	out_uint("rx_queued", " %-6llu", qt_u32(k, QTCPIP_A_SOCK_RX_QUEUED));
	out_uint("tx_queued", " %-6llu", qt_u32(k, QTCPIP_A_SOCK_TX_QUEUED));
	peer = qt_str(k, QTCPIP_A_SOCK_PEER);
	if (peer && *peer) {
		out_str("peer", " %-21s", peer);
	} else {
		out_null("peer");
		out_text(" %-21s", "-");
	}
	if (qt_has(k, QTCPIP_A_SOCK_MOD_STATE)) {
		unsigned int st = qt_u8(k, QTCPIP_A_SOCK_MOD_STATE);

		out_obj_open("module");
		if (qt_has(k, QTCPIP_A_SOCK_MOD_TYPE))
			out_str("type", " %s",
				qt_str(k, QTCPIP_A_SOCK_MOD_TYPE));
		out_str("state", " %s", qt_mod_state_name(model, st));
		out_uint("state_code", NULL, st);
		if (qt_has(k, QTCPIP_A_SOCK_MOD_LPORT))
			out_uint("local_port", " lport %llu",
				 qt_u16(k, QTCPIP_A_SOCK_MOD_LPORT));
		out_obj_close();
	} else {
		out_null("module");
		out_text(" -");
	}
	out_text("\n");
	out_obj_close();
}

/* Sockets come as QTCPIP_A_SOCK nests, or one per message at top level. */
static int sock_cb(const struct nlmsghdr *nlh, uint8_t cmd,
		   const struct qt_attrs *a, void *data)
{
	struct sock_show *s = data;
	uint32_t ifindex = qt_u32(a, QTCPIP_A_IFINDEX);
	const struct nlattr *attr;

	(void)cmd;
	if (qt_has(a, QTCPIP_A_SOCK_CONN_ID) || qt_has(a, QTCPIP_A_SOCK_STATE))
		print_sock(s, ifindex, a);
	mnl_attr_for_each(attr, nlh, GENL_HDRLEN) {
		struct qt_attrs k;

		if (mnl_attr_get_type(attr) != QTCPIP_A_SOCK ||
		    qt_parse_nested(attr, &k))
			continue;
		/* a nest may name its own device */
		print_sock(s, qt_has(&k, QTCPIP_A_IFINDEX) ?
			   qt_u32(&k, QTCPIP_A_IFINDEX) : ifindex, &k);
	}
	return 0;
}

int do_sock(int argc, char **argv)
{
	struct cmdline cl = {
		.argc = argc, .argv = argv, .what = "sock show",
		.usage = sock_usage,
	};
	static struct sock_show s;
	struct target t = { 0 };
	struct nlmsghdr *nlh;
	struct qt_err err;
	struct qt_nl *nl;
	int ret;

	if (cl.argc > 0 && is_help(cl.argv[0]))
		return print_usage(sock_usage, QT_EXIT_OK);
	if (cl.argc > 0) {
		if (!matches(cl.argv[0], "show") && strcmp(cl.argv[0], "list") &&
		    strcmp(cl.argv[0], "ls")) {
			fprintf(stderr, "%s: sock: unknown command '%s'\n",
				prog, cl.argv[0]);
			return print_usage(sock_usage, QT_EXIT_USAGE);
		}
		cl.argc--;
		cl.argv++;
	}
	for (; cl.argc > 0; cl.argc--, cl.argv++) {
		if (is_help(cl.argv[0]))
			return print_usage(sock_usage, QT_EXIT_OK);
		if (strcmp(cl.argv[0], "dev"))
			return usage_error(&cl, "unexpected argument '%s'",
					   cl.argv[0]);
		ret = target_arg(&cl, &t);
		if (ret < 0)
			return -ret;
	}
	nl = qt_open_or_report();
	if (!nl)
		return QT_EXIT_FAIL;
	s.ifindex = t.ifindex;
	s.ndevs = qt_dev_list(nl, s.devs, ARRAY_SIZE(s.devs), &err);
	if (s.ndevs < 0)
		s.ndevs = 0;	/* only for names and models */
	nlh = qt_nl_req(nl, QTCPIP_CMD_SOCK_GET, NLM_F_DUMP);
	if (t.ifindex)
		mnl_attr_put_u32(nlh, QTCPIP_A_IFINDEX, t.ifindex);
	out_begin();
	out_text("%-9s %-4s %-4s %-11s %-11s %-6s %-6s %-21s %s\n", "Dev",
		 "Conn", "Type", "State", "Mode", "Recv-Q", "Send-Q", "Peer",
		 "Module");
	ret = qt_nl_talk(nl, nlh, sock_cb, &s, &err);
	out_end();
	if (ret)
		ret = qt_report("sock show", ret, &err);
	qt_nl_close(nl);
	return ret;
}
