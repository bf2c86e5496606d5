// SPDX-License-Identifier: GPL-2.0
/*
 * The UC20 TCPIP command set (UC20 TCPIP AT Commands Manual V1.2), with
 * the decisions of Documentation/networking/qtcpip-dialects.rst.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include "emu.h"

#define MAXSEND 1460
#define MAXREAD 1500

static struct {
	uint64_t timer;
	struct conn *sc;
	struct buf *sdata;
	bool has_dst;
	struct sockaddr_in dst;
	int act_ctx, ntp_autoset;
} U;

void uc20_reset(void)
{
	ev_cancel(&U.timer);
}

static bool ctx_ok(int ctx)
{
	return M.cfun && M.pdp[ctx].active;
}

/* ---- contexts ---- */

static void q_csgp(enum kind k, struct args *a, const char *raw)
{
	struct pdp *p;
	long ctx, type, auth = 0;

	(void)raw;
	if (k == K_TEST) {
		resp_line("+QICSGP: (1-16),(1),<APN>,<username>,<password>,"
			  "(0-3)");
		resp_ok();
		return;
	}
	if (k != K_WRITE || a->n < 1 || a->n > 6 ||
	    !arg_int(a, 0, 1, 16, &ctx))
		goto bad;
	p = &M.pdp[ctx];
	if (a->n == 1) {
		resp_line("+QICSGP: %d,\"%s\",\"%s\",\"%s\",%d", p->type,
			  p->apn, p->user, p->pass, p->auth);
		resp_ok();
		return;
	}
	if (!arg_int(a, 1, 1, 1, &type) ||
	    (arg_present(a, 5) && !arg_int(a, 5, 0, 3, &auth)))
		goto bad;
	if ((a->n > 2 && strlen(a->s[2]) >= sizeof(p->apn)) ||
	    (a->n > 3 && strlen(a->s[3]) >= sizeof(p->user)) ||
	    (a->n > 4 && strlen(a->s[4]) >= sizeof(p->pass)))
		goto bad;
	p->type = type;
	if (a->n > 2)
		snprintf(p->apn, sizeof(p->apn), "%s", a->s[2]);
	if (a->n > 3)
		snprintf(p->user, sizeof(p->user), "%s", a->s[3]);
	if (a->n > 4)
		snprintf(p->pass, sizeof(p->pass), "%s", a->s[4]);
	p->auth = auth;
	resp_ok();
	return;
bad:
	resp_error(E_PARAM);
}

static void act_done(void *arg)
{
	(void)arg;
	U.timer = 0;
	M.pdp[U.act_ctx].active = true;
	M.pdp[U.act_ctx].broken = false;
	resp_ok();
	at_done();
}

static void q_act(enum kind k, struct args *a, const char *raw)
{
	long ctx;
	int i, n = 0;

	(void)raw;
	if (k == K_TEST) {
		resp_line("+QIACT: (1-16)");
		resp_ok();
		return;
	}
	if (k == K_READ) {
		for (i = 1; i <= 16; i++)
			if (M.pdp[i].active)
				resp_line("+QIACT: %d,1,%d,\"%s\"", i,
					  M.pdp[i].type, M.local_ip);
		resp_ok();
		return;
	}
	if (k != K_WRITE || a->n != 1 || !arg_int(a, 0, 1, 16, &ctx)) {
		resp_error(E_PARAM);
		return;
	}
	for (i = 1; i <= 16; i++)
		n += M.pdp[i].active;
	if (M.pdp[ctx].active) {
		resp_error(E_PDP_ACTIVE);
		return;
	}
	if (!M.cfun || n >= 3) {
		resp_error(E_PDP_OPEN);	/* at most 3 at once */
		return;
	}
	/* other commands wait for the network's answer */
	U.act_ctx = ctx;
	at_busy();
	U.timer = ev_timer(M.open_delay_ms * MS, act_done, NULL);
}

static void q_deact(enum kind k, struct args *a, const char *raw)
{
	long ctx;
	int i;

	(void)raw;
	if (k == K_TEST) {
		resp_ok();
		return;
	}
	if (k != K_WRITE || a->n != 1 || !arg_int(a, 0, 1, 16, &ctx)) {
		resp_error(E_PARAM);
		return;
	}
	/* closes every connection of the context */
	for (i = 0; i < M.nconn; i++) {
		struct conn *c = conn_get(i);

		if (c && c->ctx == ctx)
			conn_free(c);
	}
	M.pdp[ctx].active = false;
	M.pdp[ctx].broken = false;
	resp_ok();
}

/* ---- sockets ---- */

static void open_done(struct conn *c, int code)
{
	urc_line("+QIOPEN: %d,%d", c->id, code);
}

static void open_done_trans(struct conn *c, int code)
{
	if (!code) {
		resp_final("CONNECT");
		at_transparent(c);
		return;
	}
	conn_free(c);
	M.lasterr = code;
	C.errors++;
	resp_final("ERROR");
	at_done();
}

static void q_open(enum kind k, struct args *a, const char *raw)
{
	long ctx, id, rport, lport = 0, mode = 0;
	struct conn *c;
	int svc;

	(void)raw;
	if (k == K_TEST) {
		resp_line("+QIOPEN: (1-16),(0-11),\"TCP/UDP/TCP LISTENER/UDP "
			  "SERVICE\",\"<IP_address>/<domain_name>\","
			  "<remote_port>,<local_port>,(0-2)");
		resp_ok();
		return;
	}
	if (k == K_READ) {
		resp_ok();
		return;
	}
	if (k != K_WRITE || a->n < 5 || a->n > 7 ||
	    !arg_int(a, 0, 1, 16, &ctx) || !arg_int(a, 1, 0, 11, &id) ||
	    !arg_present(a, 3) || strlen(a->s[3]) > 255 ||
	    !arg_int(a, 4, 0, 65535, &rport) ||
	    (a->n > 5 && !arg_int(a, 5, 0, 65535, &lport)) ||
	    (a->n > 6 && !arg_int(a, 6, 0, 2, &mode))) {
		resp_error(E_PARAM);
		return;
	}
	if (!strcasecmp(a->s[2], "TCP"))
		svc = SVC_TCP;
	else if (!strcasecmp(a->s[2], "UDP"))
		svc = SVC_UDP;
	else if (!strcasecmp(a->s[2], "TCP LISTENER"))
		svc = SVC_LISTENER;
	else if (!strcasecmp(a->s[2], "UDP SERVICE"))
		svc = SVC_SERVICE;
	else {
		resp_error(E_BAD_APP);
		return;
	}
	if (conn_get(id)) {
		resp_error(E_ID_USED);
		return;
	}
	if (ip_literal_bad(a->s[3])) {
		resp_error(E_BAD_IP);
		return;
	}
	if ((svc == SVC_LISTENER || svc == SVC_SERVICE) && !lport) {
		resp_error(E_PARAM);
		return;
	}
	if ((svc == SVC_LISTENER || svc == SVC_SERVICE) && mode == 2) {
		resp_error(E_NOTSUPP);
		return;
	}
	c = conn_alloc(id);
	c->svc = svc;
	c->ctx = ctx;
	c->mode = mode == 2 ? 0 : mode;
	c->rport = svc == SVC_TCP || svc == SVC_UDP ? rport : 0;
	c->lport = lport;
	snprintf(c->host, sizeof(c->host), "%s", a->s[3]);
	if (mode == 2) {
		/* CONNECT or ERROR once the connection is up or failed */
		at_busy();
		conn_open(c, open_done_trans);
		return;
	}
	resp_ok();
	conn_open(c, open_done);
}

static void close_done(struct conn *c, int code)
{
	(void)c;
	(void)code;
	resp_ok();
	at_done();
}

static void q_close(enum kind k, struct args *a, const char *raw)
{
	long id, tmo = 10;
	struct conn *c;

	(void)raw;
	if (k == K_TEST) {
		resp_ok();
		return;
	}
	if (k != K_WRITE || a->n < 1 || a->n > 2 ||
	    !arg_int(a, 0, 0, 11, &id) ||
	    (a->n > 1 && !arg_int(a, 1, 0, 65535, &tmo))) {
		resp_error(E_PARAM);
		return;
	}
	c = conn_get(id);
	if (!c) {
		resp_ok();
		return;
	}
	at_busy();
	conn_close(c, tmo * 1000, close_done);
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
	    !arg_int(a, 1, qt ? 0 : 1, qt ? 11 : 16, &v)) {
		resp_error(E_PARAM);
		return;
	}
	for (i = 0; i < M.nconn; i++) {
		struct conn *c = conn_get(i);

		if (!c || (qt ? c->id != v : c->ctx != v))
			continue;
		resp_line("+QISTATE: %d,\"%s\",\"%s\",%d,%d,%d,%d,%d,%d,"
			  "\"uart\"", c->id, svc_name(c->svc), c->rip,
			  c->rport, c->lport, state_num(c->state), c->ctx,
			  c->svc == SVC_INCOMING ? c->server_id : 0,
			  c->mode);
	}
	resp_ok();
}

static void send_cb(void *arg)
{
	struct conn *c = U.sc;
	int r;

	(void)arg;
	U.timer = 0;
	C.sends++;
	if (F.sendfail) {
		F.sendfail--;
		r = 1;
	} else if (!c->used) {
		r = -E_CLOSED;
	} else {
		r = conn_send(c, buf_data(U.sdata), U.sdata->len,
			      U.has_dst ? &U.dst : NULL);
	}
	if (!r) {
		C.send_ok++;
		resp_final("SEND OK");
	} else if (r == 1) {
		C.send_fail++;
		resp_final("SEND FAIL");
	} else {
		C.send_fail++;
		resp_error(-r);
	}
	at_done();
}

void uc20_send_data(struct conn *c, struct buf *data,
		    const struct sockaddr_in *dst, bool cancel)
{
	if (cancel) {
		resp_ok();
		at_done();
		return;
	}
	if (data->len > MAXSEND) {
		resp_error(E_PARAM);
		at_done();
		return;
	}
	U.sc = c;
	U.sdata = data;
	U.has_dst = dst != NULL;
	if (dst)
		U.dst = *dst;
	U.timer = ev_timer(M.send_delay_ms * MS, send_cb, NULL);
}

static void q_send(enum kind k, struct args *a, const char *raw)
{
	struct sockaddr_in dst = { .sin_family = AF_INET };
	struct conn *c;
	long id, len = 0, port;

	(void)raw;
	if (k == K_TEST) {
		resp_line("+QISEND: (0-11),(0-1460)");
		resp_ok();
		return;
	}
	if (k != K_WRITE || (a->n != 1 && a->n != 2 && a->n != 4) ||
	    !arg_int(a, 0, 0, 11, &id) ||
	    (a->n > 1 && !arg_int(a, 1, 0, MAXSEND, &len))) {
		resp_error(E_PARAM);
		return;
	}
	c = conn_get(id);
	if (!c) {
		resp_error(E_ID_UNUSED);
		return;
	}
	if (c->svc == SVC_LISTENER) {
		resp_error(E_BAD_ID);
		return;
	}
	if (a->n == 2 && len == 0) {
		size_t un = conn_unacked(c);

		if (un > c->tx_total)
			un = c->tx_total;
		resp_line("+QISEND: %llu,%llu,%zu",
			  (unsigned long long)c->tx_total,
			  (unsigned long long)(c->tx_total - un), un);
		resp_ok();
		return;
	}
	if (a->n > 1 && !len) {
		resp_error(E_PARAM);
		return;
	}
	if ((c->svc == SVC_SERVICE) != (a->n == 4)) {
		resp_error(E_NOTSUPP);
		return;
	}
	if (a->n == 4) {
		if (!a->s[2][0] || inet_pton(AF_INET, a->s[2],
					     &dst.sin_addr) != 1) {
			resp_error(E_BAD_IP);
			return;
		}
		if (!arg_int(a, 3, 1, 65535, &port)) {
			resp_error(E_PARAM);
			return;
		}
		dst.sin_port = htons(port);
	}
	if (c->pdp_broken || c->peer_eof || c->state == CS_CLOSING) {
		resp_error(E_CLOSED);
		return;
	}
	if (c->state != CS_CONNECTED) {
		resp_error(E_INVALID_OP);
		return;
	}
	at_prompt(c, len, a->n == 4 ? &dst : NULL);
}

static void q_rd(enum kind k, struct args *a, const char *raw)
{
	static unsigned char data[MAXREAD];
	struct sockaddr_in src;
	struct conn *c;
	long id, len = MAXREAD;
	char hdr[96];
	size_t n;

	(void)raw;
	if (k == K_TEST) {
		resp_line("+QIRD: (0-11),(0-1500)");
		resp_ok();
		return;
	}
	if (k != K_WRITE || a->n < 1 || a->n > 2 ||
	    !arg_int(a, 0, 0, 11, &id) ||
	    (a->n > 1 && !arg_int(a, 1, 0, MAXREAD, &len))) {
		resp_error(E_PARAM);
		return;
	}
	c = conn_get(id);
	if (!c) {
		resp_error(E_ID_UNUSED);
		return;
	}
	if (c->svc == SVC_LISTENER) {
		resp_error(E_BAD_ID);
		return;
	}
	if (a->n == 2 && len == 0) {
		resp_line("+QIRD: %llu,%llu,%zu",
			  (unsigned long long)c->rx_total,
			  (unsigned long long)c->rx_read, c->rx_bytes);
		resp_ok();
		return;
	}
	if (c->mode != 0) {
		resp_error(E_INVALID_OP);
		return;
	}
	if (a->n == 1 && (c->svc == SVC_TCP || c->svc == SVC_INCOMING)) {
		resp_error(E_PARAM);	/* TCP needs the read length */
		return;
	}
	if (c->svc == SVC_UDP || c->svc == SVC_SERVICE)
		len = MAXREAD;	/* one whole datagram */
	n = conn_read(c, data, len, &src);
	if (n && c->svc == SVC_SERVICE) {
		char ip[INET_ADDRSTRLEN];

		inet_ntop(AF_INET, &src.sin_addr, ip, sizeof(ip));
		snprintf(hdr, sizeof(hdr), "+QIRD: %zu,\"%s\",%d", n, ip,
			 ntohs(src.sin_port));
	} else {
		snprintf(hdr, sizeof(hdr), "+QIRD: %zu", n);
	}
	resp_block(hdr, data, n, false, false);
	resp_ok();
}

static void q_swtmd(enum kind k, struct args *a, const char *raw)
{
	struct conn *c;
	long id, mode;

	(void)raw;
	if (k == K_TEST)
		resp_line("+QISWTMD: (0-11),(0-2)");
	if (k == K_TEST || k == K_READ) {
		resp_ok();
		return;
	}
	if (k != K_WRITE || a->n != 2 || !arg_int(a, 0, 0, 11, &id) ||
	    !arg_int(a, 1, 0, 2, &mode)) {
		resp_error(E_PARAM);
		return;
	}
	c = conn_get(id);
	if (!c) {
		resp_error(E_ID_UNUSED);
		return;
	}
	if (mode == 2) {
		if (c->svc == SVC_LISTENER || c->svc == SVC_SERVICE) {
			resp_error(E_NOTSUPP);
			return;
		}
		if (c->state != CS_CONNECTED || c->peer_eof) {
			resp_error(E_INVALID_OP);
			return;
		}
		resp_final("CONNECT");
		at_transparent(c);
		return;
	}
	c->mode = mode;
	resp_ok();
	if (mode == 1)
		conn_flush_push(c);
	conn_poll(c);
}

/* ---- ping, NTP, DNS ---- */

/* The UC20 manual's +QPING codes, or (BG96, EC2x: PROF->ping_5xx) 0 and
 * the error table's: a lost request 569, a failure its own code.
 */
static int ping_code(int uc20, int esem)
{
	return PROF->ping_5xx ? (esem < 0 ? 0 : ecode(esem)) : uc20;
}

static void ping_reply(int ok, const char *ip, int bytes, int ms, int ttl)
{
	if (ok)
		urc_line("+QPING: 0,\"%s\",%d,%d,%d", ip, bytes, ms, ttl);
	else
		urc_line("+QPING: %d", ping_code(1, E_TIMEOUT));
}

static void ping_end(int sent, int rcvd, int min, int max, int avg)
{
	urc_line("+QPING: %d,%d,%d,%d,%d,%d,%d", ping_code(2, -1), sent, rcvd,
		 sent - rcvd, min, max, avg);
}

static void q_ping(enum kind k, struct args *a, const char *raw)
{
	long ctx, tmo = 1, num = 4;
	struct in_addr addr;
	int ttl;

	(void)raw;
	if (k == K_TEST) {
		resp_line("+QPING: (1-16),\"HOST\",(1-255),(1-10)");
		resp_ok();
		return;
	}
	if (k != K_WRITE || a->n < 2 || a->n > 4 ||
	    !arg_int(a, 0, 1, 16, &ctx) || !arg_present(a, 1) ||
	    (a->n > 2 && !arg_int(a, 2, 1, 255, &tmo)) ||
	    (a->n > 3 && !arg_int(a, 3, 1, 10, &num))) {
		resp_error(E_PARAM);
		return;
	}
	resp_ok();
	if (ping_busy())
		urc_line("+QPING: %d", ping_code(3, E_BUSY));
	else if (!ctx_ok(ctx))
		urc_line("+QPING: %d", ping_code(5, E_PDP_OPEN));
	else if (dns_lookup(a->s[1], &addr, 1, &ttl) <= 0)
		urc_line("+QPING: %d", ping_code(4, E_DNS_FAIL));
	else
		ping_start(addr, tmo, num, ping_reply, ping_end);
}

static void ntp_done(int esem, int64_t t)
{
	time_t tt = t;
	struct tm tm;

	if (esem) {
		M.lasterr = ecode(esem);
		urc_line("+QNTP: %d", ecode(esem));
		return;
	}
	if (U.ntp_autoset)
		M.clock_off = t - time(NULL);
	gmtime_r(&tt, &tm);
	urc_line("+QNTP: 0,\"%04d/%02d/%02d,%02d:%02d:%02d+00\"",
		 tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
		 tm.tm_min, tm.tm_sec);
}

static void q_ntp(enum kind k, struct args *a, const char *raw)
{
	long ctx, port = 123, autoset = 1;
	int p;

	(void)raw;
	if (k == K_TEST) {
		resp_line("+QNTP: (1-16),\"SERVER\",(1-65535),(0,1)");
		resp_ok();
		return;
	}
	if (k == K_READ) {
		if (!ntp_busy()) {
			resp_error(E_INVALID_OP);
			return;
		}
		{
			const char *srv = ntp_server(&p);

			resp_line("+QNTP: \"%s\",%d", srv, p);
		}
		resp_ok();
		return;
	}
	if (k != K_WRITE || a->n < 2 || a->n > 4 ||
	    !arg_int(a, 0, 1, 16, &ctx) || !arg_present(a, 1) ||
	    (arg_present(a, 2) && !arg_int(a, 2, 1, 65535, &port)) ||
	    (a->n > 3 && !arg_int(a, 3, 0, 1, &autoset))) {
		resp_error(E_PARAM);
		return;
	}
	if (ntp_busy()) {
		resp_error(E_BUSY);
		return;
	}
	U.ntp_autoset = autoset;
	resp_ok();
	if (!ctx_ok(ctx))
		urc_line("+QNTP: %d", ecode(E_PDP_OPEN));
	else
		ntp_start(a->s[1], port, ntp_done);
}

static void q_dnscfg(enum kind k, struct args *a, const char *raw)
{
	struct in_addr x;
	long ctx;

	(void)raw;
	if (k == K_TEST) {
		resp_line("+QIDNSCFG: (1-16),\"pridnsaddr\",\"secdnsaddr\"");
		resp_ok();
		return;
	}
	if (k != K_WRITE || a->n < 1 || a->n > 3 ||
	    !arg_int(a, 0, 1, 16, &ctx)) {
		resp_error(E_PARAM);
		return;
	}
	if (!ctx_ok(ctx)) {
		resp_error(E_INVALID_OP);	/* activate the context first */
		return;
	}
	if (a->n == 1) {
		resp_line("+QIDNSCFG: %ld,\"%s\",\"%s\"", ctx,
			  M.pdp[ctx].dns1, M.pdp[ctx].dns2);
		resp_ok();
		return;
	}
	if (inet_pton(AF_INET, a->s[1], &x) != 1 ||
	    (a->n == 3 && inet_pton(AF_INET, a->s[2], &x) != 1)) {
		resp_error(E_BAD_IP);
		return;
	}
	snprintf(M.pdp[ctx].dns1, sizeof(M.pdp[ctx].dns1), "%s", a->s[1]);
	if (a->n == 3)
		snprintf(M.pdp[ctx].dns2, sizeof(M.pdp[ctx].dns2), "%s",
			 a->s[2]);
	resp_ok();
}

static void q_dnsgip(enum kind k, struct args *a, const char *raw)
{
	long ctx;

	(void)raw;
	if (k == K_TEST) {
		resp_line("+QIDNSGIP: (1-16),\"hostname\"");
		resp_ok();
		return;
	}
	if (k != K_WRITE || a->n != 2 || !arg_int(a, 0, 1, 16, &ctx) ||
	    !arg_present(a, 1) || strlen(a->s[1]) > 255) {
		resp_error(E_PARAM);
		return;
	}
	if (dns_gip_busy()) {
		resp_error(E_DNS_BUSY);
		return;
	}
	resp_ok();
	dns_gip_start(a->s[1], ctx_ok(ctx) ? 0 : ecode(E_PDP_OPEN));
}

static void q_cfg(enum kind k, struct args *a, const char *raw)
{
	long v;

	(void)raw;
	if (k == K_TEST) {
		resp_line("+QICFG: \"transpktsize\",(1-1460)");
		resp_line("+QICFG: \"transwaittm\",(0-20)");
		resp_ok();
		return;
	}
	if (k != K_WRITE || a->n < 1 || a->n > 2)
		goto bad;
	if (!strcasecmp(a->s[0], "transpktsize")) {
		if (a->n == 1)
			resp_line("+QICFG: \"transpktsize\",%d",
				  M.transpktsize);
		else if (arg_int(a, 1, 1, 1460, &v))
			M.transpktsize = v;
		else
			goto bad;
	} else if (!strcasecmp(a->s[0], "transwaittm")) {
		if (a->n == 1)
			resp_line("+QICFG: \"transwaittm\",%d", M.transwaittm);
		else if (arg_int(a, 1, 0, 20, &v))
			M.transwaittm = v;
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
		resp_line("+QIGETERROR: %d, %s", M.lasterr,
			  err_desc(M.lasterr));
	else if (k != K_TEST) {
		resp_final("ERROR");
		return;
	}
	resp_ok();
}

/* AT+QURCCFG="urcport"[,<port>] (EC2x, BG96 families): where URCs go.
 * Only "uart1" is this emulator's line; the others take them away.
 */
static void q_urccfg(enum kind k, struct args *a, const char *raw)
{
	(void)raw;
	if (!PROF->has_urcport) {
		resp_final("ERROR");
		return;
	}
	if (k == K_TEST) {
		resp_line("+QURCCFG: \"urcport\",(\"usbat\",\"usbmodem\",\"uart1\")");
		resp_ok();
		return;
	}
	if (k != K_WRITE || a->n < 1 || a->n > 2 || !a->q[0] ||
	    strcasecmp(a->s[0], "urcport")) {
		resp_cme(50, "incorrect parameters");
		return;
	}
	if (a->n == 1) {
		resp_line("+QURCCFG: \"urcport\",\"%s\"",
			  M.urc_uart ? "uart1" : "usbat");
		resp_ok();
		return;
	}
	if (!a->q[1] || (strcasecmp(a->s[1], "uart1") &&
			 strcasecmp(a->s[1], "usbat") &&
			 strcasecmp(a->s[1], "usbmodem"))) {
		resp_cme(50, "incorrect parameters");
		return;
	}
	M.urc_uart = !strcasecmp(a->s[1], "uart1");
	trace_note("urcport %s", a->s[1]);
	resp_ok();
}

const struct cmd uc20_cmds[] = {
	{ "+QURCCFG", q_urccfg, false },
	{ "+QICSGP", q_csgp, true },
	{ "+QIACT", q_act, true },
	{ "+QIDEACT", q_deact, true },
	{ "+QIOPEN", q_open, true },
	{ "+QICLOSE", q_close, true },
	{ "+QISTATE", q_state, true },
	{ "+QISEND", q_send, true },
	{ "+QIRD", q_rd, true },
	{ "+QISWTMD", q_swtmd, true },
	{ "+QPING", q_ping, true },
	{ "+QNTP", q_ntp, true },
	{ "+QIDNSCFG", q_dnscfg, true },
	{ "+QIDNSGIP", q_dnsgip, true },
	{ "+QICFG", q_cfg, true },
	{ "+QIGETERROR", q_geterror, false },
	{ "+CGREG", at_reg_cmd, false },
	{ "+CREG", at_reg_cmd, false },
	{ NULL, NULL, false }
};
