// SPDX-License-Identifier: GPL-2.0
/*
 * The module's command interpreter: assembles command lines (with echo),
 * dispatches them to the dialect's tables, frames responses, holds URCs
 * back while a command or a data mode owns the line, and runs the two
 * data modes of the UC20: the '>' prompt of AT+QISEND and transparent
 * access mode with its "+++" escape.
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include "emu.h"

#define LINE_MAX_ 4096

enum amode { AM_BOOT, AM_CMD, AM_BUSY, AM_PROMPT, AM_TRANS };

struct modem M;

static struct {
	enum amode mode;
	char line[LINE_MAX_ + 1];
	size_t len;
	bool overflow, in_dispatch, booted;
	struct buf urcq, echo;
	int units;
	uint64_t boot_timer, kick_timer;
	/* AT+QISEND prompt */
	struct conn *pc;
	size_t plen;
	struct buf pdata;
	bool has_dst;
	struct sockaddr_in dst;
	/* transparent access mode */
	struct conn *tc;
	int plus;
	uint64_t plus_t, last_rx, guard_timer, wait_timer;
	struct buf tbuf;
} A;

void uc20_send_data(struct conn *c, struct buf *data,
		    const struct sockaddr_in *dst, bool cancel);

void modem_defaults(void)
{
	int i;

	M.echo = true;
	M.cmee = 0;
	M.cfun = 1;
	M.creg_n = 0;
	M.lasterr = 0;
	M.send_pending = false;
	M.send_hex = M.recv_hex = M.viewmode = 0;
	M.transpktsize = 1024;
	M.transwaittm = 2;
	M.last_trans = -1;
	M.clock_off = 0;
	memset(M.pdp, 0, sizeof(M.pdp));
	for (i = 1; i <= 16; i++) {
		M.pdp[i].type = 1;
		strcpy(M.pdp[i].dns1, "0.0.0.0");
		strcpy(M.pdp[i].dns2, "0.0.0.0");
		/* the BC66 has its contexts once registered */
		M.pdp[i].active = M.model == BC66 && i <= 3;
	}
}

void at_init(void)
{
	M.name = profile_model_name();
	M.rev = profile_revision();
	if (M.model == BC66) {
		M.nconn = 5;
		M.nctx = 3;
	} else {
		M.nconn = 12;
		M.nctx = 16;
	}
	A.mode = AM_BOOT;
	modem_defaults();
}

bool at_idle(void)
{
	return A.mode == AM_CMD && !A.in_dispatch;
}

static void out(const void *p, size_t n)
{
	serial_write(p, n);
}

static void outs(const char *s)
{
	out(s, strlen(s));
}

static void flush_urcs(void)
{
	if (!at_idle())
		return;
	if (A.urcq.len) {
		out(buf_data(&A.urcq), A.urcq.len);
		buf_reset(&A.urcq);
	}
	/* direct push connections read again once the line is ours */
	conn_poll_all();
}

static void kick_cb(void *arg)
{
	(void)arg;
	A.kick_timer = 0;
	serial_rx_kick();
}

static void defer_kick(void)
{
	if (!A.kick_timer)
		A.kick_timer = ev_timer(0, kick_cb, NULL);
}

/* ---- boot ---- */

static void boot_done(void *arg)
{
	size_t i;

	(void)arg;
	A.boot_timer = 0;
	A.mode = AM_CMD;
	for (i = 0; PROF->boot[i]; i++) {
		outs("\r\n");
		outs(PROF->boot[i]);
		outs("\r\n");
	}
	/* URC port and auto-baud state start over with every boot */
	M.urc_uart = PROF->urcport_default_uart || !PROF->has_urcport;
	M.first_at_lost = PROF->first_at_lost;
	trace_note("boot complete");
	defer_kick();
}

void at_boot(void)
{
	if (A.booted)
		C.resets++;
	A.booted = true;
	trace_note("boot (%s)", M.name);
	conn_reset_all();
	modem_defaults();
	A.mode = AM_BOOT;
	A.len = 0;
	A.overflow = false;
	A.tc = A.pc = NULL;
	A.plus = 0;
	ev_cancel(&A.guard_timer);
	ev_cancel(&A.wait_timer);
	ev_cancel(&A.boot_timer);
	buf_reset(&A.urcq);
	buf_reset(&A.tbuf);
	if (M.model == UC20)
		uc20_reset();
	else
		bc66_reset();
	A.boot_timer = ev_timer(M.boot_ms * MS, boot_done, NULL);
}

void at_peer_connected(void)
{
	at_boot();
}

/* ---- responses ---- */

static void mid_check(void)
{
	char *u = F.urc_mid;

	if (!u)
		return;
	F.urc_mid = NULL;
	outs("\r\n");
	outs(u);
	outs("\r\n");
	C.urcs++;
	trace_note("urc-mid injected");
	free(u);
}

/* Some real modules put URCs the manuals never show between a command
 * and its answer: one every few responses, never one that looks like
 * the answer of the command at hand.
 */
static void vendor_check(void)
{
	const char *u;
	size_t n, len;

	if (!PROF->vendor_urcs || !M.urc_uart || ++M.vendor_n % 3)
		return;
	for (n = 0; PROF->vendor_urcs[n]; n++)
		;
	u = PROF->vendor_urcs[(M.vendor_n / 3) % n];
	len = strcspn(u, ":");
	if (M.cmdname && strlen(M.cmdname) == len &&
	    !strncmp(M.cmdname, u, len))
		return;
	outs("\r\n");
	outs(u);
	outs("\r\n");
	C.vendor_urcs++;
}

void resp_line(const char *fmt, ...)
{
	char tmp[1024];
	va_list ap;

	if (A.units == 0)
		vendor_check();
	if (A.units == 1)
		mid_check();
	va_start(ap, fmt);
	vsnprintf(tmp, sizeof(tmp), fmt, ap);
	va_end(ap);
	outs("\r\n");
	outs(tmp);
	outs("\r\n");
	A.units++;
}

void hex_encode(const unsigned char *p, size_t n, char *o)
{
	static const char hx[] = "0123456789ABCDEF";
	size_t i;

	for (i = 0; i < n; i++) {
		o[2 * i] = hx[p[i] >> 4];
		o[2 * i + 1] = hx[p[i] & 15];
	}
}

static int hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = toupper(c);
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int hex_decode(const char *s, size_t n, unsigned char *o)
{
	size_t i;

	if (n % 2)
		return -1;
	for (i = 0; i < n; i += 2) {
		int h = hexval(s[i]), l = hexval(s[i + 1]);

		if (h < 0 || l < 0)
			return -1;
		o[i / 2] = h << 4 | l;
	}
	return n / 2;
}

/* A header line followed by a length-counted data block. */
static void block(struct buf *b, const char *hdr, const void *data,
		  size_t n, bool hex, bool comma)
{
	buf_printf(b, "\r\n%s", hdr);
	if (n) {
		buf_put(b, comma ? "," : "\r\n", comma ? 1 : 2);
		if (hex) {
			char *h = malloc(2 * n);

			hex_encode(data, n, h);
			buf_put(b, h, 2 * n);
			free(h);
		} else {
			buf_put(b, data, n);
		}
	}
	buf_put(b, "\r\n", 2);
}

void resp_block(const char *hdr, const void *data, size_t n, bool hex,
		bool comma)
{
	struct buf b = { 0 };

	if (A.units == 1)
		mid_check();
	block(&b, hdr, data, n, hex, comma);
	out(buf_data(&b), b.len);
	buf_free(&b);
	A.units++;
}

void resp_final(const char *s)
{
	if (A.units == 0)
		vendor_check();
	mid_check();
	outs("\r\n");
	outs(s);
	outs("\r\n");
	A.units = 0;
}

void resp_ok(void)
{
	resp_final("OK");
}

void resp_error_code(int code)
{
	M.lasterr = code;
	C.errors++;
	resp_final("ERROR");
}

void resp_error(int esem)
{
	resp_error_code(ecode(esem));
}

void resp_cme(int code, const char *text)
{
	char tmp[128];

	C.errors++;
	if (M.cmee == 1)
		snprintf(tmp, sizeof(tmp), "+CME ERROR: %d", code);
	else if (M.cmee == 2)
		snprintf(tmp, sizeof(tmp), "+CME ERROR: %s", text);
	else
		snprintf(tmp, sizeof(tmp), "ERROR");
	resp_final(tmp);
}

void urc_out(const void *p, size_t n)
{
	C.urcs++;
	if (A.mode == AM_BOOT)
		return;
	/* EC2x: URCs go to the port AT+QURCCFG="urcport" names */
	if (!M.urc_uart) {
		C.urcs_wrong_port++;
		return;
	}
	if (at_idle())
		out(p, n);
	else
		buf_put(&A.urcq, p, n);
}

void urc_line(const char *fmt, ...)
{
	struct buf b = { 0 };
	char tmp[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(tmp, sizeof(tmp), fmt, ap);
	va_end(ap);
	buf_printf(&b, "\r\n%s\r\n", tmp);
	urc_out(buf_data(&b), b.len);
	buf_free(&b);
}

void urc_result(const char *s)
{
	urc_line("%s", s);
	C.urcs--;
}

void urc_block(const char *hdr, const void *data, size_t n, bool hex,
	       bool comma)
{
	struct buf b = { 0 };

	block(&b, hdr, data, n, hex, comma);
	urc_out(buf_data(&b), b.len);
	buf_free(&b);
}

void at_busy(void)
{
	A.mode = AM_BUSY;
}

void at_done(void)
{
	if (A.mode == AM_BOOT)
		return;
	A.mode = AM_CMD;
	flush_urcs();
	defer_kick();
}

/* ---- argument parsing ---- */

int parse_args(char *s, struct args *a)
{
	a->n = 0;
	if (!*s)
		return 0;
	for (;;) {
		char *e;

		if (a->n == MAX_ARGS)
			return -1;
		while (*s == ' ')
			s++;
		if (*s == '"') {
			e = strchr(s + 1, '"');
			if (!e)
				return -1;
			*e = 0;
			a->s[a->n] = s + 1;
			a->q[a->n++] = true;
			s = e + 1;
			while (*s == ' ')
				s++;
			if (!*s)
				return a->n;
			if (*s != ',')
				return -1;
			s++;
			continue;
		}
		e = strchr(s, ',');
		a->s[a->n] = s;
		a->q[a->n++] = false;
		if (e)
			*e = 0;
		/* trim trailing blanks of an unquoted value */
		{
			size_t l = strlen(s);

			while (l && s[l - 1] == ' ')
				s[--l] = 0;
		}
		if (!e)
			return a->n;
		s = e + 1;
	}
}

bool arg_present(struct args *a, int i)
{
	return i < a->n && (a->q[i] || a->s[i][0]);
}

bool arg_int(struct args *a, int i, long lo, long hi, long *out)
{
	const char *s;
	long v = 0;

	if (i >= a->n || a->q[i])
		return false;
	s = a->s[i];
	if (!*s || strlen(s) > 9)
		return false;
	for (; *s; s++) {
		if (!isdigit((unsigned char)*s))
			return false;
		v = v * 10 + (*s - '0');
	}
	if (v < lo || v > hi)
		return false;
	*out = v;
	return true;
}

/* ---- general commands, both dialects ---- */

static void c_ident(void)
{
	char tmp[sizeof(M.ati_override)], *s, *line;
	size_t i;

	if (M.ati_override[0]) {
		/* control "ati": a module the driver does not know */
		snprintf(tmp, sizeof(tmp), "%s", M.ati_override);
		for (line = strtok_r(tmp, "|", &s); line;
		     line = strtok_r(NULL, "|", &s))
			resp_line("%s", line);
	} else {
		for (i = 0; PROF->ati[i]; i++)
			resp_line("%s", PROF->ati[i]);
	}
	resp_ok();
}

/* The model AT+CGMM names: with control "ati", its first line that is
 * neither the maker nor the revision.
 */
static const char *ati_model(void)
{
	static char line[sizeof(M.ati_override)];
	char *s, *tok;

	if (!M.ati_override[0])
		return M.name;
	snprintf(line, sizeof(line), "%s", M.ati_override);
	for (tok = strtok_r(line, "|", &s); tok; tok = strtok_r(NULL, "|", &s))
		if (strncmp(tok, "Quectel", 7) && strncmp(tok, "Revision", 8))
			return tok;
	return M.name;
}

static void c_cgmi(enum kind k, struct args *a, const char *raw)
{
	(void)a;
	(void)raw;
	if (k == K_TEST) {
		resp_ok();
		return;
	}
	if (k != K_EXEC) {
		resp_cme(4, "operation not supported");
		return;
	}
	if (!strcmp(M.cmdname, "+CGMI"))
		resp_line("Quectel");
	else if (!strcmp(M.cmdname, "+CGMM"))
		resp_line("%s", ati_model());
	else
		resp_line("Revision: %s", M.rev);
	resp_ok();
}

static void c_cgsn(enum kind k, struct args *a, const char *raw)
{
	long v;

	(void)raw;
	if (k == K_TEST) {
		resp_ok();
		return;
	}
	if (k == K_READ || (k == K_WRITE && !arg_int(a, 0, 0, 1, &v))) {
		resp_cme(50, "incorrect parameters");
		return;
	}
	if (M.model == BC66 && strcmp(M.cmdname, "+GSN"))
		resp_line("+CGSN: %s", M.imei);
	else
		resp_line("%s", M.imei);
	resp_ok();
}

static void c_cmee(enum kind k, struct args *a, const char *raw)
{
	long v;

	(void)raw;
	if (k == K_TEST) {
		resp_line("+CMEE: (0-2)");
	} else if (k == K_READ) {
		resp_line("+CMEE: %d", M.cmee);
	} else if (k == K_WRITE && a->n == 1 && arg_int(a, 0, 0, 2, &v)) {
		M.cmee = v;
	} else {
		resp_cme(50, "incorrect parameters");
		return;
	}
	resp_ok();
}

static void c_cpin(enum kind k, struct args *a, const char *raw)
{
	(void)a;
	(void)raw;
	if (k == K_READ)
		resp_line("+CPIN: READY");
	else if (k != K_TEST) {
		resp_cme(3, "operation not allowed");
		return;
	}
	resp_ok();
}

static void radio(int on)
{
	int i;

	if (M.cfun == on)
		return;
	M.cfun = on;
	for (i = 1; i <= 16; i++) {
		if (!on && M.pdp[i].active) {
			conn_pdpdeact(i, false);
			M.pdp[i].active = false;
		}
		if (on && M.model == BC66 && i <= 3)
			M.pdp[i].active = true;
	}
}

static void reboot_cb(void *arg)
{
	(void)arg;
	at_boot();
}

static void c_cfun(enum kind k, struct args *a, const char *raw)
{
	long fun, rst = 0;

	(void)raw;
	if (k == K_TEST) {
		resp_line("+CFUN: (0,1,4),(0,1)");
	} else if (k == K_READ) {
		resp_line("+CFUN: %d", M.cfun);
	} else if (k == K_WRITE && (a->n == 1 || a->n == 2) &&
		   arg_int(a, 0, 0, 4, &fun) && fun != 2 && fun != 3 &&
		   (a->n == 1 || arg_int(a, 1, 0, 1, &rst))) {
		if (rst) {
			resp_ok();
			/* the OK leaves before the module goes down */
			at_busy();
			ev_timer(1 * MS, reboot_cb, NULL);
			return;
		}
		radio(fun == 1);
	} else {
		resp_cme(50, "incorrect parameters");
		return;
	}
	resp_ok();
}

static void c_reg(enum kind k, struct args *a, const char *raw)
{
	long v;

	(void)raw;
	if (k == K_TEST) {
		resp_line("%s: (0-2)", M.cmdname);
	} else if (k == K_READ) {
		resp_line("%s: %d,%d", M.cmdname, M.creg_n, M.cfun ? 1 : 0);
	} else if (k == K_WRITE && a->n == 1 && arg_int(a, 0, 0, 2, &v)) {
		M.creg_n = v;
	} else {
		resp_cme(50, "incorrect parameters");
		return;
	}
	resp_ok();
}

static void c_cclk(enum kind k, struct args *a, const char *raw)
{
	time_t t = time(NULL) + M.clock_off;
	struct tm tm;

	(void)raw;
	if (k == K_TEST) {
		resp_ok();
		return;
	}
	if (k == K_READ) {
		gmtime_r(&t, &tm);
		resp_line("+CCLK: \"%02d/%02d/%02d,%02d:%02d:%02d+00\"",
			  tm.tm_year % 100, tm.tm_mon + 1, tm.tm_mday,
			  tm.tm_hour, tm.tm_min, tm.tm_sec);
		resp_ok();
		return;
	}
	memset(&tm, 0, sizeof(tm));
	if (k == K_WRITE && a->n == 1 &&
	    sscanf(a->s[0], "%d/%d/%d,%d:%d:%d", &tm.tm_year, &tm.tm_mon,
		   &tm.tm_mday, &tm.tm_hour, &tm.tm_min, &tm.tm_sec) == 6) {
		tm.tm_year += 100;
		tm.tm_mon -= 1;
		M.clock_off = timegm(&tm) - time(NULL);
		resp_ok();
		return;
	}
	resp_cme(50, "incorrect parameters");
}

static void c_csq(enum kind k, struct args *a, const char *raw)
{
	(void)a;
	(void)raw;
	if (k == K_TEST)
		resp_line("+CSQ: (0-31,99),(0-7,99)");
	else if (k == K_EXEC)
		resp_line("+CSQ: %d,99", M.cfun ? 24 : 99);
	else {
		resp_cme(4, "operation not supported");
		return;
	}
	resp_ok();
}

static void c_cgatt(enum kind k, struct args *a, const char *raw)
{
	long v;

	(void)raw;
	if (k == K_TEST)
		resp_line("+CGATT: (0,1)");
	else if (k == K_READ)
		resp_line("+CGATT: %d", M.cfun ? 1 : 0);
	else if (!(k == K_WRITE && arg_int(a, 0, 0, 1, &v))) {
		resp_cme(50, "incorrect parameters");
		return;
	}
	resp_ok();
}

static void c_ipr(enum kind k, struct args *a, const char *raw)
{
	long v;

	(void)raw;
	if (k == K_TEST) {
		resp_line("+IPR: (0,9600,19200,38400,57600,115200,230400,"
			  "460800,921600,1000000,2000000,3000000)");
	} else if (k == K_READ) {
		resp_line("+IPR: %u", serial_baud());
	} else if (k == K_WRITE && arg_int(a, 0, 0, 4000000, &v) &&
		   (v == 0 || v >= 300)) {
		resp_ok();
		if (F.ipr_deaf_count > 0 && (unsigned int)v != serial_baud()) {
			/* "ipr-deaf": a module that acknowledged the rate
			 * but does not hear the host at it: it stays at the
			 * old rate and drops what comes for a while
			 */
			F.ipr_deaf_count--;
			C.ipr_deaf++;
			trace_note("AT+IPR=%ld: deaf for %u ms at %u baud", v,
				   F.ipr_deaf_ms, serial_baud());
			serial_deaf(F.ipr_deaf_ms);
			return;
		}
		/* the OK still leaves at the old rate */
		serial_set_baud(v);
		return;
	} else {
		resp_cme(50, "incorrect parameters");
		return;
	}
	resp_ok();
}

static const struct cmd common_cmds[] = {
	{ "+CGMI", c_cgmi, false },
	{ "+CGMM", c_cgmi, false },
	{ "+GMM", c_cgmi, false },
	{ "+GMR", c_cgmi, false },
	{ "+CGMR", c_cgmi, false },
	{ "+CGSN", c_cgsn, false },
	{ "+GSN", c_cgsn, false },
	{ "+CMEE", c_cmee, false },
	{ "+CPIN", c_cpin, false },
	{ "+CFUN", c_cfun, false },
	{ "+CCLK", c_cclk, false },
	{ "+CSQ", c_csq, false },
	{ "+CGATT", c_cgatt, false },
	{ "+IPR", c_ipr, false },
	{ NULL, NULL, false }
};

const struct cmd *at_common_cmds(void)
{
	return common_cmds;
}

/* registration query: +CEREG on the NB-IoT module, +CGREG/+CREG on UC20 */
void at_reg_cmd(enum kind k, struct args *a, const char *raw)
{
	c_reg(k, a, raw);
}

/* ---- ATO and transparent mode ---- */

static void c_ato(void)
{
	struct conn *c = M.last_trans >= 0 ? conn_get(M.last_trans) : NULL;

	if (M.model != UC20) {
		resp_final("ERROR");
		return;
	}
	if (!c || c->state != CS_CONNECTED || c->peer_eof ||
	    (c->svc != SVC_TCP && c->svc != SVC_UDP &&
	     c->svc != SVC_INCOMING)) {
		resp_final("NO CARRIER");
		return;
	}
	resp_final("CONNECT");
	at_transparent(c);
}

static void trans_send(void)
{
	ev_cancel(&A.wait_timer);
	if (A.tc && A.tbuf.len)
		conn_send(A.tc, buf_data(&A.tbuf), A.tbuf.len, NULL);
	buf_reset(&A.tbuf);
}

static void wait_cb(void *arg)
{
	(void)arg;
	A.wait_timer = 0;
	trans_send();
}

static void trans_leave(const char *result)
{
	struct conn *c = A.tc;

	ev_cancel(&A.guard_timer);
	A.plus = 0;
	A.tc = NULL;
	A.mode = AM_CMD;
	if (c)
		c->mode = 0;
	outs("\r\n");
	outs(result);
	outs("\r\n");
	trace_note("leave transparent mode: %s", result);
	flush_urcs();
	if (c)
		conn_poll(c);
	defer_kick();
}

static void guard_cb(void *arg)
{
	(void)arg;
	A.guard_timer = 0;
	if (A.mode != AM_TRANS || !A.plus)
		return;
	if (A.plus < 3) {
		/* fewer than three: no escape, the pluses are data */
		while (A.plus) {
			buf_putc(&A.tbuf, '+');
			A.plus--;
		}
		trans_send();
		return;
	}
	trans_send();
	trans_leave("OK");
}

void at_transparent(struct conn *c)
{
	A.mode = AM_TRANS;
	A.tc = c;
	c->mode = 2;
	A.plus = 0;
	A.last_rx = now_ns();
	buf_reset(&A.tbuf);
	M.last_trans = c->id;
	trace_note("enter transparent mode on %d", c->id);
	conn_flush_push(c);
	conn_poll(c);
}

void at_trans_closed(struct conn *c)
{
	if (!at_trans_active(c))
		return;
	ev_cancel(&A.wait_timer);
	buf_reset(&A.tbuf);
	trans_leave("NO CARRIER");
}

bool at_trans_active(struct conn *c)
{
	return A.mode == AM_TRANS && A.tc == c;
}

static size_t trans_input(const unsigned char *p, size_t n, uint64_t t)
{
	uint64_t guard = (uint64_t)M.guard_ms * MS;
	size_t i;

	if (conn_tx_full(A.tc))
		return 0;	/* resumed when the socket drains */
	for (i = 0; i < n; i++) {
		unsigned char b = p[i];

		if (A.plus) {
			if (b == '+' && A.plus < 3 && t - A.plus_t <= guard) {
				A.last_rx = t;
				A.plus++;
				ev_cancel(&A.guard_timer);
				A.guard_timer = ev_timer(guard, guard_cb, NULL);
				continue;
			}
			/* the pluses were data after all */
			ev_cancel(&A.guard_timer);
			while (A.plus) {
				buf_putc(&A.tbuf, '+');
				A.plus--;
			}
		}
		if (b == '+' && t - A.last_rx >= guard) {
			A.plus = 1;
			A.plus_t = t;
			A.last_rx = t;
			A.guard_timer = ev_timer(guard, guard_cb, NULL);
			continue;
		}
		buf_putc(&A.tbuf, b);
		A.last_rx = t;
		if (A.tbuf.len >= (size_t)M.transpktsize)
			trans_send();
	}
	if (A.tbuf.len) {
		if (!M.transwaittm)
			trans_send();
		else if (!A.wait_timer)
			A.wait_timer = ev_timer(M.transwaittm * 100 * MS,
						wait_cb, NULL);
	}
	return n;
}

/* ---- AT+QISEND prompt (UC20) ---- */

void at_prompt(struct conn *c, size_t len, const struct sockaddr_in *dst)
{
	A.pc = c;
	A.plen = len;
	A.has_dst = dst != NULL;
	if (dst)
		A.dst = *dst;
	buf_reset(&A.pdata);
	A.mode = AM_PROMPT;
	if (F.urc_prompt) {
		/* A URC between the command and its prompt. */
		outs("\r\n");
		outs(F.urc_prompt);
		outs("\r\n");
		C.urcs++;
		trace_note("urc-prompt injected");
		free(F.urc_prompt);
		F.urc_prompt = NULL;
	}
	if (F.eat_prompt) {
		/* The '>' lost, a result code in its place: the module still
		 * waits for the data, the driver may think the send over.
		 */
		outs("\r\n");
		outs(F.eat_prompt);
		outs("\r\n");
		trace_note("prompt eaten");
		free(F.eat_prompt);
		F.eat_prompt = NULL;
		return;
	}
	outs("\r\n> ");
}

static void prompt_done(bool cancel)
{
	A.mode = AM_BUSY;
	uc20_send_data(A.pc, &A.pdata, A.has_dst ? &A.dst : NULL, cancel);
}

static size_t prompt_input(const unsigned char *p, size_t n)
{
	size_t i;

	if (A.plen) {
		size_t k = A.plen - A.pdata.len;

		if (k > n)
			k = n;
		buf_put(&A.pdata, p, k);
		if (M.echo)
			out(p, k);
		if (A.pdata.len == A.plen)
			prompt_done(false);
		return k;
	}
	for (i = 0; i < n; i++) {
		if (p[i] == 0x1a || p[i] == 0x1b) {
			if (M.echo && i)
				out(p, i);
			prompt_done(p[i] == 0x1b);
			return i + 1;
		}
		buf_putc(&A.pdata, p[i]);
	}
	if (M.echo)
		out(p, n);
	return n;
}

/* ---- command lines ---- */

static void basic(char *s)
{
	char u[16];
	size_t i;

	for (i = 0; s[i] && i < sizeof(u) - 1; i++)
		u[i] = toupper((unsigned char)s[i]);
	u[i] = 0;
	if (!strcmp(u, "E0") || !strcmp(u, "E")) {
		M.echo = false;
	} else if (!strcmp(u, "E1")) {
		M.echo = true;
	} else if (!strcmp(u, "I") || !strcmp(u, "I0")) {
		c_ident();
		return;
	} else if (!strcmp(u, "O") || !strcmp(u, "O0")) {
		c_ato();
		return;
	} else if (!strcmp(u, "&F") || !strcmp(u, "&F0")) {
		M.echo = true;
		M.cmee = 0;
	} else if (strcmp(u, "Z") && strcmp(u, "Z0") && strcmp(u, "&W") &&
		   strcmp(u, "&W0") && strcmp(u, "V1") && strcmp(u, "Q0") &&
		   strncmp(u, "&D", 2) && strncmp(u, "&C", 2)) {
		resp_final("ERROR");
		return;
	}
	resp_ok();
}

static const struct cmd *lookup(const struct cmd *t, const char *name)
{
	for (; t->name; t++)
		if (!strcmp(t->name, name))
			return t;
	return NULL;
}

static void extended(char *s)
{
	static char raw[LINE_MAX_ + 1], name[32];
	const struct cmd *cmd;
	struct args a = { 0 };
	enum kind k;
	size_t i;

	for (i = 0; s[i] && s[i] != '=' && s[i] != '?' && i < 31; i++)
		name[i] = toupper((unsigned char)s[i]);
	name[i] = 0;
	s += i;
	if (!*s)
		k = K_EXEC;
	else if (!strcmp(s, "?"))
		k = K_READ;
	else if (!strcmp(s, "=?"))
		k = K_TEST;
	else if (*s == '=')
		k = K_WRITE;
	else {
		resp_final("ERROR");
		return;
	}
	cmd = lookup(M.model == BC66 ? bc66_cmds : uc20_cmds, name);
	if (!cmd)
		cmd = lookup(common_cmds, name);
	if (!cmd) {
		resp_final("ERROR");
		return;
	}
	M.cmdname = name;
	if (cmd->tcpip) {
		if (F.cmdfail_count && (!strcmp(F.cmdfail_name, "*") ||
					!strcasecmp(F.cmdfail_name, name + 1))) {
			F.cmdfail_count--;
			trace_note("cmdfail %s -> %d", name, F.cmdfail_err);
			resp_error_code(F.cmdfail_err);
			return;
		}
		M.lasterr = 0;
	}
	raw[0] = 0;
	if (k == K_WRITE) {
		snprintf(raw, sizeof(raw), "%s", s + 1);
		if (parse_args(s + 1, &a) < 0) {
			if (cmd->tcpip)
				resp_error(E_PARAM);
			else
				resp_cme(50, "incorrect parameters");
			return;
		}
	}
	cmd->fn(k, &a, raw);
}

static void dispatch(void)
{
	char *s = A.line;
	size_t n = A.len;

	A.line[n] = 0;
	A.len = 0;
	if (A.overflow) {
		A.overflow = false;
		resp_final("ERROR");
		return;
	}
	while (*s == ' ')
		s++;
	if (strncasecmp(s, "AT", 2)) {
		if (*s)
			C.garbage_lines++;
		return;
	}
	s += 2;
	if (M.first_at_lost) {
		/* MT2625 auto-baud: the first line after the BROM is lost */
		M.first_at_lost = false;
		trace_note("first command after boot ignored");
		return;
	}
	A.in_dispatch = true;
	A.units = 0;
	M.cmdname = NULL;
	C.cmds++;
	if (!*s)
		resp_ok();
	else if (*s == '+')
		extended(s);
	else
		basic(s);
	A.in_dispatch = false;
	flush_urcs();
}

static size_t cmd_input(const unsigned char *p, size_t n)
{
	size_t i;

	buf_reset(&A.echo);
	for (i = 0; i < n; i++) {
		unsigned char c = p[i];

		if (c == '\n')
			continue;
		if (M.echo && !M.first_at_lost)
			buf_putc(&A.echo, c);
		if (c == '\r') {
			out(buf_data(&A.echo), A.echo.len);
			dispatch();
			return i + 1;
		}
		if (c == 0x08 || c == 0x7f) {
			if (A.len)
				A.len--;
			continue;
		}
		if (A.len < LINE_MAX_)
			A.line[A.len++] = c;
		else
			A.overflow = true;
	}
	out(buf_data(&A.echo), A.echo.len);
	return n;
}

size_t at_input(const unsigned char *p, size_t n, uint64_t t)
{
	size_t i = 0, k = 0;

	while (i < n) {
		switch (A.mode) {
		case AM_BOOT:
			C.muted_bytes += n - i;
			return n;
		case AM_BUSY:
			return i;
		case AM_CMD:
			k = cmd_input(p + i, n - i);
			break;
		case AM_PROMPT:
			k = prompt_input(p + i, n - i);
			break;
		case AM_TRANS:
			k = trans_input(p + i, n - i, t);
			break;
		}
		if (!k)
			break;
		i += k;
	}
	return i;
}
