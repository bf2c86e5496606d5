// SPDX-License-Identifier: GPL-2.0
/*
 * qtcpip ntp: AT+QNTP. The module reports the time as
 * "YY/MM/DD,hh:mm:ss+zz" (BC66) or "YYYY/MM/DD,hh:mm:ss+zz" (UC20), zz in
 * quarter hours; it is shown in ISO 8601 with the module's text beside.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"

static const char ntp_usage[] =
"Usage: qtcpip ntp dev DEV [ id ID ] SERVER[:PORT] [ set-clock ]\n"
"ID := 1-16, default 1; PORT := 1-65535, default 123;\n"
"IPv6 literals with a port: [ADDR]:PORT\n";

struct ntp_out {
	const char *ifname;
	unsigned int id;
	const char *server;
	unsigned int port;
	bool set_clock;
};

/* The module's time as ISO 8601 and seconds since the epoch. */
static int module_time(const char *s, char *iso, size_t size, long long *epoch)
{
	int y, mo, d, h, mi, se, zz, n = 0;
	char sign;
	struct tm tm = { 0 };
	int off;

	if (sscanf(s, "%d/%d/%d,%d:%d:%d%c%d%n", &y, &mo, &d, &h, &mi, &se,
		   &sign, &zz, &n) != 8 || s[n] || (sign != '+' && sign != '-'))
		return -EINVAL;
	if (y < 100)
		y += 2000;
	if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 ||
	    se > 60 || zz < 0 || zz > 56 || y < 1970)
		return -EINVAL;
	off = (sign == '-' ? -zz : zz) * 15 * 60;
	tm.tm_year = y - 1900;
	tm.tm_mon = mo - 1;
	tm.tm_mday = d;
	tm.tm_hour = h;
	tm.tm_min = mi;
	tm.tm_sec = se;
	*epoch = (long long)timegm(&tm) - off;
	snprintf(iso, size, "%04d-%02d-%02dT%02d:%02d:%02d%c%02d:%02d", y, mo,
		 d, h, mi, se, sign, zz * 15 / 60, zz * 15 % 60);
	return 0;
}

static int ntp_cb(const struct nlmsghdr *nlh, uint8_t cmd,
		  const struct qt_attrs *a, void *data)
{
	struct ntp_out *o = data;
	const char *t = qt_str(a, QTCPIP_A_NTP_TIME);
	long long epoch;
	char iso[64];

	(void)nlh;
	(void)cmd;
	if (!t)
		return 0;
	out_obj_open(NULL);
	out_str("ifname", "%s:", o->ifname);
	out_uint("id", NULL, o->id);
	out_str("server", NULL, o->server);
	if (o->port)
		out_uint("port", NULL, o->port);
	else
		out_null("port");
	if (!module_time(t, iso, sizeof(iso), &epoch)) {
		out_str("time", " %s", iso);
		out_int("epoch", NULL, epoch);
	} else {
		out_null("time");
	}
	out_str("module_time", " (module: \"%s\")", t);
	out_bool("clock_set", NULL, o->set_clock);
	if (o->set_clock)
		out_text(", module clock set");
	out_text("\n");
	out_obj_close();
	return 0;
}

/* SERVER, SERVER:PORT, [V6]:PORT, or a bare IPv6 literal. */
static int split_server(char *arg, const char **server, uint32_t *port)
{
	char *colon;

	*port = 0;
	if (arg[0] == '[') {
		char *end = strchr(arg, ']');

		if (!end || end == arg + 1)
			return -EINVAL;
		*end = 0;
		*server = arg + 1;
		if (!end[1])
			return 0;
		if (end[1] != ':')
			return -EINVAL;
		return parse_u32(end + 2, 1, 65535, port);
	}
	*server = arg;
	colon = strchr(arg, ':');
	if (!colon || strchr(colon + 1, ':'))
		return *arg ? 0 : -EINVAL;	/* no port, or IPv6 */
	*colon = 0;
	if (!*arg)
		return -EINVAL;
	return parse_u32(colon + 1, 1, 65535, port);
}

int do_ntp(int argc, char **argv)
{
	struct cmdline cl = {
		.argc = argc, .argv = argv, .what = "ntp",
		.usage = ntp_usage,
	};
	struct target t = { .id = 1 };
	struct ntp_out o = { 0 };
	char *spec = NULL, copy[300];
	struct nlmsghdr *nlh;
	struct qt_err err;
	struct qt_nl *nl;
	uint32_t port;
	int ret;

	for (; cl.argc > 0; cl.argc--, cl.argv++) {
		const char *k = cl.argv[0];

		ret = target_arg(&cl, &t);
		if (ret < 0)
			return -ret;
		if (ret)
			continue;
		if (is_help(k))
			return print_usage(ntp_usage, QT_EXIT_OK);
		if (!strcmp(k, "set-clock"))
			o.set_clock = true;
		else if (spec)
			return usage_error(&cl, "unexpected argument '%s'", k);
		else
			spec = cl.argv[0];
	}
	if (!t.ifname)
		return usage_error(&cl, "'dev' is required");
	if (!spec)
		return usage_error(&cl, "a server is required");
	/* split in a copy: the message quotes what the user wrote */
	snprintf(copy, sizeof(copy), "%s", spec);
	if (strlen(spec) >= sizeof(copy) || split_server(copy, &o.server, &port))
		return usage_error(&cl, "bad server '%s' (SERVER[:PORT], PORT 1-65535)",
				   spec);
	o.ifname = t.ifname;
	o.id = t.id;
	o.port = port;
	nl = qt_open_or_report();
	if (!nl)
		return QT_EXIT_FAIL;
	nlh = qt_nl_req(nl, QTCPIP_CMD_NTP, NLM_F_ACK);
	mnl_attr_put_u32(nlh, QTCPIP_A_IFINDEX, t.ifindex);
	mnl_attr_put_u8(nlh, QTCPIP_A_CTX_ID, t.id);
	mnl_attr_put_strz(nlh, QTCPIP_A_NTP_SERVER, o.server);
	if (port)
		mnl_attr_put_u16(nlh, QTCPIP_A_NTP_PORT, port);
	if (o.set_clock)
		mnl_attr_put(nlh, QTCPIP_A_NTP_SET_CLOCK, 0, NULL);
	install_sigint();
	out_begin();
	ret = qt_nl_talk(nl, nlh, ntp_cb, &o, &err);
	out_end();
	if (ret)
		ret = qt_report_dev(nl, "ntp", ret, &err, t.ifindex);
	qt_nl_close(nl);
	return ret;
}
