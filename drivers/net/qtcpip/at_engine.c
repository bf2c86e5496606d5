// SPDX-License-Identifier: GPL-2.0
/* qtcpip: the AT engine.
 *
 * One command is in flight at a time. Commands wait in a FIFO; a socket
 * has at most one command queued at a time and queues the next one at the
 * tail when it ends, so a busy socket cannot starve the others or the
 * control plane. Commands are written from a work item; module output is
 * parsed in receive_buf, which never waits: it ends commands, routes data
 * blocks to sockets and dispatches URCs, all under qd->lock.
 */

#include <linux/skbuff.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/ctype.h>
#include <linux/notifier.h>

#include "at_answer.h"
#include "qtcpip.h"

static unsigned int qt_at_timeout_ms;
module_param_named(at_timeout_ms, qt_at_timeout_ms, uint, 0644);
MODULE_PARM_DESC(at_timeout_ms,
		 "cap on every AT command deadline in ms (0: the manuals' values)");

/* A command without a deadline of its own: the manuals' 60 s rule. */
#define QT_CMD_TIMEOUT_MS	60000
/* The probe after garbage from a ready module. */
#define QT_GARBLED_PROBE_MS	2000
/* Consecutive timeouts after which the module is taken as gone. */
#define QT_MAX_TIMEOUTS		3
#define QT_RESP_MAX		4096
/* The most bytes an AT+QISEND of any dialect takes (before one is known). */
#define QT_SEND_MAX		1460
/* Silence after which an idle module is probed. */
#define QT_KEEPALIVE		(30 * HZ)
/* The most often the connections are read for hints a bad line may have
 * cost (hints_unsure).
 */
#define QT_HINT_RECHECK		HZ
/* Commands one engine run may end unissued (their build found nothing to
 * do) before it yields: done callbacks that keep queueing such commands
 * cannot hold the CPU under qd->lock.
 */
#define QT_ENG_BUDGET		16

/* The layer above: set once, before the line discipline is registered. */
static const struct qt_dev_ops *qt_dev_ops;

/**
 * qt_engine_set_ops() - the layer above the engine
 * @ops: its device-level callbacks (struct qt_dev_ops)
 *
 * Context: module init, before the line discipline is registered.
 */
void qt_engine_set_ops(const struct qt_dev_ops *ops)
{
	qt_dev_ops = ops;
}

/* Device-level events (enum qtcpip_event; link up/down, pdpdeact, reset,
 * peer closed) for netlink (genl.c), which the engine and the sockets never
 * call. Any context: listeners run under RCU.
 */
ATOMIC_NOTIFIER_HEAD(qt_dev_chain);

/**
 * qt_dev_event() - tell the listeners of qt_dev_chain of a device event
 * @qd: the module
 * @event: enum qtcpip_event
 * @arg: its argument (a context, a connectID), or 0
 *
 * Context: any.
 */
void qt_dev_event(struct qtcpip_dev *qd, int event, int arg)
{
	struct qt_dev_event ev = { .qd = qd, .arg = arg };

	atomic_notifier_call_chain(&qt_dev_chain, event, &ev);
}

/* The connection on @id with a reference of its own, or NULL. */
static struct qt_conn *qt_conn_get(struct qtcpip_dev *qd, int id)
{
	struct qt_conn *conn;

	lockdep_assert_held(&qd->lock);
	if (id < 0 || id >= QT_MAX_CONN || !qd->conn[id])
		return NULL;
	conn = qd->conn[id];
	conn->ops->get(conn);
	return conn;
}

/**
 * qt_conn_attach_locked() - a connection takes a connectID
 * @qd: the module
 * @conn: the connection
 * @id: a connectID free in the table
 *
 * From now on the engine reports what the module says of @id to @conn.
 * The table holds a reference (->get).
 *
 * Context: under qd->lock.
 */
void qt_conn_attach_locked(struct qtcpip_dev *qd, struct qt_conn *conn,
			   int id)
{
	lockdep_assert_held(&qd->lock);
	conn->ops->get(conn);
	qd->conn[id] = conn;
}

/**
 * qt_conn_detach_locked() - empty the table's slot of a connectID
 * @qd: the module
 * @id: the connectID
 *
 * Context: under qd->lock.
 * Return: the connection that held @id, whose table reference is the
 * caller's now (dropped with ->put once qd->lock is released), or NULL.
 */
struct qt_conn *qt_conn_detach_locked(struct qtcpip_dev *qd, int id)
{
	struct qt_conn *conn = qd->conn[id];

	lockdep_assert_held(&qd->lock);
	qd->conn[id] = NULL;
	return conn;
}

/* The data block ended (@complete) or was cut short. */
static void qt_rx_end(struct qtcpip_dev *qd, bool complete)
{
	struct qt_conn *conn = qd->rx_conn;

	lockdep_assert_held(&qd->lock);
	if (!conn)
		return;
	qd->rx_conn = NULL;
	/* A block cut short may have taken lines with it. */
	if (!complete)
		qd->hints_unsure = true;
	conn->ops->data_end(qd, conn, complete);
	conn->ops->put(conn);
}

/* A data block of ev->len bytes starts for @conn (NULL: nobody's). */
static void qt_rx_start(struct qtcpip_dev *qd, struct qt_conn *conn,
			const struct qt_event *ev)
{
	lockdep_assert_held(&qd->lock);
	qt_rx_end(qd, true);
	if (ev->len <= 0)
		return;
	if (!conn) {
		qd->rx_dropped_bytes += ev->len;
		qd->netdev->stats.rx_dropped++;
		return;
	}
	if (!conn->ops->data_start(qd, conn, ev))
		return;
	conn->ops->get(conn);
	qd->rx_conn = conn;
}

/**
 * qt_engine_rx_error_locked() - the line lost a byte (a UART error)
 * @qd: the module
 *
 * Drops the data block in progress and tells its connection (->rx_error).
 *
 * Context: under qd->lock.
 * Return: that connection, with a reference the caller drops (->put)
 * once it let go of qd->lock, or NULL.
 */
struct qt_conn *qt_engine_rx_error_locked(struct qtcpip_dev *qd)
{
	struct qt_conn *conn = qd->rx_conn;

	lockdep_assert_held(&qd->lock);
	if (!conn)
		return NULL;
	conn->ops->get(conn);
	qt_rx_end(qd, false);
	qd->netdev->stats.rx_dropped++;
	/* The rest of the block still goes through the parser. */
	conn->ops->rx_error(qd, conn, false);
	return conn;
}

/**
 * qt_deadline() - a command deadline in jiffies
 * @ms: the deadline the manual gives the command
 *
 * Return: @ms in jiffies, capped by the at_timeout_ms module parameter
 * (tests use it to meet deadlines fast).
 */
unsigned long qt_deadline(unsigned int ms)
{
	if (qt_at_timeout_ms && ms > qt_at_timeout_ms)
		ms = qt_at_timeout_ms;
	return msecs_to_jiffies(ms);
}

/**
 * qt_cmd_vnew() - allocate a command
 * @gfp: allocation flags (GFP_ATOMIC under qd->lock)
 * @fmt: its AT line without CR, or NULL for a command whose ->build
 *	writes the line when it is issued
 * @ap: arguments of @fmt
 *
 * The command has one reference (the caller's, which qt_cmd_queue() and
 * friends take over) and the default 60 s deadline.
 *
 * Return: the command, or NULL without memory.
 */
struct qt_cmd *qt_cmd_vnew(gfp_t gfp, const char *fmt, va_list ap)
{
	struct qt_cmd *cmd;

	cmd = kzalloc(sizeof(*cmd), gfp);
	if (!cmd)
		return NULL;
	refcount_set(&cmd->ref, 1);
	INIT_LIST_HEAD(&cmd->node);
	init_completion(&cmd->comp);
	cmd->rx_len = -1;
	cmd->timeout = qt_deadline(QT_CMD_TIMEOUT_MS);
	if (fmt) {
		cmd->line = kvasprintf(gfp, fmt, ap);
		if (!cmd->line) {
			kfree(cmd);
			return NULL;
		}
		cmd->line_len = strlen(cmd->line);
	}
	return cmd;
}

/**
 * qt_cmd_new() - allocate a command, as qt_cmd_vnew()
 * @gfp: allocation flags
 * @fmt: its AT line, or NULL
 * @...: arguments of @fmt
 *
 * Return: the command, or NULL without memory.
 */
struct qt_cmd *qt_cmd_new(gfp_t gfp, const char *fmt, ...)
{
	struct qt_cmd *cmd;
	va_list ap;

	va_start(ap, fmt);
	cmd = qt_cmd_vnew(gfp, fmt, ap);
	va_end(ap);
	return cmd;
}

/**
 * qt_cmd_put() - drop a reference to a command
 * @cmd: the command, or NULL
 *
 * Context: any; frees the command, its line, answer and payload with the
 * last reference.
 */
void qt_cmd_put(struct qt_cmd *cmd)
{
	if (!cmd || !refcount_dec_and_test(&cmd->ref))
		return;
	consume_skb(cmd->skb);
	kfree(cmd->line);
	kfree(cmd->resp);
	kfree(cmd);
}

/**
 * qt_engine_kick() - let the engine look at its queue soon
 * @qd: the module
 *
 * Context: any. The engine's work item writes the next command if the
 * line is free; the receive path does so itself after each final result.
 */
void qt_engine_kick(struct qtcpip_dev *qd)
{
	schedule_work(&qd->eng_work);
}

/* The errno qt_cmd_exec() returns for an outcome (RESET: the reset's). */
static const int qt_outcome_errno[] = {
	[QT_OUT_ERROR]		= -EIO,
	[QT_OUT_SEND_FAIL]	= -ENOBUFS,
	[QT_OUT_NO_CARRIER]	= -ENOTCONN,
	[QT_OUT_TIMEOUT]	= -ETIMEDOUT,
	[QT_OUT_ABORTED]	= -ECONNABORTED,
	[QT_OUT_CANCELLED]	= -ECANCELED,
	[QT_OUT_RESET]		= -ENETRESET,
	[QT_OUT_DETACHED]	= -ENODEV,
};

static void qt_cmd_set_outcome(struct qt_cmd *cmd, enum qt_cmd_outcome out,
			       int err)
{
	cmd->state = QT_CMD_ENDED;
	cmd->outcome = out;
	cmd->status = err ?: qt_outcome_errno[out];
}

/* The module answered (a final, not a deadline or the engine's flush). */
static bool qt_outcome_answered(enum qt_cmd_outcome out)
{
	return out == QT_OUT_OK || out == QT_OUT_ERROR ||
	       out == QT_OUT_SEND_FAIL || out == QT_OUT_NO_CARRIER;
}

/* End the in-flight command with @out (@err: the errno, if not the
 * outcome's). Called under qd->lock.
 */
static void qt_cmd_end(struct qtcpip_dev *qd, enum qt_cmd_outcome out,
		       int err)
{
	struct qt_cmd *cmd = qd->inflight;

	lockdep_assert_held(&qd->lock);
	if (!cmd)
		return;
	qd->inflight = NULL;
	qd->prompt_seen = false;
	qt_cmd_set_outcome(cmd, out, err);
	/* Only an answer proves the module is there. */
	if (qt_outcome_answered(out)) {
		qd->timeouts = 0;
		qd->data_unsure = false;
	}
	/* A UC20 send that ended without its payload, on a result that may
	 * not be the module's answer (a lost '>', a stray final): the module
	 * may be waiting for <len> bytes and take what follows as data. Only
	 * an error code proves it refused. A timeout resyncs at once.
	 */
	if ((cmd->flags & QT_CMDF_PROMPT) && !cmd->payload_written &&
	    cmd->final && cmd->final != QT_FINAL_CME_ERROR &&
	    cmd->final != QT_FINAL_CMS_ERROR && qt_outcome_answered(out))
		qd->data_unsure = true;
	if (cmd->done)
		cmd->done(qd, cmd);
	complete_all(&cmd->comp);
	qt_cmd_put(cmd);
	qt_engine_kick(qd);
}

/* End a queued command that never ran. Called under qd->lock. */
static void qt_cmd_cancel(struct qtcpip_dev *qd, struct qt_cmd *cmd,
			  enum qt_cmd_outcome out, int err)
{
	lockdep_assert_held(&qd->lock);
	list_del_init(&cmd->node);
	qt_cmd_set_outcome(cmd, out, err);
	if (cmd->done)
		cmd->done(qd, cmd);
	complete_all(&cmd->comp);
	qt_cmd_put(cmd);
}

/* Fail the command in flight and every queued one. Called under qd->lock.
 * Done callbacks may queue more: on a dead device those end in this loop
 * too (see qt_cmd_queue_locked()), else they wait for the engine. A loop,
 * not recursion: a socket with a long queue must not eat the stack.
 */
static void qt_engine_flush(struct qtcpip_dev *qd, int err)
{
	enum qt_cmd_outcome out = err == -ENODEV ? QT_OUT_DETACHED :
				  QT_OUT_RESET;
	LIST_HEAD(gone);
	struct qt_cmd *cmd;

	lockdep_assert_held(&qd->lock);
	qd->flushing = true;
	if (qd->inflight)
		qt_cmd_end(qd, out, err);
	do {
		list_splice_init(&qd->cmdq, &gone);
		while (!list_empty(&gone)) {
			cmd = list_first_entry(&gone, struct qt_cmd, node);
			qt_cmd_cancel(qd, cmd, out, err);
		}
	} while (qd->state == QT_DEV_DEAD && !list_empty(&qd->cmdq));
	qd->flushing = false;
}

/**
 * qt_cmd_queue_locked() - queue a command
 * @qd: the module
 * @cmd: the command; the queue takes over the caller's reference
 *
 * Commands go out one at a time, in queue order. The engine always ends
 * a queued command (answer, deadline, reset or detach) and then calls its
 * ->done under qd->lock; on a dead device that happens at once.
 *
 * Context: under qd->lock.
 */
void qt_cmd_queue_locked(struct qtcpip_dev *qd, struct qt_cmd *cmd)
{
	lockdep_assert_held(&qd->lock);
	list_add_tail(&cmd->node, &qd->cmdq);
	if (qd->state == QT_DEV_DEAD) {
		/* Ends at once with -ENODEV; queued by a done callback of a
		 * flush, by the flush's own loop.
		 */
		if (!qd->flushing)
			qt_engine_flush(qd, -ENODEV);
		return;
	}
	qt_engine_kick(qd);
}

/**
 * qt_cmd_queue() - qt_cmd_queue_locked() for a caller without qd->lock
 * @qd: the module
 * @cmd: the command; the queue takes over the caller's reference
 *
 * Context: process or softirq context, qd->lock not held.
 */
void qt_cmd_queue(struct qtcpip_dev *qd, struct qt_cmd *cmd)
{
	spin_lock_bh(&qd->lock);
	qt_cmd_queue_locked(qd, cmd);
	spin_unlock_bh(&qd->lock);
}

/**
 * qt_cmd_exec() - queue a command and wait for it to end
 * @qd: the module
 * @cmd: the command, not queued yet; the caller keeps its reference
 *
 * The engine always ends the command, by the module's answer, its
 * deadline or detach; a fatal signal only stops the wait (the command
 * still runs, its result is then ignored). For init and CAP_NET_ADMIN
 * callers: anyone's call uses qt_cmd_exec_user().
 *
 * Context: process context, may sleep; no lock held.
 * Return: 0, or the errno of the command's outcome (-EIO for ERROR,
 * -ETIMEDOUT, -ENETRESET, -ENODEV...), or -EINTR.
 */
int qt_cmd_exec(struct qtcpip_dev *qd, struct qt_cmd *cmd)
{
	refcount_inc(&cmd->ref);
	qt_cmd_queue(qd, cmd);
	if (wait_for_completion_killable(&cmd->comp))
		return -EINTR;
	return cmd->status;
}

/**
 * qt_cmd_exec_user() - run @cmd for a call any user can make
 * @qd: the module
 * @cmd: the command, not queued yet
 * @wait_ms: how long the caller waits for the queue and the module
 *
 * Unlike qt_cmd_exec(), nobody's call waits long here: not at all while a
 * transparent connection holds the line (it may hold it for hours), and
 * at most @wait_ms or until a signal behind other users' commands. A
 * command that did not start by then leaves the queue.
 *
 * Return: the command's status, -EBUSY, -EAGAIN (the module is busy) or
 * -EINTR.
 */
int qt_cmd_exec_user(struct qtcpip_dev *qd, struct qt_cmd *cmd,
		     unsigned int wait_ms)
{
	long left;

	refcount_inc(&cmd->ref);
	spin_lock_bh(&qd->lock);
	if (qt_tp_on(qd)) {
		/* Ended unrun: its done callback drops what it holds. */
		qt_cmd_cancel(qd, cmd, QT_OUT_CANCELLED, -EBUSY);
		spin_unlock_bh(&qd->lock);
		return -EBUSY;
	}
	qt_cmd_queue_locked(qd, cmd);
	spin_unlock_bh(&qd->lock);
	left = wait_for_completion_interruptible_timeout(&cmd->comp,
							 msecs_to_jiffies(wait_ms));
	if (left > 0)
		return cmd->status;
	spin_lock_bh(&qd->lock);
	/* Still queued (in flight or ended, it is off the queue): nobody
	 * waits for it any more.
	 */
	if (!list_empty(&cmd->node))
		qt_cmd_cancel(qd, cmd, QT_OUT_CANCELLED, -EAGAIN);
	spin_unlock_bh(&qd->lock);
	return left ? -EINTR : -EAGAIN;
}

/* Run one command (for anyone's call: @user, see qt_cmd_exec_user()) and
 * copy its INFO lines to @resp (may be NULL).
 */
static __printf(6, 0) int
qt_vexec(struct qtcpip_dev *qd, bool user, unsigned int timeout_ms,
	 char *resp, size_t resp_size, const char *fmt, va_list ap)
{
	struct qt_cmd *cmd = qt_cmd_vnew(GFP_KERNEL, fmt, ap);
	int err;

	if (!cmd)
		return -ENOMEM;
	if (timeout_ms)
		cmd->timeout = qt_deadline(timeout_ms);
	err = user ? qt_cmd_exec_user(qd, cmd, QT_USER_WAIT_MS) :
		     qt_cmd_exec(qd, cmd);
	if (resp && resp_size) {
		resp[0] = '\0';
		if (!err && cmd->resp)
			strscpy(resp, cmd->resp, resp_size);
	}
	qt_cmd_put(cmd);
	return err;
}

/**
 * qt_exec() - run one AT command and copy its answer, as qt_cmd_exec()
 * @qd: the module
 * @timeout_ms: its deadline, 0 for the default
 * @resp: where its INFO lines go, joined by newlines (may be NULL)
 * @resp_size: the size of @resp
 * @fmt: the AT line without CR
 * @...: arguments of @fmt
 *
 * Context: process context, may sleep.
 * Return: as qt_cmd_exec(), or -ENOMEM.
 */
int qt_exec(struct qtcpip_dev *qd, unsigned int timeout_ms, char *resp,
	    size_t resp_size, const char *fmt, ...)
{
	va_list ap;
	int err;

	va_start(ap, fmt);
	err = qt_vexec(qd, false, timeout_ms, resp, resp_size, fmt, ap);
	va_end(ap);
	return err;
}

/**
 * qt_query() - run one AT command for a call any user can make
 * @qd: the module
 * @resp: where its INFO lines go (may be NULL)
 * @resp_size: the size of @resp
 * @fmt: the AT line without CR
 * @...: arguments of @fmt
 *
 * As qt_exec(), with the bounded wait of qt_cmd_exec_user().
 *
 * Context: process context, may sleep.
 * Return: as qt_cmd_exec_user(), or -ENOMEM.
 */
int qt_query(struct qtcpip_dev *qd, char *resp, size_t resp_size,
	     const char *fmt, ...)
{
	va_list ap;
	int err;

	va_start(ap, fmt);
	err = qt_vexec(qd, true, 0, resp, resp_size, fmt, ap);
	va_end(ap);
	return err;
}

static void qt_write_locked(struct qtcpip_dev *qd, const void *buf, size_t len)
{
	int err = qt_dev_write(qd, buf, len);

	/* The queue holds one command and one payload; only detach fails it. */
	if (err && err != -ENODEV)
		netdev_warn_once(qd->netdev, "tx queue: %d\n", err);
}

/* Whether @len bytes fit in the queue towards the tty now. If not, the
 * engine holds back (a command is never dropped for want of room) and
 * tx_work kicks it once the tty took some. Under qd->lock.
 */
static bool qt_tx_fits(struct qtcpip_dev *qd, size_t len)
{
	lockdep_assert_held(&qd->lock);
	/* Set before looking: a drain after the look then sees it. */
	WRITE_ONCE(qd->tx_wait, true);
	if (qt_dev_write_room(qd) < min_t(size_t, len, QTCPIP_TXBUF_SIZE))
		return false;
	WRITE_ONCE(qd->tx_wait, false);
	return true;
}

/* The zeros and CR of a resync, as far as they fit. Under qd->lock. */
static bool qt_resync_write(struct qtcpip_dev *qd)
{
	static const u8 zeros[64];
	size_t n;

	lockdep_assert_held(&qd->lock);
	while (qd->resync_left) {
		n = qd->resync_left > 1 ?
		    min(qd->resync_left - 1, sizeof(zeros)) : 1;
		if (!qt_tx_fits(qd, n))
			return false;
		qt_write_locked(qd, qd->resync_left > 1 ? zeros : (const u8 *)"\r",
				n);
		qd->resync_left -= n;
	}
	return true;
}

/* Issue the next command, or the payload of the one in flight. Under
 * qd->lock: from the work item, or from the receive path right after the
 * answer that made it possible.
 */
static void qt_eng_step_locked(struct qtcpip_dev *qd)
{
	unsigned int budget = QT_ENG_BUDGET;
	struct qt_cmd *cmd;

	lockdep_assert_held(&qd->lock);
	if (!qt_resync_write(qd))
		return;
	cmd = qd->inflight;
	if (cmd) {
		/* UC20 send: the module asked for the data. */
		if (qd->prompt_seen && cmd->skb && !cmd->payload_written) {
			if (!qt_tx_fits(qd, cmd->payload_len))
				return;
			qd->prompt_seen = false;
			qt_write_locked(qd, cmd->skb->data, cmd->payload_len);
			cmd->payload_written = true;
		}
		if (cmd->state == QT_CMD_GETERROR) {
			if (!qt_tx_fits(qd, 14))
				return;
			cmd->state = QT_CMD_GETERROR_SENT;
			qt_write_locked(qd, "AT+QIGETERROR\r", 14);
			mod_timer(&qd->cmd_timer, jiffies + cmd->timeout);
		}
		return;
	}
	while (!list_empty(&qd->cmdq) && qd->state != QT_DEV_DEAD) {
		cmd = list_first_entry(&qd->cmdq, struct qt_cmd, node);
		if (cmd->build && cmd->build(qd, cmd)) {
			/* Nothing to do any more (data already gone). The
			 * done callback must not queue the same again at
			 * once; if it does, the budget still ends this run.
			 */
			qt_cmd_cancel(qd, cmd, QT_OUT_CANCELLED, 0);
			if (!--budget) {
				qt_engine_kick(qd);
				break;
			}
			continue;
		}
		/* Not all of it fits: it stays first, built again later. */
		if (!qt_tx_fits(qd, cmd->line_len + 1))
			break;
		list_del_init(&cmd->node);
		cmd->state = QT_CMD_SENT;
		qd->inflight = cmd;
		qd->prompt_seen = false;
		qt_write_locked(qd, cmd->line, cmd->line_len);
		qt_write_locked(qd, "\r", 1);
		mod_timer(&qd->cmd_timer, jiffies + cmd->timeout);
		break;
	}
}

static void qt_eng_work(struct work_struct *work)
{
	struct qtcpip_dev *qd = container_of(work, struct qtcpip_dev, eng_work);

	spin_lock_bh(&qd->lock);
	/* Transparent mode: the line is the connection's; commands wait. */
	if (qt_tp_on(qd))
		qt_tp_tx(qd);
	else
		qt_eng_step_locked(qd);
	spin_unlock_bh(&qd->lock);
}

static void qt_probe_done(struct qtcpip_dev *qd, struct qt_cmd *cmd)
{
	lockdep_assert_held(&qd->lock);
	qd->probe_queued = false;
}

static void qt_probe_locked(struct qtcpip_dev *qd, unsigned int flags,
			    unsigned int timeout_ms)
{
	struct qt_cmd *cmd;

	lockdep_assert_held(&qd->lock);
	if (qd->probe_queued)
		return;
	cmd = qt_cmd_new(GFP_ATOMIC, "AT");
	if (!cmd)
		return;
	cmd->flags = QT_CMDF_INTERNAL | flags;
	if (timeout_ms)
		cmd->timeout = qt_deadline(timeout_ms);
	cmd->done = qt_probe_done;
	qd->probe_queued = true;
	qt_cmd_queue_locked(qd, cmd);
}

/**
 * qt_engine_probe_locked() - ask whether the module still answers ("AT")
 * @qd: the module
 *
 * Context: under qd->lock.
 */
void qt_engine_probe_locked(struct qtcpip_dev *qd)
{
	qt_probe_locked(qd, 0, 0);
}

/**
 * qt_engine_resync_locked() - get the module out of a data phase
 * @qd: the module
 * @len: how many bytes it may still be waiting for
 *
 * Writes @len zeros (as many as it can be missing) and a CR before the
 * next command; left-over zeros make a line without "AT", which it
 * ignores or refuses. The answers those draw (SEND OK, ERROR) come before
 * those of the ATI queued first, whose INFO lines tell where the stale
 * ones end.
 *
 * Context: under qd->lock.
 */
void qt_engine_resync_locked(struct qtcpip_dev *qd, size_t len)
{
	struct qt_cmd *cmd;

	lockdep_assert_held(&qd->lock);
	/* Written by the engine before anything else, as room allows. */
	qd->resync_left += len + 1;
	qt_engine_kick(qd);
	cmd = qt_cmd_new(GFP_ATOMIC, "ATI");
	if (!cmd)
		return;
	cmd->flags = QT_CMDF_INTERNAL | QT_CMDF_SYNC;
	list_add(&cmd->node, &qd->cmdq);
	qt_engine_kick(qd);
}

/* The in-flight command's deadline passed. */
static void qt_cmd_timer(struct timer_list *t)
{
	struct qtcpip_dev *qd = from_timer(qd, t, cmd_timer);
	bool lost = false, unsure, garbled;
	struct qt_cmd *cmd;

	spin_lock_bh(&qd->lock);
	cmd = qd->inflight;
	if (cmd && (cmd->flags & QT_CMDF_RATE) && qd->state != QT_DEV_DEAD) {
		/* A line rate switch's command: no answer means a rate the
		 * module does not hear, which its switch handles; nothing to
		 * count, resync or probe (it would write at a rate in doubt).
		 */
		qt_parser_reset(&qd->parser);
		qt_rx_end(qd, false);
		qt_cmd_end(qd, QT_OUT_TIMEOUT, 0);
		cmd = NULL;
	}
	if (cmd && qd->state != QT_DEV_DEAD) {
		/* The probe after garbage drew garbage again: the module
		 * talks at another rate (it rebooted with another AT+IPR,
		 * the tty's rate changed): init finds out and says so.
		 */
		garbled = (cmd->flags & QT_CMDF_GARBLED) &&
			  qd->rx_lined != qd->rx_seen;
		/* The name only: its arguments may hold a password. */
		if (qd->state == QT_DEV_READY && cmd->line)
			netdev_warn(qd->netdev, "no answer to %.*s\n",
				    (int)min_t(size_t, 32,
					       strcspn(cmd->line, "=?")),
				    cmd->line);
		/* Whatever half line or data block we had is worthless, and
		 * the answer went missing with what else the line held.
		 */
		qt_parser_reset(&qd->parser);
		qt_rx_end(qd, false);
		qd->hints_unsure = true;
		qd->timeouts++;
		/* A send ended without its payload earlier and now no answer
		 * comes: the module most likely took this command as that
		 * send's data. As many zeros as a send can take end it; once,
		 * until a send ends so again.
		 */
		unsure = qd->data_unsure;
		qd->data_unsure = false;
		/* Or whatever made the module fall silent: the second
		 * timeout in a row ends a data phase of a dialect that has
		 * one, once per silence (only an answer resets the count).
		 * Not while probing: a booting or garbling module misses
		 * probes by nature, and the resync's ATI would hold the
		 * probes up for a whole command deadline.
		 */
		if (qd->timeouts == 2 && qd->state != QT_DEV_PROBING &&
		    (!qd->dialect || !qd->dialect->send_inline))
			unsure = true;
		if (unsure)
			qt_engine_resync_locked(qd, qd->dialect ?
						qd->dialect->max_send :
						QT_SEND_MAX);
		if (cmd->flags & QT_CMDF_PROMPT) {
			/* A UC20 that lost part of the payload still counts
			 * bytes and would take the next command as data. The
			 * peer may get zeros: the sender must know.
			 */
			if (!unsure)
				qt_engine_resync_locked(qd, cmd->payload_len);
			qt_cmd_end(qd, QT_OUT_ABORTED, 0);
		} else {
			qt_cmd_end(qd, QT_OUT_TIMEOUT, 0);
		}
		lost = (qd->timeouts >= QT_MAX_TIMEOUTS || garbled) &&
		       qd->state == QT_DEV_READY;
		/* Is anybody there? Ask at once, so that a mute module is
		 * found in three deadlines even when nothing else is queued.
		 */
		if (!lost && qd->state == QT_DEV_READY && list_empty(&qd->cmdq))
			qt_engine_probe_locked(qd);
	}
	spin_unlock_bh(&qd->lock);
	/* A mute module: fail the sockets and probe until it answers. */
	if (lost)
		qt_engine_reset(qd, -ETIMEDOUT);
}

static void qt_resp_append(struct qt_cmd *cmd, const char *line, size_t len)
{
	size_t need = cmd->resp_len + len + 2;
	char *resp;

	if (need > QT_RESP_MAX)
		return;
	resp = krealloc(cmd->resp, need, GFP_ATOMIC);
	if (!resp)
		return;
	if (cmd->resp_len)
		resp[cmd->resp_len++] = '\n';
	memcpy(resp + cmd->resp_len, line, len);
	cmd->resp_len += len;
	resp[cmd->resp_len] = '\0';
	cmd->resp = resp;
}

static bool qt_cmd_is(const struct qt_cmd *cmd, const char *name)
{
	return cmd->line && !strncmp(cmd->line, name, strlen(name));
}

/* SEND OK / CLOSE OK that no command in flight can own: the late answer
 * of an earlier command (a BC660K's CLOSE OK ~50 ms after the OK, or one
 * owed by the init-time closes). Under qd->lock.
 */
static bool qt_final_stray(struct qtcpip_dev *qd, const struct qt_event *ev)
{
	struct qt_cmd *cmd = qd->inflight;

	lockdep_assert_held(&qd->lock);
	switch (ev->final) {
	case QT_FINAL_CLOSE_OK:
	case QT_FINAL_CLOSE_FAIL:
		/* A close whose OK came waits for just this. */
		if (cmd && cmd->state == QT_CMD_ACCEPTED &&
		    qt_cmd_is(cmd, "AT+QICLOSE"))
			return false;
		if (qd->close_owed &&
		    time_before(jiffies, qd->close_owed_until)) {
			qd->close_owed--;
			return true;
		}
		qd->close_owed = 0;
		return !cmd || !qt_cmd_is(cmd, "AT+QICLOSE");
	case QT_FINAL_SEND_OK:
	case QT_FINAL_SEND_FAIL:
		return !cmd || !qt_cmd_is(cmd, "AT+QISEND");
	default:
		return !cmd;
	}
}

static void qt_on_final(struct qtcpip_dev *qd, const struct qt_event *ev)
{
	struct qt_cmd *cmd = qd->inflight;
	bool asked;

	lockdep_assert_held(&qd->lock);
	if (qt_final_stray(qd, ev)) {
		qd->stray_finals++;
		return;
	}
	if ((cmd->flags & QT_CMDF_SYNC) && !cmd->resp_len) {
		/* The answer to something before the resync. */
		qd->stray_finals++;
		return;
	}
	asked = cmd->state == QT_CMD_GETERROR ||
		cmd->state == QT_CMD_GETERROR_SENT;
	cmd->final = ev->final;
	switch (ev->final) {
	case QT_FINAL_OK:
		if (asked) {
			/* The answer to AT+QIGETERROR: the command failed. */
			qt_cmd_end(qd, QT_OUT_ERROR, 0);
			return;
		}
		if (cmd->flags & QT_CMDF_LATE_FINAL) {
			cmd->state = QT_CMD_ACCEPTED;
			return;
		}
		if (cmd->flags & QT_CMDF_CLOSE_OWED) {
			/* Its CLOSE OK may come, or not: swallow it a while. */
			qd->close_owed++;
			qd->close_owed_until = jiffies + 2 * HZ;
		}
		qt_cmd_end(qd, QT_OUT_OK, 0);
		break;
	case QT_FINAL_SEND_OK:
	case QT_FINAL_CLOSE_OK:
	case QT_FINAL_CONNECT:
		qt_cmd_end(qd, QT_OUT_OK, 0);
		break;
	case QT_FINAL_SEND_FAIL:
		/* The module's send buffer is full: try again later. */
		qt_cmd_end(qd, QT_OUT_SEND_FAIL, 0);
		break;
	case QT_FINAL_CME_ERROR:
	case QT_FINAL_CMS_ERROR:
		cmd->code = ev->code;
		qt_cmd_end(qd, QT_OUT_ERROR, 0);
		break;
	case QT_FINAL_NO_CARRIER:
		qt_cmd_end(qd, QT_OUT_NO_CARRIER, 0);
		break;
	case QT_FINAL_ERROR:
		/* Ask why, as part of the same command (one in flight). */
		if ((cmd->flags & QT_CMDF_GETERROR) && !asked) {
			cmd->state = QT_CMD_GETERROR;
			qt_engine_kick(qd);
			return;
		}
		qt_cmd_end(qd, QT_OUT_ERROR, 0);
		break;
	default:
		qt_cmd_end(qd, asked ? QT_OUT_ERROR : QT_OUT_OK, 0);
		break;
	}
}

/* A line no command and no URC row owns: modules print vendor URCs the
 * manuals never show (+CSCON, +CEREG, +IP:, +QNBIOTEVENT, MQTT...).
 */
static void qt_unknown_urc(struct qtcpip_dev *qd, const struct qt_event *ev)
{
	lockdep_assert_held(&qd->lock);
	qd->urc_unknown++;
	/* A mangled +QIURC (or a lie's data header, whose "data" eats the
	 * lines after it) may have been a hint; vendor URCs are not.
	 */
	if (!strncmp(ev->line, "+QI", 3))
		qd->hints_unsure = true;
	if (net_ratelimit())
		netdev_info(qd->netdev, "unsolicited: %.64s\n", ev->line);
}

static void qt_on_info(struct qtcpip_dev *qd, const struct qt_event *ev)
{
	struct qt_cmd *cmd = qd->inflight;
	struct qt_ans_geterror ge;

	lockdep_assert_held(&qd->lock);
	/* With echo off, the echo of our own command means that the module
	 * rebooted (echo is on after boot) without a RDY we could see.
	 */
	if (cmd && cmd->line && !qd->parser.echo_filter &&
	    qd->state != QT_DEV_PROBING && qd->state != QT_DEV_BAD_RATE &&
	    ev->line_len == cmd->line_len &&
	    !memcmp(ev->line, cmd->line, ev->line_len)) {
		qd->reset_pending = true;
		return;
	}
	if (!cmd) {
		if (ev->line[0] == '+')
			qt_unknown_urc(qd, ev);
		return;
	}
	if (cmd->state == QT_CMD_GETERROR ||
	    cmd->state == QT_CMD_GETERROR_SENT) {
		if (!strncmp(ev->line, "+QIGETERROR:", 12))
			cmd->code = qt_ans_geterror(ev->line, ev->line_len,
						    &ge) ? 0 : ge.code;
		return;
	}
	if (cmd->conn && !strncmp(ev->line, "+QIRD:", 6)) {
		/* Data of a read: its bytes follow as QT_EV_DATA. */
		cmd->rx_len = ev->len;
		qt_rx_start(qd, cmd->conn, ev);
		return;
	}
	if (!qt_line_answers(cmd->line, cmd->info_prefix, ev->line)) {
		qt_unknown_urc(qd, ev);
		return;
	}
	qt_resp_append(cmd, ev->line, ev->line_len);
}

/* The module holds data for connectID @id; with @hint_only, only if the
 * connection is in buffer access mode (else the URC carries the data).
 * Returns whether it was taken as a hint. Under qd->lock.
 */
static bool qt_recv_hint(struct qtcpip_dev *qd, int id, bool hint_only)
{
	struct qt_conn *conn = qt_conn_get(qd, id);
	bool hint = conn && (!hint_only || conn->ops->buffered(conn));

	if (hint)
		conn->ops->recv_hint(qd, conn);
	if (conn)
		conn->ops->put(conn);
	return hint;
}

/**
 * qt_engine_pdpdeact_locked() - a PDP context was deactivated
 * @qd: the module
 * @ctx: the context
 *
 * Its connections fail (->pdp_down), and the link is down with the
 * default context.
 *
 * Context: under qd->lock.
 */
void qt_engine_pdpdeact_locked(struct qtcpip_dev *qd, int ctx)
{
	struct qt_conn *conn;
	int id;

	lockdep_assert_held(&qd->lock);
	if (ctx < 1 || ctx > QT_MAX_CTX)
		return;
	qd->ctx_active[ctx] = false;
	for (id = 0; id < QT_MAX_CONN; id++) {
		conn = qt_conn_get(qd, id);
		if (!conn)
			continue;
		conn->ops->pdp_down(qd, conn, ctx);
		conn->ops->put(conn);
	}
	if (ctx == 1 && netif_carrier_ok(qd->netdev)) {
		netif_carrier_off(qd->netdev);
		qt_dev_event(qd, QTCPIP_EVENT_LINK_DOWN, 0);
	}
}

static void qt_on_urc(struct qtcpip_dev *qd, const struct qt_event *ev)
{
	struct qt_conn *conn;

	lockdep_assert_held(&qd->lock);
	switch (ev->urc) {
	case QT_URC_RECV:
	case QT_URC_BUFF_FULL:
		qt_recv_hint(qd, ev->id, false);
		break;
	case QT_URC_RECV_PUSH:
		/* Buffer mode: newer firmware adds the length to the "recv"
		 * hint, and no data follows (BG96, EC21 manuals show none).
		 */
		if (qt_recv_hint(qd, ev->id, true)) {
			qt_parser_skip_block(&qd->parser);
			break;
		}
		conn = qt_conn_get(qd, ev->id);
		qt_rx_start(qd, conn, ev);
		if (conn)
			conn->ops->put(conn);
		break;
	case QT_URC_CLOSED:
		conn = qt_conn_get(qd, ev->id);
		if (conn) {
			conn->ops->closed(qd, conn);
			conn->ops->put(conn);
		}
		break;
	case QT_URC_QIOPEN:
		conn = qt_conn_get(qd, ev->id);
		if (conn) {
			conn->ops->opened(qd, conn, ev->code);
			conn->ops->put(conn);
		}
		break;
	case QT_URC_PDPDEACT:
		qt_dev_event(qd, QTCPIP_EVENT_PDPDEACT, ev->id);
		qt_engine_pdpdeact_locked(qd, ev->id);
		/* Bring the default context back if the link is up. */
		if (ev->id == 1)
			qt_dev_queue_work_locked(qd, &qd->link_work);
		break;
	case QT_URC_INCOMING:
		qd->ops->incoming(qd, ev);
		break;
	case QT_URC_INCOMING_FULL:
		/* The module refused a client: nothing to accept. */
		qd->netdev->stats.rx_missed_errors++;
		break;
	case QT_URC_DNSGIP_HDR:
	case QT_URC_DNSGIP_ADDR:
	case QT_URC_QPING:
	case QT_URC_QNTP:
		qt_async_urc(qd, ev);
		break;
	case QT_URC_RDY:
	case QT_URC_BOOT:
		/* The module rebooted (RDY, APP RDY, the MT2625 boot ROM
		 * banner): handled once this input is parsed. While probing
		 * the boot burst is no news: the probe goes on.
		 */
		if (qd->state != QT_DEV_PROBING &&
		    qd->state != QT_DEV_BAD_RATE)
			qd->reset_pending = true;
		break;
	case QT_URC_OTHER:
		if (strncmp(ev->line, "+QIURC:", 7))
			break;
		qt_unknown_urc(qd, ev);
		break;
	default:
		break;
	}
}

static void qt_on_event(void *ctx, const struct qt_event *ev)
{
	struct qtcpip_dev *qd = ctx;

	lockdep_assert_held(&qd->lock);
	/* The module rebooted earlier in this input: what follows is the
	 * new boot's (its echo, an ERROR for a connectID it no longer has),
	 * not an answer to the command in flight. The reset after this
	 * input fails that command and every connection with ENETRESET; an
	 * ERROR taken as the send's answer would fail it with EPIPE first.
	 */
	if (qd->reset_pending)
		return;
	/* A line only a module at the right rate can form (at_init.c). */
	if (ev->type == QT_EV_FINAL || ev->type == QT_EV_PROMPT ||
	    (ev->type == QT_EV_URC && ev->urc != QT_URC_OTHER))
		qd->rx_known++;
	/* Any line or data: the bytes so far were no garbage (tick). */
	if (ev->type == QT_EV_FINAL || ev->type == QT_EV_INFO ||
	    ev->type == QT_EV_URC || ev->type == QT_EV_PROMPT ||
	    ev->type == QT_EV_DATA || ev->type == QT_EV_DATA_END)
		qd->rx_lined = qd->rx_seen;
	switch (ev->type) {
	case QT_EV_FINAL:
		qt_on_final(qd, ev);
		break;
	case QT_EV_INFO:
		qt_on_info(qd, ev);
		break;
	case QT_EV_URC:
		qt_on_urc(qd, ev);
		break;
	case QT_EV_DATA:
		if (qt_tp_on(qd))
			qt_tp_rx(qd, ev->data, ev->data_len);
		else if (qd->rx_conn)
			qd->rx_conn->ops->data(qd, qd->rx_conn, ev->data,
					       ev->data_len);
		break;
	case QT_EV_DATA_END:
		qt_rx_end(qd, true);
		break;
	case QT_EV_PROMPT:
		if (qd->inflight && (qd->inflight->flags & QT_CMDF_PROMPT)) {
			qd->prompt_seen = true;
			qt_engine_kick(qd);
		} else {
			/* The '>' of a send already ended (by a stray final):
			 * the module waits for data nobody will write.
			 */
			qd->data_unsure = true;
		}
		break;
	case QT_EV_MALFORMED:
		/* A buffer-mode hint whose length (all the unread bytes) is
		 * more than one data block: still a hint.
		 */
		if (ev->line && !strncmp(ev->line, "+QIURC:", 7) &&
		    qt_recv_hint(qd, ev->id, true))
			break;
		qd->netdev->stats.rx_errors++;
		qd->hints_unsure = true;
		break;
	default:
		/* Overlong line, bad hex. */
		qd->netdev->stats.rx_errors++;
		qd->hints_unsure = true;
		break;
	}
}

/**
 * qt_engine_rx() - bytes from the module
 * @qd: the module
 * @buf: the bytes
 * @len: how many
 *
 * Parses them (or hands them to transparent mode) and reports to the
 * connections through their ops; writes the next command when an answer
 * frees the line.
 *
 * Context: the tty's receive_buf; never waits; takes qd->lock.
 */
void qt_engine_rx(struct qtcpip_dev *qd, const u8 *buf, size_t len)
{
	bool reset;
	size_t i;

	spin_lock_bh(&qd->lock);
	qd->last_rx = jiffies;
	/* Line ends may come after their line's event: not counted. */
	for (i = 0; i < len; i++)
		if (buf[i] != '\r' && buf[i] != '\n')
			qd->rx_seen++;
	if (qd->state != QT_DEV_DEAD)
		qt_parser_feed(&qd->parser, buf, len);
	reset = qd->reset_pending;
	qd->reset_pending = false;
	/* The answer just parsed may free the line for the next command, or
	 * be the UC20's '>': write it now rather than after a work item's
	 * scheduling delay (issue 14: the turnaround was most of the gap to
	 * the framing's bound at 921600). The work item still runs and then
	 * finds nothing to do.
	 */
	if (!reset && qd->state != QT_DEV_DEAD && !qt_tp_on(qd) &&
	    (qd->inflight ? qd->prompt_seen ||
			    qd->inflight->state == QT_CMD_GETERROR :
			    !list_empty(&qd->cmdq)))
		qt_eng_step_locked(qd);
	spin_unlock_bh(&qd->lock);
	if (reset) {
		netdev_warn(qd->netdev, "module reset\n");
		qt_dev_event(qd, QTCPIP_EVENT_RESET, 0);
		qt_engine_reset(qd, -ENETRESET);
	}
}

/* Module reset or detach: every connection is gone. */
static void qt_engine_fail_conns(struct qtcpip_dev *qd, int err)
{
	struct qt_conn *gone[QT_MAX_CONN];
	int id, n = 0;

	spin_lock_bh(&qd->lock);
	for (id = 0; id < QT_MAX_CONN; id++) {
		struct qt_conn *conn = qt_conn_detach_locked(qd, id);

		if (!conn)
			continue;
		conn->ops->failed(qd, conn, err);
		gone[n++] = conn;
	}
	/* Reset or gone: the init closes every id of the module anew. */
	qd->ids_stale = 0;
	spin_unlock_bh(&qd->lock);
	/* Outside the lock: this may be the last reference. */
	while (n--)
		gone[n]->ops->put(gone[n]);
}

/**
 * qt_engine_reset() - the module rebooted or fell silent: start over
 * @qd: the module
 * @err: what every command and connection in progress fails with
 *	(-ENETRESET, -ETIMEDOUT for a mute module)
 *
 * Leaves transparent mode, ends every command and fails every connection
 * (->failed) with @err, takes the carrier down and runs init again
 * (probe, identify, configure).
 *
 * Context: process or softirq context, qd->lock not held.
 */
void qt_engine_reset(struct qtcpip_dev *qd, int err)
{
	spin_lock_bh(&qd->lock);
	if (qd->state != QT_DEV_DEAD) {
		qd->state = QT_DEV_PROBING;
		qt_tp_abort(qd);
		qt_engine_flush(qd, err);
		/* Whatever the module was inside of, it starts afresh. */
		qd->resync_left = 0;
		qd->data_unsure = false;
		qt_parser_reset(&qd->parser);
		qt_rx_end(qd, false);
		/* After a reboot the module echoes again until ATE0. */
		qt_parser_set_echo_filter(&qd->parser, true);
		qd->close_owed = 0;
		qd->reprobe = true;
		qt_dev_queue_work_locked(qd, &qd->init_work);
	}
	spin_unlock_bh(&qd->lock);
	/* An init waiting on an unsupported module identifies it again. */
	wake_up(&qd->stop_wait);
	if (netif_carrier_ok(qd->netdev)) {
		netif_carrier_off(qd->netdev);
		qt_dev_event(qd, QTCPIP_EVENT_LINK_DOWN, 0);
	}
	qt_engine_fail_conns(qd, err);
}

/* Input that may have held "recv" hints was lost: each connection reads
 * once if it may hold data (a read of nothing costs "+QIRD: 0").
 */
static void qt_hints_recheck(struct qtcpip_dev *qd)
{
	struct qt_conn *conn;
	int id;

	lockdep_assert_held(&qd->lock);
	qd->hints_unsure = false;
	qd->hints_checked = jiffies;
	for (id = 0; id < QT_MAX_CONN; id++) {
		conn = qt_conn_get(qd, id);
		if (!conn)
			continue;
		conn->ops->hint_lost(qd, conn);
		conn->ops->put(conn);
	}
}

static void qt_tick_work(struct work_struct *work)
{
	struct qtcpip_dev *qd = container_of(to_delayed_work(work),
					     struct qtcpip_dev, tick_work);

	spin_lock_bh(&qd->lock);
	qd->ops->tick(qd);
	qt_tp_tick(qd);
	/* Keepalive: an idle module is asked now and then whether it is
	 * still there, so that sockets waiting for data learn it when not.
	 */
	if (qd->state == QT_DEV_READY && !qd->inflight &&
	    list_empty(&qd->cmdq) &&
	    time_after(jiffies, qd->last_rx + QT_KEEPALIVE))
		qt_engine_probe_locked(qd);
	/* Bytes that formed no line, then quiet: a module that rebooted at
	 * another rate (AT+IPR) says RDY in garbage; ask it now.
	 */
	if (qd->state == QT_DEV_READY && !qd->inflight && !qt_tp_on(qd) &&
	    list_empty(&qd->cmdq) && qd->rx_lined != qd->rx_seen &&
	    time_after(jiffies, qd->last_rx + HZ / 2)) {
		qd->rx_lined = qd->rx_seen;
		qd->hints_unsure = true;
		qt_probe_locked(qd, QT_CMDF_GARBLED, QT_GARBLED_PROBE_MS);
	}
	if (qd->hints_unsure && qd->state == QT_DEV_READY && !qt_tp_on(qd) &&
	    time_after_eq(jiffies, qd->hints_checked + QT_HINT_RECHECK))
		qt_hints_recheck(qd);
	spin_unlock_bh(&qd->lock);
	if (READ_ONCE(qd->state) != QT_DEV_DEAD)
		schedule_delayed_work(&qd->tick_work, HZ / 10);
}

/**
 * qt_engine_init() - set up the engine of a new device
 * @qd: the module, not attached yet
 *
 * Context: process context, from the line discipline's open.
 */
void qt_engine_init(struct qtcpip_dev *qd)
{
	spin_lock_init(&qd->lock);
	qd->ops = qt_dev_ops;
	INIT_LIST_HEAD(&qd->cmdq);
	init_waitqueue_head(&qd->stop_wait);
	init_waitqueue_head(&qd->async_wait);
	INIT_WORK(&qd->link_work, qt_link_work);
	INIT_DELAYED_WORK(&qd->tp_leave_work, qt_tp_leave_work);
	INIT_WORK(&qd->eng_work, qt_eng_work);
	INIT_WORK(&qd->init_work, qt_init_work);
	INIT_DELAYED_WORK(&qd->tick_work, qt_tick_work);
	timer_setup(&qd->cmd_timer, qt_cmd_timer, 0);
	qd->state = QT_DEV_PROBING;
	qd->last_rx = jiffies;
	qd->hints_checked = jiffies - QT_HINT_RECHECK;
	qt_parser_init(&qd->parser, QT_MODEL_UNKNOWN, qt_on_event, qd);
	qt_parser_set_echo_filter(&qd->parser, true);
}

/**
 * qt_engine_start() - start probing and identifying the module
 * @qd: the module, attached
 *
 * Context: any.
 */
void qt_engine_start(struct qtcpip_dev *qd)
{
	qt_dev_queue_work(qd, &qd->init_work);
	schedule_delayed_work(&qd->tick_work, HZ / 10);
}

/**
 * qt_engine_stop() - detach: the engine ends
 * @qd: the module
 *
 * Ends every command (outcome DETACHED), stops every timer and work item
 * and fails every connection (->failed, -ENODEV). Nothing of the engine
 * runs after it returns.
 *
 * Context: process context, before the tty is forgotten; may sleep.
 */
void qt_engine_stop(struct qtcpip_dev *qd)
{
	spin_lock_bh(&qd->lock);
	qd->state = QT_DEV_DEAD;
	qt_tp_abort(qd);
	qt_engine_flush(qd, -ENODEV);
	qd->resync_left = 0;
	WRITE_ONCE(qd->tx_wait, false);
	qt_rx_end(qd, false);
	spin_unlock_bh(&qd->lock);
	wake_up(&qd->stop_wait);

	wake_up_all(&qd->async_wait);
	cancel_work_sync(&qd->init_work);
	cancel_work_sync(&qd->link_work);
	cancel_delayed_work_sync(&qd->tp_leave_work);
	cancel_delayed_work_sync(&qd->tick_work);
	del_timer_sync(&qd->cmd_timer);
	cancel_work_sync(&qd->eng_work);
	qt_engine_fail_conns(qd, -ENODEV);
}
