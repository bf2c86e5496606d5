// SPDX-License-Identifier: GPL-2.0
/* Text form of parser events: one line per event, bytes never printed raw. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "qt_fmt.h"

struct qt_sbuf {
	char *s;
	size_t n, cap;
};

static void qt_puts(struct qt_sbuf *b, const char *fmt, ...)
{
	va_list ap;
	int r;

	if (b->n >= b->cap)
		return;
	va_start(ap, fmt);
	r = vsnprintf(b->s + b->n, b->cap - b->n, fmt, ap);
	va_end(ap);
	if (r > 0)
		b->n += (size_t)r < b->cap - b->n ? (size_t)r : b->cap - b->n - 1;
}

/* A quoted string: printable ASCII as is but \" and \\, the rest as \xNN. */
static void qt_quote(struct qt_sbuf *b, const char *s, size_t n)
{
	size_t i;

	qt_puts(b, "\"");
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c == '"' || c == '\\')
			qt_puts(b, "\\%c", c);
		else if (c >= 0x20 && c < 0x7f)
			qt_puts(b, "%c", c);
		else
			qt_puts(b, "\\x%02x", c);
	}
	qt_puts(b, "\"");
}

static void qt_fmt_data_line(struct qt_fmt *f, const unsigned char *d,
			     size_t n)
{
	struct qt_sbuf b = { f->buf, 0, sizeof(f->buf) };
	size_t i;

	qt_puts(&b, "DATA id=%d len=%zu hex=", f->data_id, n);
	for (i = 0; i < n; i++)
		qt_puts(&b, "%02x", d[i]);
	f->out(f->ctx, f->buf);
}

void qt_fmt_flush(struct qt_fmt *f)
{
	if (f->data_n)
		qt_fmt_data_line(f, f->data, f->data_n);
	f->data_n = 0;
}

void qt_fmt_init(struct qt_fmt *f, void (*out)(void *ctx, const char *line),
		 void *ctx)
{
	memset(f, 0, sizeof(*f));
	f->out = out;
	f->ctx = ctx;
}

static void qt_fmt_data(struct qt_fmt *f, const struct qt_event *ev)
{
	const unsigned char *d = ev->data;
	size_t n = ev->data_len;

	if (f->data_n && f->data_id != ev->id)
		qt_fmt_flush(f);
	f->data_id = ev->id;
	while (n) {
		size_t k = QT_FMT_DATA_MAX - f->data_n;

		if (k > n)
			k = n;
		memcpy(f->data + f->data_n, d, k);
		f->data_n += k;
		d += k;
		n -= k;
		if (f->data_n == QT_FMT_DATA_MAX)
			qt_fmt_flush(f);
	}
}

static void qt_fmt_urc(struct qt_sbuf *b, const struct qt_event *ev)
{
	const struct qt_ping *pg = &ev->ping;

	qt_puts(b, " %s", qt_urc_name(ev->urc));
	switch (ev->urc) {
	case QT_URC_RECV:
	case QT_URC_BUFF_FULL:
	case QT_URC_CLOSED:
	case QT_URC_PDPDEACT:
		qt_puts(b, " id=%d", ev->id);
		break;
	case QT_URC_RECV_PUSH:
		qt_puts(b, " id=%d len=%d", ev->id, ev->len);
		if (ev->addr[0]) {
			qt_puts(b, " addr=");
			qt_quote(b, ev->addr, strlen(ev->addr));
			qt_puts(b, " port=%u", ev->port);
		}
		break;
	case QT_URC_INCOMING:
		qt_puts(b, " id=%d id2=%d addr=", ev->id, ev->id2);
		qt_quote(b, ev->addr, strlen(ev->addr));
		qt_puts(b, " port=%u", ev->port);
		break;
	case QT_URC_DNSGIP_HDR:
		qt_puts(b, " code=%d count=%d ttl=%d", ev->code, ev->count,
			ev->ttl);
		break;
	case QT_URC_DNSGIP_ADDR:
		qt_puts(b, " addr=");
		qt_quote(b, ev->addr, strlen(ev->addr));
		break;
	case QT_URC_QIOPEN:
		qt_puts(b, " id=%d code=%d", ev->id, ev->code);
		break;
	case QT_URC_QPING:
		qt_puts(b, " result=%d n=%d", pg->result, pg->nfields);
		if (ev->addr[0]) {
			qt_puts(b, " addr=");
			qt_quote(b, ev->addr, strlen(ev->addr));
			qt_puts(b, " bytes=%d time=%d ttl=%d", pg->bytes,
				pg->time, pg->ttl);
		} else if (pg->nfields == 7) {
			qt_puts(b, " sent=%d rcvd=%d lost=%d min=%d max=%d avg=%d",
				pg->sent, pg->rcvd, pg->lost, pg->min, pg->max,
				pg->avg);
		}
		break;
	case QT_URC_QNTP:
		qt_puts(b, " code=%d addr=", ev->code);
		qt_quote(b, ev->addr, strlen(ev->addr));
		break;
	case QT_URC_OTHER:
	case QT_URC_BOOT:
		qt_puts(b, " ");
		qt_quote(b, ev->line, ev->line_len);
		break;
	default:
		break;
	}
}

void qt_fmt_event(struct qt_fmt *f, const struct qt_event *ev)
{
	struct qt_sbuf b = { f->buf, 0, sizeof(f->buf) };

	if (ev->type == QT_EV_DATA) {
		qt_fmt_data(f, ev);
		return;
	}
	qt_fmt_flush(f);
	qt_puts(&b, "%s", qt_ev_type_name(ev->type));
	switch (ev->type) {
	case QT_EV_FINAL:
		qt_puts(&b, " %s", qt_final_name(ev->final));
		if (ev->final == QT_FINAL_CME_ERROR ||
		    ev->final == QT_FINAL_CMS_ERROR)
			qt_puts(&b, " code=%d", ev->code);
		break;
	case QT_EV_INFO:
		if (ev->len)
			qt_puts(&b, " len=%d", ev->len);
		if (ev->addr[0]) {
			qt_puts(&b, " addr=");
			qt_quote(&b, ev->addr, strlen(ev->addr));
			qt_puts(&b, " port=%u", ev->port);
		}
		qt_puts(&b, " ");
		qt_quote(&b, ev->line, ev->line_len);
		break;
	case QT_EV_URC:
		qt_fmt_urc(&b, ev);
		break;
	case QT_EV_DATA_END:
		qt_puts(&b, " id=%d len=%d count=%d", ev->id, ev->len,
			ev->count);
		break;
	case QT_EV_BADHEX:
		qt_puts(&b, " id=%d", ev->id);
		break;
	case QT_EV_MALFORMED:
		qt_puts(&b, " len=%d ", ev->len);
		qt_quote(&b, ev->line, ev->line_len);
		break;
	case QT_EV_OVERFLOW:
		qt_puts(&b, " ");
		qt_quote(&b, ev->line, ev->line_len);
		break;
	default:
		break;
	}
	f->out(f->ctx, f->buf);
}
