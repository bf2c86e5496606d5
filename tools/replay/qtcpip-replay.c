// SPDX-License-Identifier: GPL-2.0
/* qtcpip-replay: feed raw module output from stdin to the AT parser and
 * print one event per line (format: Documentation/networking/qtcpip-replay.rst).
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "qt_fmt.h"

struct replay {
	struct qt_parser parser;
	struct qt_fmt fmt;
	bool raw_on_connect;
};

static void out_line(void *ctx, const char *line)
{
	(void)ctx;
	puts(line);
}

static void on_event(void *ctx, const struct qt_event *ev)
{
	struct replay *r = ctx;

	qt_fmt_event(&r->fmt, ev);
	/* What the engine does after ATO or a transparent AT+QIOPEN. */
	if (r->raw_on_connect && ev->type == QT_EV_FINAL &&
	    ev->final == QT_FINAL_CONNECT)
		qt_parser_set_raw(&r->parser, true);
}

static void usage(FILE *f)
{
	fprintf(f,
		"usage: qtcpip-replay [--model bc66|uc20] [--viewmode-comma] [--recv-hex]\n"
		"                     [--chunk N] [--no-echo-filter] [--raw-on-connect]\n"
		"Reads raw module output on stdin, prints one parser event per line.\n");
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "model", required_argument, NULL, 'm' },
		{ "viewmode-comma", no_argument, NULL, 'v' },
		{ "recv-hex", no_argument, NULL, 'x' },
		{ "chunk", required_argument, NULL, 'c' },
		{ "no-echo-filter", no_argument, NULL, 'e' },
		{ "raw-on-connect", no_argument, NULL, 'r' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	static struct replay r;
	static unsigned char buf[65536];
	enum qt_model model = QT_MODEL_BC66;
	bool comma = false, hex = false, echo = true;
	size_t chunk = 0;
	char *end;
	int c;

	while ((c = getopt_long(argc, argv, "m:vxc:erh", opts, NULL)) != -1) {
		switch (c) {
		case 'm':
			if (!strcmp(optarg, "bc66")) {
				model = QT_MODEL_BC66;
			} else if (!strcmp(optarg, "uc20")) {
				model = QT_MODEL_UC20;
			} else {
				fprintf(stderr, "unknown model '%s'\n", optarg);
				return 2;
			}
			break;
		case 'v':
			comma = true;
			break;
		case 'x':
			hex = true;
			break;
		case 'c':
			chunk = strtoul(optarg, &end, 0);
			if (*end || !chunk) {
				fprintf(stderr, "bad --chunk '%s'\n", optarg);
				return 2;
			}
			break;
		case 'e':
			echo = false;
			break;
		case 'r':
			r.raw_on_connect = true;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (optind != argc) {
		usage(stderr);
		return 2;
	}

	qt_fmt_init(&r.fmt, out_line, NULL);
	qt_parser_init(&r.parser, model, on_event, &r);
	qt_parser_set_viewmode(&r.parser, comma);
	qt_parser_set_recv_hex(&r.parser, hex);
	qt_parser_set_echo_filter(&r.parser, echo);

	for (;;) {
		ssize_t n = read(STDIN_FILENO, buf, sizeof(buf));
		size_t off = 0;

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			perror("read");
			return 1;
		}
		if (!n)
			break;
		while (off < (size_t)n) {
			size_t k = (size_t)n - off;

			if (chunk && k > chunk)
				k = chunk;
			qt_parser_feed(&r.parser, buf + off, k);
			off += k;
		}
	}
	qt_fmt_flush(&r.fmt);
	return fflush(stdout) ? 1 : 0;
}
