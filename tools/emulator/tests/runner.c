// SPDX-License-Identifier: GPL-2.0
/*
 * Test driver of qtcpip-emu: replays chat scripts (*.chat, syntax in
 * README) against a fresh emulator each, then measures UART pacing.
 * Prints TAP-like lines and exits non-zero on any failure. With --bench,
 * measures throughput at 3 Mbaud and unpaced instead.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <termios.h>

static const char *emu = "../qtcpip-emu", *testsrv = "../../testsrv/qtcpip-testsrv";
static char tmpdir[256];
static pid_t srv_pid;
static int ntest, nfail;

/* ---- variables ---- */
#define MAXVAR 64
static struct {
	char name[32];
	char *val;
} vars[MAXVAR];
static int nvar, nvar_global;

static void setvar(const char *name, const char *val)
{
	int i;

	for (i = 0; i < nvar; i++) {
		if (!strcmp(vars[i].name, name)) {
			free(vars[i].val);
			vars[i].val = strdup(val);
			return;
		}
	}
	if (nvar == MAXVAR)
		return;
	snprintf(vars[nvar].name, sizeof(vars[nvar].name), "%s", name);
	vars[nvar++].val = strdup(val);
}

static const char *getvar(const char *name)
{
	int i;

	for (i = 0; i < nvar; i++)
		if (!strcmp(vars[i].name, name))
			return vars[i].val;
	return NULL;
}

static char *subst(const char *s)
{
	size_t cap = strlen(s) * 2 + 2048, n = 0;
	char *o = malloc(cap);

	while (*s) {
		const char *e, *v;
		char name[32];

		if (s[0] == '$' && s[1] == '{' && (e = strchr(s, '}')) &&
		    e - s - 2 < (long)sizeof(name)) {
			memcpy(name, s + 2, e - s - 2);
			name[e - s - 2] = 0;
			v = getvar(name);
			if (v) {
				size_t l = strlen(v);

				if (n + l + 1 > cap) {
					cap = (n + l) * 2 + 1;
					o = realloc(o, cap);
				}
				memcpy(o + n, v, l);
				n += l;
				s = e + 1;
				continue;
			}
		}
		if (n + 2 > cap) {
			cap *= 2;
			o = realloc(o, cap);
		}
		o[n++] = *s++;
	}
	o[n] = 0;
	return o;
}

static int hexv(int c)
{
	if (isdigit(c))
		return c - '0';
	c = tolower(c);
	return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* \r \n \t \\ \xNN \z (Ctrl-Z) \e (ESC); returns length */
static size_t unesc(const char *s, char *o)
{
	size_t n = 0;

	while (*s) {
		if (*s != '\\' || !s[1]) {
			o[n++] = *s++;
			continue;
		}
		s++;
		switch (*s) {
		case 'r': o[n++] = '\r'; break;
		case 'n': o[n++] = '\n'; break;
		case 't': o[n++] = '\t'; break;
		case 'z': o[n++] = 0x1a; break;
		case 'e': o[n++] = 0x1b; break;
		case '0': o[n++] = 0; break;
		case 'x':
			if (hexv(s[1]) >= 0 && hexv(s[2]) >= 0) {
				o[n++] = hexv(s[1]) << 4 | hexv(s[2]);
				s += 2;
				break;
			}
			/* fall through */
		default:
			o[n++] = *s;
		}
		s++;
	}
	return n;
}

/* glob: '*' any run, '?' any byte, '\' escapes the next character */
static bool glob(const char *p, const char *s, size_t sl)
{
	while (*p) {
		if (*p == '*') {
			size_t i;

			for (i = 0; i <= sl; i++)
				if (glob(p + 1, s + i, sl - i))
					return true;
			return false;
		}
		if (!sl)
			return false;
		if (*p == '?') {
			p++;
		} else {
			char c[4];
			const char *q = p;

			if (*p == '\\' && p[1]) {
				/* reuse the escape decoder for one char */
				size_t l = p[1] == 'x' ? 4 : 2;
				char tmp[8] = { 0 };

				memcpy(tmp, p, l);
				unesc(tmp, c);
				p += l;
			} else {
				c[0] = *p++;
			}
			(void)q;
			if (c[0] != *s)
				return false;
		}
		s++;
		sl--;
	}
	return sl == 0;
}

static uint64_t now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000ULL + ts.tv_nsec / 1000;
}

/* ---- one emulator under test ---- */
struct emu {
	pid_t pid;
	int fd, ctl;
	char ctlpath[300], ready[300];
	unsigned char rx[1 << 20];
	size_t rlen;
	bool skip_lf;
};

static struct {
	char name[32];
	int fd;
	bool udp;
} socks[16];
static int nsock;

static char errbuf[4096];

static void fail(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(errbuf, sizeof(errbuf), fmt, ap);
	va_end(ap);
}

static bool wait_file(const char *path, int ms)
{
	struct stat st;

	while (ms-- > 0) {
		if (!stat(path, &st) && st.st_size > 0)
			return true;
		usleep(1000);
	}
	return false;
}

static bool emu_start(struct emu *e, const char *model, char **extra,
		      int nextra)
{
	static int seq;
	char *argv[64];
	int sv[2], n = 0, i;
	struct sockaddr_un sa = { .sun_family = AF_UNIX };

	memset(e, 0, offsetof(struct emu, rx));
	e->rlen = 0;
	seq++;
	snprintf(e->ctlpath, sizeof(e->ctlpath), "%s/ctl%d", tmpdir, seq);
	snprintf(e->ready, sizeof(e->ready), "%s/ready%d", tmpdir, seq);
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv))
		return false;
	argv[n++] = (char *)emu;
	argv[n++] = "--model";
	argv[n++] = (char *)model;
	argv[n++] = "--stdio";
	argv[n++] = "--baud";
	argv[n++] = "0";
	argv[n++] = "--control";
	char *c = malloc(320);

	snprintf(c, 320, "unix:%s", e->ctlpath);
	argv[n++] = c;
	argv[n++] = "--ready-file";
	argv[n++] = e->ready;
	argv[n++] = "--dns-table";
	argv[n++] = "hosts";
	argv[n++] = "--ntp-server";
	char *ntp = malloc(64);

	snprintf(ntp, 64, "127.0.0.1:%s", getvar("sntp"));
	argv[n++] = ntp;
	argv[n++] = "--ntp-timeout-ms";
	argv[n++] = "300";
	argv[n++] = "--guard-ms";
	argv[n++] = "200";
	argv[n++] = "--close-wait-ms";
	argv[n++] = "300";
	for (i = 0; i < nextra && n < 62; i++)
		argv[n++] = extra[i];
	argv[n] = NULL;
	e->pid = fork();
	if (!e->pid) {
		dup2(sv[1], 0);
		dup2(sv[1], 1);
		execv(emu, argv);
		_exit(127);
	}
	free(c);
	free(ntp);
	close(sv[1]);
	e->fd = sv[0];
	fcntl(e->fd, F_SETFL, O_NONBLOCK);
	if (!wait_file(e->ready, 3000)) {
		fail("emulator did not become ready");
		return false;
	}
	e->ctl = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%.100s", e->ctlpath);
	if (connect(e->ctl, (struct sockaddr *)&sa, sizeof(sa))) {
		fail("control connect: %s", strerror(errno));
		return false;
	}
	return true;
}

static void emu_stop(struct emu *e)
{
	int st, i;

	if (e->fd > 0)
		close(e->fd);
	if (e->ctl > 0)
		close(e->ctl);
	for (i = 0; i < 200; i++) {
		if (waitpid(e->pid, &st, WNOHANG) == e->pid)
			break;
		usleep(1000);
	}
	if (i == 200) {
		kill(e->pid, SIGKILL);
		waitpid(e->pid, &st, 0);
	}
	unlink(e->ready);
	unlink(e->ctlpath);
	for (i = 0; i < nsock; i++)
		close(socks[i].fd);
	nsock = 0;
}

/* read what is available within ms; false on timeout without data */
static bool fill(struct emu *e, int ms)
{
	struct pollfd p = { .fd = e->fd, .events = POLLIN };
	ssize_t n;

	if (poll(&p, 1, ms) <= 0)
		return false;
	n = read(e->fd, e->rx + e->rlen, sizeof(e->rx) - e->rlen);
	if (n <= 0)
		return false;
	e->rlen += n;
	return true;
}

static void consume(struct emu *e, size_t n)
{
	memmove(e->rx, e->rx + n, e->rlen - n);
	e->rlen -= n;
}

/* next non-empty line (or the "> " prompt) into out */
static bool get_line(struct emu *e, char *out, size_t max, int ms)
{
	uint64_t end = now_us() + ms * 1000ULL;

	for (;;) {
		size_t i;

		if (e->skip_lf && e->rlen && e->rx[0] == '\n') {
			consume(e, 1);
			e->skip_lf = false;
		} else if (e->rlen) {
			e->skip_lf = false;
		}
		while (e->rlen && (e->rx[0] == '\r' || e->rx[0] == '\n'))
			consume(e, 1);
		if (e->rlen >= 2 && e->rx[0] == '>' && e->rx[1] == ' ') {
			snprintf(out, max, "> ");
			consume(e, 2);
			return true;
		}
		for (i = 0; i < e->rlen; i++) {
			if (e->rx[i] == '\r' || e->rx[i] == '\n') {
				size_t l = i < max - 1 ? i : max - 1;

				memcpy(out, e->rx, l);
				out[l] = 0;
				if (e->rx[i] == '\r' && i + 1 < e->rlen &&
				    e->rx[i + 1] == '\n')
					i++;
				else if (e->rx[i] == '\r')
					e->skip_lf = true;
				consume(e, i + 1);
				return true;
			}
		}
		{
			int64_t left = (int64_t)(end - now_us()) / 1000;

			if (left <= 0 || !fill(e, left)) {
				size_t l = e->rlen < max - 1 ? e->rlen : max - 1;

				memcpy(out, e->rx, l);
				out[l] = 0;
				return false;
			}
		}
	}
}

static bool get_raw(struct emu *e, size_t n, int ms)
{
	uint64_t end = now_us() + ms * 1000ULL;

	for (;;) {
		if (e->skip_lf && e->rlen && e->rx[0] == '\n') {
			consume(e, 1);
			e->skip_lf = false;
		} else if (e->rlen) {
			e->skip_lf = false;
		}
		if (e->rlen >= n)
			return true;
		int64_t left = (int64_t)(end - now_us()) / 1000;

		if (left <= 0 || !fill(e, left))
			return false;
	}
}

static bool ctl_cmd(struct emu *e, const char *cmd, char *rep, size_t max)
{
	size_t n = 0;
	char c;

	if (write(e->ctl, cmd, strlen(cmd)) < 0 || write(e->ctl, "\n", 1) < 0)
		return false;
	while (n < max - 1) {
		struct pollfd p = { .fd = e->ctl, .events = POLLIN };

		if (poll(&p, 1, 2000) <= 0 || read(e->ctl, &c, 1) != 1)
			return false;
		if (c == '\n')
			break;
		rep[n++] = c;
	}
	rep[n] = 0;
	return true;
}

static int sock_find(const char *name)
{
	int i;

	for (i = 0; i < nsock; i++)
		if (!strcmp(socks[i].name, name))
			return i;
	return -1;
}

static void sock_add(const char *name, int fd, bool udp)
{
	struct sockaddr_in sa;
	socklen_t sl = sizeof(sa);
	char v[48], p[16];
	int i = sock_find(name);

	if (i < 0)
		i = nsock++;
	else
		close(socks[i].fd);
	snprintf(socks[i].name, sizeof(socks[i].name), "%s", name);
	socks[i].fd = fd;
	socks[i].udp = udp;
	getsockname(fd, (struct sockaddr *)&sa, &sl);
	snprintf(v, sizeof(v), "%s_port", name);
	snprintf(p, sizeof(p), "%d", ntohs(sa.sin_port));
	setvar(v, p);
}

static int free_port(void)
{
	struct sockaddr_in sa = { .sin_family = AF_INET,
				  .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t sl = sizeof(sa);
	int fd = socket(AF_INET, SOCK_STREAM, 0), p;
	int fd2 = socket(AF_INET, SOCK_DGRAM, 0);

	bind(fd, (struct sockaddr *)&sa, sizeof(sa));
	getsockname(fd, (struct sockaddr *)&sa, &sl);
	p = ntohs(sa.sin_port);
	/* the same number must be free for UDP too */
	if (bind(fd2, (struct sockaddr *)&sa, sizeof(sa))) {
		close(fd);
		close(fd2);
		return free_port();
	}
	close(fd);
	close(fd2);
	return p;
}

/* ---- chat scripts ---- */

static bool run_step(struct emu *e, char *l, int tmo)
{
	static char buf[1 << 16], line[1 << 16];
	char *w, *rest;
	size_t n;

	if (!strncmp(l, ">> ", 3) || !strcmp(l, ">>")) {
		n = unesc(l[2] ? l + 3 : "", buf);
		if (write(e->fd, buf, n) != (ssize_t)n)
			return fail("write failed"), false;
		return true;
	}
	if (!strncmp(l, "> ", 2)) {
		n = unesc(l + 2, buf);
		buf[n++] = '\r';
		if (write(e->fd, buf, n) != (ssize_t)n)
			return fail("write failed"), false;
		return true;
	}
	if (!strncmp(l, "<raw ", 5)) {
		n = unesc(l + 5, buf);
		if (!get_raw(e, n, tmo) || memcmp(e->rx, buf, n)) {
			fail("expected raw %s, got %zu bytes", l + 5, e->rlen);
			return false;
		}
		consume(e, n);
		return true;
	}
	if (!strncmp(l, "<bytes ", 7)) {
		n = strtoul(l + 7, NULL, 10);
		if (!get_raw(e, n, tmo))
			return fail("expected %zu bytes, got %zu", n, e->rlen),
			       false;
		consume(e, n);
		return true;
	}
	if (!strncmp(l, "<quiet ", 7)) {
		int ms = atoi(l + 7);

		if (e->skip_lf && e->rlen && e->rx[0] == '\n') {
			consume(e, 1);
			e->skip_lf = false;
		}
		if (e->rlen || fill(e, ms)) {
			n = e->rlen < 200 ? e->rlen : 200;
			memcpy(buf, e->rx, n);
			buf[n] = 0;
			return fail("expected silence, got \"%s\"", buf), false;
		}
		return true;
	}
	if (!strncmp(l, "<skip ", 6)) {
		uint64_t end = now_us() + tmo * 1000ULL;

		while (now_us() < end) {
			if (!get_line(e, line, sizeof(line),
				      (end - now_us()) / 1000 + 1))
				break;
			if (glob(l + 6, line, strlen(line)))
				return true;
		}
		return fail("no line matching \"%s\"", l + 6), false;
	}
	if (!strncmp(l, "< ", 2) || !strcmp(l, "<")) {
		const char *pat = l[1] ? l + 2 : "";

		if (!get_line(e, line, sizeof(line), tmo)) {
			fail("expected \"%s\", timed out with \"%.200s\"", pat,
			     line);
			return false;
		}
		if (!glob(pat, line, strlen(line))) {
			fail("expected \"%s\", got \"%.300s\"", pat, line);
			return false;
		}
		return true;
	}
	if (!strncmp(l, "!err ", 5) || !strncmp(l, "! ", 2)) {
		bool want_err = l[1] == 'e';
		char *cmd = l + (want_err ? 5 : 2), *pat = strstr(cmd, " ~ ");

		if (pat) {
			*pat = 0;
			pat += 3;
		}
		if (!ctl_cmd(e, cmd, buf, sizeof(buf)))
			return fail("control '%s': no reply", cmd), false;
		if (want_err ? strncmp(buf, "err", 3) :
		    strncmp(buf, "ok", 2) ||
		    (pat && !glob(pat, buf, strlen(buf)))) {
			fail("control '%s' replied \"%s\"", cmd, buf);
			return false;
		}
		return true;
	}
	if (!strncmp(l, "sleep ", 6)) {
		usleep(atoi(l + 6) * 1000);
		return true;
	}
	if (l[0] != '@')
		return fail("bad step \"%s\"", l), false;

	w = strtok_r(l, " ", &rest);
	if (!strcmp(w, "@tcp") || !strcmp(w, "@udp") || !strcmp(w, "@listen")) {
		char *name = strtok_r(NULL, " ", &rest);
		char *port = strtok_r(NULL, " ", &rest);
		bool udp = w[1] == 'u';
		struct sockaddr_in sa = { .sin_family = AF_INET,
					  .sin_addr.s_addr =
						htonl(INADDR_LOOPBACK) };
		int fd, i, one = 1;

		if (!name || !port)
			return fail("usage: %s NAME PORT", w), false;
		sa.sin_port = htons(atoi(port));
		fd = socket(AF_INET, udp ? SOCK_DGRAM : SOCK_STREAM, 0);
		if (w[1] == 'l') {
			setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one,
				   sizeof(one));
			if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) ||
			    listen(fd, 4))
				return fail("listen %s", port), false;
			sock_add(name, fd, false);
			return true;
		}
		if (udp) {
			/* @udp NAME LOCALPORT REMOTEPORT */
			struct sockaddr_in loc = sa;
			char *rport = strtok_r(NULL, " ", &rest);

			if (!rport)
				return fail("usage: @udp NAME LPORT RPORT"),
				       false;
			loc.sin_port = htons(atoi(port));
			sa.sin_port = htons(atoi(rport));
			if (bind(fd, (struct sockaddr *)&loc, sizeof(loc)))
				return fail("bind %s", port), false;
		}
		for (i = 0; i < tmo; i += 10) {
			if (!connect(fd, (struct sockaddr *)&sa, sizeof(sa)))
				break;
			usleep(10000);
		}
		if (i >= tmo)
			return fail("connect %s: %s", port, strerror(errno)),
			       false;
		sock_add(name, fd, udp);
		return true;
	}
	if (!strcmp(w, "@accept")) {
		char *name = strtok_r(NULL, " ", &rest);
		char *lname = strtok_r(NULL, " ", &rest);
		int li = lname ? sock_find(lname) : -1, fd;
		struct pollfd p;

		if (!name || li < 0)
			return fail("usage: @accept NAME LISTENER"), false;
		p.fd = socks[li].fd;
		p.events = POLLIN;
		if (poll(&p, 1, tmo) <= 0)
			return fail("nothing to accept"), false;
		fd = accept(socks[li].fd, NULL, NULL);
		sock_add(name, fd, false);
		return true;
	}
	{
		char *name = strtok_r(NULL, " ", &rest);
		int i = name ? sock_find(name) : -1;
		struct pollfd p;

		if (i < 0)
			return fail("%s: no socket %s", w, name ? name : ""),
			       false;
		if (!strcmp(w, "@send")) {
			n = unesc(rest ? rest : "", buf);
			if (send(socks[i].fd, buf, n, 0) != (ssize_t)n)
				return fail("send: %s", strerror(errno)), false;
			return true;
		}
		if (!strcmp(w, "@close")) {
			close(socks[i].fd);
			socks[i] = socks[--nsock];
			return true;
		}
		if (!strcmp(w, "@recv") || !strcmp(w, "@eof")) {
			size_t want = w[1] == 'r' ? unesc(rest ? rest : "",
							  buf) : 0;
			size_t got = 0;
			ssize_t r;

			p.fd = socks[i].fd;
			p.events = POLLIN;
			while (got < want || (!want && w[1] == 'e')) {
				if (poll(&p, 1, tmo) <= 0)
					return fail("%s %s: timeout after %zu "
						    "bytes", w, name, got),
					       false;
				r = recv(socks[i].fd, line + got,
					 sizeof(line) - got, 0);
				if (r <= 0) {
					if (w[1] == 'e' && r == 0)
						return true;
					return fail("%s %s: closed", w, name),
					       false;
				}
				if (w[1] == 'e')
					return fail("@eof %s: got data", name),
					       false;
				got += r;
				if (socks[i].udp)
					break;
			}
			if (got != want || memcmp(line, buf, want))
				return fail("%s %s: data differs (%zu/%zu)", w,
					    name, got, want), false;
			return true;
		}
	}
	return fail("unknown step %s", w), false;
}

static void run_chat(const char *path)
{
	char line[1 << 16], model[8] = "bc66", *extra[32], desc[256] = "";
	int nextra = 0, lno = 0, tmo = 2000, i, first = 0;
	bool ok = true, started = false;
	static struct emu e;
	FILE *f = fopen(path, "r");

	errbuf[0] = 0;
	nvar = nvar_global;
	for (i = 1; i <= 4; i++) {
		char n[8], v[8];

		snprintf(n, sizeof(n), "port%d", i);
		snprintf(v, sizeof(v), "%d", free_port());
		setvar(n, v);
	}
	if (!f) {
		fail("cannot open");
		ok = false;
		goto out;
	}
	while (ok && fgets(line, sizeof(line), f)) {
		char *l = line, *s;
		size_t n = strlen(l);

		lno++;
		while (n && (l[n - 1] == '\n' || l[n - 1] == '\r'))
			l[--n] = 0;
		if (!n)
			continue;
		if (l[0] == '#') {
			if (!desc[0] && l[1] == ' ')
				snprintf(desc, sizeof(desc), "%.200s", l + 2);
			continue;
		}
		s = subst(l);
		if (!strncmp(s, "model ", 6)) {
			snprintf(model, sizeof(model), "%s", s + 6);
		} else if (!strncmp(s, "args ", 5)) {
			char *save, *t = strtok_r(strdup(s + 5), " ", &save);

			while (t && nextra < 32) {
				extra[nextra++] = t;
				t = strtok_r(NULL, " ", &save);
			}
		} else if (!strncmp(s, "timeout ", 8)) {
			tmo = atoi(s + 8);
		} else {
			if (!started) {
				started = true;
				if (!emu_start(&e, model, extra, nextra)) {
					ok = false;
					free(s);
					break;
				}
			}
			first = first ? first : lno;
			if (!run_step(&e, s, tmo)) {
				char msg[4096];

				snprintf(msg, sizeof(msg), "line %d: %s", lno,
					 errbuf);
				snprintf(errbuf, sizeof(errbuf), "%s", msg);
				ok = false;
			}
		}
		free(s);
	}
	fclose(f);
	if (started)
		emu_stop(&e);
out:
	ntest++;
	if (!ok)
		nfail++;
	printf("%sok %d - %s%s%s\n", ok ? "" : "not ", ntest, path,
	       desc[0] ? ": " : "", desc);
	if (!ok)
		printf("#   %s\n", errbuf);
	fflush(stdout);
}

/* ---- pacing and throughput ---- */

static bool expect_line(struct emu *e, const char *pat)
{
	char line[4096];

	if (!get_line(e, line, sizeof(line), 3000) ||
	    !glob(pat, line, strlen(line))) {
		fail("expected %s, got \"%s\"", pat, line);
		return false;
	}
	return true;
}

static bool send_str(struct emu *e, const char *s)
{
	return write(e->fd, s, strlen(s)) == (ssize_t)strlen(s);
}

/* UC20 in transparent mode towards port; false on setup failure */
static bool trans_setup(struct emu *e, unsigned int baud, int port)
{
	char b[256], *extra[2];

	snprintf(b, sizeof(b), "%u", baud);
	extra[0] = "--baud";
	extra[1] = b;
	if (!emu_start(e, "uc20", extra, 2))
		return false;
	if (!expect_line(e, "RDY"))
		return false;
	send_str(e, "ATE0\r");
	if (!expect_line(e, "ATE0") || !expect_line(e, "OK"))
		return false;
	send_str(e, "AT+QICFG=\"transwaittm\",0\r");
	if (!expect_line(e, "OK"))
		return false;
	send_str(e, "AT+QIACT=1\r");
	if (!expect_line(e, "OK"))
		return false;
	snprintf(b, sizeof(b), "AT+QIOPEN=1,0,\"TCP\",\"127.0.0.1\",%d,0,2\r",
		 port);
	send_str(e, b);
	return expect_line(e, "CONNECT");
}

/* module -> host rate over n bytes of a TCP source, bytes/s */
static double measure_tx(unsigned int baud, int port, size_t n, double *cpu)
{
	static struct emu e;
	uint64_t t0 = 0, t1 = 0;
	size_t got = 0, first = 0;
	double rate = -1;
	char stat[512];
	long ut0 = 0, st0 = 0, ut1 = 0, st1 = 0;

	if (!trans_setup(&e, baud, port))
		goto out;
	snprintf(stat, sizeof(stat), "/proc/%d/stat", e.pid);
	{
		FILE *f = fopen(stat, "r");

		if (f && fscanf(f, "%*d %*s %*c %*d %*d %*d %*d %*d %*u %*u "
				"%*u %*u %*u %ld %ld", &ut0, &st0) != 2)
			ut0 = st0 = 0;
		if (f)
			fclose(f);
	}
	/* whatever is already buffered counts as the first chunk */
	got = e.rlen;
	first = got;
	e.rlen = 0;
	t0 = now_us();
	while (got < n) {
		struct pollfd p = { .fd = e.fd, .events = POLLIN };
		ssize_t r;

		if (poll(&p, 1, 5000) <= 0)
			break;
		r = read(e.fd, e.rx, sizeof(e.rx));
		if (r <= 0)
			break;
		if (!got) {
			t0 = now_us();
			first = r;
		}
		got += r;
		t1 = now_us();
	}
	{
		FILE *f = fopen(stat, "r");

		if (f && fscanf(f, "%*d %*s %*c %*d %*d %*d %*d %*d %*u %*u "
				"%*u %*u %*u %ld %ld", &ut1, &st1) != 2)
			ut1 = st1 = 0;
		if (f)
			fclose(f);
	}
	if (got >= n && t1 > t0)
		rate = (got - first) * 1e6 / (t1 - t0);
	if (cpu && t1 > t0)
		*cpu = (double)(ut1 + st1 - ut0 - st0) /
			sysconf(_SC_CLK_TCK) / ((t1 - t0) / 1e6) * 100;
	if (got < n)
		fail("got %zu of %zu bytes", got, n);
out:
	emu_stop(&e);
	return rate;
}

/*
 * host -> module rate: write n bytes at once, time until the sink
 * counter (sock_tx) reaches n; bytes/s
 */
static double measure_rx(unsigned int baud, int port, size_t n)
{
	static struct emu e;
	static char data[1 << 20];
	char rep[2048];
	uint64_t t0, t1 = 0;
	size_t off = 0;
	double rate = -1;

	if (!trans_setup(&e, baud, port))
		goto out;
	memset(data, 'x', sizeof(data));
	t0 = now_us();
	for (;;) {
		char *p;
		unsigned long long tx = 0;

		while (off < n) {
			ssize_t r = write(e.fd, data, n - off < sizeof(data) ?
					  n - off : sizeof(data));

			if (r <= 0)
				break;
			off += r;
		}
		if (!ctl_cmd(&e, "counters", rep, sizeof(rep)))
			break;
		p = strstr(rep, " sock_tx=");
		if (p)
			tx = strtoull(p + 9, NULL, 10);
		if (tx >= n) {
			t1 = now_us();
			break;
		}
		if (now_us() - t0 > 30000000)
			break;
		usleep(baud ? 500 : 100);
	}
	if (t1)
		rate = n * 1e6 / (t1 - t0);
	else
		fail("sink did not get %zu bytes", n);
out:
	emu_stop(&e);
	return rate;
}

static void report(bool ok, const char *fmt, ...)
{
	va_list ap;

	ntest++;
	if (!ok)
		nfail++;
	printf("%sok %d - ", ok ? "" : "not ", ntest);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	if (!ok && errbuf[0])
		printf("#   %s\n", errbuf);
	fflush(stdout);
	errbuf[0] = 0;
}

/* ---- serial endpoints ---- */

static bool wait_for(int fd, const char *what, int ms)
{
	static char b[8192];
	size_t n = 0;
	uint64_t end = now_us() + ms * 1000ULL;

	while (now_us() < end && n < sizeof(b) - 1) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		ssize_t r;

		if (poll(&p, 1, (end - now_us()) / 1000 + 1) <= 0)
			continue;
		r = read(fd, b + n, sizeof(b) - 1 - n);
		if (r <= 0)
			break;
		n += r;
		b[n] = 0;
		if (memmem(b, n, what, strlen(what)))
			return true;
	}
	fail("did not see \"%s\" (got %zu bytes)", what, n);
	return false;
}

static int wait_exit(pid_t pid, int ms)
{
	int st, i;

	for (i = 0; i < ms; i++) {
		if (waitpid(pid, &st, WNOHANG) == pid)
			return WIFEXITED(st) ? WEXITSTATUS(st) : 128;
		usleep(1000);
	}
	kill(pid, SIGKILL);
	waitpid(pid, &st, 0);
	return -1;
}

static int unix_connect(const char *path)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

	snprintf(sa.sun_path, sizeof(sa.sun_path), "%.100s", path);
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa))) {
		close(fd);
		return -1;
	}
	return fd;
}

static pid_t spawn(char **argv, int out)
{
	pid_t pid = fork();

	if (!pid) {
		int null = open("/dev/null", O_RDWR);

		dup2(null, 0);
		dup2(out >= 0 ? out : null, 1);
		execv(argv[0], argv);
		_exit(127);
	}
	return pid;
}

static void endpoint_tests(void)
{
	char sock[300], ready[300], trace[300], ctl[300], uctl[310];
	char usock[310], line[256];
	char *argv[16];
	bool ok;
	int fd, rc, pfd[2];
	pid_t pid;
	FILE *f;

	/* --listen: QEMU connects to us; exit 0 when it goes away */
	snprintf(sock, sizeof(sock), "%s/ser.sock", tmpdir);
	snprintf(usock, sizeof(usock), "unix:%s", sock);
	snprintf(ready, sizeof(ready), "%s/ser.ready", tmpdir);
	snprintf(trace, sizeof(trace), "%s/ser.trace", tmpdir);
	argv[0] = (char *)emu; argv[1] = "--model"; argv[2] = "bc66";
	argv[3] = "--listen"; argv[4] = usock; argv[5] = "--ready-file";
	argv[6] = ready; argv[7] = "--trace"; argv[8] = trace;
	argv[9] = NULL;
	pid = spawn(argv, -1);
	ok = wait_file(ready, 3000) && (fd = unix_connect(sock)) >= 0;
	ok = ok && wait_for(fd, "\r\nRDY\r\n", 2000);
	ok = ok && write(fd, "AT\r", 3) == 3 && wait_for(fd, "AT\r\r\nOK\r\n", 2000);
	if (ok)
		close(fd);
	rc = wait_exit(pid, 2000);
	ok = ok && rc == 0;
	f = fopen(trace, "r");
	if (ok && f) {
		bool rx = false, tx = false;

		while (fgets(line, sizeof(line), f)) {
			rx |= strstr(line, " rx 3 \"AT\\r\"") != NULL;
			tx |= strstr(line, " tx ") != NULL;
		}
		ok = rx && tx;
		if (!ok)
			fail("trace lacks rx/tx records");
	}
	if (f)
		fclose(f);
	report(ok, "--listen unix: RDY, AT, trace, exit 0 on hangup (rc %d)", rc);

	/* --connect: we are QEMU's server=on,wait=off socket */
	{
		struct sockaddr_un sa = { .sun_family = AF_UNIX };
		int l = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
		struct pollfd p = { .fd = l, .events = POLLIN };

		snprintf(sock, sizeof(sock), "%s/qemu.sock", tmpdir);
		snprintf(usock, sizeof(usock), "unix:%s", sock);
		argv[2] = "uc20"; argv[3] = "--connect"; argv[4] = usock;
		argv[5] = NULL;
		pid = spawn(argv, -1);
		/* the emulator retries until the socket exists */
		usleep(300000);
		snprintf(sa.sun_path, sizeof(sa.sun_path), "%.100s", sock);
		ok = !bind(l, (struct sockaddr *)&sa, sizeof(sa)) &&
		     !listen(l, 1) && poll(&p, 1, 3000) == 1 &&
		     (fd = accept(l, NULL, NULL)) >= 0;
		ok = ok && wait_for(fd, "\r\nRDY\r\n", 2000);
		ok = ok && write(fd, "ATI\r", 4) == 4 &&
		     wait_for(fd, "UC20\r\n", 2000);
		if (ok)
			close(fd);
		close(l);
		rc = wait_exit(pid, 2000);
		report(ok && rc == 0, "--connect unix: retries, RDY, ATI, "
		       "exit 0 on hangup (rc %d)", rc);
	}

	/* --persist: a second connection finds the same modem */
	snprintf(sock, sizeof(sock), "%s/ser2.sock", tmpdir);
	snprintf(usock, sizeof(usock), "unix:%s", sock);
	snprintf(ready, sizeof(ready), "%s/ser2.ready", tmpdir);
	argv[2] = "bc66"; argv[3] = "--listen"; argv[4] = usock;
	argv[5] = "--ready-file"; argv[6] = ready; argv[7] = "--persist";
	argv[8] = NULL;
	pid = spawn(argv, -1);
	ok = wait_file(ready, 3000) && (fd = unix_connect(sock)) >= 0 &&
	     wait_for(fd, "RDY", 2000) && write(fd, "ATE0\r", 5) == 5 &&
	     wait_for(fd, "OK\r\n", 2000);
	if (ok) {
		close(fd);
		usleep(50000);
		fd = unix_connect(sock);
		ok = fd >= 0 && write(fd, "AT\r", 3) == 3 &&
		     wait_for(fd, "\r\nOK\r\n", 2000);
		if (fd >= 0)
			close(fd);
	}
	kill(pid, SIGTERM);
	rc = wait_exit(pid, 2000);
	report(ok && rc == 0, "--persist: state kept across reconnects, "
	       "SIGTERM exits 0 (rc %d)", rc);

	/* --pty: slave path on stdout; quit through the control channel */
	snprintf(ctl, sizeof(ctl), "%s/pty.ctl", tmpdir);
	snprintf(uctl, sizeof(uctl), "unix:%s", ctl);
	snprintf(ready, sizeof(ready), "%s/pty.ready", tmpdir);
	argv[2] = "uc20"; argv[3] = "--pty"; argv[4] = "--control";
	argv[5] = uctl; argv[6] = "--ready-file"; argv[7] = ready;
	argv[8] = "--baud"; argv[9] = "921600"; argv[10] = NULL;
	ok = !pipe(pfd);
	pid = spawn(argv, pfd[1]);
	close(pfd[1]);
	f = fdopen(pfd[0], "r");
	ok = ok && fgets(line, sizeof(line), f) && !strncmp(line, "pty: ", 5);
	if (ok) {
		line[strcspn(line, "\n")] = 0;
		fd = open(line + 5, O_RDWR | O_NOCTTY | O_CLOEXEC);
		ok = fd >= 0 && wait_for(fd, "RDY", 2000) &&
		     write(fd, "AT+CGMM\r", 8) == 8 &&
		     wait_for(fd, "UC20\r\n\r\nOK\r\n", 2000);
		if (fd >= 0)
			close(fd);
		ok = ok && wait_file(ready, 1000);
		fd = unix_connect(ctl);
		ok = ok && fd >= 0 && write(fd, "quit\n", 5) == 5 &&
		     wait_for(fd, "ok", 2000);
		if (fd >= 0)
			close(fd);
	} else {
		fail("no 'pty: ' line");
	}
	fclose(f);
	rc = wait_exit(pid, 2000);
	report(ok && rc == 0, "--pty: slave path printed, raw line, "
	       "control 'quit' exits 0 (rc %d)", rc);
}

static void pacing_tests(void)
{
	static const unsigned int bauds[] = { 115200, 921600 };
	size_t i;

	for (i = 0; i < 2; i++) {
		double want = bauds[i] / 10.0;
		size_t n = want * 0.5;	/* half a second of data */
		double tx, rx;
		char port[16];

		snprintf(port, sizeof(port), "%s",
			 getvar(i ? "tcp_source3" : "tcp_source2"));
		tx = measure_tx(bauds[i], atoi(port), n, NULL);
		report(tx > 0 && tx / want > 0.98 && tx / want < 1.02,
		       "pacing module->host at %u baud: %.0f B/s (%.2f%% of "
		       "%.0f)", bauds[i], tx, tx / want * 100, want);
		rx = measure_rx(bauds[i], atoi(getvar("tcp_sink")), n);
		report(rx > 0 && rx / want > 0.98 && rx / want < 1.02,
		       "pacing host->module at %u baud: %.0f B/s (%.2f%% of "
		       "%.0f)", bauds[i], rx, rx / want * 100, want);
	}
}

static void bench(void)
{
	double cpu = 0, r, want = 300000;
	int src = atoi(getvar("tcp_source4")), sink = atoi(getvar("tcp_sink"));

	r = measure_tx(3000000, src, 900000, &cpu);
	printf("3000000 baud module->host: %.0f B/s = %.2f%% of line rate "
	       "%.0f B/s, emulator CPU %.1f%%\n", r, r / want * 100, want, cpu);
	r = measure_rx(3000000, sink, 900000);
	printf("3000000 baud host->module: %.0f B/s = %.2f%% of line rate "
	       "%.0f B/s\n", r, r / want * 100, want);
	r = measure_tx(0, atoi(getvar("tcp_source5")), 64 << 20, &cpu);
	printf("unpaced module->host: %.1f MB/s (%.0fx the 3 Mbaud line "
	       "rate), emulator CPU %.1f%%\n", r / 1e6, r / want, cpu);
	r = measure_rx(0, sink, 64 << 20);
	printf("unpaced host->module: %.1f MB/s (%.0fx the 3 Mbaud line "
	       "rate)\n", r / 1e6, r / want);
	fflush(stdout);
}

static void start_testsrv(void)
{
	char ready[300], line[128];
	FILE *f;
	int counts[8] = { 0 };

	snprintf(ready, sizeof(ready), "%s/testsrv.ready", tmpdir);
	srv_pid = fork();
	if (!srv_pid) {
		int null = open("/dev/null", O_WRONLY);

		dup2(null, 1);
		execl(testsrv, testsrv, "--ready-file", ready,
		      "--tcp-echo", "0", "--tcp-sink", "0",
		      "--tcp-source", "0:100", "--tcp-source", "0:5760",
		      "--tcp-source", "0:46080", "--tcp-source", "0:900000",
		      "--tcp-source", "0:67108864", "--udp-echo", "0",
		      "--udp-silent", "0", "--sntp", "0", NULL);
		_exit(127);
	}
	if (!wait_file(ready, 3000)) {
		fprintf(stderr, "testsrv did not start\n");
		exit(1);
	}
	f = fopen(ready, "r");
	while (fgets(line, sizeof(line), f)) {
		char *eq = strchr(line, '='), name[40], *p;
		int k;

		if (!eq)
			continue;
		*eq = 0;
		eq[strcspn(eq + 1, "\n") + 1] = 0;
		for (p = line; *p; p++)
			if (*p == '-')
				*p = '_';
		k = !strcmp(line, "tcp_source") ? 0 : 1;
		if (k == 0 && counts[0]++)
			snprintf(name, sizeof(name), "%.20s%d", line, counts[0]);
		else
			snprintf(name, sizeof(name), "%.30s", line);
		setvar(name, eq + 1);
	}
	fclose(f);
}

static void cleanup(void)
{
	if (srv_pid > 0) {
		kill(srv_pid, SIGTERM);
		waitpid(srv_pid, NULL, 0);
	}
	if (tmpdir[0]) {
		char cmd[300];

		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
		if (system(cmd) < 0)
			perror("rm");
	}
}

int main(int argc, char **argv)
{
	static char hex256[513], all256[1025];
	bool do_bench = false, pacing = true;
	uint64_t t0 = now_us();
	int i, files;

	signal(SIGPIPE, SIG_IGN);
	for (i = 1; i < argc && argv[i][0] == '-'; i++) {
		if (!strcmp(argv[i], "--emu") && i + 1 < argc)
			emu = argv[++i];
		else if (!strcmp(argv[i], "--testsrv") && i + 1 < argc)
			testsrv = argv[++i];
		else if (!strcmp(argv[i], "--bench"))
			do_bench = true;
		else if (!strcmp(argv[i], "--no-pacing"))
			pacing = false;
		else {
			fprintf(stderr, "usage: runner [--emu P] [--testsrv P] "
				"[--bench] [--no-pacing] file.chat...\n");
			return 2;
		}
	}
	files = i;
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/qtcpip-emu-test.XXXXXX");
	if (!mkdtemp(tmpdir))
		return 1;
	atexit(cleanup);
	start_testsrv();
	for (i = 0; i < 256; i++) {
		snprintf(hex256 + 2 * i, 3, "%02X", i);
		snprintf(all256 + 4 * i, 5, "\\x%02x", i);
	}
	setvar("hex256", hex256);
	setvar("all256", all256);
	nvar_global = nvar;
	if (do_bench) {
		bench();
		return 0;
	}
	for (i = files; i < argc; i++)
		run_chat(argv[i]);
	endpoint_tests();
	if (pacing)
		pacing_tests();
	printf("# %d tests, %d passed, %d failed (%.1f s)\n", ntest,
	       ntest - nfail, nfail, (now_us() - t0) / 1e6);
	return nfail ? 1 : 0;
}
