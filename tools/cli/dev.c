// SPDX-License-Identifier: GPL-2.0
/*
 * qtcpip dev show: the attached modules, their identity, state, limits
 * and contexts (QTCPIP_CMD_DEV_GET). Also the name tables and the device
 * list the other objects use.
 */
#include <errno.h>
#include <net/if.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static const char dev_usage[] =
"Usage: qtcpip dev show [ dev DEV ]\n"
"       qtcpip dev set dev DEV [ dialect { bc66 | uc20 | bc660k | bg96 | ec2x | auto } ]\n"
"                      [ max-baud RATE ]\n"
"RATE: the line rate limit of the module's next init (attach, reset), 0 =\n"
"      stay at the attach rate\n";

static const char *name_of(const char *const *tab, size_t n, unsigned int v,
			   char *buf, size_t size)
{
	if (v < n && tab[v])
		return tab[v];
	snprintf(buf, size, "%u", v);
	return buf;
}

/* Unknown values print as numbers; these buffers are per table. */
#define NAME_OF(tab, v) ({						\
	static char _buf[16];						\
	name_of(tab, ARRAY_SIZE(tab), v, _buf, sizeof(_buf));		\
})

const char *qt_state_name(unsigned int state)
{
	static const char *const t[] = {
		[QTCPIP_DEV_PROBING] = "probing",
		[QTCPIP_DEV_INIT] = "init",
		[QTCPIP_DEV_READY] = "ready",
		[QTCPIP_DEV_DEAD] = "dead",
		[QTCPIP_DEV_UNSUPPORTED] = "unsupported",
		[QTCPIP_DEV_BAD_RATE] = "bad-rate",
	};
	return NAME_OF(t, state);
}

const char *qt_auth_name(unsigned int auth)
{
	static const char *const t[] = {
		[QTCPIP_AUTH_NONE] = "none",
		[QTCPIP_AUTH_PAP] = "pap",
		[QTCPIP_AUTH_CHAP] = "chap",
		[QTCPIP_AUTH_PAP_CHAP] = "pap-chap",
	};
	return NAME_OF(t, auth);
}

const char *qt_sock_state_name(unsigned int state)
{
	static const char *const t[] = {
		[QTCPIP_SOCK_UNCONN] = "unconnected",
		[QTCPIP_SOCK_OPENING] = "opening",
		[QTCPIP_SOCK_CONNECTED] = "connected",
		[QTCPIP_SOCK_CLOSED] = "closed",
		/* the kernel's listening sockets (UC20 TCP LISTENER, UDP
		 * SERVICE); the uapi enum has no name for it yet
		 */
		[QTCPIP_SOCK_CLOSED + 1] = "listening",
	};
	return NAME_OF(t, state);
}

const char *qt_mode_name(unsigned int mode)
{
	static const char *const t[] = {
		[QTCPIP_MODE_BUFFER] = "buffer",
		[QTCPIP_MODE_PUSH] = "push",
		[QTCPIP_MODE_TRANSPARENT] = "transparent",
	};
	return NAME_OF(t, mode);
}

/* <socket_state> of AT+QISTATE: the UC20 has "listening" at 3. */
const char *qt_mod_state_name(const char *model, unsigned int state)
{
	static const char *const bc66[] = {
		"initial", "opening", "connected", "closing",
	};
	static const char *const uc20[] = {
		"initial", "opening", "connected", "listening", "closing",
	};

	if (model && !strcmp(model, "BC66"))
		return NAME_OF(bc66, state);
	return NAME_OF(uc20, state);
}

const char *qt_event_name(unsigned int event)
{
	static const char *const t[] = {
		[QTCPIP_EVENT_LINK_UP] = "link-up",
		[QTCPIP_EVENT_LINK_DOWN] = "link-down",
		[QTCPIP_EVENT_PDPDEACT] = "pdpdeact",
		[QTCPIP_EVENT_RESET] = "reset",
		[QTCPIP_EVENT_PEER_CLOSED] = "peer-closed",
	};
	return NAME_OF(t, event);
}

const char *qt_ifname(uint32_t ifindex, char *buf)
{
	if (!if_indextoname(ifindex, buf))
		snprintf(buf, IF_NAMESIZE, "if%u", ifindex);
	return buf;
}

/* ---- the device list ---- */

struct dev_list {
	struct qt_dev_info *devs;
	int n, max;
};

static int list_cb(const struct nlmsghdr *nlh, uint8_t cmd,
		   const struct qt_attrs *a, void *data)
{
	struct dev_list *l = data;
	struct qt_dev_info *d;
	char name[IF_NAMESIZE];

	(void)nlh;
	(void)cmd;
	if (!qt_has(a, QTCPIP_A_IFINDEX) || l->n >= l->max)
		return 0;
	d = &l->devs[l->n++];
	memset(d, 0, sizeof(*d));
	d->ifindex = qt_u32(a, QTCPIP_A_IFINDEX);
	snprintf(d->ifname, sizeof(d->ifname), "%s",
		 qt_str(a, QTCPIP_A_IFNAME) ?:
		 qt_ifname(d->ifindex, name));
	snprintf(d->model, sizeof(d->model), "%s",
		 qt_str(a, QTCPIP_A_MODEL) ?: "");
	return 0;
}

int qt_dev_list(struct qt_nl *nl, struct qt_dev_info *devs, int max,
		struct qt_err *err)
{
	struct dev_list l = { .devs = devs, .max = max };
	struct nlmsghdr *nlh;
	int ret;

	nlh = qt_nl_req(nl, QTCPIP_CMD_DEV_GET, NLM_F_DUMP);
	ret = qt_nl_talk(nl, nlh, list_cb, &l, err);
	return ret ? ret : l.n;
}

/* The model of one device, "" when unknown (best effort). */
const char *qt_dev_model(struct qt_nl *nl, uint32_t ifindex)
{
	static struct qt_dev_info d;
	struct dev_list l = { .devs = &d, .max = 1 };
	struct nlmsghdr *nlh;
	struct qt_err err;

	memset(&d, 0, sizeof(d));
	nlh = qt_nl_req(nl, QTCPIP_CMD_DEV_GET, NLM_F_ACK);
	mnl_attr_put_u32(nlh, QTCPIP_A_IFINDEX, ifindex);
	if (qt_nl_talk(nl, nlh, list_cb, &l, &err))
		return "";
	return d.model;
}

/*
 * qt_report() for a request about one device: an EOPNOTSUPP that comes
 * without a reason gets one, as the model is the usual reason.
 */
int qt_report_dev(struct qt_nl *nl, const char *what, int ret,
		  struct qt_err *err, uint32_t ifindex)
{
	if (ret == -EOPNOTSUPP && !err->msg[0]) {
		const char *model = qt_dev_model(nl, ifindex);

		if (*model)
			snprintf(err->msg, sizeof(err->msg),
				 "not supported on %s", model);
	}
	return qt_report(what, ret, err);
}

/* ---- dev show ---- */

static void print_ctx_brief(const struct qt_attrs *c)
{
	out_obj_open(NULL);
	out_uint("id", "    ctx %llu", qt_u8(c, QTCPIP_A_CTX_ID));
	if (qt_has(c, QTCPIP_A_CTX_ACTIVE))
		out_bool("active", NULL, qt_u8(c, QTCPIP_A_CTX_ACTIVE));
	out_text(" %s", qt_u8(c, QTCPIP_A_CTX_ACTIVE) ? "active" : "inactive");
	if (qt_str(c, QTCPIP_A_CTX_ADDR) && *qt_str(c, QTCPIP_A_CTX_ADDR))
		out_str("address", " address %s",
			qt_str(c, QTCPIP_A_CTX_ADDR));
	if (qt_str(c, QTCPIP_A_CTX_APN))
		out_str("apn", " apn \"%s\"", qt_str(c, QTCPIP_A_CTX_APN));
	out_text("\n");
	out_obj_close();
}

static int show_cb(const struct nlmsghdr *nlh, uint8_t cmd,
		   const struct qt_attrs *a, void *data)
{
	char name[IF_NAMESIZE];
	const struct nlattr *attr;
	uint32_t ifindex = qt_u32(a, QTCPIP_A_IFINDEX);
	bool any = false;

	(void)cmd;
	(void)data;
	out_obj_open(NULL);
	out_uint("ifindex", NULL, ifindex);
	out_str("ifname", "%s:", qt_str(a, QTCPIP_A_IFNAME) ?:
		qt_ifname(ifindex, name));
	if (qt_has(a, QTCPIP_A_MODEL))
		out_str("model", " %s", qt_str(a, QTCPIP_A_MODEL));
	if (qt_has(a, QTCPIP_A_REVISION))
		out_str("revision", " revision %s",
			qt_str(a, QTCPIP_A_REVISION));
	if (qt_has(a, QTCPIP_A_IMEI))
		out_str("imei", " imei %s", qt_str(a, QTCPIP_A_IMEI));
	out_text("\n   ");
	if (qt_has(a, QTCPIP_A_STATE))
		out_str("state", " state %s",
			qt_state_name(qt_u8(a, QTCPIP_A_STATE)));
	if (qt_has(a, QTCPIP_A_TTY))
		out_str("tty", " tty %s", qt_str(a, QTCPIP_A_TTY));
	if (qt_has(a, QTCPIP_A_DIALECT))
		out_str("dialect", " dialect %s", qt_str(a, QTCPIP_A_DIALECT));
	if (qt_has(a, QTCPIP_A_BAUD))
		out_uint("baud", " baud %llu", qt_u32(a, QTCPIP_A_BAUD));
	if (qt_has(a, QTCPIP_A_MAX_BAUD))
		out_uint("max_baud", " max-baud %llu",
			 qt_u32(a, QTCPIP_A_MAX_BAUD));
	if (qt_has(a, QTCPIP_A_BAUD_FAILED))
		out_uint("baud_failed", " (no answer at %llu)",
			 qt_u32(a, QTCPIP_A_BAUD_FAILED));
	out_text("\n   ");
	if (qt_has(a, QTCPIP_A_MAX_CONN))
		out_uint("max_conn", " connections %llu",
			 qt_u32(a, QTCPIP_A_MAX_CONN));
	if (qt_has(a, QTCPIP_A_MAX_CTX))
		out_uint("max_ctx", " contexts %llu",
			 qt_u32(a, QTCPIP_A_MAX_CTX));
	if (qt_has(a, QTCPIP_A_MAX_SEND))
		out_uint("max_send", " send %llu",
			 qt_u32(a, QTCPIP_A_MAX_SEND));
	if (qt_has(a, QTCPIP_A_MAX_READ))
		out_uint("max_read", " read %llu",
			 qt_u32(a, QTCPIP_A_MAX_READ));
	out_text("\n");
	out_arr_open("contexts");
	mnl_attr_for_each(attr, nlh, GENL_HDRLEN) {
		struct qt_attrs c;

		if (mnl_attr_get_type(attr) != QTCPIP_A_CTX ||
		    qt_parse_nested(attr, &c))
			continue;
		print_ctx_brief(&c);
		any = true;
	}
	if (!any)
		out_text("    no active context\n");
	out_arr_close();
	out_obj_close();
	return 0;
}

static int dev_show(struct cmdline *cl)
{
	struct nlmsghdr *nlh;
	struct qt_err err;
	struct qt_nl *nl;
	uint32_t ifindex = 0;
	int ret;

	while (cl->argc > 0) {
		if (!strcmp(cl->argv[0], "dev")) {
			const char *v = next_arg(cl, "dev");

			if (!v)
				return usage_error(cl, "'dev' needs a device name");
			ret = dev_index(cl, v, &ifindex);
			if (ret)
				return ret;
		} else if (is_help(cl->argv[0])) {
			return print_usage(dev_usage, QT_EXIT_OK);
		} else {
			return usage_error(cl, "unexpected argument '%s'",
					   cl->argv[0]);
		}
		cl->argc--;
		cl->argv++;
	}
	nl = qt_open_or_report();
	if (!nl)
		return QT_EXIT_FAIL;
	if (ifindex) {
		nlh = qt_nl_req(nl, QTCPIP_CMD_DEV_GET, NLM_F_ACK);
		mnl_attr_put_u32(nlh, QTCPIP_A_IFINDEX, ifindex);
	} else {
		nlh = qt_nl_req(nl, QTCPIP_CMD_DEV_GET, NLM_F_DUMP);
	}
	out_begin();
	ret = qt_nl_talk(nl, nlh, show_cb, NULL, &err);
	out_end();
	qt_nl_close(nl);
	return ret ? qt_report("dev show", ret, &err) : QT_EXIT_OK;
}

/* dev set dev DEV dialect NAME: the profile of a module of unknown model;
 * max-baud RATE: the line rate limit.
 */
static int dev_set(struct cmdline *cl)
{
	const char *dialect = NULL;
	long long baud = -1;
	struct nlmsghdr *nlh;
	struct qt_err err;
	struct qt_nl *nl;
	uint32_t ifindex = 0;
	int ret;

	while (cl->argc > 0) {
		const char *k = cl->argv[0];
		const char *v = next_arg(cl, k);

		if (is_help(k))
			return print_usage(dev_usage, QT_EXIT_OK);
		if (!v)
			return usage_error(cl, "'%s' needs a value", k);
		if (!strcmp(k, "dev")) {
			ret = dev_index(cl, v, &ifindex);
			if (ret)
				return ret;
		} else if (!strcmp(k, "dialect")) {
			dialect = strcmp(v, "auto") ? v : "";
		} else if (!strcmp(k, "max-baud")) {
			char *e;

			baud = strtoll(v, &e, 10);
			if (*e || e == v || baud < 0 || baud > UINT32_MAX)
				return usage_error(cl, "bad max-baud '%s'", v);
		} else {
			return usage_error(cl, "unexpected argument '%s'", k);
		}
		cl->argc--;
		cl->argv++;
	}
	if (!ifindex || (!dialect && baud < 0))
		return usage_error(cl, "'dev' and 'dialect' are required (or 'max-baud')");
	nl = qt_open_or_report();
	if (!nl)
		return QT_EXIT_FAIL;
	nlh = qt_nl_req(nl, QTCPIP_CMD_DEV_SET, NLM_F_ACK);
	mnl_attr_put_u32(nlh, QTCPIP_A_IFINDEX, ifindex);
	if (dialect)
		mnl_attr_put_strz(nlh, QTCPIP_A_DIALECT, dialect);
	if (baud >= 0)
		mnl_attr_put_u32(nlh, QTCPIP_A_MAX_BAUD, baud);
	ret = qt_nl_talk(nl, nlh, NULL, NULL, &err);
	qt_nl_close(nl);
	return ret ? qt_report("dev set", ret, &err) : QT_EXIT_OK;
}

int do_dev(int argc, char **argv)
{
	struct cmdline cl = {
		.argc = argc - 1, .argv = argv + 1,
		.what = "dev show", .usage = dev_usage,
	};

	if (argc < 1 || matches(argv[0], "show") || matches(argv[0], "list") ||
	    !strcmp(argv[0], "ls")) {
		if (argc < 1)
			cl.argc = 0;
		return dev_show(&cl);
	}
	if (!strcmp(argv[0], "set")) {
		cl.what = "dev set";
		return dev_set(&cl);
	}
	if (is_help(argv[0]))
		return print_usage(dev_usage, QT_EXIT_OK);
	fprintf(stderr, "%s: dev: unknown command '%s'\n", prog, argv[0]);
	return print_usage(dev_usage, QT_EXIT_USAGE);
}
