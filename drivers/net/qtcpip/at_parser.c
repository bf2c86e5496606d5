// SPDX-License-Identifier: GPL-2.0
/*
 * qtcpip AT parser: a byte-driven state machine for BC66 and UC20 output.
 *
 * It never looks ahead: every decision is taken on the byte at hand, so
 * the event sequence does not depend on how the input was split (only the
 * boundaries of QT_EV_DATA chunks do). No allocation, no recursion, no
 * floating point, no libc beyond <string.h>.
 *
 * Framing (Documentation/networking/qtcpip-dialects.rst):
 *  - CR, LF or CRLF end a line; empty lines are ignored; trailing blanks
 *    are dropped; NUL bytes in lines are dropped.
 *  - Raw (transparent) mode: every byte is data, until the engine switches
 *    it off. If it is switched on right after a line ended in CR (from the
 *    callback for CONNECT), an LF that follows is still part of that line.
 *  - '>' as the first byte of a line is the send prompt (QT_EV_PROMPT at
 *    once, no line end needed); one space after it is dropped.
 *  - While the echo filter is on, lines starting with "AT" are dropped.
 *  - A line longer than QT_LINE_MAX gives QT_EV_OVERFLOW with the first
 *    QT_LINE_MAX bytes, and the rest up to the line end is discarded.
 *  - Data headers "+QIRD: <n>[,<ip>,<port>]" and "+QIURC: "recv",<id>,<n>
 *    [,<ip>,<port>]" switch to a data block of n bytes, read by length;
 *    an LF right after a header's CR is part of the line end. With BC66
 *    viewmode 1 the header ends at the comma after <n> instead. With BC66
 *    hex receive format the block is 2n hex digits, decoded; a non-hex
 *    digit gives QT_EV_BADHEX, ends the block and is parsed as line text.
 *    n outside 1..QT_DATA_MAX gives QT_EV_MALFORMED ("+QIRD: 0" is a plain
 *    INFO).
 *
 * Classification of a complete line, first match wins:
 *
 *   FINAL  OK, ERROR, SEND OK, SEND FAIL, CLOSE OK, CLOSE FAIL, NO CARRIER,
 *          CONNECT[ <text>], +CME ERROR: <n>, +CMS ERROR: <n> (code = n,
 *          -1 if n is not a number)
 *   INFO   +QIRD: ... (data header, totals or 0)
 *
 * The URC table; a line is a URC only if it matches a row:
 *
 *   +QIURC: "recv",<id>                          RECV          id
 *   +QIURC: "recv",<id>,"buff full"              BUFF_FULL     id
 *   +QIURC: "recv",<id>,<n>[,<ip>,<port>]        RECV_PUSH     id len
 *                                                              [addr port]
 *   +QIURC: "closed",<id>                        CLOSED        id
 *   +QIURC: "incoming full"                      INCOMING_FULL
 *   +QIURC: "incoming",<id>,<sid>,<ip>,<port>    INCOMING      id id2 addr
 *                                                              port
 *   +QIURC: "pdpdeact",<ctx>                     PDPDEACT      id
 *   +QIURC: "dnsgip",<err>[,<count>[,<ttl>]]     DNSGIP_HDR    code count
 *                                                              ttl
 *   +QIURC: "dnsgip",<addr>                      DNSGIP_ADDR   addr
 *   +QIURC: <anything else>                      OTHER
 *   +QIOPEN: <int>,<int> (exactly)               QIOPEN        id code
 *   +QPING: <int>[,...] (no '(')                 QPING         ping [addr]
 *   +QNTP: / +QNTTP: <int>[,<time>] (no '(')     QNTP          code addr
 *   RDY                                          RDY
 *   APP RDY, Leaving the BROM, <xx>: <hhhh> <hhhh>[ [<hhhh>]]
 *                                                BOOT (a reboot: app ready,
 *                                                MT2625 boot ROM banner)
 *   POWERED DOWN, NORMAL POWER DOWN              OTHER
 *   +QIND: ..., +QUSIM: ...                      OTHER
 *
 * Everything else is INFO: command answers (+QISTATE:, +QIACT:, test
 * command answers such as "+QIOPEN: (1-3),..."), bare text (Quectel, BC66,
 * Revision: ..., an IMEI). Lines such as +CPIN:, +CFUN: and +CEREG: are
 * left out of the table on purpose: they are also answers to commands the
 * driver sends, so the engine sees them as INFO and ignores them when no
 * command is in flight. <ip> may be quoted or not.
 */
#ifdef __KERNEL__
#include <linux/kernel.h>
#include <linux/string.h>
#else
#include <string.h>
#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))
#endif

#include "at_parser.h"

#define QT_FIELDS_MAX	10
#define QT_INT_SAT	1000000000

/* One comma-separated field of a line, quotes removed. */
struct qt_field {
	const char *s;
	int n;
	int val;
	bool quoted;
	bool is_int;
};

struct qt_fields {
	int n;
	bool more;	/* more than QT_FIELDS_MAX fields */
	bool paren;	/* a '(' outside quotes: a test command answer */
	struct qt_field f[QT_FIELDS_MAX];
};

static bool qt_is_blank(char c)
{
	return c == ' ' || c == '\t';
}

static int qt_hexval(unsigned char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/* A decimal integer, optionally negative; saturates instead of overflowing. */
static bool qt_parse_int(const char *s, int n, int *out)
{
	bool neg = false;
	int v = 0;
	int i = 0;

	if (n > 0 && s[0] == '-') {
		neg = true;
		i++;
	}
	if (i >= n)
		return false;
	for (; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
		if (v < QT_INT_SAT / 10)
			v = v * 10 + (s[i] - '0');
		else
			v = QT_INT_SAT;
	}
	*out = neg ? -v : v;
	return true;
}

static void qt_split(struct qt_fields *fs, const char *s, int n)
{
	int i = 0;

	fs->n = 0;
	fs->more = false;
	fs->paren = false;
	for (;;) {
		struct qt_field *f;
		int start, end;

		if (fs->n == QT_FIELDS_MAX) {
			fs->more = true;
			return;
		}
		f = &fs->f[fs->n++];
		f->quoted = false;
		f->is_int = false;
		f->val = 0;
		while (i < n && qt_is_blank(s[i]))
			i++;
		if (i < n && s[i] == '"') {
			f->quoted = true;
			start = ++i;
			while (i < n && s[i] != '"')
				i++;
			end = i;
			/* Text between the closing quote and the comma is ignored. */
			while (i < n && s[i] != ',')
				i++;
		} else {
			start = i;
			while (i < n && s[i] != ',') {
				if (s[i] == '(')
					fs->paren = true;
				i++;
			}
			end = i;
			while (end > start && qt_is_blank(s[end - 1]))
				end--;
			f->is_int = qt_parse_int(s + start, end - start,
						 &f->val);
		}
		f->s = s + start;
		f->n = end - start;
		if (i >= n)
			return;
		i++;
	}
}

static bool qt_field_is(const struct qt_field *f, const char *str)
{
	size_t n = strlen(str);

	return f->quoted && (size_t)f->n == n && !memcmp(f->s, str, n);
}

static bool qt_field_id(const struct qt_field *f, int *id)
{
	if (!f->is_int || f->val < 0)
		return false;
	*id = f->val;
	return true;
}

static bool qt_field_port(const struct qt_field *f, unsigned int *port)
{
	if (!f->is_int || f->val < 0 || f->val > 65535)
		return false;
	*port = f->val;
	return true;
}

/* An address field: quoted, or bare but not a number. */
static bool qt_field_addr(const struct qt_field *f, char *addr)
{
	size_t n;

	if (f->is_int || f->n == 0)
		return false;
	n = f->n < QT_ADDR_MAX - 1 ? f->n : QT_ADDR_MAX - 1;
	memcpy(addr, f->s, n);
	addr[n] = '\0';
	return true;
}

/* If line starts with prefix, the length of prefix plus following blanks. */
static size_t qt_prefix(const char *line, size_t len, const char *prefix)
{
	size_t n = strlen(prefix);

	if (len < n || memcmp(line, prefix, n))
		return 0;
	while (n < len && qt_is_blank(line[n]))
		n++;
	return n;
}

static bool qt_line_is(const char *line, size_t len, const char *str)
{
	return strlen(str) == len && !memcmp(line, str, len);
}

static void qt_ev_init(struct qt_event *ev, enum qt_ev_type type)
{
	memset(ev, 0, sizeof(*ev));
	ev->type = type;
	ev->id = -1;
	ev->id2 = -1;
}

static void qt_emit(struct qt_parser *p, const struct qt_event *ev)
{
	if (p->fn)
		p->fn(p->ctx, ev);
}

static bool qt_opt_comma(const struct qt_parser *p)
{
	return p->viewmode_comma && p->model != QT_MODEL_UC20;
}

static bool qt_opt_hex(const struct qt_parser *p)
{
	return p->recv_hex && p->model != QT_MODEL_UC20;
}

static void qt_begin_block(struct qt_parser *p, int id, int len, bool cr)
{
	p->state = qt_opt_hex(p) ? QT_PS_HEXDATA : QT_PS_DATA;
	p->remain = len;
	p->block_len = len;
	p->data_id = id;
	p->skip_lf = cr;
	p->hexhi = 0xff;
	p->hexn = 0;
}

/* Emit a data header: ev->len holds the announced length. A valid length
 * switches to the data block before the event, so that the callback can
 * still override the state.
 */
static void qt_header(struct qt_parser *p, struct qt_event *ev, int id, bool cr)
{
	if (ev->len < 1 || ev->len > QT_DATA_MAX)
		ev->type = QT_EV_MALFORMED;
	else
		qt_begin_block(p, id, ev->len, cr);
	qt_emit(p, ev);
}

static void qt_qird(struct qt_parser *p, struct qt_event *ev,
		    const struct qt_fields *fs, bool cr)
{
	const struct qt_field *f = fs->f;

	if (fs->more || !f[0].is_int)
		goto info;
	if (fs->n == 1) {
		ev->len = f[0].val;
		if (ev->len == 0)
			goto info;
		qt_header(p, ev, -1, cr);
		return;
	}
	/* UC20 UDP SERVICE: <n>,<ip>,<port>; three integers are totals. */
	if (fs->n == 3 && qt_field_addr(&f[1], ev->addr) &&
	    qt_field_port(&f[2], &ev->port)) {
		ev->len = f[0].val;
		if (ev->len == 0)
			goto info;
		qt_header(p, ev, -1, cr);
		return;
	}
	ev->addr[0] = '\0';
	ev->port = 0;
info:
	qt_emit(p, ev);
}

/* +QIURC: "recv",... ; returns false if the form is unknown. */
static bool qt_urc_recv(struct qt_parser *p, struct qt_event *ev,
			const struct qt_fields *fs, bool cr)
{
	const struct qt_field *f = fs->f;

	if (fs->n < 2 || !qt_field_id(&f[1], &ev->id))
		return false;
	if (fs->n == 2) {
		ev->urc = QT_URC_RECV;
		qt_emit(p, ev);
		return true;
	}
	if (fs->n == 3 && qt_field_is(&f[2], "buff full")) {
		ev->urc = QT_URC_BUFF_FULL;
		qt_emit(p, ev);
		return true;
	}
	if (!f[2].is_int)
		return false;
	if (fs->n == 5) {
		if (!qt_field_addr(&f[3], ev->addr) ||
		    !qt_field_port(&f[4], &ev->port))
			return false;
	} else if (fs->n != 3) {
		return false;
	}
	ev->urc = QT_URC_RECV_PUSH;
	ev->len = f[2].val;
	qt_header(p, ev, ev->id, cr);
	return true;
}

/* The other +QIURC forms; returns false if the form is unknown. */
static bool qt_urc_qiurc(struct qt_event *ev, const struct qt_fields *fs)
{
	const struct qt_field *f = fs->f;
	int i;

	if (qt_field_is(&f[0], "closed") && fs->n == 2) {
		ev->urc = QT_URC_CLOSED;
	} else if (qt_field_is(&f[0], "pdpdeact") && fs->n == 2) {
		ev->urc = QT_URC_PDPDEACT;
	} else if (qt_field_is(&f[0], "incoming full") && fs->n == 1) {
		ev->urc = QT_URC_INCOMING_FULL;
		return true;
	} else if (qt_field_is(&f[0], "incoming") && fs->n == 5) {
		ev->urc = QT_URC_INCOMING;
		return qt_field_id(&f[1], &ev->id) &&
		       qt_field_id(&f[2], &ev->id2) &&
		       qt_field_addr(&f[3], ev->addr) &&
		       qt_field_port(&f[4], &ev->port);
	} else if (qt_field_is(&f[0], "dnsgip") && fs->n >= 2 && fs->n <= 4) {
		if (fs->n == 2 && !f[1].is_int) {
			ev->urc = QT_URC_DNSGIP_ADDR;
			return qt_field_addr(&f[1], ev->addr);
		}
		for (i = 1; i < fs->n; i++)
			if (!f[i].is_int)
				return false;
		ev->urc = QT_URC_DNSGIP_HDR;
		ev->code = f[1].val;
		ev->count = fs->n > 2 ? f[2].val : 0;
		ev->ttl = fs->n > 3 ? f[3].val : 0;
		return true;
	} else {
		return false;
	}
	return qt_field_id(&f[1], &ev->id);
}

static void qt_fill_ping(struct qt_event *ev, const struct qt_fields *fs)
{
	const struct qt_field *f = fs->f;
	struct qt_ping *pg = &ev->ping;

	pg->result = f[0].val;
	pg->nfields = fs->n;
	if (fs->n == 5 && qt_field_addr(&f[1], ev->addr)) {
		pg->bytes = f[2].val;
		pg->time = f[3].val;
		pg->ttl = f[4].val;
	} else if (fs->n == 7) {
		pg->sent = f[1].val;
		pg->rcvd = f[2].val;
		pg->lost = f[3].val;
		pg->min = f[4].val;
		pg->max = f[5].val;
		pg->avg = f[6].val;
	}
}

static bool qt_is_hex4(const char *s)
{
	int i;

	for (i = 0; i < 4; i++)
		if (qt_hexval((unsigned char)s[i]) < 0)
			return false;
	return true;
}

/* A line of the MT2625 (BC66) boot ROM banner: "F1: 0000 0000",
 * "V0: 0000 0000 [0001]", "00: 0006 000C", "T0: 0000 00B4".
 */
static bool qt_brom_line(const char *l, size_t len)
{
	if ((len != 13 && len != 20) || l[2] != ':' || l[3] != ' ' ||
	    l[8] != ' ' || !qt_is_hex4(l + 4) || !qt_is_hex4(l + 9))
		return false;
	if (qt_hexval((unsigned char)l[0]) < 0 && (l[0] < 'A' || l[0] > 'Z'))
		return false;
	if (qt_hexval((unsigned char)l[1]) < 0)
		return false;
	return len == 13 || (l[13] == ' ' && l[14] == '[' &&
			     qt_is_hex4(l + 15) && l[19] == ']');
}

/* Lines whose prefix is in the URC table. Returns true if the line was
 * handled (emitted as a URC, a data header or a malformed header).
 */
static bool qt_classify_urc(struct qt_parser *p, struct qt_event *ev,
			    struct qt_fields *fs, bool cr)
{
	const char *l = ev->line;
	size_t len = ev->line_len;
	size_t n;

	ev->type = QT_EV_URC;
	n = qt_prefix(l, len, "+QIURC:");
	if (n) {
		qt_split(fs, l + n, len - n);
		if (!fs->more && qt_field_is(&fs->f[0], "recv") &&
		    qt_urc_recv(p, ev, fs, cr))
			return true;
		if (fs->more || !qt_urc_qiurc(ev, fs)) {
			qt_ev_init(ev, QT_EV_URC);
			ev->line = l;
			ev->line_len = len;
			ev->urc = QT_URC_OTHER;
		}
		qt_emit(p, ev);
		return true;
	}
	n = qt_prefix(l, len, "+QIOPEN:");
	if (n) {
		qt_split(fs, l + n, len - n);
		if (fs->more || fs->n != 2 || !fs->f[0].is_int ||
		    !fs->f[1].is_int)
			return false;
		ev->urc = QT_URC_QIOPEN;
		ev->id = fs->f[0].val;
		ev->code = fs->f[1].val;
		goto emit;
	}
	n = qt_prefix(l, len, "+QPING:");
	if (n) {
		qt_split(fs, l + n, len - n);
		if (fs->more || fs->paren || !fs->f[0].is_int)
			return false;
		ev->urc = QT_URC_QPING;
		qt_fill_ping(ev, fs);
		goto emit;
	}
	n = qt_prefix(l, len, "+QNTP:");
	if (!n)
		n = qt_prefix(l, len, "+QNTTP:");
	if (n) {
		qt_split(fs, l + n, len - n);
		if (fs->more || fs->paren || fs->n > 2 || !fs->f[0].is_int)
			return false;
		ev->urc = QT_URC_QNTP;
		ev->code = fs->f[0].val;
		if (fs->n == 2)
			qt_field_addr(&fs->f[1], ev->addr);
		goto emit;
	}
	if (qt_line_is(l, len, "RDY")) {
		ev->urc = QT_URC_RDY;
		goto emit;
	}
	if (qt_line_is(l, len, "APP RDY") ||
	    qt_line_is(l, len, "Leaving the BROM") || qt_brom_line(l, len)) {
		ev->urc = QT_URC_BOOT;
		goto emit;
	}
	if (qt_line_is(l, len, "POWERED DOWN") ||
	    qt_line_is(l, len, "NORMAL POWER DOWN") ||
	    qt_prefix(l, len, "+QIND:") || qt_prefix(l, len, "+QUSIM:")) {
		ev->urc = QT_URC_OTHER;
		goto emit;
	}
	return false;
emit:
	qt_emit(p, ev);
	return true;
}

static const struct {
	const char *text;
	enum qt_final final;
} qt_finals[] = {
	{ "OK", QT_FINAL_OK },
	{ "ERROR", QT_FINAL_ERROR },
	{ "SEND OK", QT_FINAL_SEND_OK },
	{ "SEND FAIL", QT_FINAL_SEND_FAIL },
	{ "CLOSE OK", QT_FINAL_CLOSE_OK },
	{ "CLOSE FAIL", QT_FINAL_CLOSE_FAIL },
	{ "CONNECT", QT_FINAL_CONNECT },
	{ "NO CARRIER", QT_FINAL_NO_CARRIER },
};

static bool qt_is_final(struct qt_event *ev)
{
	const char *l = ev->line;
	size_t len = ev->line_len;
	size_t i, n;

	for (i = 0; i < ARRAY_SIZE(qt_finals); i++) {
		if (qt_line_is(l, len, qt_finals[i].text)) {
			ev->final = qt_finals[i].final;
			return true;
		}
	}
	/* CONNECT may carry a rate or other text after a space. */
	n = qt_prefix(l, len, "CONNECT ");
	if (n) {
		ev->final = QT_FINAL_CONNECT;
		return true;
	}
	n = qt_prefix(l, len, "+CME ERROR:");
	if (n) {
		ev->final = QT_FINAL_CME_ERROR;
	} else {
		n = qt_prefix(l, len, "+CMS ERROR:");
		if (!n)
			return false;
		ev->final = QT_FINAL_CMS_ERROR;
	}
	if (!qt_parse_int(l + n, len - n, &ev->code))
		ev->code = -1;
	return true;
}

/* A complete line is in p->line[0..p->len); cr: it ended with a CR. */
static void qt_line(struct qt_parser *p, bool cr)
{
	struct qt_fields fs;
	struct qt_event ev;
	size_t len = p->len;
	size_t n;

	while (len && qt_is_blank(p->line[len - 1]))
		len--;
	/* The text stays valid for the callbacks until the next byte. */
	p->line[len] = '\0';
	p->len = 0;
	if (!len)
		return;
	if (p->echo_filter && len >= 2 &&
	    (p->line[0] == 'A' || p->line[0] == 'a') &&
	    (p->line[1] == 'T' || p->line[1] == 't'))
		return;

	qt_ev_init(&ev, QT_EV_FINAL);
	ev.line = p->line;
	ev.line_len = len;
	if (qt_is_final(&ev)) {
		qt_emit(p, &ev);
		return;
	}
	ev.type = QT_EV_INFO;
	n = qt_prefix(p->line, len, "+QIRD:");
	if (n) {
		qt_split(&fs, p->line + n, len - n);
		qt_qird(p, &ev, &fs, cr);
		return;
	}
	if (qt_classify_urc(p, &ev, &fs, cr))
		return;
	qt_ev_init(&ev, QT_EV_INFO);
	ev.line = p->line;
	ev.line_len = len;
	qt_emit(p, &ev);
}

/* BC66 viewmode 1: a comma was just appended. If the line so far is
 * "+QIRD: <n>," or "+QIURC: "recv",<id>,<n>," the data follows now.
 */
static void qt_comma(struct qt_parser *p)
{
	struct qt_fields fs;
	struct qt_event ev;
	size_t len = p->len - 1;
	size_t n;
	int id = -1;

	/* Split with the comma, so the last field is the empty one after it. */
	n = qt_prefix(p->line, len, "+QIRD:");
	if (n) {
		qt_split(&fs, p->line + n, p->len - n);
		if (fs.more || fs.n != 2 || !fs.f[0].is_int)
			return;
		qt_ev_init(&ev, QT_EV_INFO);
	} else {
		n = qt_prefix(p->line, len, "+QIURC:");
		if (!n)
			return;
		qt_split(&fs, p->line + n, p->len - n);
		if (fs.more || fs.n != 4 || !qt_field_is(&fs.f[0], "recv") ||
		    !qt_field_id(&fs.f[1], &id) || !fs.f[2].is_int)
			return;
		fs.f[0] = fs.f[2];
		qt_ev_init(&ev, QT_EV_URC);
		ev.urc = QT_URC_RECV_PUSH;
		ev.id = id;
	}
	if (fs.f[fs.n - 1].n || fs.f[fs.n - 1].quoted || fs.f[0].val == 0)
		return;
	p->line[len] = '\0';
	ev.line = p->line;
	ev.line_len = len;
	ev.len = fs.f[0].val;
	p->len = 0;
	/* A bad length: the bytes that follow are no line, drop them. */
	if (ev.len < 1 || ev.len > QT_DATA_MAX)
		p->overflow = true;
	qt_header(p, &ev, id, false);
}

static void qt_line_byte(struct qt_parser *p, unsigned char c)
{
	struct qt_event ev;

	if (p->prompt_sp) {
		p->prompt_sp = false;
		if (c == ' ')
			return;
	}
	if (c == '\r' || c == '\n') {
		if (p->overflow) {
			p->overflow = false;
			p->len = 0;
			return;
		}
		qt_line(p, c == '\r');
		return;
	}
	if (p->overflow || c == '\0')
		return;
	if (c == '>' && p->len == 0) {
		p->prompt_sp = true;
		qt_ev_init(&ev, QT_EV_PROMPT);
		qt_emit(p, &ev);
		return;
	}
	if (p->len == QT_LINE_MAX) {
		p->line[p->len] = '\0';
		p->len = 0;
		p->overflow = true;
		qt_ev_init(&ev, QT_EV_OVERFLOW);
		ev.line = p->line;
		ev.line_len = QT_LINE_MAX;
		qt_emit(p, &ev);
		return;
	}
	p->line[p->len++] = c;
	if (c == ',' && qt_opt_comma(p) && p->line[0] == '+')
		qt_comma(p);
}

static void qt_data_end(struct qt_parser *p)
{
	struct qt_event ev;

	qt_ev_init(&ev, QT_EV_DATA_END);
	ev.id = p->data_id;
	ev.len = p->block_len;
	ev.count = p->block_len - (int)p->remain;
	p->state = QT_PS_LINE;
	p->len = 0;
	p->remain = 0;
	qt_emit(p, &ev);
}

static void qt_data(struct qt_parser *p, const uint8_t *buf, size_t len)
{
	struct qt_event ev;

	qt_ev_init(&ev, QT_EV_DATA);
	ev.id = p->data_id;
	ev.len = p->block_len;
	ev.data = buf;
	ev.data_len = len;
	qt_emit(p, &ev);
}

static void qt_hex_flush(struct qt_parser *p)
{
	size_t n = p->hexn;

	if (!n)
		return;
	p->hexn = 0;
	qt_data(p, p->hexbuf, n);
}

/* Returns false if c was not consumed (it is line text). */
static bool qt_hex_byte(struct qt_parser *p, unsigned char c)
{
	struct qt_event ev;
	int d = qt_hexval(c);

	if (d < 0) {
		/* Whatever state the callbacks leave, c is parsed again. */
		qt_hex_flush(p);
		if (p->state != QT_PS_HEXDATA)
			return false;
		qt_ev_init(&ev, QT_EV_BADHEX);
		ev.id = p->data_id;
		qt_emit(p, &ev);
		if (p->state == QT_PS_HEXDATA)
			qt_data_end(p);
		return false;
	}
	if (p->hexhi == 0xff) {
		p->hexhi = d;
		return true;
	}
	p->hexbuf[p->hexn++] = p->hexhi << 4 | d;
	p->hexhi = 0xff;
	p->remain--;
	if (p->hexn == QT_HEXBUF || !p->remain)
		qt_hex_flush(p);
	if (p->state == QT_PS_HEXDATA && !p->remain)
		qt_data_end(p);
	return true;
}

void qt_parser_feed(struct qt_parser *p, const uint8_t *buf, size_t len)
{
	size_t i = 0;
	size_t n;

	while (i < len) {
		switch (p->state) {
		case QT_PS_RAW:
			/* The LF of the CONNECT line that started raw mode. */
			if (p->skip_lf) {
				p->skip_lf = false;
				if (buf[i] == '\n') {
					i++;
					break;
				}
			}
			qt_data(p, buf + i, len - i);
			i = len;
			break;
		case QT_PS_DATA:
			if (p->skip_lf) {
				p->skip_lf = false;
				if (buf[i] == '\n') {
					i++;
					break;
				}
			}
			n = len - i < p->remain ? len - i : p->remain;
			p->remain -= n;
			qt_data(p, buf + i, n);
			i += n;
			if (p->state == QT_PS_DATA && !p->remain)
				qt_data_end(p);
			break;
		case QT_PS_HEXDATA:
			if (p->skip_lf) {
				p->skip_lf = false;
				if (buf[i] == '\n') {
					i++;
					break;
				}
			}
			if (qt_hex_byte(p, buf[i]))
				i++;
			break;
		default:
			p->skip_lf = buf[i] == '\r';
			qt_line_byte(p, buf[i]);
			i++;
			break;
		}
	}
	/* Hand over decoded bytes now rather than at the next feed. */
	if (p->state == QT_PS_HEXDATA)
		qt_hex_flush(p);
}

void qt_parser_reset(struct qt_parser *p)
{
	p->state = QT_PS_LINE;
	p->remain = 0;
	p->hexhi = 0xff;
	p->data_id = -1;
	p->len = 0;
	p->overflow = false;
	p->skip_lf = false;
	p->prompt_sp = false;
	p->block_len = 0;
	p->hexn = 0;
	p->line[0] = '\0';
}

void qt_parser_drop_line(struct qt_parser *p)
{
	if (p->state == QT_PS_LINE)
		p->overflow = true;
}

void qt_parser_init(struct qt_parser *p, enum qt_model model,
		    qt_event_fn fn, void *ctx)
{
	memset(p, 0, sizeof(*p));
	p->model = model;
	p->echo_filter = true;
	p->fn = fn;
	p->ctx = ctx;
	qt_parser_reset(p);
}

bool qt_line_answers(const char *cmd, const char *prefix, const char *line)
{
	const char *colon = strchr(line, ':');
	size_t n;

	/* Bare text ("Quectel", an IMEI): only the command prints it. */
	if (line[0] != '+' || !colon)
		return true;
	n = colon - line;
	if (strcspn(line, " ,\"") < n)
		return true;
	if (prefix)
		return strlen(prefix) >= n && !memcmp(line, prefix, n);
	if (!cmd || memcmp(cmd, "AT+", 3))
		return false;
	return strlen(cmd + 2) >= n && !memcmp(cmd + 2, line, n) &&
	       (cmd[2 + n] == '\0' || cmd[2 + n] == '=' || cmd[2 + n] == '?');
}

size_t qt_model_match(const char *line, const char *model)
{
	size_t n = strlen(model);

	if (!strncmp(line, "Quectel", 7) &&
	    (line[7] == '_' || line[7] == ' ' || line[7] == '-'))
		line += 8;
	if (strncmp(line, model, n) ||
	    (line[n] && line[n] != '-' && line[n] != '_' && line[n] != ' '))
		return 0;
	return n;
}

void qt_parser_skip_block(struct qt_parser *p)
{
	if (p->state != QT_PS_DATA && p->state != QT_PS_HEXDATA)
		return;
	/* skip_lf stays: the header's LF is still the end of its line. */
	p->state = QT_PS_LINE;
	p->remain = 0;
	p->block_len = 0;
	p->data_id = -1;
	p->hexn = 0;
	p->hexhi = 0xff;
}

void qt_parser_set_model(struct qt_parser *p, enum qt_model model)
{
	p->model = model;
}

void qt_parser_set_viewmode(struct qt_parser *p, bool comma)
{
	p->viewmode_comma = comma;
}

void qt_parser_set_recv_hex(struct qt_parser *p, bool hex)
{
	p->recv_hex = hex;
}

void qt_parser_set_echo_filter(struct qt_parser *p, bool on)
{
	p->echo_filter = on;
}

void qt_parser_set_raw(struct qt_parser *p, bool raw)
{
	bool cr = p->state == QT_PS_LINE && p->skip_lf;

	qt_parser_reset(p);
	if (raw) {
		p->state = QT_PS_RAW;
		p->skip_lf = cr;
	}
}

static const char * const qt_ev_names[] = {
	[QT_EV_FINAL] = "FINAL",
	[QT_EV_INFO] = "INFO",
	[QT_EV_URC] = "URC",
	[QT_EV_DATA] = "DATA",
	[QT_EV_DATA_END] = "DATA_END",
	[QT_EV_PROMPT] = "PROMPT",
	[QT_EV_OVERFLOW] = "OVERFLOW",
	[QT_EV_BADHEX] = "BADHEX",
	[QT_EV_MALFORMED] = "MALFORMED",
};

static const char * const qt_final_names[] = {
	[QT_FINAL_OK] = "OK",
	[QT_FINAL_ERROR] = "ERROR",
	[QT_FINAL_CME_ERROR] = "CME_ERROR",
	[QT_FINAL_CMS_ERROR] = "CMS_ERROR",
	[QT_FINAL_SEND_OK] = "SEND_OK",
	[QT_FINAL_SEND_FAIL] = "SEND_FAIL",
	[QT_FINAL_CLOSE_OK] = "CLOSE_OK",
	[QT_FINAL_CLOSE_FAIL] = "CLOSE_FAIL",
	[QT_FINAL_CONNECT] = "CONNECT",
	[QT_FINAL_NO_CARRIER] = "NO_CARRIER",
};

static const char * const qt_urc_names[] = {
	[QT_URC_RECV] = "RECV",
	[QT_URC_RECV_PUSH] = "RECV_PUSH",
	[QT_URC_BUFF_FULL] = "BUFF_FULL",
	[QT_URC_CLOSED] = "CLOSED",
	[QT_URC_INCOMING] = "INCOMING",
	[QT_URC_INCOMING_FULL] = "INCOMING_FULL",
	[QT_URC_PDPDEACT] = "PDPDEACT",
	[QT_URC_DNSGIP_HDR] = "DNSGIP_HDR",
	[QT_URC_DNSGIP_ADDR] = "DNSGIP_ADDR",
	[QT_URC_QIOPEN] = "QIOPEN",
	[QT_URC_QPING] = "QPING",
	[QT_URC_QNTP] = "QNTP",
	[QT_URC_RDY] = "RDY",
	[QT_URC_OTHER] = "OTHER",
	[QT_URC_BOOT] = "BOOT",
};

static const char *qt_name(const char * const *names, size_t n,
			   unsigned int i)
{
	return i < n && names[i] ? names[i] : "?";
}

const char *qt_ev_type_name(enum qt_ev_type t)
{
	return qt_name(qt_ev_names, ARRAY_SIZE(qt_ev_names), t);
}

const char *qt_final_name(enum qt_final f)
{
	return qt_name(qt_final_names, ARRAY_SIZE(qt_final_names), f);
}

const char *qt_urc_name(enum qt_urc u)
{
	return qt_name(qt_urc_names, ARRAY_SIZE(qt_urc_names), u);
}
