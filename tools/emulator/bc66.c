// SPDX-License-Identifier: GPL-2.0
/*
 * The BC66 TCPIP command set (BC66 TCPIP AT Commands Manual V1.0), with
 * the decisions of Documentation/networking/qtcpip-dialects.rst.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include "emu.h"

static struct {
	uint64_t send_timer;
	int send_id;
	size_t send_len;
	unsigned char send_data[700];
	char ntp_name[8];
	int ntp_autoset;
} B;

static unsigned int late_close_pending;

void bc66_reset(void)
{
	ev_cancel(&B.send_timer);
	M.send_pending = false;
	late_close_pending = 0;
}

/* BC660K: CLOSE OK is a line of its own, some 50 ms after the OK, and
 * may land in the middle of whatever command comes next.
 */
static void late_close_cb(void *arg)
{
	(void)arg;
	if (!late_close_pending)
		return;
	late_close_pending--;
	serial_write("\r\nCLOSE OK\r\n", 12);
	trace_note("late CLOSE OK");
}

static void late_close_done(struct conn *c, int code)
{
	(void)c;
	(void)code;
	late_close_pending++;
	ev_timer(PROF->late_close_ok_ms * MS, late_close_cb, NULL);
}

static void open_done(struct conn *c, int code)
{
	urc_line("+QIOPEN: %d,%d", c->id, code);
}

static void q_open(enum kind k, struct args *a, const char *raw)
{
	long ctx, id, rport, lport = 0, mode = 0, proto = 0;
	struct conn *c;
	int svc;

	(void)raw;
	if (k == K_TEST) {
		resp_line("+QIOPEN: (1-3),(0-4),\"TCP/UDP\",\"<IP_address>/"
			  "<domain_name>\",<remote_port>,<local_port>,(0-1),"
			  "(0-1)");
		resp_ok();
		return;
	}
	if (k == K_READ) {
		resp_ok();
		return;
	}
	if (k != K_WRITE || a->n < 5 || a->n > 8 ||
	    !arg_int(a, 0, 1, 3, &ctx) || !arg_int(a, 1, 0, 4, &id) ||
	    !arg_present(a, 3) || strlen(a->s[3]) > 255 ||
	    !arg_int(a, 4, 1, 65535, &rport) ||
	    (a->n > 5 && !arg_int(a, 5, 0, 65535, &lport)) ||
	    (a->n > 6 && !arg_int(a, 6, 0, 1, &mode)) ||
	    (a->n > 7 && !arg_int(a, 7, 0, 1, &proto))) {
		resp_error(E_PARAM);
		return;
	}
	if (!strcasecmp(a->s[2], "TCP"))
		svc = SVC_TCP;
	else if (!strcasecmp(a->s[2], "UDP"))
		svc = SVC_UDP;
	else {
		resp_error(E_PARAM);
		return;
	}
	if (ip_literal_bad(a->s[3])) {
		resp_error(E_PARAM);
		return;
	}
	if (proto == 1) {
		resp_error(E_NOTSUPP);	/* the emulator is IPv4 only */
		return;
	}
	if (conn_get(id)) {
		resp_error(E_ID_USED);
		return;
	}
	if (lport && conn_lport_used(lport, svc == SVC_UDP)) {
		resp_error(E_PORT_BUSY);
		return;
	}
	c = conn_alloc(id);
	c->svc = svc;
	c->ctx = ctx;
	c->mode = mode;
	c->rport = rport;
	c->lport = lport;
	snprintf(c->host, sizeof(c->host), "%s", a->s[3]);
	resp_ok();
	conn_open(c, open_done);
}

static void close_done(struct conn *c, int code)
{
	(void)c;
	(void)code;
	resp_final("CLOSE OK");
	at_done();
}

static void q_close(enum kind k, struct args *a, const char *raw)
{
	struct conn *c;
	long id;

	(void)raw;
	if (k == K_TEST) {
		resp_ok();
		return;
	}
	if (k != K_WRITE || a->n != 1 || !arg_int(a, 0, 0, 4, &id)) {
		resp_error(E_PARAM);
		return;
	}
	c = conn_get(id);
	resp_ok();
	if (!c) {
		/* Whether a BC660K says CLOSE OK for an unused id is not
		 * documented: this one never does.
		 */
		if (!PROF->late_close_ok_ms)
			resp_final("CLOSE OK");
		return;
	}
	if (PROF->late_close_ok_ms) {
		conn_close(c, 0, late_close_done);
		return;
	}
	if (F.closefail) {
		F.closefail--;
		resp_final("CLOSE FAIL");
		return;
	}
	at_busy();
	conn_close(c, M.close_wait_ms, close_done);
}

static void state_line(struct conn *c)
{
	resp_line("+QISTATE: %d,\"%s\",\"%s\",%d,%d,%d,%d,%d", c->id,
		  svc_name(c->svc), c->rip, c->rport, c->lport,
		  state_num(c->state), c->ctx, c->mode);
}

static void q_state(enum kind k, struct args *a, const char *raw)
{
	long qt, v;
	int i;

	(void)raw;
	if (k == K_TEST) {
		resp_ok();
		return;
	}
	if (k != K_WRITE || a->n != 2 || !arg_int(a, 0, 0, 1, &qt) ||
	    !arg_int(a, 1, qt ? 0 : 1, qt ? 4 : 3, &v)) {
		resp_error(E_PARAM);
		return;
	}
	for (i = 0; i < M.nconn; i++) {
		struct conn *c = conn_get(i);

		if (c && (qt ? c->id == v : c->ctx == v))
			state_line(c);
	}
	resp_ok();
}

static void send_cb(void *arg)
{
	struct conn *c = conn_get(B.send_id);
	int r;

	(void)arg;
	B.send_timer = 0;
	M.send_pending = false;
	if (F.sendfail) {
		F.sendfail--;
		r = -E_WRITE;
	} else if (!c) {
		r = -E_CLOSED;
	} else {
		r = conn_send(c, B.send_data, B.send_len, NULL);
	}
	if (!r) {
		C.send_ok++;
		urc_result("SEND OK");
		return;
	}
	C.send_fail++;
	M.lasterr = ecode(r < 0 ? -r : E_NOMEM);
	urc_result("SEND FAIL");
}

static bool parse_num(const char *s, size_t n, long lo, long hi, long *out)
{
	long v = 0;
	size_t i;

	if (!n || n > 9)
		return false;
	for (i = 0; i < n; i++) {
		if (!isdigit((unsigned char)s[i]))
			return false;
		v = v * 10 + s[i] - '0';
	}
	*out = v;
	return v >= lo && v <= hi;
}

/* AT+QISEND=<id>,<len>,<data> and AT+QISENDEX=<id>,<len>,<hex> */
static void do_send(enum kind k, const char *raw, bool ex)
{
	const char *c1, *c2, *data;
	struct conn *c;
	long id, len;
	size_t dlen, i;

	if (k == K_TEST) {
		resp_line(ex ? "+QISENDEX: (0-4),(1-700),<hex_string>" :
			  "+QISEND: (0-4),(1-700),(DATA)");
		resp_ok();
		return;
	}
	c1 = k == K_WRITE ? strchr(raw, ',') : NULL;
	c2 = c1 ? strchr(c1 + 1, ',') : NULL;
	if (!c2 || !parse_num(raw, c1 - raw, 0, 4, &id) ||
	    !parse_num(c1 + 1, c2 - c1 - 1, 1, 700, &len)) {
		resp_error(E_PARAM);
		return;
	}
	data = c2 + 1;
	dlen = strlen(data);
	if (ex || M.send_hex) {
		if (dlen != 2 * (size_t)len ||
		    hex_decode(data, dlen, B.send_data) != len) {
			resp_error(E_PARAM);
			return;
		}
	} else {
		if (dlen != (size_t)len) {
			resp_error(E_PARAM);
			return;
		}
		for (i = 0; i < dlen; i++) {
			if (data[i] < 0x20 || data[i] > 0x7e) {
				resp_error(E_PARAM);
				return;
			}
		}
		memcpy(B.send_data, data, dlen);
	}
	c = conn_get(id);
	if (!c) {
		resp_error(E_NOT_ALLOWED);
		return;
	}
	if (M.send_pending) {
		resp_error(E_BUSY);	/* example 4.1.2 */
		return;
	}
	if (c->pdp_broken) {
		resp_error(E_PDP_BREAK);
		return;
	}
	if (c->peer_eof || c->state == CS_CLOSING) {
		resp_error(E_CLOSED);
		return;
	}
	if (c->state != CS_CONNECTED) {
		resp_error(E_NOT_ALLOWED);
		return;
	}
	C.sends++;
	B.send_id = id;
	B.send_len = len;
	M.send_pending = true;
	resp_ok();
	B.send_timer = ev_timer(M.send_delay_ms * MS, send_cb, NULL);
}

static void q_send(enum kind k, struct args *a, const char *raw)
{
	(void)a;
	do_send(k, raw, false);
}

static void q_sendex(enum kind k, struct args *a, const char *raw)
{
	(void)a;
	do_send(k, raw, true);
}

static void q_rd(enum kind k, struct args *a, const char *raw)
{
	unsigned char data[700];
	struct conn *c;
	long id, len;
	char hdr[32];
	size_t n;

	(void)raw;
	if (k == K_TEST) {
		resp_line("+QIRD: (0-4),(1-700)");
		resp_ok();
		return;
	}
	if (k != K_WRITE || a->n != 2 || !arg_int(a, 0, 0, 4, &id) ||
	    !arg_int(a, 1, 1, 700, &len)) {
		resp_error(E_PARAM);
		return;
	}
	c = conn_get(id);
	if (!c || c->mode != 0) {
		resp_error(E_NOT_ALLOWED);
		return;
	}
	n = conn_read(c, data, len, NULL);
	snprintf(hdr, sizeof(hdr), "+QIRD: %zu", n);
	resp_block(hdr, data, n, M.recv_hex, M.viewmode);
	resp_ok();
}

static void q_swtmd(enum kind k, struct args *a, const char *raw)
{
	struct conn *c;
	long id, mode;

	(void)raw;
	if (k == K_TEST)
		resp_line("+QISWTMD: (0-4),(0-1)");
	if (k == K_TEST || k == K_READ) {
		resp_ok();
		return;
	}
	if (k != K_WRITE || a->n != 2 || !arg_int(a, 0, 0, 4, &id) ||
	    !arg_int(a, 1, 0, 1, &mode)) {
		resp_error(E_PARAM);
		return;
	}
	c = conn_get(id);
	if (!c) {
		resp_error(E_NOT_ALLOWED);
		return;
	}
	c->mode = mode;
	resp_ok();
	if (mode == 1)
		conn_flush_push(c);
	conn_poll(c);
}

static void ping_reply(int ok, const char *ip, int bytes, int ms, int ttl)
{
	if (ok)
		urc_line("+QPING: 0,\"%s\",%d,%d,%d", ip, bytes, ms, ttl);
	else
		urc_line("+QPING: %d", M.lasterr = ecode(E_TIMEOUT));
}

static void ping_end(int sent, int rcvd, int min, int max, int avg)
{
	urc_line("+QPING: 0,%d,%d,%d,%d,%d,%d", sent, rcvd, sent - rcvd, min,
		 max, avg);
}

static void q_ping(enum kind k, struct args *a, const char *raw)
{
	long ctx, tmo = 4, num = 4;
	struct in_addr addr;
	int ttl;

	(void)raw;
	if (k == K_TEST) {
		resp_line("+QPING: (1-3),<host>,(1-255),(1-10)");
		resp_ok();
		return;
	}
	if (k != K_WRITE || a->n < 2 || a->n > 4 ||
	    !arg_int(a, 0, 1, 3, &ctx) || !arg_present(a, 1) ||
	    (a->n > 2 && !arg_int(a, 2, 1, 255, &tmo)) ||
	    (a->n > 3 && !arg_int(a, 3, 1, 10, &num))) {
		resp_error(E_PARAM);
		return;
	}
	if (ping_busy()) {
		resp_error(E_BUSY);
		return;
	}
	resp_ok();
	if (!M.cfun)
		urc_line("+QPING: %d", ecode(E_PDP_OPEN));
	else if (dns_lookup(a->s[1], &addr, 1, &ttl) <= 0)
		urc_line("+QPING: %d", ecode(E_DNS_FAIL));
	else
		ping_start(addr, tmo, num, ping_reply, ping_end);
}

static void ntp_done(int esem, int64_t t)
{
	time_t tt = t;
	struct tm tm;

	if (esem) {
		M.lasterr = ecode(esem);
		urc_line("+%s: %d", B.ntp_name, ecode(esem));
		return;
	}
	if (B.ntp_autoset)
		M.clock_off = t - time(NULL);
	gmtime_r(&tt, &tm);
	urc_line("+%s: 0,\"%02d/%02d/%02d,%02d:%02d:%02d+00\"", B.ntp_name,
		 tm.tm_year % 100, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
		 tm.tm_min, tm.tm_sec);
}

/* AT+QNTP, also spelled AT+QNTTP in the manual */
static void q_ntp(enum kind k, struct args *a, const char *raw)
{
	const char *name = M.cmdname + 1;
	long ctx, port = 123, autoset = 1;
	int p;

	(void)raw;
	if (k == K_TEST) {
		resp_line("+%s: (1-3),<server>,(1-65535),(0,1)", name);
		resp_ok();
		return;
	}
	if (k == K_READ) {
		if (ntp_busy()) {
			const char *srv = ntp_server(&p);

			resp_line("+%s: \"%s\",%d", name, srv, p);
		}
		resp_ok();
		return;
	}
	if (k != K_WRITE || a->n < 2 || a->n > 4 ||
	    !arg_int(a, 0, 1, 3, &ctx) || !arg_present(a, 1) ||
	    (arg_present(a, 2) && !arg_int(a, 2, 1, 65535, &port)) ||
	    (a->n > 3 && !arg_int(a, 3, 0, 1, &autoset))) {
		resp_error(E_PARAM);
		return;
	}
	if (ntp_busy()) {
		resp_error(E_BUSY);
		return;
	}
	snprintf(B.ntp_name, sizeof(B.ntp_name), "%s", name);
	B.ntp_autoset = autoset;
	resp_ok();
	if (!M.cfun)
		urc_line("+%s: %d", name, ecode(E_PDP_OPEN));
	else
		ntp_start(a->s[1], port, ntp_done);
}

/* AT+QIDNSGIP, also spelled AT+QINDSGIP in the manual */
static void q_dnsgip(enum kind k, struct args *a, const char *raw)
{
	long ctx;

	(void)raw;
	if (k == K_TEST) {
		resp_line("+QIDNSGIP: (1-3),<hostname>");
		resp_ok();
		return;
	}
	if (k != K_WRITE || a->n != 2 || !arg_int(a, 0, 1, 3, &ctx) ||
	    !arg_present(a, 1) || strlen(a->s[1]) > 255) {
		resp_error(E_PARAM);
		return;
	}
	if (dns_gip_busy()) {
		resp_error(E_DNS_BUSY);
		return;
	}
	resp_ok();
	dns_gip_start(a->s[1], M.cfun ? 0 : ecode(E_PDP_OPEN));
}

static void q_cfg(enum kind k, struct args *a, const char *raw)
{
	long s, r;

	(void)raw;
	if (k == K_TEST) {
		resp_line("+QICFG: \"dataformat\",(0,1),(0,1)");
		resp_line("+QICFG: \"viewmode\",(0,1)");
		resp_ok();
		return;
	}
	if (k != K_WRITE || a->n < 1)
		goto bad;
	if (!strcasecmp(a->s[0], "dataformat")) {
		if (a->n == 1) {
			resp_line("+QICFG: \"dataformat\",%d,%d", M.send_hex,
				  M.recv_hex);
		} else if (a->n == 3 && arg_int(a, 1, 0, 1, &s) &&
			   arg_int(a, 2, 0, 1, &r)) {
			M.send_hex = s;
			M.recv_hex = r;
		} else {
			goto bad;
		}
	} else if (!strcasecmp(a->s[0], "viewmode")) {
		if (a->n == 1)
			resp_line("+QICFG: \"viewmode\",%d", M.viewmode);
		else if (a->n == 2 && arg_int(a, 1, 0, 1, &s))
			M.viewmode = s;
		else
			goto bad;
	} else {
		goto bad;
	}
	resp_ok();
	return;
bad:
	resp_error(E_PARAM);
}

static void q_geterror(enum kind k, struct args *a, const char *raw)
{
	(void)a;
	(void)raw;
	if (k == K_EXEC)
		resp_line("+QIGETERROR: %d,%s", M.lasterr,
			  err_desc(M.lasterr));
	else if (k != K_TEST) {
		resp_final("ERROR");
		return;
	}
	resp_ok();
}

static void reboot_cb(void *arg)
{
	(void)arg;
	at_boot();
}

static void q_rst(enum kind k, struct args *a, const char *raw)
{
	long v;

	(void)raw;
	if (k == K_TEST) {
		resp_line("+QRST: (1)");
		resp_ok();
		return;
	}
	if (k != K_WRITE || a->n != 1 || !arg_int(a, 0, 1, 1, &v)) {
		resp_cme(50, "incorrect parameters");
		return;
	}
	resp_ok();
	at_busy();
	ev_timer(1 * MS, reboot_cb, NULL);
}

const struct cmd bc66_cmds[] = {
	{ "+QIOPEN", q_open, true },
	{ "+QICLOSE", q_close, true },
	{ "+QISTATE", q_state, true },
	{ "+QISEND", q_send, true },
	{ "+QISENDEX", q_sendex, true },
	{ "+QIRD", q_rd, true },
	{ "+QISWTMD", q_swtmd, true },
	{ "+QPING", q_ping, true },
	{ "+QNTP", q_ntp, true },
	{ "+QNTTP", q_ntp, true },
	{ "+QIDNSGIP", q_dnsgip, true },
	{ "+QINDSGIP", q_dnsgip, true },
	{ "+QICFG", q_cfg, true },
	{ "+QIGETERROR", q_geterror, false },
	{ "+QRST", q_rst, false },
	{ "+CEREG", at_reg_cmd, false },
	{ NULL, NULL, false }
};
