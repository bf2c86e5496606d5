// SPDX-License-Identifier: GPL-2.0
/*
 * qtcpip answer parsers (at_answer.h): a cursor walks one line field by
 * field and every field is checked against its bounds, so that a line of
 * the wrong shape, an overlong text or a number that overflows is refused
 * rather than cut or wrapped. No allocation, no libc beyond <string.h>.
 */
#ifdef __KERNEL__
#include <linux/errno.h>
#include <linux/overflow.h>
#include <linux/string.h>
#else
#include <errno.h>
#include <string.h>
#define check_add_overflow(a, b, d)	__builtin_add_overflow(a, b, d)
#define check_mul_overflow(a, b, d)	__builtin_mul_overflow(a, b, d)
#endif

#include "at_answer.h"

struct qt_cur {
	const char *s;
	size_t n, i;
};

static bool qt_blank(char c)
{
	return c == ' ' || c == '\t';
}

static void qt_blanks(struct qt_cur *c)
{
	while (c->i < c->n && qt_blank(c->s[c->i]))
		c->i++;
}

/* @len bytes at @line, up to a NUL; past @prefix and blanks. */
static bool qt_start(struct qt_cur *c, const char *line, size_t len,
		     const char *prefix)
{
	const char *nul = memchr(line, '\0', len);
	size_t k = strlen(prefix);

	if (nul)
		len = nul - line;
	if (len < k || memcmp(line, prefix, k))
		return false;
	c->s = line;
	c->n = len;
	c->i = k;
	qt_blanks(c);
	return true;
}

/* The end of a field: the line's end or a ',' (not taken). */
static bool qt_field_end(struct qt_cur *c)
{
	qt_blanks(c);
	return c->i == c->n || c->s[c->i] == ',';
}

/* Takes a ',' if one is next. */
static bool qt_comma(struct qt_cur *c)
{
	if (!qt_field_end(c) || c->i == c->n)
		return false;
	c->i++;
	return true;
}

static int qt_num(struct qt_cur *c, unsigned long long max,
		  unsigned long long *out)
{
	bool big = false;
	unsigned long long v = 0;
	size_t start;

	qt_blanks(c);
	start = c->i;
	for (; c->i < c->n && c->s[c->i] >= '0' && c->s[c->i] <= '9'; c->i++)
		big |= check_mul_overflow(v, 10ULL, &v) ||
		       check_add_overflow(v, 0ULL + c->s[c->i] - '0', &v);
	if (c->i == start || !qt_field_end(c))
		return -EINVAL;
	if (big || v > max)
		return -ERANGE;
	*out = v;
	return 0;
}

static int qt_int(struct qt_cur *c, int min, int max, int *out)
{
	unsigned long long v;
	int err = qt_num(c, max, &v);

	if (!err && v < 0ULL + min)
		err = -ERANGE;
	if (!err)
		*out = v;
	return err;
}

/* A ',' and a number @min..@max. */
static int qt_next_int(struct qt_cur *c, int min, int max, int *out)
{
	return qt_comma(c) ? qt_int(c, min, max, out) : -EINVAL;
}

static int qt_next_ull(struct qt_cur *c, unsigned long long *out)
{
	return qt_comma(c) ? qt_num(c, ~0ULL, out) : -EINVAL;
}

/* A text, quoted or bare (blanks around it dropped), into @buf of @size
 * bytes; @buf NULL: only checked.
 */
static int qt_text(struct qt_cur *c, char *buf, size_t size)
{
	size_t start, end;

	qt_blanks(c);
	if (c->i < c->n && c->s[c->i] == '"') {
		start = ++c->i;
		while (c->i < c->n && c->s[c->i] != '"')
			c->i++;
		if (c->i == c->n)
			return -EINVAL;
		end = c->i++;
		if (!qt_field_end(c))
			return -EINVAL;
	} else {
		start = c->i;
		while (c->i < c->n && c->s[c->i] != ',')
			c->i++;
		end = c->i;
		while (end > start && qt_blank(c->s[end - 1]))
			end--;
	}
	if (end - start >= size)
		return -ERANGE;
	if (buf) {
		memcpy(buf, c->s + start, end - start);
		buf[end - start] = '\0';
	}
	return 0;
}

static int qt_next_text(struct qt_cur *c, char *buf, size_t size)
{
	return qt_comma(c) ? qt_text(c, buf, size) : -EINVAL;
}

/* Nothing but blanks left. */
static int qt_end(struct qt_cur *c)
{
	qt_blanks(c);
	return c->i == c->n ? 0 : -EINVAL;
}

/* Every parser ends here: *out is all zero after an error. */
static int qt_done(void *out, size_t size, int err)
{
	if (err)
		memset(out, 0, size);
	return err;
}

const char *qt_ans_line(const char *resp, const char *prefix, size_t *len)
{
	size_t k = strlen(prefix), n;

	while (resp && *resp) {
		if (*resp == '\n') {
			resp++;
			continue;
		}
		n = strcspn(resp, "\n");
		if (n >= k && !memcmp(resp, prefix, k)) {
			*len = n;
			return resp;
		}
		resp += n;
	}
	return NULL;
}

int qt_ans_geterror(const char *line, size_t len, struct qt_ans_geterror *out)
{
	struct qt_cur c;
	size_t n;
	int err;

	memset(out, 0, sizeof(*out));
	if (!qt_start(&c, line, len, "+QIGETERROR:"))
		return -EINVAL;
	err = qt_int(&c, 0, 65535, &out->code);
	if (!err && qt_comma(&c)) {
		/* The rest, commas and all: "552,invalid parameters". */
		qt_blanks(&c);
		n = c.n - c.i;
		if (n >= sizeof(out->text))
			n = sizeof(out->text) - 1;
		while (n && qt_blank(c.s[c.i + n - 1]))
			n--;
		memcpy(out->text, c.s + c.i, n);
	}
	return qt_done(out, sizeof(*out), err);
}

int qt_ans_qicsgp(const char *line, size_t len, struct qt_ans_qicsgp *out)
{
	struct qt_cur c;
	int err;

	memset(out, 0, sizeof(*out));
	if (!qt_start(&c, line, len, "+QICSGP:"))
		return -EINVAL;
	/* Each field is optional from the APN on; EC2x add <CDMA_pwd>. */
	err = qt_int(&c, 1, 3, &out->type);
	if (!err && qt_comma(&c))
		err = qt_text(&c, out->apn, sizeof(out->apn));
	if (!err && qt_comma(&c))
		err = qt_text(&c, out->user, sizeof(out->user));
	if (!err && qt_comma(&c))
		err = qt_text(&c, NULL, (size_t)-1);
	if (!err && qt_comma(&c))
		err = qt_int(&c, 0, 3, &out->auth);
	return qt_done(out, sizeof(*out), err);
}

int qt_ans_qiact(const char *line, size_t len, struct qt_ans_qiact *out)
{
	struct qt_cur c;
	int err;

	memset(out, 0, sizeof(*out));
	if (!qt_start(&c, line, len, "+QIACT:"))
		return -EINVAL;
	err = qt_int(&c, 1, 16, &out->ctx);
	if (!err)
		err = qt_next_int(&c, 0, 1, &out->state);
	if (!err && qt_comma(&c))
		err = qt_int(&c, 1, 3, &out->type);
	if (!err && qt_comma(&c))
		err = qt_text(&c, out->addr, sizeof(out->addr));
	return qt_done(out, sizeof(*out), err);
}

int qt_ans_qidnscfg(const char *line, size_t len,
		    struct qt_ans_qidnscfg *out)
{
	struct qt_cur c;
	int err;

	memset(out, 0, sizeof(*out));
	if (!qt_start(&c, line, len, "+QIDNSCFG:"))
		return -EINVAL;
	err = qt_int(&c, 1, 16, &out->ctx);
	if (!err && qt_comma(&c))
		err = qt_text(&c, out->pri, sizeof(out->pri));
	if (!err && qt_comma(&c))
		err = qt_text(&c, out->sec, sizeof(out->sec));
	return qt_done(out, sizeof(*out), err);
}

int qt_ans_qicfg(const char *line, size_t len, struct qt_ans_qicfg *out)
{
	struct qt_cur c;
	int err, v;

	memset(out, 0, sizeof(*out));
	if (!qt_start(&c, line, len, "+QICFG:"))
		return -EINVAL;
	err = qt_text(&c, out->name, sizeof(out->name));
	while (!err && out->nval < 2 && qt_comma(&c)) {
		err = qt_int(&c, 0, 65535, &v);
		out->val[out->nval++] = v;
	}
	if (!err && !out->nval)
		err = -EINVAL;
	if (!err)
		err = qt_end(&c);
	return qt_done(out, sizeof(*out), err);
}

int qt_ans_qistate(const char *line, size_t len,
		   struct qt_ans_qistate *out)
{
	struct qt_cur c;
	int err, port[2] = { 0, 0 };

	memset(out, 0, sizeof(*out));
	if (!qt_start(&c, line, len, "+QISTATE:"))
		return -EINVAL;
	err = qt_int(&c, 0, 11, &out->id);
	if (!err)
		err = qt_next_text(&c, out->type, sizeof(out->type));
	if (!err)
		err = qt_next_text(&c, out->addr, sizeof(out->addr));
	if (!err)
		err = qt_next_int(&c, 0, 65535, &port[0]);
	if (!err)
		err = qt_next_int(&c, 0, 65535, &port[1]);
	if (!err)
		err = qt_next_int(&c, 0, 4, &out->state);
	out->rport = port[0];
	out->lport = port[1];
	return qt_done(out, sizeof(*out), err);
}

int qt_ans_qisend(const char *line, size_t len, struct qt_ans_qisend *out)
{
	struct qt_cur c;
	int err;

	memset(out, 0, sizeof(*out));
	if (!qt_start(&c, line, len, "+QISEND:"))
		return -EINVAL;
	err = qt_num(&c, ~0ULL, &out->total);
	if (!err)
		err = qt_next_ull(&c, &out->acked);
	if (!err)
		err = qt_next_ull(&c, &out->unacked);
	if (!err)
		err = qt_end(&c);
	return qt_done(out, sizeof(*out), err);
}

int qt_ans_cereg(const char *line, size_t len, struct qt_ans_cereg *out)
{
	struct qt_cur c;
	int err;

	memset(out, 0, sizeof(*out));
	if (!qt_start(&c, line, len, "+CEREG:"))
		return -EINVAL;
	err = qt_int(&c, 0, 5, &out->n);
	if (!err)
		err = qt_next_int(&c, 0, 10, &out->stat);
	return qt_done(out, sizeof(*out), err);
}

int qt_ans_ident(const char *line, size_t len, struct qt_ans_ident *out)
{
	struct qt_cur c;
	size_t n;
	int err = 0;

	memset(out, 0, sizeof(*out));
	if (qt_start(&c, line, len, "Revision")) {
		out->kind = QT_ANS_ID_REVISION;
		if (c.i < c.n && c.s[c.i] == ':')
			c.i++;
	} else if (qt_start(&c, line, len, "+CGSN:")) {
		out->kind = QT_ANS_ID_IMEI;
	} else {
		qt_start(&c, line, len, "");
		out->kind = QT_ANS_ID_NAME;
	}
	qt_blanks(&c);
	n = c.n - c.i;
	while (n && qt_blank(c.s[c.i + n - 1]))
		n--;
	if (!n)
		err = -EINVAL;
	else if (n >= sizeof(out->text))
		err = -ERANGE;
	else
		memcpy(out->text, c.s + c.i, n);
	return qt_done(out, sizeof(*out), err);
}
