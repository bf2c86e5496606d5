/* SPDX-License-Identifier: GPL-2.0 */
/* qtcpip: internal definitions shared by the line discipline, the netdev,
 * the AT engine and the socket family.
 */
#ifndef QTCPIP_H
#define QTCPIP_H

#include <linux/completion.h>
#include <linux/kref.h>
#include <linux/list.h>
#include <linux/netdevice.h>
#include <linux/refcount.h>
#include <linux/spinlock.h>
#include <linux/timer.h>
#include <linux/uidgid.h>
#include <linux/wait.h>
#include <linux/tty.h>
#include <linux/workqueue.h>

#include <uapi/linux/qtcpip.h>

#include "at_parser.h"
#include "dialect.h"

/* Bytes queued towards the module that are not yet taken by the tty:
 * one command line (a BC66 hex send is ~1.4 KB) plus one payload.
 */
#define QTCPIP_TXBUF_SIZE	8192

/* Transparent mode: what may follow the module's OK or NO CARRIER (its
 * held URCs) before the line goes quiet.
 */
#define QT_TP_HOLD_MAX		1024

struct qt_sock;
struct qtcpip_dev;

/* Command flags. */
#define QT_CMDF_PROMPT		BIT(0)	/* UC20 send: '>' then the payload */
#define QT_CMDF_LATE_FINAL	BIT(1)	/* OK is not the end (BC66 send, close) */
#define QT_CMDF_GETERROR	BIT(2)	/* on ERROR ask AT+QIGETERROR why */
#define QT_CMDF_INTERNAL	BIT(3)	/* issued by the engine itself */
#define QT_CMDF_SYNC		BIT(4)	/* finals before its INFO are stale */
#define QT_CMDF_CLOSE_OWED	BIT(5)	/* BC66 close ended on OK: CLOSE OK due */
#define QT_CMDF_GARBLED		BIT(6)	/* probe after garbage: garbage again
					 * instead of an answer: a wrong rate
					 */

/* One AT command, queued, in flight or done. Reference counted: the
 * queue and each waiter hold one.
 */
struct qt_cmd {
	struct list_head node;
	refcount_t ref;
	unsigned int flags;
	unsigned long timeout;		/* jiffies, from when it is written */
	char *line;			/* without the final CR */
	size_t line_len;
	/* UC20 send: the payload written after the '>' prompt. The command
	 * holds its own reference: the socket may purge its queue meanwhile.
	 */
	struct sk_buff *skb;
	size_t payload_len;
	bool payload_written;
	const char *info_prefix;	/* INFO lines that belong to it */

	/* Built at issue time (socket sends and reads); non-zero: skip. */
	int (*build)(struct qtcpip_dev *qd, struct qt_cmd *cmd);
	/* Called once it ends, under qd->lock: must not sleep. */
	void (*done)(struct qtcpip_dev *qd, struct qt_cmd *cmd);
	struct qt_sock *qs;		/* the socket it serves (ref held) */

	/* Result. */
	bool ended;
	bool accepted;			/* LATE_FINAL: its OK came */
	bool geterror;			/* ERROR came, AT+QIGETERROR asked */
	bool geterror_write;		/* ... and still to be written */
	int status;			/* 0, or -errno */
	int code;			/* module error code, if known */
	enum qt_final final;
	char *resp;			/* INFO lines, '\n' separated */
	size_t resp_len;
	struct completion comp;
};

/* The result of a command whose answer comes as URCs (AT+QIDNSGIP,
 * AT+QPING, AT+QNTP): one slot per kind, one request at a time.
 */
#define QT_DNS_MAX_ADDR	8
#define QT_PING_MAX	10

struct qt_async {
	bool busy;			/* a request owns the slot */
	bool done;			/* the final URC came */
	bool abandoned;			/* its requester stopped waiting */
	unsigned long deadline;		/* jiffies: the slot frees itself */
	int err;			/* the module's result code */
	int count, ttl;			/* dnsgip */
	int naddr;
	char addr[QT_DNS_MAX_ADDR][QT_ADDR_MAX];
	int nrep;			/* ping replies so far */
	struct qt_ping rep[QT_PING_MAX];
	char rep_addr[QT_PING_MAX][QT_ADDR_MAX];
	struct qt_ping sum;		/* ping summary */
	char time[QT_ADDR_MAX];		/* ntp */
	/* A requester without CAP_NET_ADMIN: its user waits before taking
	 * the slot again, as long as it held it (qt_async_get()).
	 */
	bool limited;
	kuid_t uid;
	unsigned long started;		/* jiffies */
	kuid_t cool_uid;
	unsigned long cool_until;	/* jiffies */
};

enum qt_dev_state {
	QT_DEV_PROBING,			/* waiting for the module to answer */
	QT_DEV_INIT,			/* running the init sequence */
	QT_DEV_READY,
	QT_DEV_DEAD,			/* detached */
	QT_DEV_UNSUPPORTED,		/* answers, but is no known module */
	QT_DEV_BAD_RATE,		/* sends garbage: the tty's rate is wrong */
};

/* One attached module. Lives from ldisc open until the last reference is
 * dropped; the tty pointer is valid only while the ldisc is open and is
 * cleared (under txlock) before the ldisc close returns.
 */
struct qtcpip_dev {
	struct kref ref;
	struct net_device *netdev;

	spinlock_t txlock;		/* protects the fields below */
	struct tty_struct *tty;
	bool dead;			/* hung up or closing: no more writes */
	u8 *txbuf;
	size_t txhead;			/* first byte not yet written */
	size_t txlen;			/* bytes queued from txhead */
	u64 wire_end_ns;		/* ktime: written bytes all sent */
	struct work_struct tx_work;

	/* AT engine; lock protects everything below and the engine state of
	 * every socket on this device.
	 */
	spinlock_t lock;
	enum qt_dev_state state;
	const struct qt_dialect *dialect;
	struct qt_parser parser;
	struct list_head cmdq;		/* queued commands, FIFO */
	struct qt_cmd *inflight;	/* at most one command at a time */
	bool prompt_seen;		/* the in-flight send may write data */
	bool reset_pending;		/* RDY seen while parsing */
	bool reprobe;			/* identify again now (reset, force) */
	int close_owed;			/* CLOSE OKs still due to old closes */
	unsigned long close_owed_until;	/* jiffies: ... no longer after */
	struct timer_list cmd_timer;	/* deadline of the in-flight command */
	unsigned int timeouts;		/* consecutive command timeouts */
	unsigned long last_rx;		/* jiffies: the module last spoke */
	bool probe_queued;		/* an "AT" liveness probe is queued */
	bool flushing;			/* qt_engine_flush() is ending commands */
	bool tx_wait;			/* the engine waits for tty write room */
	size_t resync_left;		/* resync zeros (and CR) still to write */
	struct work_struct eng_work;	/* issues the next command */
	struct work_struct init_work;	/* probe, identify, configure */
	wait_queue_head_t stop_wait;	/* woken when the device dies */
	struct delayed_work tick_work;	/* connect deadlines, send retries */
	struct qt_sock *conn[QT_MAX_CONN];	/* by connectID, ref held */
	/* connectIDs whose close failed or timed out: the module may still
	 * hold them (AT+QIOPEN would fail with "socket identity has been
	 * used"), so they are not handed out; the tick closes them again.
	 */
	unsigned long ids_stale;
	unsigned long ids_closing;	/* ... whose AT+QICLOSE is queued */
	unsigned long stale_retry_at;	/* jiffies: the next such close */
	bool data_unsure;		/* a UC20 send ended without its '>' */
	struct qt_sock *rx_sock;	/* owner of the current data block */
	struct sk_buff *rx_skb;		/* the data block being received */
	bool ctx_active[QT_MAX_CTX + 1];
	char ctx_addr[QT_MAX_CTX + 1][QT_ADDR_MAX];
	bool bc66_send_hex;		/* AT+QICFG="dataformat",1,x */
	struct qt_async dns, ping, ntp;
	wait_queue_head_t async_wait;	/* woken on every async result */
	struct work_struct link_work;	/* ip link up/down: context 1 */
	char tty_name[64];

	/* Transparent mode (transparent.c). */
	bool transparent;		/* the line carries tp_sock's bytes */
	bool tp_leaving;		/* "+++" sequence under way */
	bool tp_plus_sent;		/* ... its "+++" written, OK awaited */
	bool tp_user_leave;		/* the user asked to leave: stay out */
	bool tp_suspect;		/* an ending seen: tp_held starts with it */
	bool tp_tx_holding;		/* a user '+' after silence: no byte yet */
	unsigned long tp_tx_hold;	/* jiffies: ... until then */
	unsigned long tp_plus_at;	/* jiffies: the first "+++" written */
	unsigned long tp_plus_last;	/* jiffies: the latest "+++" written */
	struct qt_sock *tp_sock;	/* ref held */
	u8 tp_held[QT_TP_HOLD_MAX];	/* raw bytes not delivered yet */
	size_t tp_held_len;
	size_t tp_held_skip;		/* ... of which the reader has these */
	size_t tp_discarded;		/* user bytes dropped at a NO CARRIER */
	unsigned long tp_last_tx;
	int tp_plus_tries;
	struct delayed_work tp_leave_work;

	/* Identity, read at init. */
	const struct qt_dialect *forced;	/* QTCPIP_A_DIALECT, or NULL */
	bool unsupported_logged;	/* said once what the module is */
	bool bad_rate_logged;		/* said once that the rate is wrong */
	char model[16];
	char revision[48];
	char imei[20];

	/* Counters. */
	u64 stray_finals;		/* final codes with no command */
	u64 rx_dropped_bytes;		/* data with no socket to take it */
	u64 urc_unknown;		/* lines no command and no URC owns */
	/* Under lock: every byte from the tty but CR and LF, and every
	 * final result or known URC they formed; bytes without lines mean
	 * a wrong rate.
	 */
	u64 rx_seen;
	u64 rx_known;
	u64 rx_lined;			/* rx_seen at the last line or data */
};

extern int qtcpip_ldisc_num;
extern int qtcpip_family;
extern struct workqueue_struct *qtcpip_wq;

/* ldisc.c */
int qtcpip_ldisc_register(void);
void qtcpip_ldisc_unregister(void);
int qtcpip_dev_write(struct qtcpip_dev *qd, const u8 *buf, size_t len);
unsigned int qtcpip_dev_baud(struct qtcpip_dev *qd);
size_t qtcpip_dev_write_room(struct qtcpip_dev *qd);
bool qtcpip_dev_tx_pending(struct qtcpip_dev *qd);
unsigned long qtcpip_dev_wire_end(struct qtcpip_dev *qd);
size_t qtcpip_dev_tx_discard(struct qtcpip_dev *qd);

/* netdev.c */
struct net_device *qtcpip_netdev_alloc(struct qtcpip_dev *qd);
struct qtcpip_dev *qtcpip_netdev_priv(const struct net_device *dev);
void qtcpip_dev_get(struct qtcpip_dev *qd);
void qtcpip_dev_put(struct qtcpip_dev *qd);
bool qtcpip_dev_queue_work_locked(struct qtcpip_dev *qd,
				  struct work_struct *work);
bool qtcpip_dev_queue_work(struct qtcpip_dev *qd, struct work_struct *work);

/* at_engine.c */
void qt_engine_init(struct qtcpip_dev *qd);
void qt_engine_start(struct qtcpip_dev *qd);
void qt_engine_stop(struct qtcpip_dev *qd);
void qt_engine_rx(struct qtcpip_dev *qd, const u8 *buf, size_t len);
struct qt_cmd *qt_cmd_vnew(gfp_t gfp, const char *fmt, va_list ap)
	__printf(2, 0);
struct qt_cmd *qt_cmd_new(gfp_t gfp, const char *fmt, ...) __printf(2, 3);
void qt_cmd_put(struct qt_cmd *cmd);
void qt_cmd_queue(struct qtcpip_dev *qd, struct qt_cmd *cmd);
void qt_cmd_queue_locked(struct qtcpip_dev *qd, struct qt_cmd *cmd);
int qt_cmd_exec(struct qtcpip_dev *qd, struct qt_cmd *cmd);
int qt_exec(struct qtcpip_dev *qd, unsigned int timeout_ms, char *resp,
	    size_t resp_size, const char *fmt, ...) __printf(5, 6);
void qt_engine_kick(struct qtcpip_dev *qd);
unsigned long qt_deadline(unsigned int ms);
void qt_engine_probe_locked(struct qtcpip_dev *qd);
void qt_engine_resync_locked(struct qtcpip_dev *qd, size_t len);
void qt_engine_reset(struct qtcpip_dev *qd, int err);

/* at_init.c */
void qt_init_work(struct work_struct *work);
void qt_link_work(struct work_struct *work);
int qt_query_contexts(struct qtcpip_dev *qd);
int qt_force_dialect(struct qtcpip_dev *qd, const char *name);

/* at_async.c */
void qt_async_urc(struct qtcpip_dev *qd, const struct qt_event *ev);
int qt_async_get(struct qtcpip_dev *qd, struct qt_async *slot,
		 unsigned int timeout_ms, bool limited);
void qt_async_put(struct qtcpip_dev *qd, struct qt_async *slot);
void qt_async_refused(struct qtcpip_dev *qd, struct qt_async *slot);

/* transparent.c */
void qt_tp_rx(struct qtcpip_dev *qd, const u8 *data, size_t len);
void qt_tp_enter(struct qtcpip_dev *qd, struct qt_sock *qs);
void qt_tp_tx(struct qtcpip_dev *qd);
void qt_tp_leave(struct qtcpip_dev *qd, bool user);
void qt_tp_tick(struct qtcpip_dev *qd);
void qt_tp_abort(struct qtcpip_dev *qd);
void qt_tp_leave_work(struct work_struct *work);

/* genl.c */
int qt_genl_register(void);
void qt_genl_unregister(void);
void qt_genl_event(struct qtcpip_dev *qd, int event, int arg);

/* sock.c */
int qt_sock_register(void);
void qt_sock_unregister(void);
void qt_sock_event_open(struct qtcpip_dev *qd, int id, int code);
void qt_sock_event_closed(struct qtcpip_dev *qd, int id);
void qt_sock_event_recv(struct qtcpip_dev *qd, int id);
void qt_sock_event_pdpdeact(struct qtcpip_dev *qd, int ctx);
void qt_sock_fail_all(struct qtcpip_dev *qd, int err);
void qt_sock_tick(struct qtcpip_dev *qd);

/* sock_data.c */
void qt_sock_rx_start(struct qtcpip_dev *qd, int id,
		      const struct qt_event *ev);
void qt_sock_rx_data(struct qtcpip_dev *qd, const u8 *data, size_t len);
void qt_sock_rx_end(struct qtcpip_dev *qd);
void qt_sock_rx_abort(struct qtcpip_dev *qd);

#endif /* QTCPIP_H */
