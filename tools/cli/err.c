// SPDX-License-Identifier: GPL-2.0
/*
 * qtcpip err: AT+QIGETERROR, the module's code and text of the last TCPIP
 * command (0 "operation successfully" after a success).
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "cli.h"

/*
 * The error descriptions of both manuals' chapter 3 (and the UC20's
 * AT+QPING final results): an extack message that is one of them is the
 * module's own reason, and is shown as such.
 */
static const char *const module_texts[] = {
	/* BC66 */
	"unknown error", "operation blocked", "invalid parameters",
	"memory not enough", "create socket failed",
	"operation not supported", "socket bind failed",
	"socket listen failed", "socket write failed", "socket read failed",
	"socket accept failed", "open PDP context failed",
	"close PDP context failed", "socket identity has been used",
	"DNS busy", "DNS parsed failed", "socket connect failed",
	"socket has been closed", "operation busy", "operation timeout",
	"PDP context break down", "cancel send", "operation not allowed",
	"APN not configured", "port busy",
	/* UC20 (the others are the BC66's in another case) */
	"Open connection failed", "Connection has been closed",
	"Active PDP failed", "Invalid IP address", "Invalid socket ID",
	"Specified socket index has been used",
	"PDP has already been activated", "Invalid APP type",
	"DNS parse failed", "Invalid operation", "Bind socket failed",
	"Socket index unused", "No NTP response returns",
	"PDP is activating", "DNS parse busy",
	/* UC20 AT+QPING final results 3, 4, 5 as the kernel words them */
	"the TCP/IP stack is busy", "host not found",
	"PDP context activation failed",
};

bool qt_module_text(const char *msg)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(module_texts); i++)
		if (!strcasecmp(msg, module_texts[i]))
			return true;
	return false;
}

static const char err_usage[] =
"Usage: qtcpip err [ show ] [ dev DEV ]\n";

static int err_cb(const struct nlmsghdr *nlh, uint8_t cmd,
		  const struct qt_attrs *a, void *data)
{
	const char *ifname = data;

	(void)nlh;
	(void)cmd;
	out_obj_open(NULL);
	out_str("ifname", "%s:", ifname);
	out_uint("code", " error %llu", qt_u32(a, QTCPIP_A_ERR_CODE));
	out_str("text", ": %s", qt_str(a, QTCPIP_A_ERR_TEXT) ?: "");
	out_text("\n");
	out_obj_close();
	return 0;
}

static int err_one(struct qt_nl *nl, uint32_t ifindex, const char *ifname,
		   struct qt_err *err)
{
	struct nlmsghdr *nlh;

	nlh = qt_nl_req(nl, QTCPIP_CMD_ERR_GET, NLM_F_ACK);
	mnl_attr_put_u32(nlh, QTCPIP_A_IFINDEX, ifindex);
	return qt_nl_talk(nl, nlh, err_cb, (void *)ifname, err);
}

int do_err(int argc, char **argv)
{
	struct cmdline cl = {
		.argc = argc, .argv = argv, .what = "err", .usage = err_usage,
	};
	struct qt_dev_info devs[64];
	struct target t = { 0 };
	struct qt_err err;
	struct qt_nl *nl;
	int i, n, ret;

	if (cl.argc > 0 && (matches(cl.argv[0], "show") ||
			    !strcmp(cl.argv[0], "list"))) {
		cl.argc--;
		cl.argv++;
	}
	for (; cl.argc > 0; cl.argc--, cl.argv++) {
		if (is_help(cl.argv[0]))
			return print_usage(err_usage, QT_EXIT_OK);
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
	out_begin();
	if (t.ifname) {
		ret = err_one(nl, t.ifindex, t.ifname, &err);
		out_end();
		if (ret)
			ret = qt_report_dev(nl, "err", ret, &err, t.ifindex);
		qt_nl_close(nl);
		return ret;
	}
	ret = 0;
	n = qt_dev_list(nl, devs, ARRAY_SIZE(devs), &err);
	if (n < 0)
		ret = qt_report("err", n, &err);
	for (i = 0; i < n; i++) {
		int r = err_one(nl, devs[i].ifindex, devs[i].ifname, &err);

		if (r) {
			ret = qt_report("err", r, &err);
			if (ret == QT_EXIT_INTR)
				break;
		}
	}
	out_end();
	qt_nl_close(nl);
	return ret;
}
