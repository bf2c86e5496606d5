// SPDX-License-Identifier: GPL-2.0
/* qtcpip: the two dialects' limits and error tables (chapter 3 of each
 * manual), how each module error becomes an errno, and the profiles of
 * the modules of both families (Documentation/networking/
 * qtcpip-dialects.rst, "Profiles").
 */

#include <linux/errno.h>
#include <linux/kernel.h>
#include <linux/string.h>

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

/* UC20 manual, AT+QPING <finresult>: its own codes, not the error table's
 * (2 is a ping that ran, <result> 1 a request without reply).
 */
static const struct qt_errmap qt_uc20_ping_errors[] = {
	{ "the TCP/IP stack is busy",		EBUSY },	/* 3 */
	{ "host not found",			EHOSTUNREACH },	/* 4 */
	{ "PDP context activation failed",	ENETUNREACH },	/* 5 */
};

/* The BC66 manual and the BG96 TCP/IP application note (and the EC2x
 * manuals): <result> and <finresult> 0 for success, any other value is a
 * code of the error table (569 operation timeout: a request lost).
 */
#define QT_PING_TABLE_5XX		\
	.ping_done		= 0,	\
	.ping_lost		= 569

/* AT+IPR fixed rates every profile's modules take (the AT commands
 * manuals of the BC66, UC20, BG96 and EC2x; qtcpip.rst, "Line rate").
 * Faster rates some of them list (1000000, 3000000...) are left out:
 * not every UART of a host reaches them.
 */
static const unsigned int qt_rates_std[] = {
	4800, 9600, 19200, 38400, 57600, 115200, 230400, 460800, 921600, 0
};

/* What each model of a command set shares (manual chapters 2 and 3). */
#define QT_BC66_COMMAND_SET			\
	.model			= QT_MODEL_BC66,	\
	.max_conn		= 5,		\
	.max_ctx		= 3,		\
	.max_active_ctx		= 3,		\
	.max_send		= 700,		\
	.max_read		= 700,		\
	.send_inline		= true,		\
	.send_ok_final		= true,		\
	.close_ok_final		= true,		\
	.has_ipv6		= true,		\
	.open_timeout_ms	= 40000,	\
	.close_timeout_ms	= 60000,	\
	.rates			= qt_rates_std

/* AT+QICLOSE waits up to <timeout> (10 s) for the peer's FIN. */
#define QT_UC20_COMMAND_SET			\
	.model			= QT_MODEL_UC20,	\
	.max_conn		= 12,		\
	.max_ctx		= 16,		\
	.max_active_ctx		= 3,		\
	.max_send		= 1460,		\
	.max_read		= 1500,		\
	.has_pdp_cmds		= true,		\
	.has_transparent	= true,		\
	.has_servers		= true,		\
	.open_timeout_ms	= 150000,	\
	.close_timeout_ms	= 15000,	\
	.rates			= qt_rates_std

/* The 550-574 table of the BC66 manual, +QPING codes included. */
#define QT_BC66_ERROR_TABLE			\
	.err_first		= 550,		\
	.err_last		= 574,		\
	.errors			= qt_bc66_errors,	\
	QT_PING_TABLE_5XX

const struct qt_dialect qt_dialect_bc66 = {
	.name			= "bc66",
	QT_BC66_COMMAND_SET,
	QT_BC66_ERROR_TABLE,
};

const struct qt_dialect qt_dialect_uc20 = {
	.name			= "uc20",
	QT_UC20_COMMAND_SET,
	.err_first		= 552,
	.err_last		= 574,
	.errors			= qt_uc20_errors,
	.ping_done		= 2,
	.ping_lost		= 1,
	.ping_err_first		= 3,
	.ping_err_last		= 5,
	.ping_errors		= qt_uc20_ping_errors,
};

/* BC660K, BC66-NA: the BC66 command set; CLOSE OK comes as a separate line
 * some 50 ms after the OK of AT+QICLOSE (seen on a real BC660K).
 */
static const struct qt_dialect qt_dialect_bc660k = {
	.name			= "bc660k",
	QT_BC66_COMMAND_SET,
	QT_BC66_ERROR_TABLE,
};

/* BG96, BG95, BG77, BG600L: the UC20 command set with the 550-574 error
 * table of the BC66 manual (BG96 TCP/IP AT commands manual, chapter 4).
 */
static const struct qt_dialect qt_dialect_bg96 = {
	.name			= "bg96",
	QT_UC20_COMMAND_SET,
	QT_BC66_ERROR_TABLE,
};

/* EC2x, EG2x, EC200x, EG800K, UC200T: as the BG96, and URCs go to the port
 * AT+QURCCFG="urcport" names (often the USB AT port by default).
 */
static const struct qt_dialect qt_dialect_ec2x = {
	.name			= "ec2x",
	QT_UC20_COMMAND_SET,
	.has_urcport		= true,
	QT_BC66_ERROR_TABLE,
};

static const struct qt_dialect *const qt_profiles[] = {
	&qt_dialect_bc66, &qt_dialect_uc20, &qt_dialect_bc660k,
	&qt_dialect_bg96, &qt_dialect_ec2x,
};

/* Known models, by the name ATI / AT+CGMM print (a suffix after '-', '_'
 * or ' ' is a variant: BC660K-GL, BG95-M3, EC200U-CN).
 */
static const struct {
	const char *model;
	const struct qt_dialect *d;
} qt_models[] = {
	{ "BC66",	&qt_dialect_bc66 },
	{ "BC66-NA",	&qt_dialect_bc660k },
	{ "BC660K",	&qt_dialect_bc660k },
	{ "UC20",	&qt_dialect_uc20 },
	{ "BG96",	&qt_dialect_bg96 },
	{ "BG95",	&qt_dialect_bg96 },
	{ "BG77",	&qt_dialect_bg96 },
	{ "BG600L",	&qt_dialect_bg96 },
	{ "EC20",	&qt_dialect_ec2x },
	{ "EC21",	&qt_dialect_ec2x },
	{ "EC25",	&qt_dialect_ec2x },
	{ "EG21",	&qt_dialect_ec2x },
	{ "EG25",	&qt_dialect_ec2x },
	{ "EC200U",	&qt_dialect_ec2x },
	{ "EC200A",	&qt_dialect_ec2x },
	{ "EC200T",	&qt_dialect_ec2x },
	{ "EG800K",	&qt_dialect_ec2x },
	{ "UC200T",	&qt_dialect_ec2x },
};

const struct qt_dialect *qt_dialect_lookup(const char *model,
					   const char **canon)
{
	const struct qt_dialect *d = NULL;
	size_t best = 0, n;
	int i;

	for (i = 0; i < ARRAY_SIZE(qt_models); i++) {
		n = qt_model_match(model, qt_models[i].model);
		/* The longest name that the line starts with wins. */
		if (n <= best)
			continue;
		best = n;
		d = qt_models[i].d;
		if (canon)
			*canon = qt_models[i].model;
	}
	return d;
}

const struct qt_dialect *qt_dialect_by_name(const char *name)
{
	int i;

	for (i = 0; i < ARRAY_SIZE(qt_profiles); i++)
		if (sysfs_streq(name, qt_profiles[i]->name))
			return qt_profiles[i];
	return NULL;
}

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

static const struct qt_errmap *qt_dialect_ping_err(const struct qt_dialect *d,
						   int code)
{
	if (d && !d->ping_errors)
		return qt_dialect_err(d, code);
	if (!d || code < d->ping_err_first || code > d->ping_err_last)
		return NULL;
	return &d->ping_errors[code - d->ping_err_first];
}

int qt_dialect_ping_errno(const struct qt_dialect *d, int code)
{
	const struct qt_errmap *e = qt_dialect_ping_err(d, code);

	return e ? e->err : EIO;
}

const char *qt_dialect_ping_errtext(const struct qt_dialect *d, int code)
{
	const struct qt_errmap *e = qt_dialect_ping_err(d, code);

	return e ? e->text : NULL;
}

static_assert(ARRAY_SIZE(qt_bc66_errors) == 574 - 550 + 1);
static_assert(ARRAY_SIZE(qt_uc20_ping_errors) == 5 - 3 + 1);
static_assert(ARRAY_SIZE(qt_uc20_errors) == 574 - 552 + 1);
