// SPDX-License-Identifier: GPL-2.0
/*
 * Timestamped trace of both directions of the serial line. Each record is
 * one line: seconds since start, a direction tag and the bytes as a C
 * string literal, so that binary payloads stay readable and greppable.
 */
#include <stdio.h>
#include <stdlib.h>
#include "emu.h"

static FILE *tf;
static uint64_t t0;

void trace_open(const char *path)
{
	t0 = now_ns();
	if (!path)
		return;
	tf = fopen(path, "w");
	if (!tf) {
		perror(path);
		exit(1);
	}
	setvbuf(tf, NULL, _IOLBF, 0);
}

static void stamp(const char *dir)
{
	uint64_t t = now_ns() - t0;

	fprintf(tf, "%5llu.%06llu %s ", (unsigned long long)(t / 1000000000ULL),
		(unsigned long long)(t % 1000000000ULL / 1000), dir);
}

void trace_data(const char *dir, const void *p, size_t n)
{
	const unsigned char *s = p;
	size_t i;

	if (!tf || !n)
		return;
	stamp(dir);
	fprintf(tf, "%zu \"", n);
	for (i = 0; i < n; i++) {
		unsigned char c = s[i];

		if (c == '\r')
			fputs("\\r", tf);
		else if (c == '\n')
			fputs("\\n", tf);
		else if (c == '"' || c == '\\')
			fprintf(tf, "\\%c", c);
		else if (c >= 0x20 && c < 0x7f)
			fputc(c, tf);
		else
			fprintf(tf, "\\x%02x", c);
	}
	fputs("\"\n", tf);
}

void trace_note(const char *fmt, ...)
{
	va_list ap;

	if (!tf)
		return;
	stamp("--");
	va_start(ap, fmt);
	vfprintf(tf, fmt, ap);
	va_end(ap);
	fputc('\n', tf);
}

void logmsg(const char *fmt, ...)
{
	va_list ap;

	fputs("qtcpip-emu: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	if (tf) {
		stamp("--");
		va_start(ap, fmt);
		vfprintf(tf, fmt, ap);
		va_end(ap);
		fputc('\n', tf);
	}
}
