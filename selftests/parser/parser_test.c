// SPDX-License-Identifier: GPL-2.0
/* Host unit tests of the qtcpip AT parser (kselftest harness, TAP output).
 *
 * Events are rendered with the replay tool's formatter (one line each, see
 * Documentation/networking/qtcpip-replay.rst) and compared as text; a few
 * tests look at struct qt_event directly. Every transcript is also fed
 * split at every byte boundary, one byte at a time and in random chunks,
 * which must give the same text.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kselftest_harness.h"
#include "at_parser.h"
#include "qt_fmt.h"

#define OUT_MAX (1 << 17)

enum { VIEW = 1, HEX = 2, NOECHO = 4, RAWCONN = 8 };

struct rec {
	struct qt_parser p;
	struct qt_fmt f;
	int flags;
	char out[OUT_MAX];
	size_t n;
	struct qt_event ev[64];	/* first events, for field checks */
	int nev;
};

static void rec_out(void *ctx, const char *line)
{
	struct rec *r = ctx;
	size_t l = strlen(line);

	if (r->n + l + 1 < OUT_MAX) {
		memcpy(r->out + r->n, line, l);
		r->out[r->n + l] = '\n';
		r->n += l + 1;
		r->out[r->n] = '\0';
	}
}

static void rec_ev(void *ctx, const struct qt_event *ev)
{
	struct rec *r = ctx;

	if (r->nev < 64)
		r->ev[r->nev++] = *ev;
	qt_fmt_event(&r->f, ev);
	if ((r->flags & RAWCONN) && ev->type == QT_EV_FINAL &&
	    ev->final == QT_FINAL_CONNECT)
		qt_parser_set_raw(&r->p, true);
}

static struct rec *rec_new(enum qt_model model, int flags)
{
	struct rec *r = calloc(1, sizeof(*r));

	if (!r)
		abort();
	r->flags = flags;
	qt_fmt_init(&r->f, rec_out, r);
	qt_parser_init(&r->p, model, rec_ev, r);
	qt_parser_set_viewmode(&r->p, flags & VIEW);
	qt_parser_set_recv_hex(&r->p, flags & HEX);
	qt_parser_set_echo_filter(&r->p, !(flags & NOECHO));
	return r;
}

static void rec_done(struct rec *r)
{
	qt_fmt_flush(&r->f);
}

/* Feed in pieces: cuts[] are split points, or every byte if cuts == NULL. */
static char *render(enum qt_model model, int flags, const char *in,
		    size_t len, const size_t *cuts, int ncuts, bool bytewise)
{
	struct rec *r = rec_new(model, flags);
	const uint8_t *b = (const uint8_t *)in;
	size_t pos = 0;
	char *s;
	int i;

	if (bytewise) {
		for (pos = 0; pos < len; pos++)
			qt_parser_feed(&r->p, b + pos, 1);
	} else {
		for (i = 0; i < ncuts; i++) {
			qt_parser_feed(&r->p, b + pos, cuts[i] - pos);
			pos = cuts[i];
		}
		qt_parser_feed(&r->p, b + pos, len - pos);
	}
	rec_done(r);
	s = strdup(r->out);
	free(r);
	return s;
}

/* Number of split checks that disagreed with the whole-buffer result. */
static int split_mismatches(enum qt_model model, int flags, const char *in,
			    size_t len, const char *ref)
{
	unsigned int seed = 1;
	size_t cuts[64];
	int bad = 0;
	size_t k;
	char *s;
	int i, j;

	for (k = 0; k <= len; k++) {
		s = render(model, flags, in, len, &k, 1, false);
		if (strcmp(s, ref)) {
			if (!bad)
				fprintf(stderr, "# split at %zu:\n%s", k, s);
			bad++;
		}
		free(s);
	}
	s = render(model, flags, in, len, NULL, 0, true);
	bad += !!strcmp(s, ref);
	free(s);
	for (i = 0; i < 50; i++) {
		size_t pos = 0;
		int n = 0;

		for (j = 0; j < 64 && pos < len; j++) {
			seed = seed * 1103515245 + 12345;
			pos += 1 + (seed >> 16) % 40;
			if (pos < len)
				cuts[n++] = pos;
		}
		s = render(model, flags, in, len, cuts, n, false);
		bad += !!strcmp(s, ref);
		free(s);
	}
	return bad;
}

/* Whole-buffer result must be exp, and so must every split of the input. */
#define CHECK_LEN(model, flags, in, len, exp) do {			\
	char *_s = render(model, flags, in, len, NULL, 0, false);	\
	EXPECT_STREQ(exp, _s);						\
	EXPECT_EQ(0, split_mismatches(model, flags, in, len, _s));	\
	free(_s);							\
} while (0)
#define CHECK(model, flags, in, exp) \
	CHECK_LEN(model, flags, in, sizeof(in) - 1, exp)

#define BC66 QT_MODEL_BC66
#define UC20 QT_MODEL_UC20

/* ---- BC66 manual, chapter 4 ------------------------------------------- */

TEST(bc66_4_1_1_open_buffer)
{
	CHECK(BC66, 0,
	      "AT+QIOPEN=1,0,\"TCP\",\"220.180.239.212\",8062,1234,0\r"
	      "\r\nOK\r\n\r\n+QIOPEN: 0,0\r\n"
	      "AT+QISTATE=1,0\r"
	      "\r\n+QISTATE: 0,1,\"220.180.239.212\",8062,1234,2,1,0\r\n"
	      "\r\nOK\r\n",
	      "FINAL OK\n"
	      "URC QIOPEN id=0 code=0\n"
	      "INFO \"+QISTATE: 0,1,\\\"220.180.239.212\\\",8062,1234,2,1,0\"\n"
	      "FINAL OK\n");
}

TEST(bc66_4_1_2_send_buffer)
{
	CHECK(BC66, 0,
	      "AT+QISEND=0,10,1234567890\r\r\nOK\r\n\r\nSEND OK\r\n"
	      "AT+QISENDEX=0,5,3031323334\r\r\nOK\r\n\r\nSEND OK\r\n"
	      "AT+QISEND=0,10,1234567890\r\r\nOK\r\n"
	      "AT+QISEND=0,10,1234567890\r\r\nERROR\r\n\r\nSEND OK\r\n",
	      "FINAL OK\nFINAL SEND_OK\nFINAL OK\nFINAL SEND_OK\n"
	      "FINAL OK\nFINAL ERROR\nFINAL SEND_OK\n");
}

TEST(bc66_4_1_3_recv_buffer)
{
	CHECK(BC66, 0,
	      "\r\n+QIURC: \"recv\",0\r\n"
	      "AT+QIRD=0,512\r\r\n+QIRD: 10\r\n1234567890\r\n\r\nOK\r\n"
	      "AT+QIRD=0,512\r\r\n+QIRD: 0\r\n\r\nOK\r\n"
	      "\r\n+QIURC: \"recv\",0,\"buff full\"\r\n",
	      "URC RECV id=0\n"
	      "INFO len=10 \"+QIRD: 10\"\n"
	      "DATA id=-1 len=10 hex=31323334353637383930\n"
	      "DATA_END id=-1 len=10 count=10\n"
	      "FINAL OK\n"
	      "INFO \"+QIRD: 0\"\n"
	      "FINAL OK\n"
	      "URC BUFF_FULL id=0\n");
}

TEST(bc66_4_1_4_close)
{
	CHECK(BC66, 0, "AT+QICLOSE=0\r\r\nOK\r\n\r\nCLOSE OK\r\n",
	      "FINAL OK\nFINAL CLOSE_OK\n");
}

TEST(bc66_4_2_1_open_push)
{
	CHECK(BC66, 0,
	      "\r\nOK\r\n\r\n+QIOPEN: 0,0\r\n"
	      "\r\n+QISTATE: 0,1,\"220.180.239.212\",8062,0,2,1,1\r\n"
	      "\r\nOK\r\n",
	      "FINAL OK\n"
	      "URC QIOPEN id=0 code=0\n"
	      "INFO \"+QISTATE: 0,1,\\\"220.180.239.212\\\",8062,0,2,1,1\"\n"
	      "FINAL OK\n");
}

TEST(bc66_4_2_2_send_push)
{
	CHECK(BC66, 0, "\r\nOK\r\n\r\nSEND OK\r\n\r\nOK\r\n\r\nSEND OK\r\n",
	      "FINAL OK\nFINAL SEND_OK\nFINAL OK\nFINAL SEND_OK\n");
}

TEST(bc66_4_2_3_recv_push)
{
	CHECK(BC66, 0, "\r\n+QIURC: \"recv\",0,5\r\n12345\r\n",
	      "URC RECV_PUSH id=0 len=5\n"
	      "DATA id=0 len=5 hex=3132333435\n"
	      "DATA_END id=0 len=5 count=5\n");
}

TEST(bc66_4_3_ping)
{
	CHECK(BC66, 0,
	      "\r\nOK\r\n"
	      "\r\n+QPING: 0,\"220.180.239.212\",32,192,255\r\n"
	      "\r\n+QPING: 0,\"220.180.239.212\",32,240,255\r\n"
	      "\r\n+QPING: 0,\"220.180.239.212\",32,241,255\r\n"
	      "\r\n+QPING: 0,\"220.180.239.212\",32,479,255\r\n"
	      "\r\n+QPING: 0,4,4,0,192,479,287\r\n",
	      "FINAL OK\n"
	      "URC QPING result=0 n=5 addr=\"220.180.239.212\" bytes=32 time=192 ttl=255\n"
	      "URC QPING result=0 n=5 addr=\"220.180.239.212\" bytes=32 time=240 ttl=255\n"
	      "URC QPING result=0 n=5 addr=\"220.180.239.212\" bytes=32 time=241 ttl=255\n"
	      "URC QPING result=0 n=5 addr=\"220.180.239.212\" bytes=32 time=479 ttl=255\n"
	      "URC QPING result=0 n=7 sent=4 rcvd=4 lost=0 min=192 max=479 avg=287\n");
}

TEST(bc66_4_4_ntp_typo)
{
	CHECK(BC66, 0,
	      "\r\nOK\r\n\r\n+QNTTP: 0,\"18/04,11:08:20:35+8\"\r\n"
	      "\r\n+QNTP: 0,\"18/04/24,11:08:20+32\"\r\n",
	      "FINAL OK\n"
	      "URC QNTP code=0 addr=\"18/04,11:08:20:35+8\"\n"
	      "URC QNTP code=0 addr=\"18/04/24,11:08:20+32\"\n");
}

TEST(bc66_4_5_geterror)
{
	CHECK(BC66, 0,
	      "\r\nERROR\r\nAT+QIGETERROR\r"
	      "\r\n+QIGETERROR: 552,invalid parameters\r\n\r\nERROR\r\n",
	      "FINAL ERROR\n"
	      "INFO \"+QIGETERROR: 552,invalid parameters\"\n"
	      "FINAL ERROR\n");
}

/* ---- UC20 manual, chapter 4 ------------------------------------------- */

TEST(uc20_4_1_context)
{
	CHECK(UC20, 0,
	      "\r\nOK\r\n\r\nOK\r\n"
	      "\r\n+QIACT: 1,1,1,\"10.7.157.1\"\r\n\r\nOK\r\n\r\nOK\r\n",
	      "FINAL OK\nFINAL OK\n"
	      "INFO \"+QIACT: 1,1,1,\\\"10.7.157.1\\\"\"\n"
	      "FINAL OK\nFINAL OK\n");
}

TEST(uc20_4_2_buffer)
{
	CHECK(UC20, 0,
	      "\r\nOK\r\n\r\n+QIOPEN: 0,0\r\n"
	      "\r\n+QISTATE: 0,\"TCP\",\"61.190.19.174\",8705,0,2,1,0,0,\"usbmodem\"\r\n"
	      "\r\nOK\r\n"
	      "\r\n> \r\nSEND OK\r\n"
	      "\r\n> \r\nSEND OK\r\n"
	      "\r\n+QISEND: 9,9,0\r\n\r\nOK\r\n"
	      "\r\n+QIURC: \"recv\",0\r\n"
	      "\r\n+QIRD: 5\r\ntest1\r\n\r\nOK\r\n"
	      "\r\n+QIRD: 0\r\n\r\nOK\r\n"
	      "\r\n+QIRD: 5,5,0\r\n\r\nOK\r\n"
	      "\r\nOK\r\n",
	      "FINAL OK\n"
	      "URC QIOPEN id=0 code=0\n"
	      "INFO \"+QISTATE: 0,\\\"TCP\\\",\\\"61.190.19.174\\\",8705,0,2,1,0,0,\\\"usbmodem\\\"\"\n"
	      "FINAL OK\n"
	      "PROMPT\nFINAL SEND_OK\n"
	      "PROMPT\nFINAL SEND_OK\n"
	      "INFO \"+QISEND: 9,9,0\"\nFINAL OK\n"
	      "URC RECV id=0\n"
	      "INFO len=5 \"+QIRD: 5\"\n"
	      "DATA id=-1 len=5 hex=7465737431\n"
	      "DATA_END id=-1 len=5 count=5\n"
	      "FINAL OK\n"
	      "INFO \"+QIRD: 0\"\nFINAL OK\n"
	      "INFO \"+QIRD: 5,5,0\"\nFINAL OK\n"
	      "FINAL OK\n");
}

TEST(uc20_4_3_transparent)
{
	CHECK(UC20, RAWCONN,
	      "\r\nCONNECT\r\nTest 1\r\nOK\r\n\x01",
	      "FINAL CONNECT\n"
	      "DATA id=-1 len=13 hex=5465737420310d0a4f4b0d0a01\n");
}

TEST(uc20_4_4_push)
{
	CHECK(UC20, 0,
	      "\r\n+QISTATE: 0,\"TCP\",\"61.190.19.174\",8705,0,2,1,0,1,\"usbmodem\"\r\n"
	      "\r\nOK\r\n\r\n>\r\nSEND OK\r\n"
	      "\r\n+QISEND: 10,10,0\r\n\r\nOK\r\n"
	      "\r\n+QIURC: \"recv\",0,4\r\ntest\r\n",
	      "INFO \"+QISTATE: 0,\\\"TCP\\\",\\\"61.190.19.174\\\",8705,0,2,1,0,1,\\\"usbmodem\\\"\"\n"
	      "FINAL OK\nPROMPT\nFINAL SEND_OK\n"
	      "INFO \"+QISEND: 10,10,0\"\nFINAL OK\n"
	      "URC RECV_PUSH id=0 len=4\n"
	      "DATA id=0 len=4 hex=74657374\n"
	      "DATA_END id=0 len=4 count=4\n");
}

TEST(uc20_4_5_server)
{
	CHECK(UC20, 0,
	      "\r\nOK\r\n\r\n+QIOPEN: 1,0\r\n"
	      "\r\n+QIURC: \"incoming\",11,1,\"172.31.242.222\",54091\r\n"
	      "\r\n+QIURC: \"incoming\",10,1,172.31.242.223,54092\r\n"
	      "\r\n+QIURC: \"incoming full\"\r\n"
	      "\r\n+QIURC: \"recv\",11\r\n"
	      "\r\n+QIRD: 4\r\ntest\r\n\r\nOK\r\n"
	      "\r\n+QIRD: 4,4,0\r\nOK\r\n",
	      "FINAL OK\n"
	      "URC QIOPEN id=1 code=0\n"
	      "URC INCOMING id=11 id2=1 addr=\"172.31.242.222\" port=54091\n"
	      "URC INCOMING id=10 id2=1 addr=\"172.31.242.223\" port=54092\n"
	      "URC INCOMING_FULL\n"
	      "URC RECV id=11\n"
	      "INFO len=4 \"+QIRD: 4\"\n"
	      "DATA id=-1 len=4 hex=74657374\n"
	      "DATA_END id=-1 len=4 count=4\n"
	      "FINAL OK\n"
	      "INFO \"+QIRD: 4,4,0\"\nFINAL OK\n");
}

TEST(uc20_4_6_udp_service)
{
	CHECK(UC20, 0,
	      "\r\n+QIURC: \"recv\",2\r\n"
	      "\r\n+QIRD: 4,\"10.7.76.34\",7687\r\nAAAA\r\nOK\r\n"
	      "\r\n+QIRD: 0\r\nOK\r\n"
	      "\r\n+QIURC: \"recv\",2,6,\"10.7.76.34\",7687\r\na\r\nb\r\n\r\n",
	      "URC RECV id=2\n"
	      "INFO len=4 addr=\"10.7.76.34\" port=7687 \"+QIRD: 4,\\\"10.7.76.34\\\",7687\"\n"
	      "DATA id=-1 len=4 hex=41414141\n"
	      "DATA_END id=-1 len=4 count=4\n"
	      "FINAL OK\n"
	      "INFO \"+QIRD: 0\"\nFINAL OK\n"
	      "URC RECV_PUSH id=2 len=6 addr=\"10.7.76.34\" port=7687\n"
	      "DATA id=2 len=6 hex=610d0a620d0a\n"
	      "DATA_END id=2 len=6 count=6\n");
}

TEST(uc20_4_7_ping_unquoted)
{
	CHECK(UC20, 0,
	      "\r\nOK\r\n"
	      "\r\n+QPING: 0,61.135.169.125,0,0,147\r\n"
	      "\r\n+QPING: 1\r\n"
	      "\r\n+QPING: 2,4,4,0,96,147,111\r\n"
	      "\r\n+QPING: 4\r\n",
	      "FINAL OK\n"
	      "URC QPING result=0 n=5 addr=\"61.135.169.125\" bytes=0 time=0 ttl=147\n"
	      "URC QPING result=1 n=1\n"
	      "URC QPING result=2 n=7 sent=4 rcvd=4 lost=0 min=96 max=147 avg=111\n"
	      "URC QPING result=4 n=1\n");
}

TEST(uc20_4_8_ntp)
{
	CHECK(UC20, 0,
	      "\r\nOK\r\n\r\n+QNTP: 0,\"2013/08/19,11:10:10+32\"\r\n"
	      "AT+CCLK?\r\r\n+CCLK: \"13/08/19,11:10:57+32\"\r\n\r\nOK\r\n",
	      "FINAL OK\n"
	      "URC QNTP code=0 addr=\"2013/08/19,11:10:10+32\"\n"
	      "INFO \"+CCLK: \\\"13/08/19,11:10:57+32\\\"\"\n"
	      "FINAL OK\n");
}

TEST(uc20_4_9_geterror)
{
	CHECK(UC20, 0,
	      "\r\nERROR\r\n\r\n+QIGETERROR: 558, invalid parameters\r\n"
	      "\r\nOK\r\n",
	      "FINAL ERROR\n"
	      "INFO \"+QIGETERROR: 558, invalid parameters\"\n"
	      "FINAL OK\n");
}

/* ---- classification ------------------------------------------------------ */

TEST(test_command_answers_are_info)
{
	CHECK(BC66, 0,
	      "\r\n+QIOPEN: (1-3),(0-4),\"TCP/UDP\",\"<IP_address>/<domain_name>\",<remote_port>,<local_port>,<0-1>[,<0-1>]\r\n"
	      "\r\n+QPING: (1-3),<host>,(1-255),(1-10)\r\n"
	      "\r\n+QNTTP: (1-3),<server>,(list of supported<port>s,(0,1))\r\n"
	      "\r\n+QNTP: \"202.120.2.101\",123\r\n"
	      "\r\n+QIRD: (0-4),(1-700)\r\n"
	      "\r\n+QIOPEN: 1,2,3\r\n"
	      "\r\n+QIOPEN: 1\r\n",
	      "INFO \"+QIOPEN: (1-3),(0-4),\\\"TCP/UDP\\\",\\\"<IP_address>/<domain_name>\\\",<remote_port>,<local_port>,<0-1>[,<0-1>]\"\n"
	      "INFO \"+QPING: (1-3),<host>,(1-255),(1-10)\"\n"
	      "INFO \"+QNTTP: (1-3),<server>,(list of supported<port>s,(0,1))\"\n"
	      "INFO \"+QNTP: \\\"202.120.2.101\\\",123\"\n"
	      "INFO \"+QIRD: (0-4),(1-700)\"\n"
	      "INFO \"+QIOPEN: 1,2,3\"\n"
	      "INFO \"+QIOPEN: 1\"\n");
}

TEST(identity_and_finals)
{
	CHECK(UC20, 0,
	      "\r\nRDY\r\n\r\n+CPIN: READY\r\n\r\n+QIND: SMS DONE\r\n"
	      "\r\nQuectel\r\nUC20\r\nRevision: UC20EQAR02A05E2G\r\n\r\nOK\r\n"
	      "\r\n867223021234567\r\n\r\n+CGSN: 866425030012345\r\n"
	      "\r\n+CME ERROR: 10\r\n\r\n+CMS ERROR: 500\r\n"
	      "\r\n+CME ERROR: SIM not inserted\r\n"
	      "\r\nNO CARRIER\r\n\r\nCONNECT\r\n\r\nCONNECT 150000000\r\n"
	      "\r\nSEND FAIL\r\n\r\nCLOSE FAIL\r\n\r\nOK  \r\n"
	      "\r\nPOWERED DOWN\r\n",
	      "URC RDY\n"
	      "INFO \"+CPIN: READY\"\n"
	      "URC OTHER \"+QIND: SMS DONE\"\n"
	      "INFO \"Quectel\"\nINFO \"UC20\"\n"
	      "INFO \"Revision: UC20EQAR02A05E2G\"\nFINAL OK\n"
	      "INFO \"867223021234567\"\n"
	      "INFO \"+CGSN: 866425030012345\"\n"
	      "FINAL CME_ERROR code=10\nFINAL CMS_ERROR code=500\n"
	      "FINAL CME_ERROR code=-1\n"
	      "FINAL NO_CARRIER\nFINAL CONNECT\nFINAL CONNECT\n"
	      "FINAL SEND_FAIL\nFINAL CLOSE_FAIL\nFINAL OK\n"
	      "URC OTHER \"POWERED DOWN\"\n");
}

TEST(every_qiurc_form)
{
	CHECK(BC66, 0,
	      "\r\n+QIURC: \"recv\",3\r\n"
	      "\r\n+QIURC: \"recv\",3,\"buff full\"\r\n"
	      "\r\n+QIURC: \"closed\",4\r\n"
	      "\r\n+QIURC: \"incoming\",11,1,\"1.2.3.4\",80\r\n"
	      "\r\n+QIURC: \"incoming full\"\r\n"
	      "\r\n+QIURC: \"pdpdeact\",16\r\n"
	      "\r\n+QIURC: \"dnsgip\",0,2,600\r\n"
	      "\r\n+QIURC: \"dnsgip\",\"220.181.57.216\"\r\n"
	      "\r\n+QIURC: \"dnsgip\",1.2.3.4\r\n"
	      "\r\n+QIURC: \"dnsgip\",565\r\n"
	      "\r\n+QIURC: \"recv\",1,2\r\nab\r\n"
	      "\r\n+QIURC: \"recv\",1,2,\"5.6.7.8\",9\r\ncd\r\n"
	      "\r\n+QIURC: \"recv\",1,2,5.6.7.8,9\r\nef\r\n"
	      "\r\n+QIURC: \"bogus\",1\r\n"
	      "\r\n+QIURC: \"closed\"\r\n"
	      "\r\n+QIURC: \"recv\",x\r\n",
	      "URC RECV id=3\n"
	      "URC BUFF_FULL id=3\n"
	      "URC CLOSED id=4\n"
	      "URC INCOMING id=11 id2=1 addr=\"1.2.3.4\" port=80\n"
	      "URC INCOMING_FULL\n"
	      "URC PDPDEACT id=16\n"
	      "URC DNSGIP_HDR code=0 count=2 ttl=600\n"
	      "URC DNSGIP_ADDR addr=\"220.181.57.216\"\n"
	      "URC DNSGIP_ADDR addr=\"1.2.3.4\"\n"
	      "URC DNSGIP_HDR code=565 count=0 ttl=0\n"
	      "URC RECV_PUSH id=1 len=2\n"
	      "DATA id=1 len=2 hex=6162\nDATA_END id=1 len=2 count=2\n"
	      "URC RECV_PUSH id=1 len=2 addr=\"5.6.7.8\" port=9\n"
	      "DATA id=1 len=2 hex=6364\nDATA_END id=1 len=2 count=2\n"
	      "URC RECV_PUSH id=1 len=2 addr=\"5.6.7.8\" port=9\n"
	      "DATA id=1 len=2 hex=6566\nDATA_END id=1 len=2 count=2\n"
	      "URC OTHER \"+QIURC: \\\"bogus\\\",1\"\n"
	      "URC OTHER \"+QIURC: \\\"closed\\\"\"\n"
	      "URC OTHER \"+QIURC: \\\"recv\\\",x\"\n");
}

/* The engine reads fields, not strings. */
TEST(urc_fields)
{
	static const char in[] =
		"\r\n+QIURC: \"incoming\",11,1,\"172.31.242.222\",54091\r\n"
		"\r\n+QPING: 0,4,4,0,192,479,287\r\n"
		"\r\n+QIURC: \"dnsgip\",0,3,120\r\n"
		"\r\n+QIOPEN: 5,566\r\n";
	struct rec *r = rec_new(UC20, 0);
	const struct qt_event *e = r->ev;

	qt_parser_feed(&r->p, (const uint8_t *)in, sizeof(in) - 1);
	ASSERT_EQ(4, r->nev);
	EXPECT_EQ(QT_EV_URC, e[0].type);
	EXPECT_EQ(QT_URC_INCOMING, e[0].urc);
	EXPECT_EQ(11, e[0].id);
	EXPECT_EQ(1, e[0].id2);
	EXPECT_EQ(54091, e[0].port);
	EXPECT_STREQ("172.31.242.222", e[0].addr);
	EXPECT_EQ(QT_URC_QPING, e[1].urc);
	EXPECT_EQ(7, e[1].ping.nfields);
	EXPECT_EQ(4, e[1].ping.sent);
	EXPECT_EQ(287, e[1].ping.avg);
	EXPECT_EQ(QT_URC_DNSGIP_HDR, e[2].urc);
	EXPECT_EQ(3, e[2].count);
	EXPECT_EQ(120, e[2].ttl);
	EXPECT_EQ(QT_URC_QIOPEN, e[3].urc);
	EXPECT_EQ(5, e[3].id);
	EXPECT_EQ(566, e[3].code);
	EXPECT_EQ(-1, e[2].id);
	free(r);
}

TEST(names)
{
	EXPECT_STREQ("MALFORMED", qt_ev_type_name(QT_EV_MALFORMED));
	EXPECT_STREQ("NO_CARRIER", qt_final_name(QT_FINAL_NO_CARRIER));
	EXPECT_STREQ("OTHER", qt_urc_name(QT_URC_OTHER));
	EXPECT_STREQ("?", qt_ev_type_name((enum qt_ev_type)0));
	EXPECT_STREQ("?", qt_urc_name((enum qt_urc)99));
	EXPECT_GT(512, (int)sizeof(struct qt_event));
}

TEST(echo_filter)
{
	CHECK(BC66, 0, "ATE0\r\r\nOK\r\nat+cgsn\r\r\nOK\r\n",
	      "FINAL OK\nFINAL OK\n");
	CHECK(BC66, NOECHO, "ATE0\r\r\nOK\r\n",
	      "INFO \"ATE0\"\nFINAL OK\n");
}

/* ---- data blocks --------------------------------------------------------- */

TEST(all_byte_values_in_blocks)
{
	char in[600], exp[2048];
	size_t n = 0, e = 0;
	int i;

	n += sprintf(in + n, "\r\n+QIRD: 256\r\n");
	for (i = 0; i < 256; i++)
		in[n++] = (char)i;
	n += sprintf(in + n, "\r\n\r\nOK\r\n+QIURC: \"recv\",4,6\r\n");
	memcpy(in + n, "\r\n\0\r\n\xff", 6);
	n += 6;
	n += sprintf(in + n, "\r\n");

	e += sprintf(exp + e, "INFO len=256 \"+QIRD: 256\"\n"
		     "DATA id=-1 len=256 hex=");
	for (i = 0; i < 256; i++)
		e += sprintf(exp + e, "%02x", i);
	sprintf(exp + e, "\nDATA_END id=-1 len=256 count=256\nFINAL OK\n"
		"URC RECV_PUSH id=4 len=6\n"
		"DATA id=4 len=6 hex=0d0a000d0aff\n"
		"DATA_END id=4 len=6 count=6\n");
	CHECK_LEN(BC66, 0, in, n, exp);
}

TEST(data_points_into_input)
{
	static const char in[] = "\r\n+QIRD: 3\r\nabc\r\nOK\r\n";
	struct rec *r = rec_new(BC66, 0);
	const struct qt_event *e = r->ev;

	qt_parser_feed(&r->p, (const uint8_t *)in, sizeof(in) - 1);
	ASSERT_EQ(4, r->nev);
	EXPECT_EQ(QT_EV_DATA, e[1].type);
	EXPECT_EQ((const uint8_t *)in + 12, e[1].data);
	EXPECT_EQ(3, e[1].data_len);
	EXPECT_EQ(QT_EV_DATA_END, e[2].type);
	EXPECT_EQ(3, e[2].count);
	free(r);
}

TEST(max_block_1500)
{
	static char in[1600];
	char *exp = malloc(4000);
	size_t n, e;
	int i;

	n = sprintf(in, "\r\n+QIRD: 1500\r\n");
	memset(in + n, 'z', 1500);
	n += 1500;
	n += sprintf(in + n, "\r\nOK\r\n");
	e = sprintf(exp, "INFO len=1500 \"+QIRD: 1500\"\nDATA id=-1 len=1500 hex=");
	for (i = 0; i < 1500; i++)
		e += sprintf(exp + e, "7a");
	sprintf(exp + e, "\nDATA_END id=-1 len=1500 count=1500\nFINAL OK\n");
	CHECK_LEN(BC66, 0, in, n, exp);
	free(exp);
}

TEST(viewmode_comma)
{
	CHECK(BC66, VIEW,
	      "\r\n+QIRD: 10,12345\r\n890\r\nOK\r\n"
	      "\r\n+QIURC: \"recv\",1,4,ab,c\r\n"
	      "\r\n+QIURC: \"recv\",2,3\r\nxyz\r\n"
	      "\r\n+QIRD: 0\r\nOK\r\n"
	      "\r\n+QIURC: \"recv\",0,\"buff full\"\r\n",
	      "INFO len=10 \"+QIRD: 10\"\n"
	      "DATA id=-1 len=10 hex=31323334350d0a383930\n"
	      "DATA_END id=-1 len=10 count=10\n"
	      "FINAL OK\n"
	      "URC RECV_PUSH id=1 len=4\n"
	      "DATA id=1 len=4 hex=61622c63\n"
	      "DATA_END id=1 len=4 count=4\n"
	      "URC RECV_PUSH id=2 len=3\n"
	      "DATA id=2 len=3 hex=78797a\n"
	      "DATA_END id=2 len=3 count=3\n"
	      "INFO \"+QIRD: 0\"\nFINAL OK\n"
	      "URC BUFF_FULL id=0\n");
	/* Without viewmode 1 the comma form is just a line. */
	CHECK(BC66, 0, "\r\n+QIRD: 2,ab\r\n",
	      "INFO \"+QIRD: 2,ab\"\n");
	/* UC20 has no viewmode: its UDP SERVICE header keeps its meaning. */
	CHECK(UC20, VIEW, "\r\n+QIRD: 2,\"1.2.3.4\",5\r\nab\r\n",
	      "INFO len=2 addr=\"1.2.3.4\" port=5 \"+QIRD: 2,\\\"1.2.3.4\\\",5\"\n"
	      "DATA id=-1 len=2 hex=6162\n"
	      "DATA_END id=-1 len=2 count=2\n");
}

TEST(recv_hex)
{
	CHECK(BC66, HEX,
	      "\r\n+QIRD: 5\r\n3031320D0A\r\n\r\nOK\r\n"
	      "\r\n+QIURC: \"recv\",1,4\r\n00ff7F80\r\n",
	      "INFO len=5 \"+QIRD: 5\"\n"
	      "DATA id=-1 len=5 hex=3031320d0a\n"
	      "DATA_END id=-1 len=5 count=5\n"
	      "FINAL OK\n"
	      "URC RECV_PUSH id=1 len=4\n"
	      "DATA id=1 len=4 hex=00ff7f80\n"
	      "DATA_END id=1 len=4 count=4\n");
	CHECK(BC66, HEX | VIEW,
	      "\r\n+QIURC: \"recv\",0,2,4142\r\n\r\n+QIRD: 1,0D\r\nOK\r\n",
	      "URC RECV_PUSH id=0 len=2\n"
	      "DATA id=0 len=2 hex=4142\nDATA_END id=0 len=2 count=2\n"
	      "INFO len=1 \"+QIRD: 1\"\n"
	      "DATA id=-1 len=1 hex=0d\nDATA_END id=-1 len=1 count=1\n"
	      "FINAL OK\n");
}

TEST(recv_hex_long)
{
	char in[3200], exp[3200];
	size_t n, e;
	int i;

	n = sprintf(in, "\r\n+QIRD: 1500\r\n");
	e = sprintf(exp, "INFO len=1500 \"+QIRD: 1500\"\nDATA id=-1 len=1500 hex=");
	for (i = 0; i < 1500; i++) {
		n += sprintf(in + n, "%02X", i & 0xff);
		e += sprintf(exp + e, "%02x", i & 0xff);
	}
	n += sprintf(in + n, "\r\nOK\r\n");
	sprintf(exp + e, "\nDATA_END id=-1 len=1500 count=1500\nFINAL OK\n");
	CHECK_LEN(BC66, HEX, in, n, exp);
}

/* A bad digit ends the block; the rest is parsed as lines again. */
TEST(recv_hex_bad_digit)
{
	CHECK(BC66, HEX,
	      "\r\n+QIRD: 4\r\n30XY\r\nOK\r\n"
	      "\r\n+QIRD: 5\r\nhello\r\n\r\nOK\r\n"
	      "\r\n+QIRD: 2\r\n4\r\nOK\r\n",
	      "INFO len=4 \"+QIRD: 4\"\n"
	      "DATA id=-1 len=1 hex=30\n"
	      "BADHEX id=-1\n"
	      "DATA_END id=-1 len=4 count=1\n"
	      "INFO \"XY\"\nFINAL OK\n"
	      "INFO len=5 \"+QIRD: 5\"\n"
	      "BADHEX id=-1\n"
	      "DATA_END id=-1 len=5 count=0\n"
	      "INFO \"hello\"\nFINAL OK\n"
	      "INFO len=2 \"+QIRD: 2\"\n"
	      "BADHEX id=-1\n"
	      "DATA_END id=-1 len=2 count=0\n"
	      "FINAL OK\n");
}

/* ---- prompt, raw mode ---------------------------------------------------- */

TEST(prompt_without_line_end)
{
	static const char in[] = "\r\n> ";
	struct rec *r = rec_new(UC20, 0);

	qt_parser_feed(&r->p, (const uint8_t *)in, sizeof(in) - 1);
	ASSERT_EQ(1, r->nev);
	EXPECT_EQ(QT_EV_PROMPT, r->ev[0].type);
	free(r);
	CHECK(UC20, 0, "\r\n> \r\nSEND OK\r\n>>x\r\n a>\r\n",
	      "PROMPT\nFINAL SEND_OK\nPROMPT\nPROMPT\nINFO \"x\"\n"
	      "INFO \" a>\"\n");
}

TEST(raw_mode)
{
	static const char in[] = "\r\nOK\r\n+++\r\n\x00\xff";
	struct rec *r = rec_new(UC20, 0);

	qt_parser_set_raw(&r->p, true);
	qt_parser_feed(&r->p, (const uint8_t *)in, sizeof(in) - 1);
	qt_parser_set_raw(&r->p, false);
	qt_parser_feed(&r->p, (const uint8_t *)in, 6);
	rec_done(r);
	EXPECT_STREQ("DATA id=-1 len=13 hex=0d0a4f4b0d0a2b2b2b0d0a00ff\n"
		     "FINAL OK\n", r->out);
	free(r);
}

/* ---- robustness ---------------------------------------------------------- */

TEST(overlong_line)
{
	char in[1024], exp[1024];
	size_t n, e;

	n = sprintf(in, "\r\n");
	memset(in + n, 'A', 600);
	n += 600;
	n += sprintf(in + n, "\r\nOK\r\n");
	memset(in + n, 'B', 256);
	n += 256;
	n += sprintf(in + n, "\r\n");
	e = sprintf(exp, "OVERFLOW \"");
	memset(exp + e, 'A', 256);
	e += 256;
	e += sprintf(exp + e, "\"\nFINAL OK\nINFO \"");
	memset(exp + e, 'B', 256);
	e += 256;
	sprintf(exp + e, "\"\n");
	CHECK_LEN(BC66, 0, in, n, exp);
}

/* A line with a byte the UART flagged is dropped whole; data is not. */
TEST(drop_line)
{
	struct rec *r = rec_new(UC20, 0);
	static const char a[] = "\r\n+QIURC: \"clo", b[] = "sed\",0\r\nOK\r\n",
		c[] = "+QIURC: \"recv\",1,4\r\nab", d[] = "cd\r\n";

	qt_parser_feed(&r->p, (const uint8_t *)a, strlen(a));
	qt_parser_drop_line(&r->p);
	qt_parser_feed(&r->p, (const uint8_t *)b, strlen(b));
	qt_parser_feed(&r->p, (const uint8_t *)c, strlen(c));
	qt_parser_drop_line(&r->p);	/* inside data: no effect */
	qt_parser_feed(&r->p, (const uint8_t *)d, strlen(d));
	rec_done(r);
	EXPECT_STREQ("FINAL OK\nURC RECV_PUSH id=1 len=4\n"
		     "DATA id=1 len=4 hex=61626364\n"
		     "DATA_END id=1 len=4 count=4\n", r->out);
	free(r);
}

TEST(bad_lengths)
{
	CHECK(BC66, 0,
	      "\r\n+QIRD: 2000\r\n\r\n+QIURC: \"recv\",0,1501\r\n"
	      "\r\n+QIURC: \"recv\",0,0\r\n\r\n+QIRD: -1\r\n"
	      "\r\n+QIRD: 99999999999999999999\r\n\r\n+QIRD: 1500x\r\n"
	      "\r\nOK\r\n",
	      "MALFORMED len=2000 \"+QIRD: 2000\"\n"
	      "MALFORMED len=1501 \"+QIURC: \\\"recv\\\",0,1501\"\n"
	      "MALFORMED len=0 \"+QIURC: \\\"recv\\\",0,0\"\n"
	      "MALFORMED len=-1 \"+QIRD: -1\"\n"
	      "MALFORMED len=1000000000 \"+QIRD: 99999999999999999999\"\n"
	      "INFO \"+QIRD: 1500x\"\n"
	      "FINAL OK\n");
	/* Viewmode 1 with a bad length: the rest of the line is dropped. */
	CHECK(BC66, VIEW, "\r\n+QIRD: 1600,CCCC,CC\r\nOK\r\n",
	      "MALFORMED len=1600 \"+QIRD: 1600\"\nFINAL OK\n");
}

TEST(garbage_and_nul)
{
	static const char in[] = "\0\0O\0K\0\r\n\xff\xfe\x01\r\n\n\n\r\r   \r\n";

	CHECK_LEN(BC66, 0, in, sizeof(in) - 1,
		  "FINAL OK\nINFO \"\\xff\\xfe\\x01\"\n");
}

/* Truncated input leaves a block open; reset recovers. */
TEST(truncated_then_reset)
{
	static const char a[] = "\r\n+QIRD: 8\r\ntrunc";
	static const char b[] = "\r\nOK\r\n";
	struct rec *r = rec_new(BC66, 0);

	qt_parser_feed(&r->p, (const uint8_t *)a, sizeof(a) - 1);
	EXPECT_EQ(QT_PS_DATA, (int)r->p.state);
	qt_parser_reset(&r->p);
	EXPECT_EQ(QT_PS_LINE, (int)r->p.state);
	qt_parser_feed(&r->p, (const uint8_t *)b, sizeof(b) - 1);
	rec_done(r);
	EXPECT_STREQ("INFO len=8 \"+QIRD: 8\"\n"
		     "DATA id=-1 len=5 hex=7472756e63\n"
		     "FINAL OK\n", r->out);
	/* Half a line, then reset. */
	r->n = 0;
	r->out[0] = '\0';
	qt_parser_feed(&r->p, (const uint8_t *)"SEND", 4);
	qt_parser_reset(&r->p);
	qt_parser_feed(&r->p, (const uint8_t *)b, sizeof(b) - 1);
	rec_done(r);
	EXPECT_STREQ("FINAL OK\n", r->out);
	free(r);
}

static void reset_on_header(void *ctx, const struct qt_event *ev)
{
	struct rec *r = ctx;

	rec_ev(ctx, ev);
	if (ev->type == QT_EV_INFO && ev->len)
		qt_parser_reset(&r->p);
}

/* Callbacks may reset the parser; it takes effect from the next byte. */
TEST(reset_from_callback)
{
	static const char in[] = "\r\n+QIRD: 3\r\nOK\r\n";
	struct rec *r = rec_new(BC66, 0);

	r->p.fn = reset_on_header;
	qt_parser_feed(&r->p, (const uint8_t *)in, sizeof(in) - 1);
	rec_done(r);
	EXPECT_STREQ("INFO len=3 \"+QIRD: 3\"\nFINAL OK\n", r->out);
	free(r);
}

/* ---- real modules (Documentation/networking/qtcpip-dialects.rst,
 * "Profiles"): the exact bytes they print ---------------------------- */

/* A real BC66 answers ATI with three lines; they are its answer (INFO),
 * and the model is found on the "Quectel_BC66" line, not on "Revision:".
 */
TEST(real_bc66_ati)
{
	CHECK(BC66, NOECHO,
	      "\r\nQuectel_Ltd\r\nQuectel_BC66\r\n"
	      "Revision: BC66NBR01A06\r\n\r\nOK\r\n",
	      "INFO \"Quectel_Ltd\"\n"
	      "INFO \"Quectel_BC66\"\n"
	      "INFO \"Revision: BC66NBR01A06\"\n"
	      "FINAL OK\n");
	EXPECT_EQ(4, qt_model_match("Quectel_BC66", "BC66"));
	EXPECT_EQ(4, qt_model_match("BC66", "BC66"));
	EXPECT_EQ(6, qt_model_match("Quectel_BC660K-GL", "BC660K"));
	EXPECT_EQ(4, qt_model_match("BC66-NA", "BC66"));
	EXPECT_EQ(4, qt_model_match("BG95-M3", "BG95"));
	EXPECT_EQ(0, qt_model_match("Quectel_Ltd", "BC66"));
	EXPECT_EQ(0, qt_model_match("BC660K-GL", "BC66"));
	EXPECT_EQ(0, qt_model_match("EC200U", "EC20"));
	EXPECT_EQ(0, qt_model_match("BC66NBR01A06", "BC66"));
}

/* The MT2625 boot ROM banner a real BC66 prints on power-on and after
 * AT+QRST=1, and the APP RDY of newer modules: each a BOOT URC.
 */
TEST(brom_banner_and_app_rdy)
{
	CHECK(BC66, NOECHO,
	      "\r\nOK\r\nF1: 0000 0000\r\nV0: 0000 0000 [0001]\r\n"
	      "00: 0006 000C\r\n01: 0000 0000\r\nU0: 0000 0001 [0000]\r\n"
	      "T0: 0000 00B4\r\nLeaving the BROM\r\n",
	      "FINAL OK\n"
	      "URC BOOT \"F1: 0000 0000\"\n"
	      "URC BOOT \"V0: 0000 0000 [0001]\"\n"
	      "URC BOOT \"00: 0006 000C\"\n"
	      "URC BOOT \"01: 0000 0000\"\n"
	      "URC BOOT \"U0: 0000 0001 [0000]\"\n"
	      "URC BOOT \"T0: 0000 00B4\"\n"
	      "URC BOOT \"Leaving the BROM\"\n");
	CHECK(UC20, NOECHO,
	      "\r\nRDY\r\n\r\n+CFUN: 1\r\n\r\n+CPIN: READY\r\n"
	      "\r\n+QUSIM: 1\r\n\r\n+QIND: SMS DONE\r\n\r\nAPP RDY\r\n",
	      "URC RDY\n"
	      "INFO \"+CFUN: 1\"\n"
	      "INFO \"+CPIN: READY\"\n"
	      "URC OTHER \"+QUSIM: 1\"\n"
	      "URC OTHER \"+QIND: SMS DONE\"\n"
	      "URC BOOT \"APP RDY\"\n");
	/* Near misses stay text. */
	CHECK(BC66, NOECHO,
	      "\r\nF1: 0000 000\r\nIP: 0000 0000\r\nF1: 0000 0000 [01]\r\n",
	      "INFO \"F1: 0000 000\"\n"
	      "INFO \"IP: 0000 0000\"\n"
	      "INFO \"F1: 0000 0000 [01]\"\n");
}

static void skip_on_push(void *ctx, const struct qt_event *ev)
{
	struct rec *r = ctx;

	rec_ev(ctx, ev);
	if (ev->type == QT_EV_URC && ev->urc == QT_URC_RECV_PUSH)
		qt_parser_skip_block(&r->p);
}

/* Buffer mode: BG96/EC21/UC200T/EC200A send the hint without a length,
 * newer firmware with one and no data after it. The engine skips the
 * block of such a header; the lines after it are lines again.
 */
TEST(recv_hint_with_and_without_length)
{
	static const char in[] =
		"\r\n+QIURC: \"recv\",0\r\n"
		"\r\n+QIURC: \"recv\",1,3\r\n"
		"\r\n+QIURC: \"recv\",2,1460\r\nOK\r\n";
	struct rec *r = rec_new(UC20, NOECHO);

	r->p.fn = skip_on_push;
	qt_parser_feed(&r->p, (const uint8_t *)in, sizeof(in) - 1);
	rec_done(r);
	EXPECT_STREQ("URC RECV id=0\n"
		     "URC RECV_PUSH id=1 len=3\n"
		     "URC RECV_PUSH id=2 len=1460\n"
		     "FINAL OK\n", r->out);
	free(r);
	/* All unread bytes may exceed one block: malformed as a header,
	 * and the engine takes it as a hint.
	 */
	CHECK(UC20, NOECHO, "\r\n+QIURC: \"recv\",0,4000\r\n\r\nOK\r\n",
	      "MALFORMED len=4000 \"+QIURC: \\\"recv\\\",0,4000\"\n"
	      "FINAL OK\n");
}

/* A BC660K: OK for AT+QICLOSE, then a separate CLOSE OK ~50 ms later.
 * The parser reports both finals; the engine decides whom they end.
 */
TEST(bc660k_late_close_ok)
{
	CHECK(BC66, NOECHO, "\r\nOK\r\n\r\nOK\r\n\r\nCLOSE OK\r\n\r\nOK\r\n",
	      "FINAL OK\nFINAL OK\nFINAL CLOSE_OK\nFINAL OK\n");
}

/* Vendor URCs the manuals never show are INFO lines to the parser; only
 * a line whose prefix is the in-flight command's name answers it.
 */
TEST(vendor_urcs_are_not_answers)
{
	CHECK(BC66, NOECHO,
	      "\r\n+CSCON: 1\r\n\r\n+CEREG: 1\r\n\r\n+IP: 10.64.0.7\r\n"
	      "\r\n+QNBIOTEVENT: \"ENTER PSM\"\r\n\r\n+QMTSTAT: 0,1\r\n",
	      "INFO \"+CSCON: 1\"\n"
	      "INFO \"+CEREG: 1\"\n"
	      "INFO \"+IP: 10.64.0.7\"\n"
	      "INFO \"+QNBIOTEVENT: \\\"ENTER PSM\\\"\"\n"
	      "INFO \"+QMTSTAT: 0,1\"\n");
	EXPECT_FALSE(qt_line_answers("ATI", NULL, "+CSCON: 1"));
	EXPECT_TRUE(qt_line_answers("ATI", NULL, "Quectel_BC66"));
	EXPECT_FALSE(qt_line_answers("AT+CGSN", NULL, "+CEREG: 1"));
	EXPECT_TRUE(qt_line_answers("AT+CGSN", NULL, "+CGSN: 866425030000006"));
	EXPECT_TRUE(qt_line_answers("AT+CGSN", NULL, "866425030000006"));
	EXPECT_TRUE(qt_line_answers("AT+CEREG?", NULL, "+CEREG: 0,1"));
	EXPECT_FALSE(qt_line_answers("AT+QIACT?", NULL, "+IP: 10.64.0.7"));
	EXPECT_TRUE(qt_line_answers("AT+QIACT?", NULL,
				    "+QIACT: 1,1,1,\"10.64.0.7\""));
	EXPECT_FALSE(qt_line_answers("AT+QIACT?", NULL, "+QIACTX: 1"));
	EXPECT_FALSE(qt_line_answers("AT+QISTATE=1,0", NULL,
				     "+QISEND: 1,2,3"));
	EXPECT_TRUE(qt_line_answers("AT+QISEND=0,0", NULL, "+QISEND: 1,2,3"));
	EXPECT_TRUE(qt_line_answers("AT+X", "+QIGETERROR:",
				    "+QIGETERROR: 552,x"));
	EXPECT_FALSE(qt_line_answers("AT+X", "+QIGETERROR:", "+X: 1"));
}

TEST_HARNESS_MAIN
