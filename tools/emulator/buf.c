// SPDX-License-Identifier: GPL-2.0
/* Growable byte buffer, consumed from the front. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "emu.h"

static void buf_room(struct buf *b, size_t n)
{
	if (b->head && b->head + b->len + n > b->cap) {
		memmove(b->d, b->d + b->head, b->len);
		b->head = 0;
	}
	if (b->len + n > b->cap) {
		size_t cap = b->cap ? b->cap : 256;

		while (cap < b->len + n)
			cap *= 2;
		b->d = realloc(b->d, cap);
		if (!b->d)
			abort();
		b->cap = cap;
	}
}

void buf_put(struct buf *b, const void *p, size_t n)
{
	if (!n)
		return;
	buf_room(b, n);
	memcpy(b->d + b->head + b->len, p, n);
	b->len += n;
}

void buf_putc(struct buf *b, unsigned char c)
{
	buf_put(b, &c, 1);
}

void buf_printf(struct buf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	buf_room(b, n + 1);
	va_start(ap, fmt);
	vsnprintf((char *)b->d + b->head + b->len, n + 1, fmt, ap);
	va_end(ap);
	b->len += n;
}

void buf_drop(struct buf *b, size_t n)
{
	if (n >= b->len) {
		b->head = 0;
		b->len = 0;
		return;
	}
	b->head += n;
	b->len -= n;
}

void buf_reset(struct buf *b)
{
	b->head = 0;
	b->len = 0;
}

void buf_free(struct buf *b)
{
	free(b->d);
	memset(b, 0, sizeof(*b));
}
