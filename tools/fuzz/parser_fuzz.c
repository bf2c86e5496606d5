// SPDX-License-Identifier: GPL-2.0
/* libFuzzer target for the qtcpip AT parser.
 *
 * Input: 3 config bytes, then raw module output.
 *   byte 0: bits 0-1 model (0 unknown, 1 BC66, 2 UC20, 3 BC66),
 *           bit 2 viewmode 1, bit 3 hex receive format, bit 4 echo filter
 *           off, bit 5 raw mode on CONNECT, bit 6 reset at byte 2's
 *           position
 *   byte 1: seed of the random chunking
 *   byte 2: reset position (modulo the input length)
 *
 * The input is parsed whole, one byte at a time and in random chunks. The
 * three event sequences (DATA chunks merged) must be identical, and every
 * event must satisfy the invariants checked in on_event(). Any violation
 * aborts, which libFuzzer reports as a crash.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "at_parser.h"

#define CHECK(cond) do {						\
	if (!(cond)) {							\
		fprintf(stderr, "invariant failed: %s (line %d)\n",	\
			#cond, __LINE__);				\
		abort();						\
	}								\
} while (0)

struct buf {
	uint8_t *p;
	size_t n, cap;
};

struct run {
	struct qt_parser parser;
	const uint8_t *in;	/* the input, to check data pointers */
	size_t in_len;
	bool raw_on_connect;
	bool hex;
	struct buf out;		/* serialized events */
	struct buf data;	/* DATA bytes not yet serialized */
	int data_id;
	/* Block tracking. */
	bool in_block;
	bool badhex;
	int block_len;
	int block_id;
	size_t delivered;
};

static void put(struct buf *b, const void *p, size_t n)
{
	if (b->n + n > b->cap) {
		size_t cap = b->cap ? b->cap : 4096;

		while (cap < b->n + n)
			cap *= 2;
		b->p = realloc(b->p, cap);
		if (!b->p)
			abort();
		b->cap = cap;
	}
	memcpy(b->p + b->n, p, n);
	b->n += n;
}

static void put_int(struct buf *b, long v)
{
	put(b, &v, sizeof(v));
}

static void flush_data(struct run *r)
{
	if (!r->data.n)
		return;
	put_int(&r->out, -1);
	put_int(&r->out, r->data_id);
	put_int(&r->out, (long)r->data.n);
	put(&r->out, r->data.p, r->data.n);
	r->data.n = 0;
}

static bool has_text(enum qt_ev_type t)
{
	return t == QT_EV_FINAL || t == QT_EV_INFO || t == QT_EV_URC ||
	       t == QT_EV_OVERFLOW || t == QT_EV_MALFORMED;
}

static bool is_header(const struct qt_event *ev)
{
	return (ev->type == QT_EV_INFO && ev->len > 0) ||
	       (ev->type == QT_EV_URC && ev->urc == QT_URC_RECV_PUSH);
}

static void on_event(void *ctx, const struct qt_event *ev)
{
	struct run *r = ctx;
	const struct qt_parser *p = &r->parser;

	CHECK(ev->type >= QT_EV_FINAL && ev->type <= QT_EV_MALFORMED);
	CHECK(memchr(ev->addr, '\0', QT_ADDR_MAX));
	if (has_text(ev->type)) {
		CHECK(ev->line);
		CHECK(ev->line_len > 0 && ev->line_len <= QT_LINE_MAX);
		CHECK(ev->line[ev->line_len] == '\0');
		CHECK(strlen(ev->line) == ev->line_len);
		CHECK(!memchr(ev->line, '\r', ev->line_len));
		CHECK(!memchr(ev->line, '\n', ev->line_len));
	}

	if (ev->type == QT_EV_DATA) {
		CHECK(ev->data && ev->data_len > 0);
		if (p->state == QT_PS_RAW) {
			CHECK(!r->in_block);
		} else {
			CHECK(r->in_block);
			CHECK(ev->id == r->block_id);
			CHECK(ev->len == r->block_len);
			r->delivered += ev->data_len;
			CHECK(r->delivered <= (size_t)r->block_len);
		}
		/* Plain data is never copied: it points into the input. */
		if (!r->hex || p->state == QT_PS_RAW)
			CHECK(ev->data >= r->in &&
			      ev->data + ev->data_len <= r->in + r->in_len);
		if (r->data.n && r->data_id != ev->id)
			flush_data(r);
		r->data_id = ev->id;
		put(&r->data, ev->data, ev->data_len);
		return;
	}
	flush_data(r);

	if (ev->type == QT_EV_DATA_END) {
		CHECK(r->in_block);
		CHECK(ev->id == r->block_id && ev->len == r->block_len);
		CHECK(ev->count >= 0 && (size_t)ev->count == r->delivered);
		/* A complete block delivers exactly the announced length. */
		if (!r->badhex)
			CHECK(ev->count == ev->len);
		r->in_block = false;
	} else if (ev->type == QT_EV_BADHEX) {
		CHECK(r->in_block && r->hex && !r->badhex);
		r->badhex = true;
	} else {
		CHECK(!r->in_block);
	}
	if (is_header(ev)) {
		CHECK(ev->len >= 1 && ev->len <= QT_DATA_MAX);
		r->in_block = true;
		r->badhex = false;
		r->block_len = ev->len;
		r->block_id = ev->type == QT_EV_URC ? ev->id : -1;
		r->delivered = 0;
	}
	if (ev->type == QT_EV_MALFORMED)
		CHECK(ev->len < 1 || ev->len > QT_DATA_MAX);

	put_int(&r->out, ev->type);
	put_int(&r->out, ev->urc);
	put_int(&r->out, ev->id);
	put_int(&r->out, ev->id2);
	put_int(&r->out, ev->code);
	put_int(&r->out, ev->len);
	put_int(&r->out, ev->count);
	put_int(&r->out, ev->ttl);
	put_int(&r->out, ev->port);
	put(&r->out, &ev->ping, sizeof(ev->ping));
	put(&r->out, ev->addr, strlen(ev->addr) + 1);
	if (has_text(ev->type))
		put(&r->out, ev->line, ev->line_len + 1);

	if (r->raw_on_connect && ev->type == QT_EV_FINAL &&
	    ev->final == QT_FINAL_CONNECT)
		qt_parser_set_raw(&r->parser, true);
}

static void check_state(const struct qt_parser *p)
{
	CHECK(p->len <= QT_LINE_MAX);
	CHECK(p->hexn < QT_HEXBUF);
	CHECK(p->remain <= QT_DATA_MAX);
}

/* Feed in[from, to) in chunks: 0 whole, 1 bytewise, 2 random. */
static void feed(struct run *r, const uint8_t *in, size_t from, size_t to,
		 int mode, uint32_t *seed)
{
	while (from < to) {
		size_t k = to - from;

		if (mode == 1) {
			k = 1;
		} else if (mode == 2) {
			*seed = *seed * 1103515245u + 12345u;
			k = 1 + (*seed >> 16) % 64;
			if (k > to - from)
				k = to - from;
		}
		qt_parser_feed(&r->parser, in + from, k);
		check_state(&r->parser);
		from += k;
	}
}

static void do_run(struct run *r, const uint8_t *cfg, const uint8_t *in,
		   size_t n, int mode)
{
	static const enum qt_model models[] = {
		QT_MODEL_UNKNOWN, QT_MODEL_BC66, QT_MODEL_UC20, QT_MODEL_BC66,
	};
	size_t reset_at = n;
	uint32_t seed = cfg[1];

	memset(r, 0, sizeof(*r));
	r->in = in;
	r->in_len = n;
	r->raw_on_connect = cfg[0] & 0x20;
	qt_parser_init(&r->parser, models[cfg[0] & 3], on_event, r);
	qt_parser_set_viewmode(&r->parser, cfg[0] & 0x04);
	qt_parser_set_recv_hex(&r->parser, cfg[0] & 0x08);
	qt_parser_set_echo_filter(&r->parser, !(cfg[0] & 0x10));
	r->hex = (cfg[0] & 0x08) && models[cfg[0] & 3] != QT_MODEL_UC20;
	if ((cfg[0] & 0x40) && n)
		reset_at = cfg[2] % n;

	feed(r, in, 0, reset_at, mode, &seed);
	if (reset_at < n) {
		qt_parser_reset(&r->parser);
		flush_data(r);
		put_int(&r->out, -2);
		r->in_block = false;
	}
	feed(r, in, reset_at, n, mode, &seed);
	flush_data(r);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct run runs[3];
	int i;

	if (size < 3)
		return 0;
	for (i = 0; i < 3; i++)
		do_run(&runs[i], data, data + 3, size - 3, i);
	for (i = 1; i < 3; i++) {
		CHECK(runs[i].out.n == runs[0].out.n);
		CHECK(!runs[0].out.n ||
		      !memcmp(runs[i].out.p, runs[0].out.p, runs[0].out.n));
	}
	for (i = 0; i < 3; i++) {
		free(runs[i].out.p);
		free(runs[i].data.p);
	}
	return 0;
}
