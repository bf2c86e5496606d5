// SPDX-License-Identifier: GPL-2.0
/*
 * qtcpip monitor: the events of the "events" multicast group, one line
 * each (JSON: one object per line), until SIGINT or SIGTERM.
 */
#include <errno.h>
#include <net/if.h>
#include <stdio.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>

#include "cli.h"

static const char monitor_usage[] =
"Usage: qtcpip [ -t ] [ -j ] monitor [ dev DEV ]\n";

static void timestamp(void)
{
	struct timeval tv;
	struct tm tm;
	char buf[64];

	gettimeofday(&tv, NULL);
	localtime_r(&tv.tv_sec, &tm);
	strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(buf + strlen(buf), sizeof(buf) - strlen(buf), ".%06ld",
		 (long)tv.tv_usec);
	out_str("timestamp", "[%s] ", buf);
}

static int event_cb(const struct nlmsghdr *nlh, uint8_t cmd,
		    const struct qt_attrs *a, void *data)
{
	const uint32_t *filter = data;
	uint32_t ifindex = qt_u32(a, QTCPIP_A_IFINDEX);
	unsigned int ev = qt_u8(a, QTCPIP_A_EVENT);
	char name[IF_NAMESIZE];

	(void)nlh;
	if (cmd != QTCPIP_CMD_EVENT || !qt_has(a, QTCPIP_A_EVENT))
		return 0;
	if (*filter && ifindex != *filter)
		return 0;
	out_obj_open(NULL);
	if (opt_timestamp)
		timestamp();
	out_uint("ifindex", NULL, ifindex);
	/* the device may be gone already (link-down on detach) */
	out_str("ifname", "%s:", qt_str(a, QTCPIP_A_IFNAME) ?:
		qt_ifname(ifindex, name));
	out_str("event", " %s", qt_event_name(ev));
	if (qt_has(a, QTCPIP_A_CTX_ID))
		out_uint("ctx_id", " ctx %llu", qt_u8(a, QTCPIP_A_CTX_ID));
	if (qt_has(a, QTCPIP_A_SOCK_CONN_ID))
		out_int("conn_id", " conn %lld",
			qt_s32(a, QTCPIP_A_SOCK_CONN_ID));
	if (qt_has(a, QTCPIP_A_MODEL))
		out_str("model", " model %s", qt_str(a, QTCPIP_A_MODEL));
	out_text("\n");
	out_obj_close();
	out_flush();
	return 0;
}

int do_monitor(int argc, char **argv)
{
	struct cmdline cl = {
		.argc = argc, .argv = argv, .what = "monitor",
		.usage = monitor_usage,
	};
	struct target t = { 0 };
	struct qt_nl *nl;
	int ret;

	for (; cl.argc > 0; cl.argc--, cl.argv++) {
		if (is_help(cl.argv[0]))
			return print_usage(monitor_usage, QT_EXIT_OK);
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
	if (qt_nl_join_events(nl)) {
		qt_nl_close(nl);
		return QT_EXIT_FAIL;
	}
	install_sigint();
	/* whoever waits for this line knows the group is joined */
	fprintf(stderr, "%s: monitoring qtcpip events\n", prog);
	ret = qt_nl_listen(nl, event_cb, &t.ifindex);
	qt_nl_close(nl);
	/* being interrupted is how a monitor ends */
	return ret == -EINTR ? QT_EXIT_OK : QT_EXIT_FAIL;
}
