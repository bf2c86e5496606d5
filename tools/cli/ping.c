// SPDX-License-Identifier: GPL-2.0
/*
 * qtcpip ping: AT+QPING through the module's stack. The kernel sends one
 * QTCPIP_CMD_PING_REPLY per request as the module reports it, then the
 * summary in the final QTCPIP_CMD_PING message; each is printed as it
 * comes, like ping(8). SIGINT stops waiting: the summary then covers the
 * replies seen so far.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"

static const char ping_usage[] =
"Usage: qtcpip ping dev DEV [ id ID ] [ -c COUNT ] [ -W TIMEOUT ] HOST\n"
"ID := 1-16, default 1; COUNT := 1-10, default 4;\n"
"TIMEOUT := seconds per request, 1-255 (default: the module's, 4 s on a\n"
"           BC66, 1 s on a UC20)\n";

struct ping_state {
	const char *host;
	unsigned int seq;	/* replies and losses so far */
	unsigned int rcvd;
	unsigned int min, max;
	unsigned long long sum;
	bool summary;		/* the module's summary came */
	unsigned int s_sent, s_rcvd, s_lost, s_min, s_max, s_avg;
};

static void print_reply(struct ping_state *p, const struct qt_attrs *a)
{
	uint32_t result = qt_u32(a, QTCPIP_A_PING_RESULT);
	uint32_t ms = qt_u32(a, QTCPIP_A_PING_TIME);

	p->seq++;
	out_obj_open(NULL);
	out_uint("seq", NULL, p->seq);
	if (result || !qt_has(a, QTCPIP_A_ADDR)) {
		/* UC20 1, BC66 569: the request timed out */
		out_bool("timeout", NULL, true);
		out_uint("result", NULL, result);
		out_text("request %u: timed out\n", p->seq);
		out_obj_close();
		out_flush();
		return;
	}
	if (!p->rcvd || ms < p->min)
		p->min = ms;
	if (ms > p->max)
		p->max = ms;
	p->sum += ms;
	p->rcvd++;
	out_uint("bytes", "%llu bytes", qt_u32(a, QTCPIP_A_PING_BYTES));
	out_str("address", " from %s:", qt_str(a, QTCPIP_A_ADDR));
	out_text(" seq=%u", p->seq);
	out_uint("ttl", " ttl=%llu", qt_u32(a, QTCPIP_A_TTL));
	out_uint("time", " time=%llu ms\n", ms);
	out_obj_close();
	out_flush();
}

static int ping_cb(const struct nlmsghdr *nlh, uint8_t cmd,
		   const struct qt_attrs *a, void *data)
{
	struct ping_state *p = data;

	(void)nlh;
	if (cmd == QTCPIP_CMD_PING_REPLY) {
		print_reply(p, a);
	} else if (cmd == QTCPIP_CMD_PING && qt_has(a, QTCPIP_A_PING_SENT)) {
		p->summary = true;
		p->s_sent = qt_u32(a, QTCPIP_A_PING_SENT);
		p->s_rcvd = qt_u32(a, QTCPIP_A_PING_RCVD);
		p->s_lost = qt_u32(a, QTCPIP_A_PING_LOST);
		p->s_min = qt_u32(a, QTCPIP_A_PING_MIN);
		p->s_max = qt_u32(a, QTCPIP_A_PING_MAX);
		p->s_avg = qt_u32(a, QTCPIP_A_PING_AVG);
	}
	return 0;
}

static void print_summary(struct ping_state *p, bool interrupted)
{
	unsigned int sent, rcvd, lost, min, max, avg;

	if (p->summary) {
		sent = p->s_sent;
		rcvd = p->s_rcvd;
		lost = p->s_lost;
		min = p->s_min;
		max = p->s_max;
		avg = p->s_avg;
	} else {
		/* interrupted or failed: what the replies so far say */
		sent = p->seq;
		rcvd = p->rcvd;
		lost = sent - rcvd;
		min = p->min;
		max = p->max;
		avg = rcvd ? p->sum / rcvd : 0;
	}
	out_arr_close();
	out_text("\n--- %s ping statistics ---\n", p->host);
	out_uint("sent", "%llu ", sent);
	out_text("request%s sent, ", sent == 1 ? "" : "s");
	out_uint("received", "%llu received, ", rcvd);
	out_uint("lost", NULL, lost);
	out_text("%u%% loss\n", sent ? (sent - rcvd) * 100 / sent : 0);
	if (rcvd) {
		out_uint("min", "rtt min/avg/max = %llu/", min);
		out_uint("avg", "%llu/", avg);
		out_uint("max", "%llu ms\n", max);
	}
	out_bool("interrupted", NULL, interrupted);
	out_obj_close();
	out_end();
}

int do_ping(int argc, char **argv)
{
	struct cmdline cl = {
		.argc = argc, .argv = argv, .what = "ping",
		.usage = ping_usage,
	};
	struct target t = { .id = 1 };
	struct ping_state p = { 0 };
	uint32_t count = 0, timeout = 0;
	struct nlmsghdr *nlh;
	struct qt_err err;
	struct qt_nl *nl;
	int ret;

	for (; cl.argc > 0; cl.argc--, cl.argv++) {
		const char *k = cl.argv[0], *v;

		ret = target_arg(&cl, &t);
		if (ret < 0)
			return -ret;
		if (ret)
			continue;
		if (is_help(k))
			return print_usage(ping_usage, QT_EXIT_OK);
		if (!strcmp(k, "-c") || !strcmp(k, "count")) {
			v = next_arg(&cl, k);
			if (!v || parse_u32(v, 1, 10, &count))
				return usage_error(&cl, "bad count '%s' (1-10)",
						   v ?: "");
		} else if (!strcmp(k, "-W") || !strcmp(k, "timeout")) {
			v = next_arg(&cl, k);
			if (!v || parse_u32(v, 1, 255, &timeout))
				return usage_error(&cl, "bad timeout '%s' (1-255 seconds)",
						   v ?: "");
		} else if (k[0] == '-' && k[1]) {
			return usage_error(&cl, "unknown option '%s'", k);
		} else if (p.host) {
			return usage_error(&cl, "unexpected argument '%s'", k);
		} else {
			p.host = k;
		}
	}
	if (!t.ifname)
		return usage_error(&cl, "'dev' is required");
	if (!p.host)
		return usage_error(&cl, "a host is required");
	nl = qt_open_or_report();
	if (!nl)
		return QT_EXIT_FAIL;
	nlh = qt_nl_req(nl, QTCPIP_CMD_PING, NLM_F_ACK);
	mnl_attr_put_u32(nlh, QTCPIP_A_IFINDEX, t.ifindex);
	mnl_attr_put_u8(nlh, QTCPIP_A_CTX_ID, t.id);
	mnl_attr_put_strz(nlh, QTCPIP_A_HOST, p.host);
	if (count)
		mnl_attr_put_u32(nlh, QTCPIP_A_COUNT, count);
	if (timeout)
		mnl_attr_put_u32(nlh, QTCPIP_A_TIMEOUT, timeout);

	install_sigint();
	out_begin();
	out_obj_open(NULL);
	out_str("ifname", NULL, t.ifname);
	out_uint("id", NULL, t.id);
	out_str("host", NULL, p.host);
	out_text("PING %s via %s ctx %u", p.host, t.ifname, t.id);
	if (count)
		out_text(", %u request%s", count, count > 1 ? "s" : "");
	if (timeout)
		out_text(", timeout %u s", timeout);
	out_text("\n");
	out_arr_open("replies");
	out_flush();
	ret = qt_nl_talk(nl, nlh, ping_cb, &p, &err);
	if (ret == -EINTR) {
		print_summary(&p, true);
		qt_nl_close(nl);
		return QT_EXIT_INTR;
	}
	if (ret && !p.seq) {
		/* nothing to sum up: only the error */
		out_arr_close();
		out_obj_close();
		out_end();
		ret = qt_report_dev(nl, "ping", ret, &err, t.ifindex);
		qt_nl_close(nl);
		return ret;
	}
	print_summary(&p, false);
	if (ret)
		ret = qt_report_dev(nl, "ping", ret, &err, t.ifindex);
	else
		ret = (p.summary ? p.s_rcvd : p.rcvd) ? QT_EXIT_OK :
		      QT_EXIT_FAIL;
	qt_nl_close(nl);
	return ret;
}
