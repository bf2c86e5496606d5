// SPDX-License-Identifier: GPL-2.0
/* Host unit tests of the qtcpip answer parsers (at_answer.c): for each
 * answer kind the manuals' examples, the forms real modules and the
 * emulator print, and malformed, overlong and overflowing lines, which
 * must be refused with all-zero output.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "kselftest_harness.h"
#include "at_answer.h"

/* Parse C string @s with @fn into @out. */
#define P(fn, s, out)	qt_ans_##fn((s), strlen(s), (out))

/* Refused with @err, and *out left all zero. */
#define REFUSED(fn, s, err) do {					\
	struct qt_ans_##fn o_;						\
	static const struct qt_ans_##fn zero_;				\
									\
	memset(&o_, 0x5a, sizeof(o_));					\
	EXPECT_EQ(err, P(fn, s, &o_)) TH_LOG("%s", s);			\
	EXPECT_EQ(0, memcmp(&o_, &zero_, sizeof(o_))) TH_LOG("%s", s); \
} while (0)

static char long_text[300];

/* "<head><n x c><tail>" in long_text. */
static const char *longer(const char *head, int n, char c, const char *tail)
{
	int k = snprintf(long_text, sizeof(long_text), "%s", head);

	memset(long_text + k, c, n);
	snprintf(long_text + k + n, sizeof(long_text) - k - n, "%s", tail);
	return long_text;
}

TEST(resp_lines)
{
	const char *resp = "Quectel\nBC66\n\nRevision: BC66NBR01A01";
	const char *l;
	size_t n;
	int count = 0;

	for (l = resp; (l = qt_ans_line(l, "", &n)); l += n)
		count++;
	EXPECT_EQ(3, count);
	l = qt_ans_line(resp, "Revision", &n);
	ASSERT_NE(NULL, l);
	EXPECT_EQ(strlen("Revision: BC66NBR01A01"), n);
	/* Only at a line's start. */
	EXPECT_EQ(NULL, qt_ans_line("x+QIACT: 1,1", "+QIACT:", &n));
	EXPECT_EQ(NULL, qt_ans_line("", "", &n));
	EXPECT_EQ(NULL, qt_ans_line(NULL, "", &n));
	resp = "+QIACT: 1,1,1,\"10.0.0.2\"\n+QIACT: 2,0,1\n+QIACT: 3,1,1";
	count = 0;
	for (l = resp; (l = qt_ans_line(l, "+QIACT:", &n)); l += n) {
		struct qt_ans_qiact a;

		ASSERT_EQ(0, qt_ans_qiact(l, n, &a));
		EXPECT_EQ(++count, a.ctx);
	}
	EXPECT_EQ(3, count);
}

TEST(geterror)
{
	struct qt_ans_geterror g;
	char line[] = "+QIGETERROR: 55\0 2";

	/* BC66 manual (its trailing blanks), UC20 manual, emulator. */
	ASSERT_EQ(0, P(geterror, "+QIGETERROR: 552,invalid parameters  ", &g));
	EXPECT_EQ(552, g.code);
	EXPECT_STREQ("invalid parameters", g.text);
	ASSERT_EQ(0, P(geterror, "+QIGETERROR: 558, invalid parameters", &g));
	EXPECT_EQ(558, g.code);
	EXPECT_STREQ("invalid parameters", g.text);
	ASSERT_EQ(0, P(geterror, "+QIGETERROR:566", &g));
	EXPECT_EQ(566, g.code);
	EXPECT_STREQ("", g.text);
	ASSERT_EQ(0, P(geterror, "+QIGETERROR: 0,operation success", &g));
	EXPECT_EQ(0, g.code);
	/* A description with commas is kept whole; a long one is cut. */
	ASSERT_EQ(0, P(geterror, "+QIGETERROR: 550,a, b,c", &g));
	EXPECT_STREQ("a, b,c", g.text);
	ASSERT_EQ(0, P(geterror, longer("+QIGETERROR: 550,", 200, 'x', ""),
		       &g));
	EXPECT_EQ(sizeof(g.text) - 1, strlen(g.text));
	/* The length given ends the line, and so does a NUL. */
	ASSERT_EQ(0, qt_ans_geterror("+QIGETERROR: 5523", 16, &g));
	EXPECT_EQ(552, g.code);
	ASSERT_EQ(0, qt_ans_geterror(line, sizeof(line) - 1, &g));
	EXPECT_EQ(55, g.code);

	REFUSED(geterror, "+QIGETERROR: abc", -EINVAL);
	REFUSED(geterror, "+QIGETERROR: -5,x", -EINVAL);
	REFUSED(geterror, "+QIGETERROR: +5,x", -EINVAL);
	REFUSED(geterror, "+QIGETERROR: 552x", -EINVAL);
	REFUSED(geterror, "+QIGETERROR: ,x", -EINVAL);
	REFUSED(geterror, "+QIGETERROR:", -EINVAL);
	REFUSED(geterror, "+QIGETERRORS: 1", -EINVAL);
	REFUSED(geterror, "+QIGETERRO", -EINVAL);
	REFUSED(geterror, "QIGETERROR: 552", -EINVAL);
	REFUSED(geterror, "+QIGETERROR: 65536,x", -ERANGE);
	REFUSED(geterror, "+QIGETERROR: 4294967848,x", -ERANGE);
	REFUSED(geterror, "+QIGETERROR: 99999999999999999999999999,x",
		-ERANGE);
}

TEST(qicsgp)
{
	struct qt_ans_qicsgp a;

	/* UC20 manual example. */
	ASSERT_EQ(0, P(qicsgp, "+QICSGP: 1,\"\",\"\",\"\",0", &a));
	EXPECT_EQ(1, a.type);
	EXPECT_STREQ("", a.apn);
	EXPECT_STREQ("", a.user);
	EXPECT_EQ(0, a.auth);
	ASSERT_EQ(0, P(qicsgp, "+QICSGP: 1,\"UNINET\",\"bob\",\"pw,x\",2", &a));
	EXPECT_STREQ("UNINET", a.apn);
	EXPECT_STREQ("bob", a.user);
	EXPECT_EQ(2, a.auth);
	/* An empty APN does not hide the user (sscanf's %[ did). */
	ASSERT_EQ(0, P(qicsgp, "+QICSGP: 1,\"\",\"bob\",\"\",1", &a));
	EXPECT_STREQ("bob", a.user);
	EXPECT_EQ(1, a.auth);
	/* BG96 IPv4v6; EC2x add <CDMA_pwd>. */
	ASSERT_EQ(0, P(qicsgp, "+QICSGP: 3,\"internet\",\"\",\"\",0", &a));
	EXPECT_EQ(3, a.type);
	ASSERT_EQ(0, P(qicsgp, "+QICSGP: 1,\"apn\",\"u\",\"p\",3,0", &a));
	EXPECT_EQ(3, a.auth);
	/* Fields left out from the APN on. */
	ASSERT_EQ(0, P(qicsgp, "+QICSGP: 1", &a));
	EXPECT_STREQ("", a.apn);
	ASSERT_EQ(0, P(qicsgp, "+QICSGP: 1,\"apn\"", &a));
	EXPECT_STREQ("apn", a.apn);
	ASSERT_EQ(0, P(qicsgp, longer("+QICSGP: 1,\"", 99, 'a', "\""), &a));
	EXPECT_EQ(99, strlen(a.apn));

	/* The test command's answer. */
	REFUSED(qicsgp, "+QICSGP: (1-16),1-IPV4,APN,USER NAME, PASSWORD,(0-3)",
		-EINVAL);
	REFUSED(qicsgp, "+QICSGP: 1,\"apn", -EINVAL);
	REFUSED(qicsgp, "+QICSGP: 1,\"apn\"x,\"\",\"\",0", -EINVAL);
	REFUSED(qicsgp, "+QICSGP: 1,\"\",\"\",\"\",", -EINVAL);
	REFUSED(qicsgp, "+QICSGP: 1,\"\",\"\",\"\",x", -EINVAL);
	REFUSED(qicsgp, "+QICSGP: 0,\"\",\"\",\"\",0", -ERANGE);
	REFUSED(qicsgp, "+QICSGP: 1,\"\",\"\",\"\",4", -ERANGE);
	REFUSED(qicsgp, "+QICSGP: 4294967297,\"\",\"\",\"\",0", -ERANGE);
	REFUSED(qicsgp, longer("+QICSGP: 1,\"", 100, 'a', "\""), -ERANGE);
	REFUSED(qicsgp, longer("+QICSGP: 1,\"\",\"", 64, 'u', "\",\"\",0"),
		-ERANGE);
}

TEST(qiact)
{
	struct qt_ans_qiact a;

	/* UC20 manual example. */
	ASSERT_EQ(0, P(qiact, "+QIACT: 1,1,1,\"10.7.157.1\"", &a));
	EXPECT_EQ(1, a.ctx);
	EXPECT_EQ(1, a.state);
	EXPECT_EQ(1, a.type);
	EXPECT_STREQ("10.7.157.1", a.addr);
	ASSERT_EQ(0, P(qiact, "+QIACT: 16,0,1", &a));
	EXPECT_EQ(16, a.ctx);
	EXPECT_EQ(0, a.state);
	EXPECT_STREQ("", a.addr);
	ASSERT_EQ(0, P(qiact, "+QIACT: 2,1", &a));
	EXPECT_EQ(0, a.type);
	/* IPv4v6 (BG96, EC2x): the first address. Bare addresses. */
	ASSERT_EQ(0, P(qiact, "+QIACT: 2,1,3,\"10.1.2.3\",\"2001:db8::1\"",
		       &a));
	EXPECT_STREQ("10.1.2.3", a.addr);
	ASSERT_EQ(0, P(qiact, "+QIACT: 1,1,2,2001:db8::7", &a));
	EXPECT_STREQ("2001:db8::7", a.addr);

	REFUSED(qiact, "+QIACT: (1-16)", -EINVAL);
	REFUSED(qiact, "+QIACT: 1", -EINVAL);
	REFUSED(qiact, "+QIACT: 1,,1", -EINVAL);
	REFUSED(qiact, "+QIACT: 1,1,1,\"10.0.0.2", -EINVAL);
	REFUSED(qiact, "+QIACT: 0,1,1", -ERANGE);
	REFUSED(qiact, "+QIACT: 17,1,1", -ERANGE);
	REFUSED(qiact, "+QIACT: 1,2,1", -ERANGE);
	REFUSED(qiact, "+QIACT: 1,1,4", -ERANGE);
	REFUSED(qiact, "+QIACT: 4294967297,1,1", -ERANGE);
	REFUSED(qiact, longer("+QIACT: 1,1,1,\"", 64, '1', "\""), -ERANGE);
}

TEST(qidnscfg)
{
	struct qt_ans_qidnscfg d;

	ASSERT_EQ(0, P(qidnscfg, "+QIDNSCFG: 1,\"8.8.8.8\",\"8.8.4.4\"", &d));
	EXPECT_EQ(1, d.ctx);
	EXPECT_STREQ("8.8.8.8", d.pri);
	EXPECT_STREQ("8.8.4.4", d.sec);
	ASSERT_EQ(0, P(qidnscfg, "+QIDNSCFG: 16,\"0.0.0.0\",\"\"", &d));
	EXPECT_STREQ("", d.sec);
	ASSERT_EQ(0, P(qidnscfg, "+QIDNSCFG: 2,\"2001:4860:4860::8888\"",
		       &d));
	EXPECT_STREQ("2001:4860:4860::8888", d.pri);

	REFUSED(qidnscfg, "+QIDNSCFG: (1-16),\"pridnsaddr\",\"secdnsaddr\"",
		-EINVAL);
	REFUSED(qidnscfg, "+QIDNSCFG: 1,\"8.8.8.8\"x", -EINVAL);
	REFUSED(qidnscfg, "+QIDNSCFG: 17,\"8.8.8.8\",\"\"", -ERANGE);
	REFUSED(qidnscfg, longer("+QIDNSCFG: 1,\"", 64, '8', "\""), -ERANGE);
}

TEST(qicfg)
{
	struct qt_ans_qicfg c;

	/* BC66 and UC20 manuals. */
	ASSERT_EQ(0, P(qicfg, "+QICFG: \"dataformat\",0,1", &c));
	EXPECT_STREQ("dataformat", c.name);
	EXPECT_EQ(2, c.nval);
	EXPECT_EQ(0, c.val[0]);
	EXPECT_EQ(1, c.val[1]);
	ASSERT_EQ(0, P(qicfg, "+QICFG: \"viewmode\",1", &c));
	EXPECT_EQ(1, c.nval);
	EXPECT_EQ(1, c.val[0]);
	ASSERT_EQ(0, P(qicfg, "+QICFG: \"transpktsize\",1460", &c));
	EXPECT_EQ(1460, c.val[0]);
	ASSERT_EQ(0, P(qicfg, "+QICFG: \"transwaittm\",2", &c));
	EXPECT_EQ(2, c.val[0]);

	/* The test command's answers. */
	REFUSED(qicfg, "+QICFG: \"dataformat\",(0,1),(0,1)", -EINVAL);
	REFUSED(qicfg, "+QICFG: \"transpktsize\",(1-1460)", -EINVAL);
	REFUSED(qicfg, "+QICFG: \"viewmode\"", -EINVAL);
	REFUSED(qicfg, "+QICFG: \"viewmode\",", -EINVAL);
	REFUSED(qicfg, "+QICFG: \"viewmode\",-1", -EINVAL);
	REFUSED(qicfg, "+QICFG: \"dataformat\",0,1,1", -EINVAL);
	REFUSED(qicfg, "+QICFG: \"viewmode\",65536", -ERANGE);
	REFUSED(qicfg, "+QICFG: \"viewmode\",4294967296", -ERANGE);
	REFUSED(qicfg, "+QICFG: \"averyveryverylongname\",1", -ERANGE);
}

TEST(qistate)
{
	struct qt_ans_qistate s;

	/* BC66 manual: an integer service type. */
	ASSERT_EQ(0, P(qistate, "+QISTATE: 0,1,\"220.180.239.212\",8062,1234,2,1,0",
		       &s));
	EXPECT_EQ(0, s.id);
	EXPECT_STREQ("1", s.type);
	EXPECT_STREQ("220.180.239.212", s.addr);
	EXPECT_EQ(8062, s.rport);
	EXPECT_EQ(1234, s.lport);
	EXPECT_EQ(2, s.state);
	/* UC20 manual. */
	ASSERT_EQ(0, P(qistate, "+QISTATE: 0,\"TCP\",\"61.190.19.174\",8705,0,2,1,0,0,\"usbmodem\"",
		       &s));
	EXPECT_STREQ("TCP", s.type);
	ASSERT_EQ(0, P(qistate, "+QISTATE: 1,\"TCP LISTENER\",\"10.7.157.1\",0,2020,3,1,0,0,\"usbmodem\"",
		       &s));
	EXPECT_STREQ("TCP LISTENER", s.type);
	EXPECT_EQ(2020, s.lport);
	EXPECT_EQ(3, s.state);
	ASSERT_EQ(0, P(qistate, "+QISTATE: 11,\"UDP SERVICE\",\"10.7.157.1\",0,3030,2,1,0,0,\"usbmodem\"",
		       &s));
	EXPECT_EQ(11, s.id);
	/* The emulator's BC66 and an empty address. */
	ASSERT_EQ(0, P(qistate, "+QISTATE: 4,\"UDP\",\"\",65535,0,4,1,0", &s));
	EXPECT_EQ(65535, s.rport);

	REFUSED(qistate, "+QISTATE: 0,\"TCP\",\"1.2.3.4\",1,2", -EINVAL);
	REFUSED(qistate, "+QISTATE: 0,\"TCP\",\"1.2.3.4\",1,,2", -EINVAL);
	REFUSED(qistate, "+QISTATE: 0,\"TCP,\"1.2.3.4\",1,2,2", -EINVAL);
	REFUSED(qistate, "+QISTATE: 12,\"TCP\",\"1.2.3.4\",1,2,2", -ERANGE);
	REFUSED(qistate, "+QISTATE: 0,\"TCP\",\"1.2.3.4\",65536,2,2", -ERANGE);
	REFUSED(qistate, "+QISTATE: 0,\"TCP\",\"1.2.3.4\",1,2,5", -ERANGE);
	REFUSED(qistate, "+QISTATE: 0,\"TCP LISTENERXXXX\",\"1.2.3.4\",1,2,2",
		-ERANGE);
	REFUSED(qistate, "+QISTATE: 4294967296,\"TCP\",\"1.2.3.4\",1,2,2",
		-ERANGE);
}

TEST(qisend)
{
	struct qt_ans_qisend q;

	/* UC20 manual. */
	ASSERT_EQ(0, P(qisend, "+QISEND: 9,9,0", &q));
	EXPECT_EQ(9, q.total);
	EXPECT_EQ(9, q.acked);
	EXPECT_EQ(0, q.unacked);
	ASSERT_EQ(0, P(qisend, "+QISEND: 10,8,2", &q));
	EXPECT_EQ(2, q.unacked);
	ASSERT_EQ(0, P(qisend, "+QISEND: 18446744073709551615,0,18446744073709551615",
		       &q));
	EXPECT_EQ(18446744073709551615ULL, q.total);

	/* The test command's answer; the emulator's hostile line. */
	REFUSED(qisend, "+QISEND: (0-11),(0-1460)", -EINVAL);
	REFUSED(qisend, "+QISEND: 1,4294967295,-1", -EINVAL);
	REFUSED(qisend, "+QISEND: 9,9", -EINVAL);
	REFUSED(qisend, "+QISEND: 9,9,0,0", -EINVAL);
	REFUSED(qisend, "+QISEND: 9,9,0x", -EINVAL);
	REFUSED(qisend, "+QISEND: 18446744073709551616,0,0", -ERANGE);
	REFUSED(qisend, "+QISEND: 0,0,99999999999999999999999999999", -ERANGE);
}

TEST(cereg)
{
	struct qt_ans_cereg r;

	ASSERT_EQ(0, P(cereg, "+CEREG: 0,1", &r));
	EXPECT_EQ(1, r.stat);
	ASSERT_EQ(0, P(cereg, "+CEREG: 2,5,\"1A2B\",\"01A2B3C4\",9", &r));
	EXPECT_EQ(2, r.n);
	EXPECT_EQ(5, r.stat);

	/* The URC form has no <n>. */
	REFUSED(cereg, "+CEREG: 1", -EINVAL);
	REFUSED(cereg, "+CEREG: 0,x", -EINVAL);
	REFUSED(cereg, "+CEREG: 6,1", -ERANGE);
	REFUSED(cereg, "+CEREG: 0,11", -ERANGE);
}

TEST(ident)
{
	struct qt_ans_ident id;

	ASSERT_EQ(0, P(ident, "Quectel", &id));
	EXPECT_EQ(QT_ANS_ID_NAME, id.kind);
	EXPECT_STREQ("Quectel", id.text);
	/* A real BC660K; trailing blanks. */
	ASSERT_EQ(0, P(ident, "Quectel_BC660K-GL  ", &id));
	EXPECT_STREQ("Quectel_BC660K-GL", id.text);
	ASSERT_EQ(0, P(ident, "Revision: BC66NBR01A01", &id));
	EXPECT_EQ(QT_ANS_ID_REVISION, id.kind);
	EXPECT_STREQ("BC66NBR01A01", id.text);
	ASSERT_EQ(0, P(ident, "Revision:UC20GQBR03A12E1G", &id));
	EXPECT_STREQ("UC20GQBR03A12E1G", id.text);
	ASSERT_EQ(0, P(ident, "+CGSN: 866425030000001", &id));
	EXPECT_EQ(QT_ANS_ID_IMEI, id.kind);
	EXPECT_STREQ("866425030000001", id.text);
	ASSERT_EQ(0, P(ident, "866425030000001", &id));
	EXPECT_EQ(QT_ANS_ID_NAME, id.kind);

	REFUSED(ident, "", -EINVAL);
	REFUSED(ident, "   ", -EINVAL);
	REFUSED(ident, "Revision: ", -EINVAL);
	REFUSED(ident, "+CGSN:", -EINVAL);
	REFUSED(ident, longer("Quectel_", 40, 'X', ""), -ERANGE);
	REFUSED(ident, longer("Revision: ", 48, 'R', ""), -ERANGE);
}

TEST_HARNESS_MAIN
