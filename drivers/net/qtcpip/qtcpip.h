/* SPDX-License-Identifier: GPL-2.0 */
/* qtcpip: internal definitions shared by the line discipline, the netdev,
 * the AT engine and the socket family.
 *
 * Lock order (outer first; every function that needs one of them says so
 * with lockdep_assert_held() or sock_owned_by_me()):
 *
 *   lock_sock(sk)                 a socket's user context
 *     qd->lock  (spinlock, BH)    the engine: commands, parser, connection
 *                                 table, transparent mode, and the engine
 *                                 state of every socket on the device
 *       txlock  (spinlock, BH)    bytes queued towards the tty, qd->tty
 *       sk_receive_queue.lock, qs->txq.lock, bh_lock_sock (leaves)
 *
 * A listener's lock_sock nests its accepted child's (SINGLE_DEPTH_NESTING).
 * Nothing sleeps under qd->lock or txlock; the engine never takes
 * lock_sock. A socket's last reference may go under qd->lock only while
 * the line holds the device (its destructor drops a device reference,
 * which must not be the last under the device's own lock): detach drops
 * the table's references after letting go of qd->lock.
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

/* How long a call any user can make waits for the module's queue (a genl
 * doit without CAP_NET_ADMIN, a socket's query: qt_cmd_exec_user()).
 */
#define QT_USER_WAIT_MS		10000

struct qtcpip_dev;
struct qt_conn;

/**
 * struct qt_conn_ops - how the engine reports to a connection
 * @get: take a reference (every table slot, rx_conn and tp_conn hold one,
 *	and every lookup from the engine holds one while it uses the
 *	connection).
 * @put: drop it; may free the owner (not under qd->lock if it can be the
 *	last one).
 * @buffered: the connection is in buffer access mode: a "recv" URC with a
 *	length is a hint, no data follows.
 * @opened: +QIOPEN: <id>,<code> (0: open).
 * @closed: the "closed" URC: the peer closed.
 * @recv_hint: the module holds unread data for it.
 * @hint_lost: the line lost input that may have held its "recv" hint: read
 *	if it is a connection in buffer mode that may hold data.
 * @data_start: a data block of ev->len bytes starts (+QIRD of its read, or
 *	a direct push); false: it cannot take one (counted by the owner).
 * @data: bytes of that block.
 * @data_end: the block ended (@complete), or was cut short (reset,
 *	timeout, a line error).
 * @rx_error: the UART flagged a byte of its data block or, @raw, of its
 *	transparent stream.
 * @tp_rx: raw bytes of its transparent session.
 * @tx_queue: the bytes waiting to be written while transparent.
 * @tp_end: its transparent session ended and the line is in command mode
 *	again: @carrier_lost (the module's NO CARRIER), @reset (user bytes
 *	were discarded at a NO CARRIER), @resume (the driver, not the user,
 *	took it out).
 * @pdp_down: PDP context @ctx was deactivated.
 * @failed: reset or detach: the engine forgot it (its table slot is
 *	empty; the slot's reference is dropped with @put after this).
 *
 * The engine knows a connection (a connectID of the module) only as a
 * &struct qt_conn, which its owner (the socket family) embeds; these are
 * the only calls the engine makes into its owner. All but @get and @put
 * are called under qd->lock from the engine's contexts (receive_buf, its
 * work items, its timer) and must not sleep; they may call back into the
 * engine's *_locked API.
 */
struct qt_conn_ops {
	void (*get)(struct qt_conn *conn);
	void (*put)(struct qt_conn *conn);
	bool (*buffered)(const struct qt_conn *conn);
	void (*opened)(struct qtcpip_dev *qd, struct qt_conn *conn, int code);
	void (*closed)(struct qtcpip_dev *qd, struct qt_conn *conn);
	void (*recv_hint)(struct qtcpip_dev *qd, struct qt_conn *conn);
	void (*hint_lost)(struct qtcpip_dev *qd, struct qt_conn *conn);
	bool (*data_start)(struct qtcpip_dev *qd, struct qt_conn *conn,
			   const struct qt_event *ev);
	void (*data)(struct qtcpip_dev *qd, struct qt_conn *conn,
		     const u8 *data, size_t len);
	void (*data_end)(struct qtcpip_dev *qd, struct qt_conn *conn,
			 bool complete);
	void (*rx_error)(struct qtcpip_dev *qd, struct qt_conn *conn, bool raw);
	void (*tp_rx)(struct qtcpip_dev *qd, struct qt_conn *conn,
		      const u8 *data, size_t len);
	struct sk_buff_head *(*tx_queue)(struct qt_conn *conn);
	void (*tp_end)(struct qtcpip_dev *qd, struct qt_conn *conn,
		       bool carrier_lost, bool reset, bool resume);
	void (*pdp_down)(struct qtcpip_dev *qd, struct qt_conn *conn, int ctx);
	void (*failed)(struct qtcpip_dev *qd, struct qt_conn *conn, int err);
};

/* One connection (connectID) as the engine sees it. */
struct qt_conn {
	const struct qt_conn_ops *ops;
};

/**
 * struct qt_dev_ops - device-level events for the layer above the engine
 * @incoming: +QIURC: "incoming": the module accepted a client on a
 *	listener; the callee may attach it (qt_conn_attach_locked()).
 * @tick: every 100 ms, under qd->lock: deadlines and retries.
 *
 * Registered once (qt_engine_set_ops()) before any device attaches.
 */
struct qt_dev_ops {
	void (*incoming)(struct qtcpip_dev *qd, const struct qt_event *ev);
	void (*tick)(struct qtcpip_dev *qd);
};

/* What a listener of qt_dev_chain gets with the event (qt_dev_event()). */
struct qt_dev_event {
	struct qtcpip_dev *qd;
	int arg;
};

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
#define QT_CMDF_RATE		BIT(7)	/* a line rate switch's (at_init.c):
					 * silence is an answer, not a fault
					 */

/* Where a command is. The transitions (Documentation/networking/qtcpip.rst,
 * "Design" has the table):
 *   QUEUED -> SENT             written (qt_eng_step_locked)
 *   SENT -> ACCEPTED           OK of a LATE_FINAL command (BC66 send, close)
 *   SENT -> GETERROR           ERROR of a GETERROR command: ask why
 *   GETERROR -> GETERROR_SENT  AT+QIGETERROR written
 *   any -> ENDED               a final, its deadline, a flush or a cancel
 */
enum qt_cmd_state {
	QT_CMD_QUEUED,
	QT_CMD_SENT,
	QT_CMD_ACCEPTED,
	QT_CMD_GETERROR,
	QT_CMD_GETERROR_SENT,
	QT_CMD_ENDED,
};

/* How a command ended, for its done callback; qt_cmd_exec() callers get
 * the errno in ->status.
 */
enum qt_cmd_outcome {
	QT_OUT_NONE,		/* not ended */
	QT_OUT_OK,		/* OK, SEND OK, CLOSE OK, CONNECT (status 0) */
	QT_OUT_ERROR,		/* ERROR, +CME/+CMS ERROR, ->code if known (EIO) */
	QT_OUT_SEND_FAIL,	/* SEND FAIL: the module's buffer is full */
	QT_OUT_NO_CARRIER,	/* ENOTCONN */
	QT_OUT_TIMEOUT,		/* no answer by its deadline (ETIMEDOUT) */
	QT_OUT_ABORTED,		/* no answer around a prompted payload: the
				 * module's data phase was filled with zeros
				 * (ECONNABORTED)
				 */
	QT_OUT_CANCELLED,	/* its build found nothing to do: never written */
	QT_OUT_RESET,		/* the engine reset: every connection fails next
				 * (the reset's errno)
				 */
	QT_OUT_DETACHED,	/* the device went away (ENODEV) */
};

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
	/* The connection it serves; its owner holds the reference. */
	struct qt_conn *conn;

	/* Result. */
	enum qt_cmd_state state;
	enum qt_cmd_outcome outcome;
	int status;			/* 0, or -errno (for qt_cmd_exec()) */
	int code;			/* module error code, if known */
	int rx_len;			/* AT+QIRD: the length read, -1: none */
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

/* Transparent mode of the line (transparent.c):
 *   OFF -> DATA              CONNECT (qt_tp_enter())
 *   DATA -> LEAVING          an ending seen, a slow reader, the user
 *   LEAVING -> PLUS_SENT     "+++" written after its guard time
 *   PLUS_SENT -> LEAVING     no OK in time: "+++" again
 *   DATA, LEAVING, PLUS_SENT -> OFF   the module's ending decided, no
 *                            answer to "+++" (taken back), reset, detach
 */
enum qt_tp_state {
	QT_TP_OFF,		/* command mode: the engine's line */
	QT_TP_DATA,		/* the line carries tp_conn's bytes */
	QT_TP_LEAVING,		/* "+++" due after its guard time of silence */
	QT_TP_PLUS_SENT,	/* "+++" written, OK awaited */
};

/* The uapi's states (netlink reports them as they are). */
enum qt_dev_state {
	QT_DEV_PROBING = QTCPIP_DEV_PROBING,	/* waiting for an answer */
	QT_DEV_INIT = QTCPIP_DEV_INIT,		/* the init sequence */
	QT_DEV_READY = QTCPIP_DEV_READY,
	QT_DEV_DEAD = QTCPIP_DEV_DEAD,		/* detached */
	QT_DEV_UNSUPPORTED = QTCPIP_DEV_UNSUPPORTED, /* no known module */
	QT_DEV_BAD_RATE = QTCPIP_DEV_BAD_RATE,	/* garbage: wrong tty rate */
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
	const struct qt_dev_ops *ops;
	struct qt_conn *conn[QT_MAX_CONN];	/* by connectID, ref held */
	/* connectIDs whose close failed or timed out: the module may still
	 * hold them (AT+QIOPEN would fail with "socket identity has been
	 * used"), so they are not handed out; the tick closes them again.
	 */
	unsigned long ids_stale;
	unsigned long ids_closing;	/* ... whose AT+QICLOSE is queued */
	unsigned long stale_retry_at;	/* jiffies: the next such close */
	bool data_unsure;		/* a UC20 send ended without its '>' */
	/* Input that may have held a "recv" hint was lost (a line nobody
	 * could read, a data block cut short, an answer that never came):
	 * the tick asks each connection to read once, at most once a second
	 * (hints_checked, jiffies), for the module sends no second hint
	 * while data waits.
	 */
	bool hints_unsure;
	unsigned long hints_checked;
	struct qt_conn *rx_conn;	/* owner of the current data block */
	bool ctx_active[QT_MAX_CTX + 1];
	char ctx_addr[QT_MAX_CTX + 1][QT_ADDR_MAX];
	bool bc66_send_hex;		/* AT+QICFG="dataformat",1,x */
	struct qt_async dns, ping, ntp;
	wait_queue_head_t async_wait;	/* woken on every async result */
	struct work_struct link_work;	/* ip link up/down: context 1 */
	char tty_name[64];

	/* Transparent mode (transparent.c). */
	enum qt_tp_state tp_state;	/* under lock; WRITE_ONCE */
	bool tp_user_leave;		/* the user asked to leave: stay out */
	bool tp_suspect;		/* an ending seen: tp_held starts with it */
	bool tp_tx_holding;		/* a user '+' after silence: no byte yet */
	unsigned long tp_tx_hold;	/* jiffies: ... until then */
	unsigned long tp_plus_at;	/* jiffies: the first "+++" written */
	unsigned long tp_plus_last;	/* jiffies: the latest "+++" written */
	struct qt_conn *tp_conn;	/* ref held */
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
	/* Line rate (at_init.c, "Line rate" in qtcpip.rst): the limit
	 * (max_baud= at attach, QTCPIP_A_MAX_BAUD), the tty's rate at attach
	 * and now, and the rate the module last did not answer at. Read
	 * with READ_ONCE() by netlink; written by init_work only, but for
	 * max_baud (WRITE_ONCE() from netlink).
	 */
	unsigned int max_baud;
	unsigned int attach_baud;
	unsigned int line_baud;
	unsigned int moved_baud;	/* the module was moved to it, or 0 */
	unsigned int baud_failed;
	bool baud_failed_logged;
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

extern int qt_ldisc_num;
extern int qt_family_nr;
extern struct workqueue_struct *qt_wq;

/* ldisc.c */
int qt_ldisc_register(void);
void qt_ldisc_unregister(void);
int qt_dev_write(struct qtcpip_dev *qd, const u8 *buf, size_t len);
unsigned int qt_dev_baud(struct qtcpip_dev *qd);
int qt_dev_set_baud(struct qtcpip_dev *qd, unsigned int baud);
size_t qt_dev_write_room(struct qtcpip_dev *qd);
bool qt_dev_tx_pending(struct qtcpip_dev *qd);
unsigned long qt_dev_wire_end(struct qtcpip_dev *qd);
size_t qt_dev_tx_discard(struct qtcpip_dev *qd);

/* netdev.c */
struct net_device *qt_netdev_alloc(struct qtcpip_dev *qd);
struct qtcpip_dev *qt_netdev_priv(const struct net_device *dev);
void qt_dev_get(struct qtcpip_dev *qd);
void qt_dev_put(struct qtcpip_dev *qd);
bool qt_dev_queue_work_locked(struct qtcpip_dev *qd, struct work_struct *work);
bool qt_dev_queue_work(struct qtcpip_dev *qd, struct work_struct *work);

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
int qt_cmd_exec_user(struct qtcpip_dev *qd, struct qt_cmd *cmd,
		     unsigned int wait_ms);
int qt_query(struct qtcpip_dev *qd, char *resp, size_t resp_size,
	     const char *fmt, ...) __printf(4, 5);
int qt_exec(struct qtcpip_dev *qd, unsigned int timeout_ms, char *resp,
	    size_t resp_size, const char *fmt, ...) __printf(5, 6);
void qt_engine_kick(struct qtcpip_dev *qd);
unsigned long qt_deadline(unsigned int ms);
void qt_engine_probe_locked(struct qtcpip_dev *qd);
void qt_engine_resync_locked(struct qtcpip_dev *qd, size_t len);
void qt_engine_reset(struct qtcpip_dev *qd, int err);
void qt_engine_set_ops(const struct qt_dev_ops *ops);
extern struct atomic_notifier_head qt_dev_chain;
void qt_dev_event(struct qtcpip_dev *qd, int event, int arg);
void qt_engine_pdpdeact_locked(struct qtcpip_dev *qd, int ctx);
void qt_conn_attach_locked(struct qtcpip_dev *qd, struct qt_conn *conn,
			   int id);
struct qt_conn *qt_conn_detach_locked(struct qtcpip_dev *qd, int id);
struct qt_conn *qt_engine_rx_error_locked(struct qtcpip_dev *qd);

/* at_init.c */
void qt_init_work(struct work_struct *work);
void qt_link_work(struct work_struct *work);
int qt_query_contexts(struct qtcpip_dev *qd);
int qt_force_dialect(struct qtcpip_dev *qd, const char *name);
unsigned int qt_max_baud_default(void);
void qt_set_max_baud(struct qtcpip_dev *qd, unsigned int baud);

/* at_async.c */
void qt_async_urc(struct qtcpip_dev *qd, const struct qt_event *ev);
int qt_async_get(struct qtcpip_dev *qd, struct qt_async *slot,
		 unsigned int timeout_ms, bool limited);
void qt_async_put(struct qtcpip_dev *qd, struct qt_async *slot);
void qt_async_refused(struct qtcpip_dev *qd, struct qt_async *slot);

/* transparent.c */
void qt_tp_rx(struct qtcpip_dev *qd, const u8 *data, size_t len);
void qt_tp_enter(struct qtcpip_dev *qd, struct qt_conn *conn);
void qt_tp_tx(struct qtcpip_dev *qd);
void qt_tp_leave(struct qtcpip_dev *qd, bool user);
void qt_tp_tick(struct qtcpip_dev *qd);
void qt_tp_abort(struct qtcpip_dev *qd);
void qt_tp_leave_work(struct work_struct *work);

/* Whether the line carries a connection's raw bytes. */
static inline bool qt_tp_on(const struct qtcpip_dev *qd)
{
	return READ_ONCE(qd->tp_state) != QT_TP_OFF;
}

/* genl.c */
int qt_genl_register(void);
void qt_genl_unregister(void);

/* sock.c */
int qt_sock_register(void);
void qt_sock_unregister(void);

#endif /* QTCPIP_H */
