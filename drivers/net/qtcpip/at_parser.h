/* SPDX-License-Identifier: GPL-2.0 */
/*
 * qtcpip AT parser: module output bytes in, events out.
 *
 * Pure C with no kernel dependency, so that the same file builds into the
 * module, host unit tests, a fuzzer and the replay tool. Input may be split
 * at any byte boundary. Data blocks (+QIRD and direct push) are consumed by
 * length, never by line, so any byte value survives.
 */
#ifndef QTCPIP_AT_PARSER_H
#define QTCPIP_AT_PARSER_H

#ifdef __KERNEL__
#include <linux/types.h>
#else
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#endif

/* Longest line kept; longer lines are reported truncated (QT_EV_OVERFLOW). */
#define QT_LINE_MAX	256
/* Longest textual IP address or host name field kept. */
#define QT_ADDR_MAX	64
/* Largest data block a header may announce; above it the line is malformed. */
#define QT_DATA_MAX	1500
/* Decoded bytes of a hex data block buffered before a QT_EV_DATA event. */
#define QT_HEXBUF	64

enum qt_model {
	QT_MODEL_UNKNOWN = 0,
	QT_MODEL_BC66,
	QT_MODEL_UC20,
};

enum qt_ev_type {
	QT_EV_FINAL = 1,	/* final result code: see enum qt_final */
	QT_EV_INFO,		/* "+XXX: ..." or bare text line, not a URC */
	QT_EV_URC,		/* unsolicited result code: see enum qt_urc */
	QT_EV_DATA,		/* a chunk of payload bytes */
	QT_EV_DATA_END,		/* end of the current data block */
	QT_EV_PROMPT,		/* the '>' send prompt */
	QT_EV_OVERFLOW,		/* a line longer than QT_LINE_MAX was cut */
	QT_EV_BADHEX,		/* a hex data block held a non-hex digit */
	QT_EV_MALFORMED,	/* data header with a bad length: no data state */
};

enum qt_final {
	QT_FINAL_OK = 1,
	QT_FINAL_ERROR,
	QT_FINAL_CME_ERROR,	/* ev->code holds <n> */
	QT_FINAL_CMS_ERROR,	/* ev->code holds <n> */
	QT_FINAL_SEND_OK,
	QT_FINAL_SEND_FAIL,
	QT_FINAL_CLOSE_OK,
	QT_FINAL_CLOSE_FAIL,
	QT_FINAL_CONNECT,
	QT_FINAL_NO_CARRIER,
};

enum qt_urc {
	QT_URC_RECV = 1,	/* buffer mode hint: id */
	QT_URC_RECV_PUSH,	/* direct push header: id, len[, addr, port]; data follows */
	QT_URC_BUFF_FULL,	/* id */
	QT_URC_CLOSED,		/* id */
	QT_URC_INCOMING,	/* id, id2 = serverID, addr, port */
	QT_URC_INCOMING_FULL,
	QT_URC_PDPDEACT,	/* id = contextID */
	QT_URC_DNSGIP_HDR,	/* code = err, count = IP count, ttl */
	QT_URC_DNSGIP_ADDR,	/* addr */
	QT_URC_QIOPEN,		/* id, code = err */
	QT_URC_QPING,		/* see struct qt_ping */
	QT_URC_QNTP,		/* code = err, addr = time string */
	QT_URC_RDY,		/* module (re)booted */
	QT_URC_OTHER,		/* any other unsolicited line, text in line */
	QT_URC_BOOT,		/* APP RDY, boot ROM banner: (re)booted */
};

/* The fields of one +QPING line. */
struct qt_ping {
	int result;	/* first field */
	int nfields;	/* number of fields in the line */
	int bytes, time, ttl;			/* reply line */
	int sent, rcvd, lost, min, max, avg;	/* summary line */
};

/* Fields not listed for an event are 0, except id and id2 which are -1.
 * QT_EV_DATA: id = connectID (-1 for +QIRD and raw mode), len = announced
 * block length (0 in raw mode), data/data_len = this chunk. Chunk
 * boundaries depend on how the input was split; their concatenation does
 * not. QT_EV_DATA_END: id, len = announced length, count = bytes delivered
 * (less than len only after QT_EV_BADHEX cut the block short).
 * QT_EV_MALFORMED: line, len = the bad length (id for a push header).
 */
struct qt_event {
	enum qt_ev_type type;
	union {
		enum qt_final final;
		enum qt_urc urc;
	};
	int id;			/* connectID / contextID */
	int id2;		/* serverID */
	int code;		/* error code */
	int len;		/* announced data length (bytes) */
	int count, ttl;		/* dnsgip */
	unsigned int port;
	char addr[QT_ADDR_MAX];	/* IP address, host name or NTP time */
	struct qt_ping ping;
	/* The whole line as received (for INFO, URC, FINAL), NUL terminated. */
	const char *line;
	size_t line_len;
	/* QT_EV_DATA: the bytes (already hex-decoded where applicable). */
	const unsigned char *data;
	size_t data_len;
};

typedef void (*qt_event_fn)(void *ctx, const struct qt_event *ev);

enum qt_pstate {
	QT_PS_LINE = 0,		/* collecting a line */
	QT_PS_DATA,		/* copying a length-prefixed data block */
	QT_PS_HEXDATA,		/* decoding a hex data block */
	QT_PS_RAW,		/* transparent mode: every byte is data */
};

struct qt_parser {
	enum qt_model model;
	bool viewmode_comma;	/* BC66 viewmode 1 */
	bool recv_hex;		/* BC66 dataformat recv = hex */
	bool echo_filter;	/* drop lines starting with "AT" */
	enum qt_pstate state;
	size_t remain;		/* bytes (not digits) left in the data block */
	unsigned char hexhi;		/* first digit of a pair, or 0xff */
	int data_id;		/* connectID of the current data block, -1 for QIRD */
	size_t len;		/* bytes in line[] */
	bool overflow;		/* discarding the rest of the current line */
	bool skip_lf;		/* last line ended in CR: an LF next is its end */
	bool prompt_sp;		/* a '>' was seen: drop one following space */
	int block_len;		/* announced length of the current data block */
	size_t hexn;		/* bytes in hexbuf[] */
	unsigned char hexbuf[QT_HEXBUF];
	char line[QT_LINE_MAX + 1];
	qt_event_fn fn;
	void *ctx;
};

void qt_parser_init(struct qt_parser *p, enum qt_model model,
		    qt_event_fn fn, void *ctx);
/* Forget any partial line or data block and leave raw mode (after a module
 * reset or a timeout). Model and options are kept.
 */
void qt_parser_reset(struct qt_parser *p);
/* The line being collected is corrupt (a byte the UART flagged): drop it
 * whole, up to its end, as an overlong one. No effect inside data.
 */
void qt_parser_drop_line(struct qt_parser *p);
void qt_parser_set_model(struct qt_parser *p, enum qt_model model);
/* Does INFO @line answer the command @cmd ("AT+XXX...")? Lines "+YYY: ..."
 * answer it only if YYY is its name (or @prefix, when not NULL, "+YYY:");
 * bare text always does. ATI, AT, ATE0 have no "+YYY:" answer.
 */
bool qt_line_answers(const char *cmd, const char *prefix, const char *line);
/* Length of @model if @line names it: the model alone or after
 * "Quectel_", followed by the end, '-', '_' or ' ' (BC660K-GL); else 0.
 */
size_t qt_model_match(const char *line, const char *model);
/* From the callback of a data header: no data block follows after all
 * (a buffer-mode "recv" hint that carries a length).
 */
void qt_parser_skip_block(struct qt_parser *p);
/* BC66 options: ignored while the model is QT_MODEL_UC20. */
void qt_parser_set_viewmode(struct qt_parser *p, bool comma);
void qt_parser_set_recv_hex(struct qt_parser *p, bool hex);
/* On after qt_parser_init(), until the driver has sent ATE0. */
void qt_parser_set_echo_filter(struct qt_parser *p, bool on);
/* Transparent mode: all input is data until qt_parser_set_raw(p, false).
 * Switched on from the callback for a CONNECT line that ended in CR, the
 * LF that follows is still taken as the end of that line.
 */
void qt_parser_set_raw(struct qt_parser *p, bool raw);
/* Feed bytes; calls fn for each event. Never fails, never blocks. fn may
 * call qt_parser_reset() and the setters; they take effect from the next
 * input byte.
 */
void qt_parser_feed(struct qt_parser *p, const uint8_t *buf, size_t len);

const char *qt_ev_type_name(enum qt_ev_type t);
const char *qt_final_name(enum qt_final f);
const char *qt_urc_name(enum qt_urc u);

#endif /* QTCPIP_AT_PARSER_H */
