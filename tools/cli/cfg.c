// SPDX-License-Identifier: GPL-2.0
/*
 * qtcpip cfg: AT+QICFG. BC66: dataformat SEND RECV (0 text, 1 hex) and
 * viewmode (0: header CR LF data, 1: header,data); UC20: transpktsize
 * (bytes) and transwaittm (units of 100 ms) of transparent mode.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"

static const char cfg_usage[] =
"Usage: qtcpip cfg show dev DEV [ NAME ]\n"
"       qtcpip cfg set dev DEV NAME VALUE...\n"
"NAME VALUE... := { dataformat { text | hex } { text | hex }   (BC66: send, receive)\n"
"                 | viewmode { 0 | 1 }                        (BC66)\n"
"                 | transpktsize 1-1460                       (UC20, bytes)\n"
"                 | transwaittm 0-20 }                        (UC20, x 100 ms)\n";

static const struct cfg_name {
	const char *name;
	const char *model;
	int nvalues;
} cfg_names[] = {
	{ "dataformat", "BC66", 2 },
	{ "viewmode", "BC66", 1 },
	{ "transpktsize", "UC20", 1 },
	{ "transwaittm", "UC20", 1 },
};

static const struct cfg_name *find_name(const char *s)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(cfg_names); i++)
		if (!strcmp(s, cfg_names[i].name))
			return &cfg_names[i];
	return NULL;
}

struct cfg_out {
	const char *ifname;
	const char *name;
};

static int show_cb(const struct nlmsghdr *nlh, uint8_t cmd,
		   const struct qt_attrs *a, void *data)
{
	struct cfg_out *o = data;
	const char *name = qt_str(a, QTCPIP_A_CFG_NAME) ?: o->name;
	const struct nlattr *attr;
	uint32_t v[4];
	int n = 0, i;

	(void)cmd;
	mnl_attr_for_each(attr, nlh, GENL_HDRLEN) {
		if (mnl_attr_get_type(attr) == QTCPIP_A_CFG_VALUE &&
		    mnl_attr_validate(attr, MNL_TYPE_U32) == 0 &&
		    n < (int)ARRAY_SIZE(v))
			v[n++] = mnl_attr_get_u32(attr);
	}
	out_obj_open(NULL);
	out_str("ifname", "%s", o->ifname);
	out_str("name", " %s", name);
	out_arr_open("values");
	for (i = 0; i < n; i++)
		out_uint_elem(NULL, v[i]);
	out_arr_close();
	if (!strcmp(name, "dataformat") && n == 2) {
		out_str("send", " send %s", v[0] ? "hex" : "text");
		out_str("recv", " recv %s", v[1] ? "hex" : "text");
	} else if (!strcmp(name, "viewmode") && n == 1) {
		out_text(" %u (%s)", v[0],
			 v[0] ? "header,data" : "header CR LF data");
	} else if (!strcmp(name, "transpktsize") && n == 1) {
		out_text(" %u bytes", v[0]);
	} else if (!strcmp(name, "transwaittm") && n == 1) {
		out_text(" %u (%u ms)", v[0], v[0] * 100);
	} else {
		for (i = 0; i < n; i++)
			out_text(" %u", v[i]);
	}
	out_text("\n");
	out_obj_close();
	return 0;
}

static int get_one(struct qt_nl *nl, const struct target *t, const char *name,
		   struct qt_err *err)
{
	struct cfg_out o = { .ifname = t->ifname, .name = name };
	struct nlmsghdr *nlh;

	nlh = qt_nl_req(nl, QTCPIP_CMD_CFG_GET, NLM_F_ACK);
	mnl_attr_put_u32(nlh, QTCPIP_A_IFINDEX, t->ifindex);
	mnl_attr_put_strz(nlh, QTCPIP_A_CFG_NAME, name);
	return qt_nl_talk(nl, nlh, show_cb, &o, err);
}

static int cfg_show(struct cmdline *cl, const struct target *t,
		    const char *name)
{
	struct qt_err err;
	struct qt_nl *nl;
	const char *model;
	size_t i;
	int ret = 0;

	nl = qt_open_or_report();
	if (!nl)
		return QT_EXIT_FAIL;
	out_begin();
	if (name) {
		ret = get_one(nl, t, name, &err);
		out_end();
		if (ret)
			ret = qt_report_dev(nl, cl->what, ret, &err,
					    t->ifindex);
		qt_nl_close(nl);
		return ret;
	}
	/* every setting of this model */
	model = qt_dev_model(nl, t->ifindex);
	for (i = 0; i < ARRAY_SIZE(cfg_names); i++) {
		int r;

		if (*model && strcmp(model, cfg_names[i].model))
			continue;
		r = get_one(nl, t, cfg_names[i].name, &err);
		if (r == -EOPNOTSUPP && !*model)
			continue;
		if (r) {
			ret = qt_report(cl->what, r, &err);
			break;
		}
	}
	out_end();
	qt_nl_close(nl);
	return ret;
}

static int parse_value(const char *name, const char *s, uint32_t *v)
{
	if (!strcmp(name, "dataformat")) {
		if (!strcmp(s, "text")) {
			*v = 0;
			return 0;
		}
		if (!strcmp(s, "hex")) {
			*v = 1;
			return 0;
		}
	}
	/* ranges are the module's: the kernel checks them */
	return parse_u32(s, 0, UINT32_MAX, v);
}

static int cfg_set(struct cmdline *cl, const struct target *t,
		   const char *name, char **values, int n)
{
	const struct cfg_name *c = find_name(name);
	struct nlmsghdr *nlh;
	struct qt_err err;
	struct qt_nl *nl;
	uint32_t v[2];
	int i, ret;

	if (n != c->nvalues)
		return usage_error(cl, "%s takes %d value%s", name,
				   c->nvalues, c->nvalues > 1 ? "s" : "");
	for (i = 0; i < n; i++)
		if (parse_value(name, values[i], &v[i]))
			return usage_error(cl, "bad value '%s' for %s",
					   values[i], name);
	nl = qt_open_or_report();
	if (!nl)
		return QT_EXIT_FAIL;
	nlh = qt_nl_req(nl, QTCPIP_CMD_CFG_SET, NLM_F_ACK);
	mnl_attr_put_u32(nlh, QTCPIP_A_IFINDEX, t->ifindex);
	mnl_attr_put_strz(nlh, QTCPIP_A_CFG_NAME, name);
	for (i = 0; i < n; i++)
		mnl_attr_put_u32(nlh, QTCPIP_A_CFG_VALUE, v[i]);
	ret = qt_nl_talk(nl, nlh, NULL, NULL, &err);
	if (ret)
		ret = qt_report_dev(nl, cl->what, ret, &err, t->ifindex);
	qt_nl_close(nl);
	return ret;
}

int do_cfg(int argc, char **argv)
{
	struct cmdline cl = {
		.argc = argc - 1, .argv = argv + 1, .usage = cfg_usage,
	};
	struct target t = { 0 };
	char *pos[8];
	int npos = 0, ret;
	bool set;

	if (argc < 1) {
		fprintf(stderr, "%s: cfg: a command is required\n", prog);
		return print_usage(cfg_usage, QT_EXIT_USAGE);
	}
	if (is_help(argv[0]))
		return print_usage(cfg_usage, QT_EXIT_OK);
	if (matches(argv[0], "show") || !strcmp(argv[0], "list")) {
		set = false;
		cl.what = "cfg show";
	} else if (!strcmp(argv[0], "set")) {
		set = true;
		cl.what = "cfg set";
	} else {
		fprintf(stderr, "%s: cfg: unknown command '%s'\n", prog,
			argv[0]);
		return print_usage(cfg_usage, QT_EXIT_USAGE);
	}
	for (; cl.argc > 0; cl.argc--, cl.argv++) {
		/* "id" is not a setting's argument: only "dev" is taken */
		if (!strcmp(cl.argv[0], "dev")) {
			ret = target_arg(&cl, &t);
			if (ret < 0)
				return -ret;
			continue;
		}
		if (is_help(cl.argv[0]))
			return print_usage(cfg_usage, QT_EXIT_OK);
		if (npos == (int)ARRAY_SIZE(pos))
			return usage_error(&cl, "too many arguments");
		pos[npos++] = cl.argv[0];
	}
	if (!t.ifname)
		return usage_error(&cl, "'dev' is required");
	if (npos && !find_name(pos[0]))
		return usage_error(&cl, "unknown setting '%s'", pos[0]);
	if (!set) {
		if (npos > 1)
			return usage_error(&cl, "unexpected argument '%s'",
					   pos[1]);
		return cfg_show(&cl, &t, npos ? pos[0] : NULL);
	}
	if (!npos)
		return usage_error(&cl, "a setting name is required");
	return cfg_set(&cl, &t, pos[0], pos + 1, npos - 1);
}
