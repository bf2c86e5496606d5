// SPDX-License-Identifier: GPL-2.0
/*
 * The two chapter-3 error tables. The emulator's code raises semantic
 * errors; each dialect maps them onto its own numbers (the same number
 * means different things on the BC66 and the UC20). Which table a
 * module uses is a property of its family (the BG96 and EC2x speak the
 * UC20 dialect with the BC66 table): the profile says.
 */
#include <string.h>
#include "emu.h"

struct edesc {
	int code;
	const char *text;
};

/* lower case as in both manuals' AT+QIGETERROR examples */
static const struct edesc bc66_tab[] = {
	{ 0, "operation successfully" }, { 550, "unknown error" },
	{ 551, "operation blocked" }, { 552, "invalid parameters" },
	{ 553, "memory not enough" }, { 554, "create socket failed" },
	{ 555, "operation not supported" }, { 556, "socket bind failed" },
	{ 557, "socket listen failed" }, { 558, "socket write failed" },
	{ 559, "socket read failed" }, { 560, "socket accept failed" },
	{ 561, "open PDP context failed" },
	{ 562, "close PDP context failed" },
	{ 563, "socket identity has been used" }, { 564, "DNS busy" },
	{ 565, "DNS parsed failed" }, { 566, "socket connect failed" },
	{ 567, "socket has been closed" }, { 568, "operation busy" },
	{ 569, "operation timeout" }, { 570, "PDP context break down" },
	{ 571, "cancel send" }, { 572, "operation not allowed" },
	{ 573, "APN not configured" }, { 574, "port busy" },
};

static const struct edesc uc20_tab[] = {
	{ 0, "operate successfully" }, { 552, "unknown error" },
	{ 553, "operation blocked" }, { 554, "open connection failed" },
	{ 555, "connection has been closed" }, { 556, "active PDP failed" },
	{ 557, "invalid IP address" }, { 558, "invalid parameters" },
	{ 559, "operation not supported" }, { 560, "create socket failed" },
	{ 561, "invalid socket ID" },
	{ 562, "specified socket index has been used" },
	{ 563, "PDP has already been activated" },
	{ 564, "invalid APP type" }, { 565, "DNS parse failed" },
	{ 566, "invalid operation" }, { 567, "socket listen failed" },
	{ 568, "bind socket failed" }, { 569, "memory not enough" },
	{ 570, "socket index unused" }, { 571, "operation timeout" },
	{ 572, "no NTP response returns" }, { 573, "PDP is activating" },
	{ 574, "DNS parse busy" },
};

static const short bc66_map[E_MAX] = {
	[E_OK] = 0, [E_UNKNOWN] = 550, [E_BLOCKED] = 551, [E_PARAM] = 552,
	[E_NOMEM] = 553, [E_SOCKET] = 554, [E_NOTSUPP] = 555, [E_BIND] = 556,
	[E_LISTEN] = 557, [E_WRITE] = 558, [E_READ] = 559, [E_ACCEPT] = 560,
	[E_PDP_OPEN] = 561, [E_PDP_CLOSE] = 562, [E_ID_USED] = 563,
	[E_DNS_BUSY] = 564, [E_DNS_FAIL] = 565, [E_CONNECT] = 566,
	[E_CLOSED] = 567, [E_BUSY] = 568, [E_TIMEOUT] = 569,
	[E_PDP_BREAK] = 570, [E_CANCEL] = 571, [E_NOT_ALLOWED] = 572,
	[E_NO_APN] = 573, [E_PORT_BUSY] = 574,
	/* UC20-only notions */
	[E_BAD_IP] = 552, [E_BAD_ID] = 572, [E_PDP_ACTIVE] = 572,
	[E_BAD_APP] = 552, [E_INVALID_OP] = 572, [E_ID_UNUSED] = 572,
	[E_NTP_NORESP] = 569, [E_PDP_ACTIVATING] = 551,
};

static const short uc20_map[E_MAX] = {
	[E_OK] = 0, [E_UNKNOWN] = 552, [E_BLOCKED] = 553, [E_CONNECT] = 554,
	[E_CLOSED] = 555, [E_PDP_OPEN] = 556, [E_BAD_IP] = 557,
	[E_PARAM] = 558, [E_NOTSUPP] = 559, [E_SOCKET] = 560,
	[E_BAD_ID] = 561, [E_ID_USED] = 562, [E_PDP_ACTIVE] = 563,
	[E_BAD_APP] = 564, [E_DNS_FAIL] = 565, [E_INVALID_OP] = 566,
	[E_LISTEN] = 567, [E_BIND] = 568, [E_NOMEM] = 569,
	[E_ID_UNUSED] = 570, [E_TIMEOUT] = 571, [E_NTP_NORESP] = 572,
	[E_PDP_ACTIVATING] = 573, [E_DNS_BUSY] = 574,
	/* BC66-only notions */
	[E_WRITE] = 552, [E_READ] = 552, [E_ACCEPT] = 552,
	[E_PDP_CLOSE] = 552, [E_BUSY] = 553, [E_PDP_BREAK] = 555,
	[E_CANCEL] = 552, [E_NOT_ALLOWED] = 566, [E_NO_APN] = 556,
	[E_PORT_BUSY] = 568,
};

int ecode(int esem)
{
	if (esem < 0 || esem >= E_MAX)
		esem = E_UNKNOWN;
	return PROF->bc66_errors ? bc66_map[esem] : uc20_map[esem];
}

static const struct edesc *find(int code)
{
	const struct edesc *t = PROF->bc66_errors ? bc66_tab : uc20_tab;
	size_t i, n = PROF->bc66_errors ? ARRAY_SIZE(bc66_tab) :
		ARRAY_SIZE(uc20_tab);

	for (i = 0; i < n; i++)
		if (t[i].code == code)
			return &t[i];
	return NULL;
}

const char *err_desc(int code)
{
	const struct edesc *e = find(code);

	return e ? e->text : "unknown error";
}

bool err_valid(int code)
{
	return find(code) != NULL;
}
