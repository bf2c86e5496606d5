/* SPDX-License-Identifier: GPL-2.0 */
/*
 * qtcpip answer parsers: one line of a command's answer in, typed fields
 * out (the lines at_parser.c passes on as QT_EV_INFO, which the engine
 * collects in a command's response, one line per '\n').
 *
 * Pure C like at_parser.c: the same file builds into the module, the host
 * unit tests and a fuzzer. Every parser takes @len bytes at @line (no line
 * end; a NUL ends it early), checks the answer's prefix, fills *out and
 * returns 0, or -EINVAL (another line, a missing or malformed field) or
 * -ERANGE (a number or a text out of its bounds), *out then all zero.
 * Numbers are decimal without sign; blanks around fields are ignored;
 * texts may be quoted or not; fields past those listed are ignored where
 * noted. Bounds are the manuals' (BC66, UC20 TCP/IP AT commands) and the
 * real modules' (BG96, EC2x, BC660K: Documentation/networking/
 * qtcpip-dialects.rst). +QIRD, +QIURC, +QIOPEN, +QPING, +QNTP and the
 * dnsgip URCs are at_parser.c's: they come as events.
 */
#ifndef QTCPIP_AT_ANSWER_H
#define QTCPIP_AT_ANSWER_H

#include "at_parser.h"

#define QT_ANS_TEXT_MAX		48	/* identification lines */
#define QT_ANS_APN_MAX		100	/* 3GPP TS 23.003: 100 octets */

/* The first line of @resp (lines end at '\n' or the NUL) from @resp on
 * that starts with @prefix ("" for any line), or NULL; its length in
 * *len. The next one is found from the line + *len.
 */
const char *qt_ans_line(const char *resp, const char *prefix, size_t *len);

/* "+QIGETERROR: <err>[,<description>]"; a description longer than
 * the buffer is cut (it is only shown).
 */
struct qt_ans_geterror {
	int code;		/* 0-65535 */
	char text[100];
};

int qt_ans_geterror(const char *line, size_t len, struct qt_ans_geterror *out);

/* "+QICSGP: <type>[,<apn>[,<user>[,<password>[,<auth>]]]]": missing
 * fields are ""/0. The password is checked, not kept.
 */
struct qt_ans_qicsgp {
	int type;		/* 1 IPv4 (UC20); 2 IPv6, 3 IPv4v6 (BG96) */
	char apn[QT_ANS_APN_MAX];
	char user[64];
	int auth;		/* 0-3 */
};

int qt_ans_qicsgp(const char *line, size_t len, struct qt_ans_qicsgp *out);

/* "+QIACT: <ctx>,<state>[,<type>[,<address>[,...]]]" (a second address
 * for IPv4v6 is ignored).
 */
struct qt_ans_qiact {
	int ctx;		/* 1-16 */
	int state;		/* 0 deactivated, 1 activated */
	int type;		/* 1-3 when given, else 0 */
	char addr[QT_ADDR_MAX];
};

int qt_ans_qiact(const char *line, size_t len, struct qt_ans_qiact *out);

/* "+QIDNSCFG: <ctx>[,<pridns>[,<secdns>]]". */
struct qt_ans_qidnscfg {
	int ctx;		/* 1-16 */
	char pri[QT_ADDR_MAX];
	char sec[QT_ADDR_MAX];
};

int qt_ans_qidnscfg(const char *line, size_t len,
		    struct qt_ans_qidnscfg *out);

/* "+QICFG: <name>,<value>[,<value>]": BC66 dataformat (two values),
 * viewmode; UC20 transpktsize, transwaittm.
 */
struct qt_ans_qicfg {
	char name[16];
	int nval;		/* 1 or 2 */
	unsigned int val[2];	/* 0-65535 */
};

int qt_ans_qicfg(const char *line, size_t len, struct qt_ans_qicfg *out);

/* "+QISTATE: <id>,<type>,<address>,<rport>,<lport>,<state>[,...]": UC20
 * quotes <type> ("TCP LISTENER"), the BC66 manual's example prints it as
 * an integer; both are kept as text.
 */
struct qt_ans_qistate {
	int id;			/* 0-11 */
	char type[16];
	char addr[QT_ADDR_MAX];
	unsigned int rport, lport;
	int state;		/* 0 initial - 4 closing */
};

int qt_ans_qistate(const char *line, size_t len,
		   struct qt_ans_qistate *out);

/* "+QISEND: <total>,<acked>,<unacked>" (AT+QISEND=<id>,0, UC20). */
struct qt_ans_qisend {
	unsigned long long total, acked, unacked;
};

int qt_ans_qisend(const char *line, size_t len, struct qt_ans_qisend *out);

/* "+CEREG: <n>,<stat>[,...]" (3GPP TS 27.007). */
struct qt_ans_cereg {
	int n;			/* 0-5 */
	int stat;		/* 0-10: 1 home, 5 roaming */
};

int qt_ans_cereg(const char *line, size_t len, struct qt_ans_cereg *out);

/* A line of ATI, AT+CGMM, AT+GMR, AT+CGSN. */
enum qt_ans_id_kind {
	QT_ANS_ID_NAME = 1,	/* any other line: maker, model, an IMEI */
	QT_ANS_ID_REVISION,	/* "Revision[:] <rev>" */
	QT_ANS_ID_IMEI,		/* "+CGSN: <imei>" (BC66) */
};

struct qt_ans_ident {
	enum qt_ans_id_kind kind;
	char text[QT_ANS_TEXT_MAX];	/* the line or the value, trimmed */
};

int qt_ans_ident(const char *line, size_t len, struct qt_ans_ident *out);

#endif /* QTCPIP_AT_ANSWER_H */
