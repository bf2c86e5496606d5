// SPDX-License-Identifier: GPL-2.0
/*
 * Output in text or JSON through one set of calls, the way iproute2 does
 * it: each value names its JSON key and its text format, so the two forms
 * cannot drift apart.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"

#define JSON_DEPTH	16

static struct {
	int depth;
	bool first[JSON_DEPTH];	/* no member written yet at this level */
} J;

static void indent(void)
{
	int i;

	if (!opt_pretty)
		return;
	putchar('\n');
	for (i = 0; i < J.depth; i++)
		fputs("    ", stdout);
}

static void json_escaped(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	putchar('"');
	for (; *p; p++) {
		switch (*p) {
		case '"':
			fputs("\\\"", stdout);
			break;
		case '\\':
			fputs("\\\\", stdout);
			break;
		case '\n':
			fputs("\\n", stdout);
			break;
		case '\r':
			fputs("\\r", stdout);
			break;
		case '\t':
			fputs("\\t", stdout);
			break;
		default:
			/* bytes >= 0x80 are not ours to vouch for as UTF-8 */
			if (*p < 0x20 || *p >= 0x7f)
				printf("\\u%04x", *p);
			else
				putchar(*p);
		}
	}
	putchar('"');
}

/* Separator and key of the next member at the current level. */
static void member(const char *key)
{
	if (J.depth > 0) {
		if (!J.first[J.depth])
			putchar(',');
		J.first[J.depth] = false;
		indent();
	}
	if (key) {
		json_escaped(key);
		putchar(':');
		if (opt_pretty)
			putchar(' ');
	}
}

static void open_level(const char *key, char c)
{
	member(key);
	putchar(c);
	if (J.depth + 1 < JSON_DEPTH)
		J.depth++;
	J.first[J.depth] = true;
}

static void close_level(char c)
{
	bool empty = J.first[J.depth];

	if (J.depth > 0)
		J.depth--;
	if (!empty)
		indent();
	putchar(c);
	if (J.depth == 0)
		putchar('\n');
}

void out_begin(void)
{
	if (opt_json)
		open_level(NULL, '[');
}

void out_end(void)
{
	if (opt_json)
		close_level(']');
	fflush(stdout);
}

void out_obj_open(const char *key)
{
	if (opt_json)
		open_level(key, '{');
}

void out_obj_close(void)
{
	if (opt_json)
		close_level('}');
}

void out_arr_open(const char *key)
{
	if (opt_json)
		open_level(key, '[');
}

void out_arr_close(void)
{
	if (opt_json)
		close_level(']');
}

void out_str(const char *key, const char *fmt, const char *val)
{
	if (opt_json) {
		if (!key)
			return;
		member(key);
		json_escaped(val ? val : "");
	} else if (fmt) {
		printf(fmt, val ? val : "");
	}
}

/* An element of an array: a value without a key. */
void out_str_elem(const char *fmt, const char *val)
{
	if (opt_json) {
		member(NULL);
		json_escaped(val ? val : "");
	} else if (fmt) {
		printf(fmt, val ? val : "");
	}
}

void out_uint_elem(const char *fmt, unsigned long long val)
{
	if (opt_json) {
		member(NULL);
		printf("%llu", val);
	} else if (fmt) {
		printf(fmt, val);
	}
}

void out_uint(const char *key, const char *fmt, unsigned long long val)
{
	if (opt_json) {
		if (!key)
			return;
		member(key);
		printf("%llu", val);
	} else if (fmt) {
		printf(fmt, val);
	}
}

void out_int(const char *key, const char *fmt, long long val)
{
	if (opt_json) {
		if (!key)
			return;
		member(key);
		printf("%lld", val);
	} else if (fmt) {
		printf(fmt, val);
	}
}

void out_bool(const char *key, const char *fmt, bool val)
{
	if (opt_json) {
		if (!key)
			return;
		member(key);
		fputs(val ? "true" : "false", stdout);
	} else if (fmt) {
		printf(fmt, val ? "yes" : "no");
	}
}

void out_null(const char *key)
{
	if (opt_json && key) {
		member(key);
		fputs("null", stdout);
	}
}

void out_text(const char *fmt, ...)
{
	va_list ap;

	if (opt_json)
		return;
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
}

void out_flush(void)
{
	fflush(stdout);
}
