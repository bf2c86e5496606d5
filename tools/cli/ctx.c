// SPDX-License-Identifier: GPL-2.0
/*
 * qtcpip ctx: PDP contexts. show (AT+QIACT? and AT+QICSGP=<id>), set
 * (AT+QICSGP), up (AT+QIACT), down (AT+QIDEACT).
 */
#include <errno.h>
#include <net/if.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"

static const char ctx_usage[] =
"Usage: qtcpip ctx show [ dev DEV ] [ id ID ]\n"
"       qtcpip ctx set dev DEV id ID apn APN [ user USER ] [ password PASSWORD ]\n"
"                      [ auth { none | pap | chap | pap-chap } ]\n"
"       qtcpip ctx up dev DEV id ID\n"
"       qtcpip ctx down dev DEV id ID\n"
"ID := 1-16 (UC20: at most 3 active at once; BC66 has no PDP commands)\n";

static const char *const auth_names[] = {
	[QTCPIP_AUTH_NONE] = "none",
	[QTCPIP_AUTH_PAP] = "pap",
	[QTCPIP_AUTH_CHAP] = "chap",
	[QTCPIP_AUTH_PAP_CHAP] = "pap-chap",
};

struct show_ctx {
	const char *ifname;
	int filter_id;		/* 0: all */
	int shown;
};

static void print_ctx(struct show_ctx *s, const struct qt_attrs *c)
{
	unsigned int id = qt_u8(c, QTCPIP_A_CTX_ID);
	const char *addr = qt_str(c, QTCPIP_A_CTX_ADDR);

	if (s->filter_id && (int)id != s->filter_id)
		return;
	s->shown++;
	out_obj_open(NULL);
	out_str("ifname", "%s", s->ifname);
	out_uint("id", " ctx %llu:", id);
	out_bool("active", NULL, qt_u8(c, QTCPIP_A_CTX_ACTIVE));
	out_text(" %s", qt_u8(c, QTCPIP_A_CTX_ACTIVE) ? "active" : "inactive");
	if (addr && *addr)
		out_str("address", " address %s", addr);
	if (qt_has(c, QTCPIP_A_CTX_APN))
		out_str("apn", " apn \"%s\"", qt_str(c, QTCPIP_A_CTX_APN));
	if (qt_has(c, QTCPIP_A_CTX_USER))
		out_str("user", " user \"%s\"", qt_str(c, QTCPIP_A_CTX_USER));
	if (qt_has(c, QTCPIP_A_CTX_AUTH))
		out_str("auth", " auth %s",
			qt_auth_name(qt_u8(c, QTCPIP_A_CTX_AUTH)));
	out_text("\n");
	out_obj_close();
}

/* Contexts come as QTCPIP_A_CTX nests, or one per message at top level. */
static int show_cb(const struct nlmsghdr *nlh, uint8_t cmd,
		   const struct qt_attrs *a, void *data)
{
	struct show_ctx *s = data;
	const struct nlattr *attr;

	(void)cmd;
	if (qt_has(a, QTCPIP_A_CTX_ID))
		print_ctx(s, a);
	mnl_attr_for_each(attr, nlh, GENL_HDRLEN) {
		struct qt_attrs c;

		if (mnl_attr_get_type(attr) == QTCPIP_A_CTX &&
		    !qt_parse_nested(attr, &c))
			print_ctx(s, &c);
	}
	return 0;
}

static int show_one(struct qt_nl *nl, uint32_t ifindex, const char *ifname,
		    const struct target *t, struct qt_err *err)
{
	struct show_ctx s = {
		.ifname = ifname,
		.filter_id = t->has_id ? (int)t->id : 0,
	};
	struct nlmsghdr *nlh;

	nlh = qt_nl_req(nl, QTCPIP_CMD_CTX_GET, NLM_F_ACK);
	mnl_attr_put_u32(nlh, QTCPIP_A_IFINDEX, ifindex);
	if (t->has_id)
		mnl_attr_put_u8(nlh, QTCPIP_A_CTX_ID, t->id);
	return qt_nl_talk(nl, nlh, show_cb, &s, err);
}

static int ctx_show(struct cmdline *cl)
{
	struct qt_dev_info devs[64];
	struct target t = { 0 };
	struct qt_err err;
	struct qt_nl *nl;
	int i, n, ret;

	for (; cl->argc > 0; cl->argc--, cl->argv++) {
		ret = target_arg(cl, &t);
		if (ret < 0)
			return -ret;
		if (ret)
			continue;
		if (is_help(cl->argv[0]))
			return print_usage(ctx_usage, QT_EXIT_OK);
		return usage_error(cl, "unexpected argument '%s'",
				   cl->argv[0]);
	}
	nl = qt_open_or_report();
	if (!nl)
		return QT_EXIT_FAIL;
	out_begin();
	if (t.ifname) {
		ret = show_one(nl, t.ifindex, t.ifname, &t, &err);
		out_end();
		if (ret)
			ret = qt_report_dev(nl, "ctx show", ret, &err,
					    t.ifindex);
		qt_nl_close(nl);
		return ret;
	}
	n = qt_dev_list(nl, devs, ARRAY_SIZE(devs), &err);
	if (n < 0) {
		out_end();
		qt_nl_close(nl);
		return qt_report("ctx show", n, &err);
	}
	ret = 0;
	for (i = 0; i < n; i++) {
		int r = show_one(nl, devs[i].ifindex, devs[i].ifname, &t, &err);

		/* without "dev", a module without contexts is no error */
		if (r == -EOPNOTSUPP)
			continue;
		if (r) {
			char what[64];

			snprintf(what, sizeof(what), "ctx show dev %s",
				 devs[i].ifname);
			ret = qt_report(what, r, &err);
			if (r == -EINTR)
				break;
		}
	}
	out_end();
	qt_nl_close(nl);
	return ret;
}

static int parse_auth(const char *s, uint32_t *auth)
{
	uint32_t i;

	for (i = 0; i < ARRAY_SIZE(auth_names); i++) {
		if (!strcmp(s, auth_names[i])) {
			*auth = i;
			return 0;
		}
	}
	/* the manual's numbers, for those who think in AT commands */
	return parse_u32(s, 0, 3, auth);
}

/* "password -" reads it from standard input, out of sight of ps(1). */
static const char *read_password(char *buf, size_t size)
{
	if (!fgets(buf, size, stdin))
		return NULL;
	buf[strcspn(buf, "\r\n")] = 0;
	return buf;
}

static int ctx_set(struct cmdline *cl)
{
	const char *apn = NULL, *user = NULL, *password = NULL;
	static char pwbuf[256];
	struct target t = { 0 };
	struct nlmsghdr *nlh;
	uint32_t auth = 0;
	bool has_auth = false;
	struct qt_err err;
	struct qt_nl *nl;
	int ret;

	for (; cl->argc > 0; cl->argc--, cl->argv++) {
		const char *k = cl->argv[0], *v;

		ret = target_arg(cl, &t);
		if (ret < 0)
			return -ret;
		if (ret)
			continue;
		if (is_help(k))
			return print_usage(ctx_usage, QT_EXIT_OK);
		if (strcmp(k, "apn") && strcmp(k, "user") &&
		    strcmp(k, "password") && strcmp(k, "auth"))
			return usage_error(cl, "unexpected argument '%s'", k);
		v = next_arg(cl, k);
		if (!v)
			return usage_error(cl, "'%s' needs a value", k);
		if (!strcmp(k, "apn")) {
			apn = v;
		} else if (!strcmp(k, "user")) {
			user = v;
		} else if (!strcmp(k, "password")) {
			password = v;
			if (!strcmp(v, "-")) {
				password = read_password(pwbuf, sizeof(pwbuf));
				if (!password)
					return usage_error(cl, "no password on standard input");
			}
		} else {
			if (parse_auth(v, &auth))
				return usage_error(cl, "bad auth '%s' (none, pap, chap or pap-chap)",
						   v);
			has_auth = true;
		}
	}
	if (!t.ifname)
		return usage_error(cl, "'dev' is required");
	if (!t.has_id)
		return usage_error(cl, "'id' is required");
	if (!apn)
		return usage_error(cl, "'apn' is required");
	nl = qt_open_or_report();
	if (!nl)
		return QT_EXIT_FAIL;
	nlh = qt_nl_req(nl, QTCPIP_CMD_CTX_SET, NLM_F_ACK);
	mnl_attr_put_u32(nlh, QTCPIP_A_IFINDEX, t.ifindex);
	mnl_attr_put_u8(nlh, QTCPIP_A_CTX_ID, t.id);
	mnl_attr_put_strz(nlh, QTCPIP_A_CTX_APN, apn);
	if (user)
		mnl_attr_put_strz(nlh, QTCPIP_A_CTX_USER, user);
	if (password)
		mnl_attr_put_strz(nlh, QTCPIP_A_CTX_PASSWORD, password);
	if (has_auth)
		mnl_attr_put_u8(nlh, QTCPIP_A_CTX_AUTH, auth);
	ret = qt_nl_talk(nl, nlh, NULL, NULL, &err);
	memset(pwbuf, 0, sizeof(pwbuf));
	if (ret)
		ret = qt_report_dev(nl, cl->what, ret, &err, t.ifindex);
	qt_nl_close(nl);
	return ret;
}

static int ctx_updown(struct cmdline *cl, uint8_t cmd)
{
	struct target t = { 0 };
	struct nlmsghdr *nlh;
	struct qt_err err;
	struct qt_nl *nl;
	int ret;

	for (; cl->argc > 0; cl->argc--, cl->argv++) {
		ret = target_arg(cl, &t);
		if (ret < 0)
			return -ret;
		if (ret)
			continue;
		if (is_help(cl->argv[0]))
			return print_usage(ctx_usage, QT_EXIT_OK);
		return usage_error(cl, "unexpected argument '%s'",
				   cl->argv[0]);
	}
	if (!t.ifname)
		return usage_error(cl, "'dev' is required");
	if (!t.has_id)
		return usage_error(cl, "'id' is required");
	nl = qt_open_or_report();
	if (!nl)
		return QT_EXIT_FAIL;
	nlh = qt_nl_req(nl, cmd, NLM_F_ACK);
	mnl_attr_put_u32(nlh, QTCPIP_A_IFINDEX, t.ifindex);
	mnl_attr_put_u8(nlh, QTCPIP_A_CTX_ID, t.id);
	/* AT+QIACT can take the network up to 150 s; Ctrl-C stops waiting */
	ret = qt_nl_talk(nl, nlh, NULL, NULL, &err);
	if (ret)
		ret = qt_report_dev(nl, cl->what, ret, &err, t.ifindex);
	qt_nl_close(nl);
	return ret;
}

int do_ctx(int argc, char **argv)
{
	struct cmdline cl = {
		.argc = argc - 1, .argv = argv + 1, .usage = ctx_usage,
	};

	if (argc < 1 || matches(argv[0], "show") || matches(argv[0], "list") ||
	    !strcmp(argv[0], "ls")) {
		cl.what = "ctx show";
		if (argc < 1)
			cl.argc = 0;
		return ctx_show(&cl);
	}
	if (is_help(argv[0]))
		return print_usage(ctx_usage, QT_EXIT_OK);
	if (!strcmp(argv[0], "set")) {
		cl.what = "ctx set";
		return ctx_set(&cl);
	}
	if (!strcmp(argv[0], "up")) {
		cl.what = "ctx up";
		return ctx_updown(&cl, QTCPIP_CMD_CTX_UP);
	}
	if (!strcmp(argv[0], "down")) {
		cl.what = "ctx down";
		return ctx_updown(&cl, QTCPIP_CMD_CTX_DOWN);
	}
	fprintf(stderr, "%s: ctx: unknown command '%s'\n", prog, argv[0]);
	return print_usage(ctx_usage, QT_EXIT_USAGE);
}
