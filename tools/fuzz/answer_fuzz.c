// SPDX-License-Identifier: GPL-2.0
/* libFuzzer target for the qtcpip answer parsers (at_answer.c).
 *
 * The input is one line for every parser, in a buffer of its exact size
 * (ASan sees any read past it), then a command response (lines joined by
 * '\n', as the engine collects them) walked with qt_ans_line() and every
 * parser applied to every line. For each result:
 *  - the return is 0, -EINVAL or -ERANGE, and after an error the struct is
 *    all zero;
 *  - after success every field is within the bounds at_answer.h states,
 *    every text is NUL terminated in its buffer;
 *  - the fields printed back as a canonical line parse to the same struct.
 * Any violation aborts, which libFuzzer reports as a crash.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "at_answer.h"

#define CHECK(cond) do {						\
	if (!(cond)) {							\
		fprintf(stderr, "invariant failed: %s (line %d)\n",	\
			#cond, __LINE__);				\
		abort();						\
	}								\
} while (0)

#define TEXT_OK(t)	(memchr((t), '\0', sizeof(t)) != NULL)

static bool all_zero(const void *p, size_t n)
{
	const unsigned char *b = p;

	while (n--)
		if (*b++)
			return false;
	return true;
}

/* @s as a field that parses back to @s: quoted, or bare if it holds a
 * quote (then it has no comma and no blank at either end); NULL if
 * neither can.
 */
static const char *field(char *buf, size_t size, const char *s)
{
	size_t n = strlen(s);

	if (!strchr(s, '"')) {
		snprintf(buf, size, "\"%s\"", s);
		return buf;
	}
	if (strchr(s, ',') || s[0] == '"' || s[0] == ' ' || s[0] == '\t' ||
	    s[n - 1] == ' ' || s[n - 1] == '\t')
		return NULL;
	snprintf(buf, size, "%s", s);
	return buf;
}

/* Parse @line again and compare with @want (a struct of @size bytes). */
#define REPARSE(fn, want, ...) do {					\
	char l_[600];							\
	struct qt_ans_##fn again_;					\
									\
	snprintf(l_, sizeof(l_), __VA_ARGS__);				\
	CHECK(qt_ans_##fn(l_, strlen(l_), &again_) == 0);		\
	CHECK(!memcmp(&again_, (want), sizeof(again_)));		\
} while (0)

static void one(const char *line, size_t len)
{
	struct qt_ans_geterror ge;
	struct qt_ans_qicsgp cs;
	struct qt_ans_qiact ac;
	struct qt_ans_qidnscfg dn;
	struct qt_ans_qicfg cf;
	struct qt_ans_qistate st;
	struct qt_ans_qisend sd;
	struct qt_ans_cereg ce;
	struct qt_ans_ident id;
	char a[300], b[300];
	int err;

#define RESULT(fn, out) ({						\
	int r_ = qt_ans_##fn(line, len, (out));				\
	CHECK(r_ == 0 || r_ == -EINVAL || r_ == -ERANGE);		\
	CHECK(r_ == 0 || all_zero((out), sizeof(*(out))));		\
	r_; })

	err = RESULT(geterror, &ge);
	if (!err) {
		CHECK(ge.code >= 0 && ge.code <= 65535 && TEXT_OK(ge.text));
		if (ge.text[0])
			REPARSE(geterror, &ge, "+QIGETERROR: %d,%s", ge.code,
				ge.text);
		else
			REPARSE(geterror, &ge, "+QIGETERROR: %d", ge.code);
	}
	err = RESULT(qicsgp, &cs);
	if (!err) {
		CHECK(cs.type >= 1 && cs.type <= 3);
		CHECK(cs.auth >= 0 && cs.auth <= 3);
		CHECK(TEXT_OK(cs.apn) && TEXT_OK(cs.user));
		if (field(a, sizeof(a), cs.apn) && field(b, sizeof(b), cs.user))
			REPARSE(qicsgp, &cs, "+QICSGP: %d,%s,%s,\"\",%d", cs.type,
				a, b, cs.auth);
	}
	err = RESULT(qiact, &ac);
	if (!err) {
		CHECK(ac.ctx >= 1 && ac.ctx <= 16);
		CHECK(ac.state == 0 || ac.state == 1);
		CHECK(ac.type >= 0 && ac.type <= 3 && TEXT_OK(ac.addr));
		if (ac.type && field(a, sizeof(a), ac.addr))
			REPARSE(qiact, &ac, "+QIACT: %d,%d,%d,%s", ac.ctx,
				ac.state, ac.type, a);
	}
	err = RESULT(qidnscfg, &dn);
	if (!err) {
		CHECK(dn.ctx >= 1 && dn.ctx <= 16);
		CHECK(TEXT_OK(dn.pri) && TEXT_OK(dn.sec));
		if (field(a, sizeof(a), dn.pri) && field(b, sizeof(b), dn.sec))
			REPARSE(qidnscfg, &dn, "+QIDNSCFG: %d,%s,%s", dn.ctx,
				a, b);
	}
	err = RESULT(qicfg, &cf);
	if (!err) {
		CHECK(cf.nval == 1 || cf.nval == 2);
		CHECK(cf.val[0] <= 65535 && cf.val[1] <= 65535);
		CHECK(cf.nval == 2 || !cf.val[1]);
		CHECK(TEXT_OK(cf.name));
		if (field(a, sizeof(a), cf.name) && cf.nval == 2)
			REPARSE(qicfg, &cf, "+QICFG: %s,%u,%u", a, cf.val[0],
				cf.val[1]);
		else if (field(a, sizeof(a), cf.name))
			REPARSE(qicfg, &cf, "+QICFG: %s,%u", a, cf.val[0]);
	}
	err = RESULT(qistate, &st);
	if (!err) {
		CHECK(st.id >= 0 && st.id <= 11);
		CHECK(st.rport <= 65535 && st.lport <= 65535);
		CHECK(st.state >= 0 && st.state <= 4);
		CHECK(TEXT_OK(st.type) && TEXT_OK(st.addr));
		if (field(a, sizeof(a), st.type) &&
		    field(b, sizeof(b), st.addr))
			REPARSE(qistate, &st, "+QISTATE: %d,%s,%s,%u,%u,%d,1,0",
				st.id, a, b, st.rport, st.lport, st.state);
	}
	err = RESULT(qisend, &sd);
	if (!err)
		REPARSE(qisend, &sd, "+QISEND: %llu,%llu,%llu",
			(unsigned long long)sd.total,
			(unsigned long long)sd.acked,
			(unsigned long long)sd.unacked);
	err = RESULT(cereg, &ce);
	if (!err) {
		CHECK(ce.n >= 0 && ce.n <= 5 && ce.stat >= 0 && ce.stat <= 10);
		REPARSE(cereg, &ce, "+CEREG: %d,%d", ce.n, ce.stat);
	}
	err = RESULT(ident, &id);
	if (!err) {
		size_t n = strlen(id.text);

		CHECK(TEXT_OK(id.text) && n > 0);
		CHECK(id.text[0] != ' ' && id.text[n - 1] != ' ');
		CHECK(id.text[0] != '\t' && id.text[n - 1] != '\t');
		if (id.kind == QT_ANS_ID_REVISION)
			REPARSE(ident, &id, "Revision: %s", id.text);
		else if (id.kind == QT_ANS_ID_IMEI)
			REPARSE(ident, &id, "+CGSN: %s", id.text);
		else
			CHECK(id.kind == QT_ANS_ID_NAME);
	}
#undef RESULT
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *l, *resp;
	char *buf;
	size_t n;

	/* The line alone, in a buffer of exactly its size. */
	buf = malloc(size ? size : 1);
	if (!buf)
		return 0;
	memcpy(buf, data, size);
	one(buf, size);
	free(buf);

	/* As a response: NUL terminated, walked line by line. */
	buf = malloc(size + 1);
	if (!buf)
		return 0;
	memcpy(buf, data, size);
	buf[size] = '\0';
	resp = buf;
	for (l = resp; (l = qt_ans_line(l, "", &n)); l += n) {
		CHECK(l >= resp && l + n <= resp + strlen(resp));
		CHECK(n > 0 && !memchr(l, '\n', n));
		one(l, n);
	}
	free(buf);
	return 0;
}
