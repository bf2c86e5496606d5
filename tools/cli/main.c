// SPDX-License-Identifier: GPL-2.0
/*
 * qtcpip(8): control the qtcpip driver (PDP contexts, DNS, ping, NTP,
 * module configuration and errors, sockets, events) over its generic
 * netlink family, in the style of iproute2:
 *
 *	qtcpip [OPTIONS] OBJECT { COMMAND | help } [ARGS]
 */
#include <errno.h>
#include <net/if.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

bool opt_json;
bool opt_pretty;
bool opt_timestamp;
const char *prog = "qtcpip";
volatile sig_atomic_t qt_interrupted;

static const char usage_text[] =
"Usage: qtcpip [OPTIONS] OBJECT { COMMAND | help }\n"
"       qtcpip help\n"
"where  OBJECT := { dev | ctx | dns | ping | ntp | cfg | err | sock | monitor }\n"
"       OPTIONS := { -j[son] | -p[retty] | -t[imestamp] | -V[ersion] | -h[elp] }\n";

/* An unambiguous prefix of word, as iproute2 accepts ("d" for "dev"). */
bool matches(const char *arg, const char *word)
{
	size_t n = strlen(arg);

	return n > 0 && n <= strlen(word) && !strncmp(arg, word, n);
}

bool is_help(const char *arg)
{
	return !strcmp(arg, "help") || !strcmp(arg, "-h") ||
	       !strcmp(arg, "--help");
}

int print_usage(const char *text, int status)
{
	fputs(text, status ? stderr : stdout);
	return status;
}

int usage_error(const struct cmdline *cl, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: %s: ", prog, cl->what);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	if (cl->usage)
		fputs(cl->usage, stderr);
	return QT_EXIT_USAGE;
}

/* The argument after a keyword, or NULL (the caller reports it). */
const char *next_arg(struct cmdline *cl, const char *keyword)
{
	(void)keyword;
	if (cl->argc < 2)
		return NULL;
	cl->argc--;
	cl->argv++;
	return cl->argv[0];
}

int parse_u32(const char *s, uint32_t min, uint32_t max, uint32_t *v)
{
	unsigned long long n;
	char *end;

	if (!s || !*s || *s == '-' || *s == '+')
		return -EINVAL;
	errno = 0;
	n = strtoull(s, &end, 10);
	if (errno || *end || n < min || n > max)
		return -ERANGE;
	*v = n;
	return 0;
}

int dev_index(const struct cmdline *cl, const char *name, uint32_t *ifindex)
{
	if (strlen(name) >= IF_NAMESIZE) {
		fprintf(stderr, "%s: %s: device name '%s' is too long\n", prog,
			cl->what, name);
		return QT_EXIT_USAGE;
	}
	*ifindex = if_nametoindex(name);
	if (!*ifindex) {
		fprintf(stderr, "%s: %s: cannot find device '%s'\n", prog,
			cl->what, name);
		return QT_EXIT_FAIL;
	}
	return 0;
}

/*
 * "dev NAME" and "id N", common to most commands. Returns 1 when
 * cl->argv[0] was one of them (its value consumed too), 0 when it was
 * not, and minus an exit status on error (already reported).
 */
int target_arg(struct cmdline *cl, struct target *t)
{
	const char *v;
	int ret;

	if (!strcmp(cl->argv[0], "dev")) {
		v = next_arg(cl, "dev");
		if (!v)
			return -usage_error(cl, "'dev' needs a device name");
		if (t->ifname)
			return -usage_error(cl, "'dev' given twice");
		ret = dev_index(cl, v, &t->ifindex);
		if (ret)
			return -ret;
		t->ifname = v;
		return 1;
	}
	if (!strcmp(cl->argv[0], "id") || !strcmp(cl->argv[0], "ctx")) {
		v = next_arg(cl, "id");
		if (!v)
			return -usage_error(cl, "'id' needs a context number");
		/* the widest range of the two manuals; the model's own
		 * limit (BC66: 1-3) is the kernel's to check
		 */
		if (parse_u32(v, 1, 16, &t->id))
			return -usage_error(cl, "bad context id '%s' (1-16)", v);
		t->has_id = true;
		return 1;
	}
	return 0;
}

static void on_signal(int sig)
{
	(void)sig;
	qt_interrupted = 1;
}

/* SIGINT/SIGTERM interrupt blocking calls (no SA_RESTART). */
void install_sigint(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
}

static const struct {
	const char *name;
	int (*fn)(int argc, char **argv);
} objects[] = {
	/* in the order prefixes are tried */
	{ "dev", do_dev },
	{ "ctx", do_ctx },
	{ "context", do_ctx },
	{ "dns", do_dns },
	{ "ping", do_ping },
	{ "ntp", do_ntp },
	{ "cfg", do_cfg },
	{ "config", do_cfg },
	{ "err", do_err },
	{ "error", do_err },
	{ "sock", do_sock },
	{ "socket", do_sock },
	{ "monitor", do_monitor },
};

int main(int argc, char **argv)
{
	size_t i;

	argc--;
	argv++;
	while (argc > 0 && argv[0][0] == '-' && argv[0][1]) {
		const char *o = argv[0];

		if (o[1] == '-' && o[2])
			o++;	/* --json as -json */
		if (!strcmp(o, "--")) {
			argc--;
			argv++;
			break;
		}
		if (matches(o, "-json")) {
			opt_json = true;
		} else if (matches(o, "-pretty")) {
			opt_pretty = true;
		} else if (matches(o, "-timestamp")) {
			opt_timestamp = true;
		} else if (matches(o, "-Version")) {
			printf("qtcpip utility %s, generic netlink family %s version %d\n",
			       QT_VERSION, QTCPIP_GENL_NAME,
			       QTCPIP_GENL_VERSION);
			return QT_EXIT_OK;
		} else if (is_help(argv[0]) || matches(o, "-help")) {
			return print_usage(usage_text, QT_EXIT_OK);
		} else {
			fprintf(stderr, "%s: unknown option '%s'\n", prog,
				argv[0]);
			return print_usage(usage_text, QT_EXIT_USAGE);
		}
		argc--;
		argv++;
	}
	if (argc < 1) {
		fprintf(stderr, "%s: no object given\n", prog);
		return print_usage(usage_text, QT_EXIT_USAGE);
	}
	if (is_help(argv[0]))
		return print_usage(usage_text, QT_EXIT_OK);
	for (i = 0; i < ARRAY_SIZE(objects); i++)
		if (matches(argv[0], objects[i].name))
			return objects[i].fn(argc - 1, argv + 1);
	fprintf(stderr, "%s: unknown object '%s'\n", prog, argv[0]);
	return print_usage(usage_text, QT_EXIT_USAGE);
}
