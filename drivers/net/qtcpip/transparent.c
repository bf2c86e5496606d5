// SPDX-License-Identifier: GPL-2.0
/* qtcpip: UC20 transparent access mode.
 *
 * One connection may take the whole serial line: after CONNECT every byte
 * either way is its payload, at the line's full rate. Meanwhile the engine
 * writes no command; other sockets' I/O and control requests wait in the
 * queue (their deadlines start when they are written). The connection
 * leaves with "+++" between two guard times of silence (manual 1.2), the
 * module answering OK and going to buffer mode; or the module leaves by
 * itself with NO CARRIER when the connection drops.
 *
 * Both endings arrive inside the raw stream, where the remote peer can
 * write the same bytes. The rules that keep its bytes data:
 *  - an OK counts only after our own "+++", a NO CARRIER only as a reason
 *    to send one: from the first ending seen, nothing more is delivered or
 *    written, the bytes are held, and "+++" is sent with its guard times;
 *  - once that "+++" had time to act, the module is in command mode
 *    whichever way it was before, and the line has gone quiet: the LAST
 *    ending in the held bytes is the module's (the peer can send nothing
 *    after the module's own ending), what precedes it is data, what follows
 *    it is command-mode output (held URCs);
 *  - user bytes never form "+++" between guard times: a '+' that follows
 *    silence is written alone and followed by twice the guard time of
 *    silence, so no three '+' can come within one guard time of it;
 *  - user bytes still queued when a NO CARRIER shows are discarded, never
 *    left for the module's command interpreter; if the NO CARRIER was the
 *    peer's, the connection is reset (its outgoing stream has a hole).
 * Documentation/networking/qtcpip.rst has the trust model.
 */

#include <linux/jiffies.h>
#include <linux/skbuff.h>

#include "qtcpip.h"

/* The manual's guard time T1. */
#define QT_GUARD_MS	1000
/* How long the module may take to answer "+++" once its line is quiet
 * (it first sends what it still holds for the connection, which takes a
 * while at 115200 baud, but not this long), and how many tries.
 */
#define QT_PLUS_WAIT_MS	3000
#define QT_PLUS_MAX_MS	30000
#define QT_PLUS_TRIES	3
/* After an ending, the module's held URCs come at once: this much quiet
 * ends them.
 */
#define QT_QUIET_MS	500
/* A user '+' that follows this much silence could start an escape; it is
 * followed by QT_PLUS_GAP_MS of silence. Both leave room for the module
 * and the line to see the timing up to QT_GUARD_MS / 2 off.
 */
#define QT_PLUS_QUIET_MS	(QT_GUARD_MS / 4)
#define QT_PLUS_GAP_MS		(2 * QT_GUARD_MS)
/* A held tail that could begin an ending is given to the reader after
 * this much quiet (the module writes an ending in one go); it is still
 * matched against what comes next.
 */
#define QT_TAIL_MS	200

static const char qt_no_carrier[] = "\r\nNO CARRIER\r\n";
static const char qt_ok[] = "\r\nOK\r\n";

/* Bytes at the end of @p (@n) that could begin @term. */
static size_t qt_tail_match(const u8 *p, size_t n, const char *term)
{
	size_t tl = strlen(term), k;

	for (k = min(n, tl - 1); k; k--)
		if (!memcmp(p + n - k, term, k))
			return k;
	return 0;
}

/* Where the first @term in @p (@n) at or after @from starts, or -1. */
static long qt_find_first(const u8 *p, size_t n, size_t from, const char *term)
{
	size_t tl = strlen(term), i;

	for (i = from; i + tl <= n; i++)
		if (p[i] == '\r' && !memcmp(p + i, term, tl))
			return i;
	return -1;
}

/* Where the last @term in @p (@n) starts, or -1. */
static long qt_find_last(const u8 *p, size_t n, const char *term)
{
	size_t tl = strlen(term), i;

	for (i = n; i >= tl; i--)
		if (!memcmp(p + i - tl, term, tl))
			return i - tl;
	return -1;
}

/* An OK means something only once our "+++" is out. */
static bool qt_tp_ok_counts(struct qtcpip_dev *qd)
{
	lockdep_assert_held(&qd->lock);
	return qd->tp_state == QT_TP_PLUS_SENT || qd->tp_plus_tries;
}

/* The first ending in @p (@n) from @from; its length in @tl. */
static long qt_tp_find_end(struct qtcpip_dev *qd, const u8 *p, size_t n,
			   size_t from, size_t *tl)
{
	long nc = qt_find_first(p, n, from, qt_no_carrier), ok = -1;

	if (qt_tp_ok_counts(qd))
		ok = qt_find_first(p, n, from, qt_ok);
	if (ok >= 0 && (nc < 0 || ok < nc)) {
		*tl = strlen(qt_ok);
		return ok;
	}
	*tl = strlen(qt_no_carrier);
	return nc;
}

/* Bytes at the end of @p (@n) that could begin an ending. */
static size_t qt_tp_tail(struct qtcpip_dev *qd, const u8 *p, size_t n)
{
	size_t keep = qt_tail_match(p, n, qt_no_carrier);

	if (qt_tp_ok_counts(qd))
		keep = max(keep, qt_tail_match(p, n, qt_ok));
	return keep;
}

/* Raw bytes for the transparent connection. */
static void qt_tp_deliver(struct qtcpip_dev *qd, const u8 *data, size_t n)
{
	lockdep_assert_held(&qd->lock);
	if (n && qd->tp_conn)
		qd->tp_conn->ops->tp_rx(qd, qd->tp_conn, data, n);
}

/* Give the line back to the engine; returns the connection that had it
 * (its reference is the caller's). Under qd->lock.
 */
static struct qt_conn *qt_tp_release_line(struct qtcpip_dev *qd)
{
	struct qt_conn *conn = qd->tp_conn;

	lockdep_assert_held(&qd->lock);
	WRITE_ONCE(qd->tp_state, QT_TP_OFF);
	qd->tp_suspect = false;
	qd->tp_tx_holding = false;
	qd->tp_held_len = 0;
	qd->tp_held_skip = 0;
	qd->tp_conn = NULL;
	qt_parser_set_raw(&qd->parser, false);
	wake_up_all(&qd->async_wait);
	return conn;
}

/* The line is back in command mode. Under qd->lock. */
static void qt_tp_end(struct qtcpip_dev *qd, bool carrier_lost)
{
	bool resume = !qd->tp_user_leave, reset = qd->tp_discarded != 0;
	struct qt_conn *conn = qt_tp_release_line(qd);

	lockdep_assert_held(&qd->lock);
	if (conn) {
		conn->ops->tp_end(qd, conn, carrier_lost, reset, resume);
		conn->ops->put(conn);
	}
	qd->tp_discarded = 0;
	qt_engine_kick(qd);
}

/* Give the reader tp_held up to @upto (what it has not had yet), and
 * drop those bytes from tp_held. Under qd->lock.
 */
static void qt_tp_release_held(struct qtcpip_dev *qd, size_t upto)
{
	size_t from = min(qd->tp_held_skip, upto);

	lockdep_assert_held(&qd->lock);
	qt_tp_deliver(qd, qd->tp_held + from, upto - from);
	qd->tp_held_skip -= from;
	memmove(qd->tp_held, qd->tp_held + upto, qd->tp_held_len - upto);
	qd->tp_held_len -= upto;
}

/* The module is in command mode and the line quiet: the last ending held
 * is the module's. Returns true if the command-mode output that followed
 * it announced a reset. Under qd->lock.
 */
static bool qt_tp_decide(struct qtcpip_dev *qd)
{
	long nc = qt_find_last(qd->tp_held, qd->tp_held_len, qt_no_carrier);
	long ok = qt_find_last(qd->tp_held, qd->tp_held_len, qt_ok);
	size_t end, n = qd->tp_held_len;
	bool lost = nc > ok;
	bool reset;

	lockdep_assert_held(&qd->lock);
	if (nc < 0 && ok < 0) {
		/* Nothing held is an ending after all: data. */
		qt_tp_release_held(qd, n);
		qd->tp_suspect = false;
		return false;
	}
	end = lost ? nc + strlen(qt_no_carrier) : ok + strlen(qt_ok);
	qt_tp_release_held(qd, lost ? nc : ok);
	/* The rest stays in place for the parser (qt_tp_end keeps it). */
	end -= lost ? nc : ok;
	n = qd->tp_held_len;
	qt_tp_end(qd, lost);
	/* The module may hold the start of a line: "+++" (it was in command
	 * mode already) or user bytes that were on the wire. End it, and skip
	 * the answers that come before ATI's.
	 */
	qt_engine_resync_locked(qd, 0);
	qt_parser_feed(&qd->parser, qd->tp_held + end, n - end);
	reset = qd->reset_pending;
	qd->reset_pending = false;
	return reset;
}

/* An ending (or a peer's imitation) starts at tp_held[0]. */
static void qt_tp_suspect(struct qtcpip_dev *qd)
{
	lockdep_assert_held(&qd->lock);
	qd->tp_suspect = true;
	/* If it is the module's, what we still queued would be taken as
	 * commands: drop it now (before our "+++" nothing of ours is queued
	 * but user bytes).
	 */
	if (qd->tp_state != QT_TP_PLUS_SENT)
		qd->tp_discarded += qt_dev_tx_discard(qd);
	qt_tp_leave(qd, false);
}

/* Raw bytes from the module while transparent. Under qd->lock. */
void qt_tp_rx(struct qtcpip_dev *qd, const u8 *data, size_t len)
{
	lockdep_assert_held(&qd->lock);
	while (len) {
		u8 win[2 * sizeof(qt_no_carrier)];
		size_t hl = qd->tp_held_len, wn, tl, keep;
		long at;

		if (qd->tp_suspect) {
			if (len <= sizeof(qd->tp_held) - hl) {
				memcpy(qd->tp_held + hl, data, len);
				qd->tp_held_len += len;
				return;
			}
			/* More than a module sends after its ending: the
			 * first one held was the peer's. Data up to the next.
			 */
			at = qt_tp_find_end(qd, qd->tp_held, hl, 1, &tl);
			if (at < 0) {
				at = hl - qt_tp_tail(qd, qd->tp_held, hl);
				qd->tp_suspect = false;
			}
			qt_tp_release_held(qd, at);
			continue;
		}
		/* hl < sizeof(qt_no_carrier): a possible start of an ending.
		 * Does an ending start in it?
		 */
		wn = min(len, sizeof(win) - hl);
		memcpy(win, qd->tp_held, hl);
		memcpy(win + hl, data, wn);
		at = qt_tp_find_end(qd, win, hl + wn, 0, &tl);
		if (at >= 0 && at < hl) {
			/* win[at, at + tl) is the ending: hold it and on. */
			qt_tp_release_held(qd, at);
			memcpy(qd->tp_held, win + at, tl);
			qd->tp_held_len = tl;
			data += at + tl - hl;
			len -= at + tl - hl;
			qt_tp_suspect(qd);
			continue;
		}
		/* Then in the new bytes. */
		at = qt_tp_find_end(qd, data, len, 0, &tl);
		if (at < 0 && len < sizeof(qt_no_carrier)) {
			/* None, and the window is all there is (wn == len). */
			keep = qt_tp_tail(qd, win, hl + wn);
			if (keep <= len) {
				qt_tp_release_held(qd, hl);
				qt_tp_deliver(qd, data, len - keep);
				memcpy(qd->tp_held, data + len - keep, keep);
				qd->tp_held_len = keep;
			} else {
				qt_tp_release_held(qd, hl + len - keep);
				memcpy(qd->tp_held + qd->tp_held_len, data, len);
				qd->tp_held_len += len;
			}
			return;
		}
		qt_tp_release_held(qd, hl);
		if (at >= 0) {
			qt_tp_deliver(qd, data, at);
			memcpy(qd->tp_held, data + at, tl);
			qd->tp_held_len = tl;
			data += at + tl;
			len -= at + tl;
			qt_tp_suspect(qd);
			continue;
		}
		/* None: all but a tail that could start one is data. */
		keep = qt_tp_tail(qd, data, len);
		qt_tp_deliver(qd, data, len - keep);
		memcpy(qd->tp_held, data + len - keep, keep);
		qd->tp_held_len = keep;
		return;
	}
}

/**
 * qt_tp_enter() - a connection takes the line (CONNECT)
 * @qd: the module
 * @conn: the transparent connection; the line holds a reference
 *
 * From now on the module's bytes go to @conn (->tp_rx) and the bytes of
 * its ->tx_queue to the module, until its session ends (->tp_end).
 *
 * Context: under qd->lock.
 */
void qt_tp_enter(struct qtcpip_dev *qd, struct qt_conn *conn)
{
	lockdep_assert_held(&qd->lock);
	/* An earlier session's "+++" sequence must not end this one. */
	cancel_delayed_work(&qd->tp_leave_work);
	conn->ops->get(conn);
	qd->tp_conn = conn;
	WRITE_ONCE(qd->tp_state, QT_TP_DATA);
	qd->tp_plus_tries = 0;
	qd->tp_user_leave = false;
	qd->tp_suspect = false;
	qd->tp_tx_holding = false;
	qd->tp_held_len = 0;
	qd->tp_held_skip = 0;
	qd->tp_discarded = 0;
	qd->tp_last_tx = jiffies;
	qt_parser_set_raw(&qd->parser, true);
	qt_engine_kick(qd);
}

/* Every 100 ms: a held user '+' had its silence; a held tail that could
 * begin an ending was followed by quiet. Under qd->lock.
 */
void qt_tp_tick(struct qtcpip_dev *qd)
{
	lockdep_assert_held(&qd->lock);
	if (!qt_tp_on(qd))
		return;
	if (qd->tp_tx_holding && time_after_eq(jiffies, qd->tp_tx_hold))
		qt_engine_kick(qd);
	if (!qd->tp_suspect && qd->tp_held_len > qd->tp_held_skip &&
	    time_after(jiffies, qd->last_rx + msecs_to_jiffies(QT_TAIL_MS))) {
		/* Delivered, but kept to match what follows. */
		qt_tp_deliver(qd, qd->tp_held + qd->tp_held_skip,
			      qd->tp_held_len - qd->tp_held_skip);
		qd->tp_held_skip = qd->tp_held_len;
	}
}

/* Feed the transparent connection's queued bytes to the line. Under
 * qd->lock, from the engine's work item.
 */
void qt_tp_tx(struct qtcpip_dev *qd)
{
	unsigned long quiet = msecs_to_jiffies(QT_PLUS_QUIET_MS);
	struct sk_buff_head *txq;
	struct sk_buff *skb;
	bool lone;
	size_t n;

	lockdep_assert_held(&qd->lock);
	if (!qd->tp_conn || qd->tp_state != QT_TP_DATA)
		return;
	txq = qd->tp_conn->ops->tx_queue(qd->tp_conn);
	if (qd->tp_tx_holding) {
		if (time_before(jiffies, qd->tp_tx_hold))
			return;
		qd->tp_tx_holding = false;
	}
	/* Only this function takes skbs off txq while transparent; sendmsg
	 * and SIOCOUTQ use txq.lock.
	 */
	while ((skb = skb_peek(txq))) {
		n = skb->len;
		/* A '+' after silence could begin "+++": alone it cannot. */
		lone = skb->data[0] == '+' &&
		       time_after_eq(jiffies, qt_dev_wire_end(qd) + quiet);
		if (lone)
			n = 1;
		if (qt_dev_write(qd, skb->data, n))
			break;	/* tty full: tx_work kicks us again */
		qd->tp_last_tx = jiffies;
		qd->netdev->stats.tx_bytes += n;
		if (n == skb->len) {
			qd->netdev->stats.tx_packets++;
			skb_unlink(skb, txq);
			consume_skb(skb);
		} else {
			unsigned long flags;

			spin_lock_irqsave(&txq->lock, flags);
			__skb_pull(skb, n);
			spin_unlock_irqrestore(&txq->lock, flags);
		}
		if (lone) {
			qd->tp_tx_hold = qt_dev_wire_end(qd) +
					 msecs_to_jiffies(QT_PLUS_GAP_MS);
			qd->tp_tx_holding = true;
			break;
		}
	}
}

/* Leave transparent mode: silence, "+++", silence, OK. */
void qt_tp_leave_work(struct work_struct *work)
{
	struct qtcpip_dev *qd = container_of(to_delayed_work(work),
					     struct qtcpip_dev, tp_leave_work);
	unsigned long guard = msecs_to_jiffies(QT_GUARD_MS);
	unsigned long lead = msecs_to_jiffies(QT_GUARD_MS * 3 / 2);
	unsigned long wait = msecs_to_jiffies(QT_PLUS_WAIT_MS);
	unsigned long max_wait = msecs_to_jiffies(QT_PLUS_MAX_MS);
	unsigned long ready;
	bool reset = false;

	spin_lock_bh(&qd->lock);
	if (!qt_tp_on(qd) || qd->state == QT_DEV_DEAD) {
		if (qt_tp_on(qd))
			WRITE_ONCE(qd->tp_state, QT_TP_DATA);
		goto out;
	}
	/* Left over from an earlier session: this one stays. */
	if (qd->tp_state == QT_TP_DATA)
		goto out;
	if (qd->tp_state == QT_TP_LEAVING) {
		/* Everything on the wire, then a full guard time of silence:
		 * the silence counts from when the UART sent the last byte.
		 */
		if (qt_dev_tx_pending(qd)) {
			qd->tp_last_tx = jiffies;
			schedule_delayed_work(&qd->tp_leave_work, HZ / 20);
			goto out;
		}
		if (time_after(qt_dev_wire_end(qd), qd->tp_last_tx))
			qd->tp_last_tx = qt_dev_wire_end(qd);
		/* A lone user '+' wants its own silence first. */
		if (qd->tp_tx_holding &&
		    time_after(qd->tp_tx_hold - guard, qd->tp_last_tx))
			qd->tp_last_tx = qd->tp_tx_hold - guard;
		/* Half a guard time more: our clock is not the module's, and
		 * bytes reach it late by varying amounts.
		 */
		if (time_before(jiffies, qd->tp_last_tx + lead)) {
			schedule_delayed_work(&qd->tp_leave_work,
					      qd->tp_last_tx + lead - jiffies + 1);
			goto out;
		}
		qt_dev_write(qd, "+++", 3);
		if (!qd->tp_plus_tries)
			qd->tp_plus_at = jiffies;
		qd->tp_plus_last = jiffies;
		/* From the first "+++" on, an OK may come at any time. */
		WRITE_ONCE(qd->tp_state, QT_TP_PLUS_SENT);
		qd->tp_plus_tries++;
		schedule_delayed_work(&qd->tp_leave_work,
				      msecs_to_jiffies(QT_GUARD_MS));
		goto out;
	}
	if (qd->tp_suspect) {
		/* The "+++" has acted once the module's guard time passed
		 * and it sent what it held; the ending is followed by quiet.
		 */
		ready = qd->tp_plus_last + 2 * guard;
		if (time_after(qd->last_rx + msecs_to_jiffies(QT_QUIET_MS), ready))
			ready = qd->last_rx + msecs_to_jiffies(QT_QUIET_MS);
		if (time_before(jiffies, ready)) {
			schedule_delayed_work(&qd->tp_leave_work,
					      ready - jiffies + 1);
			goto out;
		}
		/* Only a NO CARRIER and no OK: the module had left, or it
		 * missed our "+++". One more tells them apart.
		 */
		if (qt_find_last(qd->tp_held, qd->tp_held_len, qt_ok) < 0 &&
		    qd->tp_plus_tries < 2) {
			WRITE_ONCE(qd->tp_state, QT_TP_LEAVING);
			qd->tp_last_tx = jiffies;
			schedule_delayed_work(&qd->tp_leave_work, guard);
			goto out;
		}
		reset = qt_tp_decide(qd);
		if (qt_tp_on(qd))
			schedule_delayed_work(&qd->tp_leave_work, wait);
		goto out;
	}
	/* Still sending what it held: the OK comes after that. */
	if (time_before(jiffies, qd->last_rx + wait) &&
	    time_before(jiffies, qd->tp_plus_at + max_wait)) {
		schedule_delayed_work(&qd->tp_leave_work,
				      qd->last_rx + wait - jiffies + 1);
		goto out;
	}
	/* No OK: the "+++" was taken for data (the module's clock saw too
	 * little silence). It reached the peer; try again.
	 */
	WRITE_ONCE(qd->tp_state, QT_TP_LEAVING);
	qd->tp_last_tx = jiffies;
	netdev_warn(qd->netdev, "no OK to +++ (try %d): taken as data?\n",
		    qd->tp_plus_tries);
	if (qd->tp_plus_tries < QT_PLUS_TRIES) {
		schedule_delayed_work(&qd->tp_leave_work, guard);
		goto out;
	}
	/* The module may be in command mode with "+++"s in its line: end
	 * that line, and skip whatever answers come before ATI's. What is
	 * held could begin an ending that never came: data.
	 */
	netdev_warn(qd->netdev, "no answer to +++, taking the line back\n");
	qt_tp_release_held(qd, qd->tp_held_len);
	qt_tp_end(qd, false);
	qt_engine_resync_locked(qd, 0);
out:
	spin_unlock_bh(&qd->lock);
	if (reset) {
		netdev_warn(qd->netdev, "module reset\n");
		qt_dev_event(qd, QTCPIP_EVENT_RESET, 0);
		qt_engine_reset(qd, -ENETRESET);
	}
}

/* Reset or detach: the line is the engine's again, the socket fails. */
void qt_tp_abort(struct qtcpip_dev *qd)
{
	struct qt_conn *conn = qt_tp_release_line(qd);

	lockdep_assert_held(&qd->lock);
	qd->tp_discarded = 0;
	if (conn)
		conn->ops->put(conn);
}

/**
 * qt_tp_leave() - start leaving transparent mode (idempotent)
 * @qd: the module
 * @user: the connection's owner wants out (setsockopt, close), rather
 *	than the driver for a while (it then goes back once drained)
 *
 * Silence, "+++", silence, OK: the work item does it; ->tp_end follows.
 *
 * Context: under qd->lock.
 */
void qt_tp_leave(struct qtcpip_dev *qd, bool user)
{
	lockdep_assert_held(&qd->lock);
	if (!qt_tp_on(qd))
		return;
	if (user)
		qd->tp_user_leave = true;
	if (qd->tp_state != QT_TP_DATA)
		return;
	WRITE_ONCE(qd->tp_state, QT_TP_LEAVING);
	qd->tp_plus_tries = 0;
	schedule_delayed_work(&qd->tp_leave_work, 0);
}
