// SPDX-License-Identifier: GPL-2.0
/* qtcpip: the two dialects' limits and error tables (chapter 3 of each
 * manual), and how each module error becomes an errno.
 */

#include <linux/errno.h>
#include <linux/kernel.h>

#include "dialect.h"

/* BC66 manual, table 1: codes 550-574. */
static const struct qt_errmap qt_bc66_errors[] = {
	{ "unknown error",			EIO },		/* 550 */
	{ "operation blocked",			EAGAIN },	/* 551 */
	{ "invalid parameters",			EINVAL },	/* 552 */
	{ "memory not enough",			ENOMEM },	/* 553 */
	{ "create socket failed",		ENOBUFS },	/* 554 */
	{ "operation not supported",		EOPNOTSUPP },	/* 555 */
	{ "socket bind failed",			EADDRINUSE },	/* 556 */
	{ "socket listen failed",		EADDRINUSE },	/* 557 */
	{ "socket write failed",		EPIPE },	/* 558 */
	{ "socket read failed",			EIO },		/* 559 */
	{ "socket accept failed",		ECONNABORTED },	/* 560 */
	{ "open PDP context failed",		ENETUNREACH },	/* 561 */
	{ "close PDP context failed",		EIO },		/* 562 */
	{ "socket identity has been used",	EBUSY },	/* 563 */
	{ "DNS busy",				EBUSY },	/* 564 */
	{ "DNS parsed failed",			EHOSTUNREACH },	/* 565 */
	{ "socket connect failed",		ECONNREFUSED },	/* 566 */
	{ "socket has been closed",		ENOTCONN },	/* 567 */
	{ "operation busy",			EBUSY },	/* 568 */
	{ "operation timeout",			ETIMEDOUT },	/* 569 */
	{ "PDP context break down",		ENETDOWN },	/* 570 */
	{ "cancel send",			ECANCELED },	/* 571 */
	{ "operation not allowed",		EPERM },	/* 572 */
	{ "APN not configured",			ENETUNREACH },	/* 573 */
	{ "port busy",				EADDRINUSE },	/* 574 */
};

/* UC20 manual, table 1: codes 552-574, other meanings than the BC66's. */
static const struct qt_errmap qt_uc20_errors[] = {
	{ "Unknown error",			EIO },		/* 552 */
	{ "Operation blocked",			EAGAIN },	/* 553 */
	{ "Open connection failed",		ECONNREFUSED },	/* 554 */
	{ "Connection has been closed",		ENOTCONN },	/* 555 */
	{ "Active PDP failed",			ENETUNREACH },	/* 556 */
	{ "Invalid IP address",			EDESTADDRREQ },	/* 557 */
	{ "Invalid parameters",			EINVAL },	/* 558 */
	{ "Operation not supported",		EOPNOTSUPP },	/* 559 */
	{ "Create socket failed",		ENOBUFS },	/* 560 */
	{ "Invalid socket ID",			EBADF },	/* 561 */
	{ "Specified socket index has been used", EBUSY },	/* 562 */
	{ "PDP has already been activated",	EALREADY },	/* 563 */
	{ "Invalid APP type",			EPROTOTYPE },	/* 564 */
	{ "DNS parse failed",			EHOSTUNREACH },	/* 565 */
	{ "Invalid operation",			EINVAL },	/* 566 */
	{ "Socket listen failed",		EADDRINUSE },	/* 567 */
	{ "Bind socket failed",			EADDRINUSE },	/* 568 */
	{ "Memory not enough",			ENOMEM },	/* 569 */
	{ "Socket index unused",		ENOTCONN },	/* 570 */
	{ "Operation timeout",			ETIMEDOUT },	/* 571 */
	{ "No NTP response returns",		ETIMEDOUT },	/* 572 */
	{ "PDP is activating",			EINPROGRESS },	/* 573 */
	{ "DNS parse busy",			EBUSY },	/* 574 */
};

const struct qt_dialect qt_dialect_bc66 = {
	.model			= QT_MODEL_BC66,
	.name			= "BC66",
	.max_conn		= 5,
	.max_ctx		= 3,
	.max_active_ctx		= 3,
	.max_send		= 700,
	.max_read		= 700,
	.send_inline		= true,
	.send_ok_final		= true,
	.close_ok_final		= true,
	.has_ipv6		= true,
	.open_timeout_ms	= 40000,
	.close_timeout_ms	= 60000,
	.err_first		= 550,
	.err_last		= 574,
	.errors			= qt_bc66_errors,
};

const struct qt_dialect qt_dialect_uc20 = {
	.model			= QT_MODEL_UC20,
	.name			= "UC20",
	.max_conn		= 12,
	.max_ctx		= 16,
	.max_active_ctx		= 3,
	.max_send		= 1460,
	.max_read		= 1500,
	.has_pdp_cmds		= true,
	.has_transparent	= true,
	.has_servers		= true,
	.open_timeout_ms	= 150000,
	/* AT+QICLOSE waits up to <timeout> (10 s) for the peer's FIN. */
	.close_timeout_ms	= 15000,
	.err_first		= 552,
	.err_last		= 574,
	.errors			= qt_uc20_errors,
};

static const struct qt_errmap *qt_dialect_err(const struct qt_dialect *d,
					      int code)
{
	if (!d || code < d->err_first || code > d->err_last)
		return NULL;
	return &d->errors[code - d->err_first];
}

int qt_dialect_errno(const struct qt_dialect *d, int code)
{
	const struct qt_errmap *e = qt_dialect_err(d, code);

	return e ? e->err : EIO;
}

const char *qt_dialect_errtext(const struct qt_dialect *d, int code)
{
	const struct qt_errmap *e = qt_dialect_err(d, code);

	return e ? e->text : NULL;
}

static_assert(ARRAY_SIZE(qt_bc66_errors) == 574 - 550 + 1);
static_assert(ARRAY_SIZE(qt_uc20_errors) == 574 - 552 + 1);
