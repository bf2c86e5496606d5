// SPDX-License-Identifier: GPL-2.0
/*
 * The control channel: a line protocol on a unix stream socket, one
 * command per line, one reply line per command ("ok [key=value...]" or
 * "err <reason>"). Several clients may be connected at once. The command
 * set is documented in Documentation/networking/qtcpip-emulator.rst.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include "emu.h"

#define MAXLINE 8192

struct client {
	int fd;
	struct buf in;
};

static int lfd = -1;

static void reply(struct client *cl, struct buf *r)
{
	size_t off = 0;

	buf_putc(r, '\n');
	/* replies are short: a blocking write finishes them */
	while (off < r->len) {
		ssize_t n = write(cl->fd, buf_data(r) + off, r->len - off);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		off += n;
	}
}

/* C-like escapes: \r \n \t \\ \xNN */
static size_t unescape(const char *s, char *o)
{
	size_t n = 0;

	while (*s) {
		if (*s != '\\' || !s[1]) {
			o[n++] = *s++;
			continue;
		}
		s++;
		switch (*s) {
		case 'r':
			o[n++] = '\r';
			break;
		case 'n':
			o[n++] = '\n';
			break;
		case 't':
			o[n++] = '\t';
			break;
		case 'x':
			if (s[1] && s[2]) {
				unsigned char b;

				if (hex_decode(s + 1, 2, &b) == 1) {
					o[n++] = b;
					s += 2;
					break;
				}
			}
			o[n++] = 'x';
			break;
		default:
			o[n++] = *s;
		}
		s++;
	}
	o[n] = 0;
	return n;
}

static bool num(const char *s, long lo, long hi, long *out)
{
	char *e;
	long v;

	if (!s || !*s)
		return false;
	v = strtol(s, &e, 10);
	if (*e || v < lo || v > hi)
		return false;
	*out = v;
	return true;
}

static bool prob(const char *s, double *out)
{
	char *e;
	double v;

	if (!s || !*s)
		return false;
	v = strtod(s, &e);
	if (*e || v < 0 || v > 1)
		return false;
	*out = v;
	return true;
}

static const char *mode_name(void)
{
	return serial_up() ? (at_idle() ? "cmd" : "busy") : "down";
}

static void state_conn(struct buf *r, struct conn *c)
{
	buf_printf(r, "ok id=%d type=%s state=%s statenum=%d ctx=%d mode=%d "
		   "server=%d rip=%s rport=%d lport=%d buffered=%zu "
		   "rx_total=%llu rx_read=%llu tx_total=%llu unacked=%zu "
		   "urc_armed=%d peer_closed=%d",
		   c->id, svc_name(c->svc), state_name(c->state),
		   state_num(c->state), c->ctx, c->mode, c->server_id,
		   c->rip[0] ? c->rip : "-", c->rport, c->lport, c->rx_bytes,
		   (unsigned long long)c->rx_total,
		   (unsigned long long)c->rx_read,
		   (unsigned long long)c->tx_total, conn_unacked(c),
		   c->urc_armed, c->peer_eof);
	/* service type names contain a blank: make them one word */
	for (size_t i = 0; i < r->len; i++)
		if (!memcmp(buf_data(r) + i, "TCP LISTENER", 12) ||
		    !memcmp(buf_data(r) + i, "TCP INCOMING", 12) ||
		    !memcmp(buf_data(r) + i, "UDP SERVICE", 11))
			buf_data(r)[i + 3] = '_';
}

static void state_all(struct buf *r)
{
	int i, first = 1;

	buf_printf(r, "ok model=%s at=%s echo=%d cfun=%d baud=%u lasterr=%d "
		   "send_pending=%d open_delay_ms=%u send_delay_ms=%u "
		   "rtt_ms=%u conns=", M.model == BC66 ? "bc66" : "uc20",
		   mode_name(), M.echo, M.cfun, serial_baud(), M.lasterr,
		   M.send_pending, M.open_delay_ms, M.send_delay_ms, M.rtt_ms);
	for (i = 0; i < M.nconn; i++) {
		if (conn_get(i)) {
			buf_printf(r, "%s%d", first ? "" : ",", i);
			first = 0;
		}
	}
	if (first)
		buf_printf(r, "-");
	buf_printf(r, " pdp=");
	first = 1;
	for (i = 1; i <= 16; i++) {
		if (M.pdp[i].active) {
			buf_printf(r, "%s%d", first ? "" : ",", i);
			first = 0;
		}
	}
	if (first)
		buf_printf(r, "-");
	/* what the tests wait for instead of sleeping */
	buf_printf(r, " ntp=%s dns=%s ping=%s", ntp_busy() ? "busy" : "idle",
		   dns_gip_busy() ? "busy" : "idle",
		   ping_busy() ? "busy" : "idle");
}

static bool direction(const char *s, int *dir)
{
	if (!s || !strcmp(s, "tx"))
		*dir = DIR_TX;
	else if (!strcmp(s, "rx"))
		*dir = DIR_RX;
	else
		return false;
	return true;
}

static const struct {
	const char *name;
	unsigned int *p;
} knobs[] = {
	{ "open_delay_ms", &M.open_delay_ms },
	{ "send_delay_ms", &M.send_delay_ms },
	{ "rtt_ms", &M.rtt_ms },
	{ "boot_ms", &M.boot_ms },
	{ "close_wait_ms", &M.close_wait_ms },
	{ "guard_ms", &M.guard_ms },
	{ "ntp_timeout_ms", &M.ntp_timeout_ms },
};

static void quit_cb(void *arg)
{
	(void)arg;
	ev_stop(0);
}

static void exec(char *line, struct buf *r)
{
	char *arg[8] = { 0 }, *rest = NULL, *save = NULL, *cmd;
	struct conn *c;
	long v, w;
	double p;
	int i, dir;

	cmd = strtok_r(line, " \t", &save);
	if (!cmd) {
		buf_printf(r, "err empty");
		return;
	}
	if (save && *save)
		rest = save + strspn(save, " \t");
	{
		/* split a copy into words; keep rest for free text */
		static char copy[MAXLINE];
		char *s2 = NULL;

		snprintf(copy, sizeof(copy), "%s", rest ? rest : "");
		for (i = 0; i < 8; i++) {
			arg[i] = strtok_r(i ? NULL : copy, " \t", &s2);
			if (!arg[i])
				break;
		}
	}
	trace_note("control: %s%s%s", cmd, rest ? " " : "", rest ? rest : "");

	if (!strcmp(cmd, "ping")) {
		buf_printf(r, "ok pong");
	} else if (!strcmp(cmd, "counters")) {
		buf_printf(r, "ok");
		counters_print(r);
	} else if (!strcmp(cmd, "state")) {
		if (!arg[0]) {
			state_all(r);
		} else if (!num(arg[0], 0, M.nconn - 1, &v)) {
			buf_printf(r, "err bad id");
		} else if (!(c = conn_get(v))) {
			buf_printf(r, "err unused");
		} else {
			state_conn(r, c);
		}
	} else if (!strcmp(cmd, "ati")) {
		/* What ATI prints from now on ('|' between lines; nothing:
		 * the profile's again). Takes effect at once: "reset" to
		 * make the driver ask.
		 */
		snprintf(M.ati_override, sizeof(M.ati_override), "%s",
			 rest ? rest : "");
		buf_printf(r, "ok");
	} else if (!strcmp(cmd, "reset")) {
		serial_discard_tx();
		at_boot();
		buf_printf(r, "ok");
	} else if (!strcmp(cmd, "mute") || !strcmp(cmd, "delay")) {
		if (!num(arg[0], 0, 3600000, &v)) {
			buf_printf(r, "err usage: %s MS", cmd);
			return;
		}
		if (cmd[0] == 'm')
			serial_mute(v);
		else
			serial_hold(v);
		buf_printf(r, "ok");
	} else if (!strcmp(cmd, "seed")) {
		char *e;
		unsigned long long s = arg[0] ? strtoull(arg[0], &e, 0) : 0;

		if (!arg[0] || *e) {
			buf_printf(r, "err usage: seed N");
			return;
		}
		rnd_seed(s);
		buf_printf(r, "ok");
	} else if (!strcmp(cmd, "baud")) {
		if (!num(arg[0], 0, 100000000, &v)) {
			buf_printf(r, "err usage: baud N");
			return;
		}
		serial_set_baud(v);
		buf_printf(r, "ok baud=%ld", v);
	} else if (!strcmp(cmd, "close")) {
		if (!num(arg[0], 0, M.nconn - 1, &v) || !(c = conn_get(v))) {
			buf_printf(r, "err no such connection");
			return;
		}
		if (arg[1] && strcmp(arg[1], "keepdata")) {
			buf_printf(r, "err usage: close ID [keepdata]");
			return;
		}
		conn_remote_close(c, arg[1] != NULL);
		buf_printf(r, "ok");
	} else if (!strcmp(cmd, "pdpdeact")) {
		if (!num(arg[0], 1, 16, &v)) {
			buf_printf(r, "err usage: pdpdeact CTX");
			return;
		}
		conn_pdpdeact(v, true);
		if (M.model == UC20)
			M.pdp[v].active = false;
		buf_printf(r, "ok");
	} else if (!strcmp(cmd, "urc") || !strcmp(cmd, "raw")) {
		static char o[MAXLINE];
		size_t n;

		if (!rest) {
			buf_printf(r, "err usage: %s TEXT", cmd);
			return;
		}
		n = unescape(rest, o);
		if (cmd[0] == 'u')
			serial_write("\r\n", 2);
		serial_write(o, n);
		if (cmd[0] == 'u') {
			serial_write("\r\n", 2);
			C.urcs++;
		}
		buf_printf(r, "ok");
	} else if (!strcmp(cmd, "urc-mid") || !strcmp(cmd, "urc-prompt") ||
		   !strcmp(cmd, "eat-prompt")) {
		static char o[MAXLINE];
		char **slot = cmd[0] == 'e' ? &F.eat_prompt :
			      cmd[4] == 'm' ? &F.urc_mid : &F.urc_prompt;

		if (!rest) {
			buf_printf(r, "err usage: %s TEXT", cmd);
			return;
		}
		unescape(rest, o);
		free(*slot);
		*slot = strdup(o);
		buf_printf(r, "ok");
	} else if (!strcmp(cmd, "split")) {
		i = 0;
		F.split_rand = arg[0] && !strcmp(arg[0], "random");
		if (F.split_rand)
			i = 1;
		if (!num(arg[i], 0, 1 << 20, &v) ||
		    (arg[i + 1] && !num(arg[i + 1], 0, 10000000, &w))) {
			F.split = 0;
			buf_printf(r, "err usage: split N|random MAX [GAP_US]");
			return;
		}
		if (F.split_rand && !v)
			v = 1;
		F.split = v;
		F.split_gap_us = arg[i + 1] ? w : 0;
		buf_printf(r, "ok");
	} else if (!strcmp(cmd, "drop") || !strcmp(cmd, "dup") ||
		   !strcmp(cmd, "corrupt")) {
		if (!prob(arg[0], &p) || !direction(arg[1], &dir)) {
			buf_printf(r, "err usage: %s P [tx|rx]", cmd);
			return;
		}
		if (cmd[1] == 'r')
			F.drop[dir] = p;
		else if (cmd[1] == 'u')
			F.dup[dir] = p;
		else
			F.corrupt[dir] = p;
		buf_printf(r, "ok");
	} else if (!strcmp(cmd, "sendfail") || !strcmp(cmd, "closefail") ||
		   !strcmp(cmd, "pingdrop") || !strcmp(cmd, "hintdrop")) {
		if (!num(arg[0], 0, 1000000, &v)) {
			buf_printf(r, "err usage: %s N", cmd);
			return;
		}
		if (cmd[0] == 's')
			F.sendfail = v;
		else if (cmd[0] == 'c')
			F.closefail = v;
		else if (cmd[0] == 'h')
			F.hintdrop = v;
		else
			F.pingdrop = v;
		buf_printf(r, "ok");
	} else if (!strcmp(cmd, "ipr-deaf")) {
		if (!num(arg[0], 0, 3600000, &v) ||
		    (arg[1] && !num(arg[1], 0, 1000000, &w))) {
			buf_printf(r, "err usage: ipr-deaf MS [COUNT]");
			return;
		}
		F.ipr_deaf_ms = v;
		F.ipr_deaf_count = arg[1] ? w : 1;
		buf_printf(r, "ok");
	} else if (!strcmp(cmd, "garble")) {
		if (!arg[0] || (strcmp(arg[0], "on") && strcmp(arg[0], "off"))) {
			buf_printf(r, "err usage: garble on|off");
			return;
		}
		F.garble = !strcmp(arg[0], "on");
		buf_printf(r, "ok");
	} else if (!strcmp(cmd, "bufffull")) {
		if (!num(arg[0], 0, M.nconn - 1, &v) || !(c = conn_get(v))) {
			buf_printf(r, "err no such connection");
			return;
		}
		conn_bufffull(c);
		buf_printf(r, "ok");
	} else if (!strcmp(cmd, "openfail")) {
		if (!num(arg[0], 1, 999, &v) || !err_valid(v) ||
		    (arg[1] && !num(arg[1], 0, 1000000, &w))) {
			buf_printf(r, "err usage: openfail ERR [COUNT] "
				   "(ERR from the dialect's table)");
			return;
		}
		F.openfail_err = v;
		F.openfail_count = arg[1] ? w : 1;
		buf_printf(r, "ok");
	} else if (!strcmp(cmd, "cmdfail")) {
		if (!arg[0] || !num(arg[1], 1, 999, &v) || !err_valid(v) ||
		    (arg[2] && !num(arg[2], 0, 1000000, &w))) {
			buf_printf(r, "err usage: cmdfail NAME|* ERR [COUNT]");
			return;
		}
		snprintf(F.cmdfail_name, sizeof(F.cmdfail_name), "%s",
			 arg[0] + (!strncasecmp(arg[0], "AT+", 3) ? 3 :
				   arg[0][0] == '+' ? 1 : 0));
		F.cmdfail_err = v;
		F.cmdfail_count = arg[2] ? w : 1;
		buf_printf(r, "ok");
	} else if (!strcmp(cmd, "clear")) {
		fault_clear();
		/* and the command line's profile, ATI text included */
		profile_restore();
		hostile_stop();
		buf_printf(r, "ok");
	} else if (!strcmp(cmd, "profile")) {
		const struct profile *p = arg[0] ?
			profile_find(arg[0], M.model) : NULL;

		/* identity at once, boot lines from the next "reset" */
		if (!p)
			buf_printf(r, "err no profile %s for this model",
				   arg[0] ? arg[0] : "(none)");
		else {
			profile_set(p, false);
			buf_printf(r, "ok");
		}
	} else if (!strcmp(cmd, "hostile")) {
		char *e = NULL;
		unsigned long long s = 0;

		if (arg[0] && !strcmp(arg[0], "on") && arg[1])
			s = strtoull(arg[1], &e, 0);
		if (arg[0] && !strcmp(arg[0], "off")) {
			hostile_stop();
		} else if (arg[0] && (!e || *e || !*arg[1] ||
				      (arg[2] && !num(arg[2], 0, 10000, &v)) ||
				      (arg[3] && !num(arg[3], 0, 1000000, &w)) ||
				      (arg[4] && !hostile_kinds(arg[4])))) {
			buf_printf(r, "err usage: hostile [on SEED [RATE "
				   "[INSIDE [KINDS]]]|off], KINDS: all or "
				   "data,urc,final,rdy,garbage");
			return;
		} else if (arg[0]) {
			hostile_start(s, arg[2] ? v : 20, arg[3] ? w : 8,
				      hostile_kinds(arg[4] ? arg[4] : "all"));
		}
		buf_printf(r, "ok");
		hostile_print(r);
	} else if (!strcmp(cmd, "set")) {
		for (i = 0; i < (int)ARRAY_SIZE(knobs); i++) {
			if (arg[0] && !strcmp(arg[0], knobs[i].name) &&
			    num(arg[1], 0, 3600000, &v)) {
				*knobs[i].p = v;
				buf_printf(r, "ok %s=%ld", arg[0], v);
				return;
			}
		}
		buf_printf(r, "err usage: set KNOB VALUE");
	} else if (!strcmp(cmd, "mark")) {
		buf_printf(r, "ok");
	} else if (!strcmp(cmd, "quit")) {
		ev_timer(0, quit_cb, NULL);
		buf_printf(r, "ok");
	} else if (!strcmp(cmd, "help")) {
		buf_printf(r, "ok commands=ping,counters,state,reset,mute,delay,"
			   "seed,baud,close,pdpdeact,urc,urc-mid,urc-prompt,"
			   "eat-prompt,"
			   "raw,split,drop,dup,corrupt,sendfail,closefail,pingdrop,"
			   "bufffull,openfail,cmdfail,hintdrop,hostile,clear,set,mark,"
			   "quit,"
			   "ati,profile,garble,ipr-deaf");
	} else {
		buf_printf(r, "err unknown command %s", cmd);
	}
}

static void client_ev(void *arg, uint32_t events)
{
	struct client *cl = arg;
	char tmp[4096];
	ssize_t n;

	(void)events;
	n = read(cl->fd, tmp, sizeof(tmp));
	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return;
	if (n <= 0) {
		ev_unwatch(cl->fd);
		close(cl->fd);
		buf_free(&cl->in);
		free(cl);
		return;
	}
	buf_put(&cl->in, tmp, n);
	for (;;) {
		unsigned char *d = buf_data(&cl->in);
		unsigned char *nl = memchr(d, '\n', cl->in.len);
		struct buf r = { 0 };
		char line[MAXLINE];
		size_t l;

		if (!nl) {
			if (cl->in.len > MAXLINE)
				buf_reset(&cl->in);
			return;
		}
		l = nl - d;
		if (l >= sizeof(line))
			l = sizeof(line) - 1;
		memcpy(line, d, l);
		line[l] = 0;
		if (l && line[l - 1] == '\r')
			line[l - 1] = 0;
		buf_drop(&cl->in, nl - d + 1);
		exec(line, &r);
		reply(cl, &r);
		buf_free(&r);
	}
}

static void accept_ev(void *arg, uint32_t events)
{
	struct client *cl;
	int fd;

	(void)arg;
	(void)events;
	fd = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);
	if (fd < 0)
		return;
	cl = calloc(1, sizeof(*cl));
	cl->fd = fd;
	ev_watch(fd, EPOLLIN, client_ev, cl);
}

void control_open(const char *path)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };

	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", path);
	unlink(path);
	lfd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (lfd < 0 || bind(lfd, (struct sockaddr *)&sa, sizeof(sa)) ||
	    listen(lfd, 8)) {
		perror(path);
		exit(1);
	}
	ev_watch(lfd, EPOLLIN, accept_ev, NULL);
}
