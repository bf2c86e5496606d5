// SPDX-License-Identifier: GPL-2.0
/* The +QIURC reports, as both manuals' section on URCs spells them. */
#include <arpa/inet.h>
#include <stdio.h>
#include "emu.h"

void urc_recv_hint(int id)
{
	static unsigned int n;
	struct conn *c = conn_get(id);
	bool len = PROF->recv_len == RECV_LEN_ALWAYS ||
		   (PROF->recv_len == RECV_LEN_ALTERNATE && n++ % 2);

	if (F.hintdrop) {
		/* A byte the UART lost: the line no longer reads as the
		 * hint, and the module sends no other while data waits.
		 */
		F.hintdrop--;
		urc_line("+QIURC: \"rev\",%d", id);
		return;
	}
	/* Newer firmware adds the unread length; the manuals show none. */
	if (len && c && c->rx_bytes)
		urc_line("+QIURC: \"recv\",%d,%zu", id, c->rx_bytes);
	else
		urc_line("+QIURC: \"recv\",%d", id);
}

void urc_recv_push(struct conn *c, const unsigned char *p, size_t n,
		   const struct sockaddr_in *src)
{
	char hdr[128];

	if (c->svc == SVC_SERVICE && src) {
		char ip[INET_ADDRSTRLEN];

		inet_ntop(AF_INET, &src->sin_addr, ip, sizeof(ip));
		snprintf(hdr, sizeof(hdr), "+QIURC: \"recv\",%d,%zu,\"%s\",%d",
			 c->id, n, ip, ntohs(src->sin_port));
	} else {
		snprintf(hdr, sizeof(hdr), "+QIURC: \"recv\",%d,%zu", c->id, n);
	}
	urc_block(hdr, p, n, M.model == BC66 && M.recv_hex,
		  M.model == BC66 && M.viewmode);
}

void urc_closed(int id)
{
	urc_line("+QIURC: \"closed\",%d", id);
}

void urc_bufffull(int id)
{
	urc_line("+QIURC: \"recv\",%d,\"buff full\"", id);
}

void urc_incoming(int id, int server, const char *ip, int port)
{
	urc_line("+QIURC: \"incoming\",%d,%d,\"%s\",%d", id, server, ip, port);
}

void urc_incoming_full(void)
{
	urc_line("+QIURC: \"incoming full\"");
}

void urc_pdpdeact(int ctx)
{
	urc_line("+QIURC: \"pdpdeact\",%d", ctx);
}
