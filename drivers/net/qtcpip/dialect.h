/* SPDX-License-Identifier: GPL-2.0 */
/* qtcpip: what differs between the BC66 and UC20 command sets. */
#ifndef QTCPIP_DIALECT_H
#define QTCPIP_DIALECT_H

#include <linux/types.h>

#include "at_parser.h"

/* Upper bounds over both dialects, for static arrays. */
#define QT_MAX_CONN	12
#define QT_MAX_CTX	16

/* A dialect profile: the command set (model) plus the quirks of a family
 * of modules that speak it. Known models map to a profile (qt_models[]).
 */
struct qt_dialect {
	enum qt_model model;	/* the command set the parser speaks */
	const char *name;	/* profile name: dialect= and QTCPIP_A_DIALECT */
	int max_conn;		/* connectIDs are 0..max_conn-1 */
	int max_ctx;		/* contextIDs are 1..max_ctx */
	int max_active_ctx;	/* contexts active at once */
	int max_send;		/* bytes per AT+QISEND */
	int max_read;		/* bytes per AT+QIRD */
	bool has_pdp_cmds;	/* AT+QICSGP, AT+QIACT, AT+QIDEACT */
	bool send_inline;	/* BC66: data inside the command line */
	bool send_ok_final;	/* BC66: OK then SEND OK ends a send */
	bool close_ok_final;	/* BC66: OK then CLOSE OK ends a close */
	bool has_transparent;	/* access mode 2 */
	bool has_servers;	/* TCP LISTENER, UDP SERVICE */
	bool has_ipv6;		/* AT+QIOPEN <protocol_type> 1 */
	bool has_urcport;	/* AT+QURCCFG="urcport": URCs go elsewhere */
	unsigned int open_timeout_ms;	/* wait for +QIOPEN */
	unsigned int close_timeout_ms;	/* wait for AT+QICLOSE */
	int err_first, err_last;	/* AT+QIGETERROR code range */
	const struct qt_errmap *errors;	/* indexed by code - err_first */
	/* +QPING: the <finresult> of a ping that ran, the <result> of a
	 * request without reply, and the failures of the command: a table
	 * of their own (UC20 3-5), or NULL for the error table above.
	 */
	int ping_done;
	int ping_lost;
	int ping_err_first, ping_err_last;
	const struct qt_errmap *ping_errors;
	/* AT+IPR: the fixed rates the family takes, ascending, 0-ended
	 * (Documentation/networking/qtcpip.rst, "Line rate").
	 */
	const unsigned int *rates;
};

struct qt_errmap {
	const char *text;	/* the manual's description */
	int err;		/* positive errno */
};

extern const struct qt_dialect qt_dialect_bc66;
extern const struct qt_dialect qt_dialect_uc20;

/* The profile of a model name as a module prints it ("BG96", "BC660K-GL",
 * "Quectel_BC66"), or NULL. *canon gets the table's model name.
 */
const struct qt_dialect *qt_dialect_lookup(const char *model,
					   const char **canon);
/* The profile called @name ("bc66", "uc20", "bg96", ...), or NULL. */
const struct qt_dialect *qt_dialect_by_name(const char *name);

/* The errno for a module error code (chapter 3), EIO when unknown. */
int qt_dialect_errno(const struct qt_dialect *d, int code);
/* The manual's description of a module error code, or NULL. */
const char *qt_dialect_errtext(const struct qt_dialect *d, int code);
/* The same for a failure code of +QPING. */
int qt_dialect_ping_errno(const struct qt_dialect *d, int code);
const char *qt_dialect_ping_errtext(const struct qt_dialect *d, int code);

#endif /* QTCPIP_DIALECT_H */
