// SPDX-License-Identifier: GPL-2.0
/*
 * Name resolution for AT+QIDNSGIP, AT+QIOPEN, AT+QPING and AT+QNTP: a host
 * table file (lines "name ttl addr [addr...]"), IPv4 literals, the name
 * "localhost", and, only with --dns-fallback, the host's resolver.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "emu.h"

#define MAXADDR 8

struct entry {
	char name[256];
	int ttl, n;
	struct in_addr a[MAXADDR];
};

static struct entry *tab;
static int ntab;

void dns_load(const char *path)
{
	char line[1024];
	FILE *f = fopen(path, "r");
	int lno = 0;

	if (!f) {
		perror(path);
		exit(1);
	}
	while (fgets(line, sizeof(line), f)) {
		char *save, *tok = strtok_r(line, " \t\r\n", &save);
		struct entry e = { 0 };

		lno++;
		if (!tok || *tok == '#')
			continue;
		snprintf(e.name, sizeof(e.name), "%s", tok);
		tok = strtok_r(NULL, " \t\r\n", &save);
		if (!tok) {
			logmsg("%s:%d: no ttl", path, lno);
			continue;
		}
		e.ttl = atoi(tok);
		while ((tok = strtok_r(NULL, " \t\r\n", &save)) &&
		       e.n < MAXADDR) {
			if (inet_pton(AF_INET, tok, &e.a[e.n]) == 1)
				e.n++;
			else
				logmsg("%s:%d: bad address %s", path, lno, tok);
		}
		tab = realloc(tab, (ntab + 1) * sizeof(*tab));
		tab[ntab++] = e;
	}
	fclose(f);
}

int dns_lookup(const char *name, struct in_addr *out, int max, int *ttl)
{
	struct addrinfo hints = { .ai_family = AF_INET }, *res, *r;
	int i, n = 0;

	*ttl = 0;
	if (inet_pton(AF_INET, name, out) == 1)
		return 1;
	for (i = 0; i < ntab; i++) {
		if (strcasecmp(tab[i].name, name))
			continue;
		for (n = 0; n < tab[i].n && n < max; n++)
			out[n] = tab[i].a[n];
		*ttl = tab[i].ttl;
		return n;
	}
	if (!strcasecmp(name, "localhost")) {
		inet_pton(AF_INET, "127.0.0.1", out);
		*ttl = 86400;
		return 1;
	}
	if (!M.dns_fallback || getaddrinfo(name, NULL, &hints, &res))
		return 0;
	for (r = res; r && n < max; r = r->ai_next)
		out[n++] = ((struct sockaddr_in *)r->ai_addr)->sin_addr;
	freeaddrinfo(res);
	*ttl = 300;
	return n;
}

/* ---- AT+QIDNSGIP ---- */

static struct {
	bool busy;
	char host[256];
	int pdp_err;
} G;

bool dns_gip_busy(void)
{
	return G.busy;
}

static void gip_cb(void *arg)
{
	struct in_addr a[MAXADDR];
	char ip[INET_ADDRSTRLEN];
	int i, n, ttl;

	(void)arg;
	G.busy = false;
	C.dns++;
	n = G.pdp_err ? 0 : dns_lookup(G.host, a, MAXADDR, &ttl);
	if (n <= 0) {
		/* the failure is also what AT+QIGETERROR reports next */
		M.lasterr = G.pdp_err ? G.pdp_err : ecode(E_DNS_FAIL);
		urc_line("+QIURC: \"dnsgip\",%d", M.lasterr);
		return;
	}
	urc_line("+QIURC: \"dnsgip\",0,%d,%d", n, ttl);
	for (i = 0; i < n; i++) {
		inet_ntop(AF_INET, &a[i], ip, sizeof(ip));
		urc_line("+QIURC: \"dnsgip\",\"%s\"", ip);
	}
}

void dns_gip_start(const char *host, int pdp_err)
{
	G.busy = true;
	G.pdp_err = pdp_err;
	snprintf(G.host, sizeof(G.host), "%s", host);
	ev_timer(M.rtt_ms * MS, gip_cb, NULL);
}
