/* SPDX-License-Identifier: GPL-2.0 */
/*
 * qtcpip-emu: emulator of a Quectel BC66 / UC20 TCPIP AT command interface.
 * Shared declarations of all the emulator's files.
 */
#ifndef QTCPIP_EMU_H
#define QTCPIP_EMU_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <netinet/in.h>

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define MS 1000000ULL
#define PRINTF(a, b) __attribute__((format(printf, a, b)))

/* ---- buf.c: growable byte buffer consumed from the front ---- */
struct buf {
	unsigned char *d;
	size_t head, len, cap;
};

void buf_put(struct buf *b, const void *p, size_t n);
void buf_putc(struct buf *b, unsigned char c);
void buf_printf(struct buf *b, const char *fmt, ...) PRINTF(2, 3);
void buf_drop(struct buf *b, size_t n);
void buf_reset(struct buf *b);
void buf_free(struct buf *b);
static inline unsigned char *buf_data(const struct buf *b)
{
	return b->d + b->head;
}

/* ---- ev.c: epoll loop and timers ---- */
typedef void (*fd_cb)(void *arg, uint32_t events);
typedef void (*timer_cb)(void *arg);

uint64_t now_ns(void);
void ev_init(void);
/* events == 0 removes the fd from the poll set but keeps nothing */
void ev_watch(int fd, uint32_t events, fd_cb cb, void *arg);
void ev_unwatch(int fd);
uint64_t ev_timer(uint64_t delay_ns, timer_cb cb, void *arg);
void ev_cancel(uint64_t *id);
void ev_run(void);
void ev_stop(int code);
extern int ev_exit_code;

/* ---- trace.c ---- */
void trace_open(const char *path);
void trace_data(const char *dir, const void *p, size_t n);
void trace_note(const char *fmt, ...) PRINTF(1, 2);
void logmsg(const char *fmt, ...) PRINTF(1, 2);

/* ---- fault.c: seeded PRNG, fault knobs, counters ---- */
enum { DIR_TX, DIR_RX };

struct faults {
	double drop[2], dup[2], corrupt[2];
	unsigned int split;		/* max bytes per write, 0 = off */
	bool split_rand;		/* random sizes 1..split */
	unsigned int split_gap_us;	/* pause between split writes */
	int sendfail;			/* next N sends fail */
	int closefail;			/* next N BC66 closes fail */
	int openfail_err, openfail_count;
	int pingdrop;			/* next N echo requests are lost */
	int hintdrop;			/* next N "recv" hints lose a byte */
	bool garble;			/* output as seen at a wrong baud rate */
	int cmdfail_err, cmdfail_count;
	char cmdfail_name[32];
	char *urc_mid;			/* URC to put inside next response */
	char *urc_prompt;		/* URC to put before the next '>' */
	char *eat_prompt;		/* result to send instead of it */
	/* the next ipr_deaf_count rate changes: OK, then deaf (input
	 * dropped) for ipr_deaf_ms at the rate it had (control "ipr-deaf")
	 */
	unsigned int ipr_deaf_ms;
	int ipr_deaf_count;
};

struct counters {
	uint64_t rx_bytes, tx_bytes, tx_writes;
	uint64_t rx_dropped, tx_dropped, rx_dup, tx_dup;
	uint64_t rx_corrupt, tx_corrupt, muted_bytes, garbage_lines;
	uint64_t cmds, errors, urcs, resets;
	uint64_t opens, open_fail, accepts, closes;
	uint64_t sends, send_ok, send_fail;
	uint64_t sock_tx, sock_rx;
	uint64_t pings, ntp, dns;
	uint64_t urcs_wrong_port, vendor_urcs;
	uint64_t ipr_deaf, deaf_bytes;
};

extern struct faults F;
extern struct counters C;
void rnd_seed(uint64_t seed);
uint32_t rnd32(void);
bool rnd_hit(double p);
void fault_clear(void);
/* apply drop/dup/corrupt of direction dir to p[n], appending to out */
void fault_bytes(int dir, const unsigned char *p, size_t n, struct buf *out);
void counters_print(struct buf *out);

/* ---- serial.c: the serial endpoint and UART pacing ---- */
enum ep_kind { EP_NONE, EP_LISTEN, EP_CONNECT, EP_PTY, EP_STDIO };

void serial_open(enum ep_kind kind, const char *path, bool persist);
void serial_write(const void *p, size_t n);
void serial_write_raw(const void *p, size_t n);	/* past hostile mode */
size_t serial_txq_len(void);
void serial_set_baud(unsigned int baud);
unsigned int serial_baud(void);
void serial_rx_kick(void);
void serial_tx_kick(void);
void serial_discard_tx(void);
void serial_hold(uint64_t ms);
void serial_mute(uint64_t ms);
void serial_deaf(uint64_t ms);
bool serial_up(void);
#define TXQ_HIGH 8192

/* ---- at.c: command line reader, responses, URC queue ---- */
enum model { BC66, UC20 };
enum kind { K_EXEC, K_TEST, K_READ, K_WRITE };

#define MAX_ARGS 16
struct args {
	int n;
	char *s[MAX_ARGS];
	bool q[MAX_ARGS];	/* was quoted */
};

struct cmd {
	const char *name;
	void (*fn)(enum kind k, struct args *a, const char *raw);
	bool tcpip;		/* sets the AT+QIGETERROR code */
};

struct pdp {
	bool active, broken;
	int type, auth;
	char apn[64], user[64], pass[64];
	char dns1[40], dns2[40];
};

struct conn;

struct modem {
	enum model model;
	const char *name, *rev;
	char imei[32];
	bool echo;
	int cmee, cfun, creg_n;
	int lasterr;
	/* BC66 */
	bool send_pending;
	int send_hex, recv_hex, viewmode;
	/* UC20 */
	int transpktsize, transwaittm;
	int last_trans;
	struct pdp pdp[17];
	int nconn, nctx;
	/* emulator knobs */
	unsigned int open_delay_ms, send_delay_ms, rtt_ms, boot_ms;
	unsigned int close_wait_ms, guard_ms, ntp_timeout_ms;
	size_t rxbuf;
	char local_ip[INET_ADDRSTRLEN];
	char ntp_host[64];
	int ntp_port;
	bool any_host, dns_fallback;
	int64_t clock_off;
	const char *cmdname;	/* name of the command being executed */
	/* profile state */
	bool urc_uart;		/* AT+QURCCFG="urcport","uart1" in force */
	bool first_at_lost;	/* the next command line is dropped */
	unsigned int vendor_n;	/* responses since the last vendor URC */
	char ati_override[128];	/* control "ati": '|'-separated lines */
};

extern struct modem M;

void at_init(void);
void at_boot(void);
void at_peer_connected(void);
size_t at_input(const unsigned char *p, size_t n, uint64_t t);
bool at_idle(void);
void resp_line(const char *fmt, ...) PRINTF(1, 2);
void resp_block(const char *hdr, const void *data, size_t n, bool hex,
		bool comma);
void resp_final(const char *s);
void resp_ok(void);
void resp_error(int esem);
void resp_error_code(int code);
void resp_cme(int code, const char *text);
void urc_out(const void *p, size_t n);
void urc_line(const char *fmt, ...) PRINTF(1, 2);
void urc_result(const char *s);
void urc_block(const char *hdr, const void *data, size_t n, bool hex,
	       bool comma);
void at_reg_cmd(enum kind k, struct args *a, const char *raw);
void at_busy(void);
void at_done(void);
void at_prompt(struct conn *c, size_t len, const struct sockaddr_in *dst);
void at_transparent(struct conn *c);
void at_trans_closed(struct conn *c);
bool at_trans_active(struct conn *c);
const struct cmd *at_common_cmds(void);
int parse_args(char *s, struct args *a);
bool arg_int(struct args *a, int i, long lo, long hi, long *out);
bool arg_present(struct args *a, int i);
int hex_decode(const char *s, size_t n, unsigned char *out);
void hex_encode(const unsigned char *p, size_t n, char *out);
void modem_defaults(void);

/* ---- err.c: the dialects' error codes ---- */
enum esem {
	E_OK, E_UNKNOWN, E_BLOCKED, E_PARAM, E_NOMEM, E_SOCKET, E_NOTSUPP,
	E_BIND, E_LISTEN, E_WRITE, E_READ, E_ACCEPT, E_PDP_OPEN, E_PDP_CLOSE,
	E_ID_USED, E_DNS_BUSY, E_DNS_FAIL, E_CONNECT, E_CLOSED, E_BUSY,
	E_TIMEOUT, E_PDP_BREAK, E_CANCEL, E_NOT_ALLOWED, E_NO_APN,
	E_PORT_BUSY, E_BAD_IP, E_BAD_ID, E_PDP_ACTIVE, E_BAD_APP,
	E_INVALID_OP, E_ID_UNUSED, E_NTP_NORESP, E_PDP_ACTIVATING, E_MAX
};
int ecode(int esem);
const char *err_desc(int code);
bool err_valid(int code);

/* ---- conn.c: real sockets behind the connectIDs ---- */
enum svc { SVC_TCP, SVC_UDP, SVC_LISTENER, SVC_INCOMING, SVC_SERVICE };
enum cstate { CS_INITIAL, CS_OPENING, CS_CONNECTED, CS_LISTENING,
	      CS_CLOSING };

typedef void (*conn_done_cb)(struct conn *c, int code);

struct conn {
	bool used;
	int id, ctx, svc, state, mode, server_id;
	int fd;
	char host[256];			/* remote host as given */
	char rip[64];			/* remote address as reported */
	int rport, lport;
	struct sockaddr_in raddr;
	struct buf rx;			/* TCP bytes or UDP records */
	size_t rx_bytes;		/* payload bytes in rx */
	struct buf tx;			/* bytes waiting for the socket */
	uint64_t rx_total, rx_read, tx_total;
	bool urc_armed, full_armed, peer_eof, pdp_broken, closing;
	uint64_t timer;
	conn_done_cb done;
	bool trans_open;		/* UC20 QIOPEN access mode 2 */
};

void conn_init(void);
struct conn *conn_get(int id);
struct conn *conn_alloc(int id);
void conn_free(struct conn *c);
void conn_open(struct conn *c, conn_done_cb done);
void conn_poll(struct conn *c);
void conn_poll_all(void);
int conn_send(struct conn *c, const void *p, size_t n,
	      const struct sockaddr_in *dst);
size_t conn_read(struct conn *c, unsigned char *out, size_t max,
		 struct sockaddr_in *src);
void conn_close(struct conn *c, unsigned int timeout_ms, conn_done_cb done);
void conn_remote_close(struct conn *c, bool keepdata);
void conn_pdpdeact(int ctx, bool urc);
void conn_reset_all(void);
void conn_flush_push(struct conn *c);
size_t conn_unacked(struct conn *c);
bool conn_lport_used(int lport, bool udp);
bool conn_tx_full(struct conn *c);
void conn_bufffull(struct conn *c);
const char *state_name(int st);
int state_num(int st);
const char *svc_name(int svc);
bool ip_literal_bad(const char *s);

/* ---- urc.c: the +QIURC formats ---- */
void urc_recv_hint(int id);
void urc_recv_push(struct conn *c, const unsigned char *p, size_t n,
		   const struct sockaddr_in *src);
void urc_closed(int id);
void urc_bufffull(int id);
void urc_incoming(int id, int server, const char *ip, int port);
void urc_incoming_full(void);
void urc_pdpdeact(int ctx);

/* ---- dns.c ---- */
void dns_load(const char *path);
/* returns number of addresses (>0), 0 = not found */
int dns_lookup(const char *name, struct in_addr *out, int max, int *ttl);

bool dns_gip_busy(void);
void dns_gip_start(const char *host, int pdp_err);

/* ---- ntp.c ---- */
typedef void (*ntp_cb)(int esem, int64_t unix_time);
bool ntp_busy(void);
const char *ntp_server(int *port);
void ntp_start(const char *server, int port, ntp_cb cb);

/* ---- ping.c ---- */
typedef void (*ping_reply_cb)(int ok, const char *ip, int bytes, int ms,
			      int ttl);
typedef void (*ping_end_cb)(int sent, int rcvd, int min, int max, int avg);
bool ping_busy(void);
void ping_start(struct in_addr dst, int timeout_s, int num,
		ping_reply_cb reply, ping_end_cb end);

/* ---- hostile.c: the hostile-module mode ---- */
bool hostile_on(void);
void hostile_write(const unsigned char *p, size_t n);
void hostile_start(uint64_t seed, unsigned int rate, unsigned int inside,
		   unsigned int kinds);
unsigned int hostile_kinds(const char *s);
void hostile_stop(void);
void hostile_print(struct buf *r);

/* ---- control.c ---- */
void control_open(const char *path);

/* ---- bc66.c / uc20.c ---- */
extern const struct cmd bc66_cmds[];
extern const struct cmd uc20_cmds[];
void uc20_reset(void);
void uc20_send_data(struct conn *c, struct buf *data,
		    const struct sockaddr_in *dst, bool cancel);
void bc66_reset(void);

/* ---- profile.c: what real modules print beyond the manuals ---- */
enum { RECV_LEN_NONE, RECV_LEN_ALWAYS, RECV_LEN_ALTERNATE };

struct profile {
	const char *name;
	enum model model;
	const char *const *ati;		/* ATI lines before OK */
	const char *cgmm;		/* AT+CGMM answer */
	const char *const *boot;	/* lines printed when boot completes */
	bool bc66_errors;		/* the 550-574 table of the BC66 manual */
	bool first_at_lost;		/* auto-baud: first line after boot dropped */
	unsigned int late_close_ok_ms;	/* CLOSE OK as a separate late line */
	int recv_len;			/* buffer-mode "recv" hint carries <n> */
	const char *const *vendor_urcs;	/* put into some responses */
	bool has_urcport;		/* AT+QURCCFG="urcport" exists */
	bool urcport_default_uart;	/* ... and URCs reach the UART at boot */
	bool ping_5xx;			/* UC20 dialect, +QPING codes of the
					 * error table: 0 done, 569 lost
					 */
};

extern const struct profile *PROF;
const struct profile *profile_find(const char *name, enum model model);
const struct profile *profile_default(enum model model);
void profile_set(const struct profile *p, bool cmdline);
void profile_restore(void);
const char *profile_model_name(void);
const char *profile_revision(void);
void profile_list(FILE *f);

/* ---- main.c ---- */
void main_ready(void);

#endif
