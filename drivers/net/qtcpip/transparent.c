// SPDX-License-Identifier: GPL-2.0
/* qtcpip: UC20 transparent access mode.
 *
 * One connection may take the whole serial line: after CONNECT every byte
 * either way is its payload, at the line's full rate. Meanwhile the engine
 * writes no command; other sockets' I/O and control requests wait in the
 * queue (their deadlines start when they are written). The connection
 * leaves with "+++" between two guard times of silence (manual 1.2), the
 * module answering OK and going to buffer mode; or the module leaves by
 * itself with NO CARRIER when the connection drops. Both endings arrive
 * inside the raw stream, so the tail of each chunk that could be the
 * start of one is held back until the next chunk tells.
 */

#include <linux/jiffies.h>
#include <linux/skbuff.h>
#include <net/sock.h>

#include "sock.h"

/* The manual's guard time T1. */
#define QT_GUARD_MS	1000
/* How long the module may take to answer "+++" once its line is quiet
 * (it first sends what it still holds for the connection, which takes a
 * while at 115200 baud, but not this long), and how many tries.
 */
#define QT_PLUS_WAIT_MS	3000
#define QT_PLUS_MAX_MS	30000
#define QT_PLUS_TRIES	3

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

/* Where the last @term in @p (@n) starts, or -1. */
static long qt_find_last(const u8 *p, size_t n, const char *term)
{
	size_t tl = strlen(term), i;

	for (i = n; i >= tl; i--)
		if (!memcmp(p + i - tl, term, tl))
			return i - tl;
	return -1;
}

static void qt_tp_deliver(struct qtcpip_dev *qd, const u8 *p, size_t n)
{
	struct qt_sock *qs = qd->tp_sock;
	struct sk_buff *skb;

	if (!n || !qs)
		return;
	if (sock_flag(&qs->sk, SOCK_DEAD))
		return;
	skb = alloc_skb(n, GFP_ATOMIC);
	if (!skb) {
		qs->rx_lost += n;
		qd->netdev->stats.rx_dropped++;
		return;
	}
	skb_put_data(skb, p, n);
	memset(skb->cb, 0, sizeof(struct qt_skb_cb));
	qd->netdev->stats.rx_packets++;
	qd->netdev->stats.rx_bytes += n;
	skb_set_owner_r(skb, &qs->sk);
	skb_queue_tail(&qs->sk.sk_receive_queue, skb);
	qs->sk.sk_data_ready(&qs->sk);
}

/* Give the line back to the engine; returns the socket that had it (its
 * reference is the caller's). Under qd->lock.
 */
static struct qt_sock *qt_tp_release_line(struct qtcpip_dev *qd)
{
	struct qt_sock *qs = qd->tp_sock;

	qd->transparent = false;
	qd->tp_leaving = false;
	qd->tp_plus_sent = false;
	qd->tp_ok_armed = false;
	qd->tp_hold_len = 0;
	qd->tp_sock = NULL;
	qt_parser_set_raw(&qd->parser, false);
	wake_up_all(&qd->async_wait);
	return qs;
}

/* The line is back in command mode. Under qd->lock. */
static void qt_tp_end(struct qtcpip_dev *qd, bool carrier_lost)
{
	struct qt_sock *qs = qt_tp_release_line(qd);

	if (qs) {
		qs->mode = QTCPIP_MODE_BUFFER;
		/* What arrives from now on waits in the module's buffer. */
		qs->rx_hint = true;
		if (carrier_lost && qs->state == QT_SS_CONNECTED) {
			qs->peer_closed = true;
			qt_sock_drained(qd, qs);
		} else {
			qt_sock_schedule_read(qd, qs);
		}
		sock_put(&qs->sk);
	}
	qt_engine_kick(qd);
}

/* Raw bytes from the module while transparent. Under qd->lock. */
void qt_tp_rx(struct qtcpip_dev *qd, const u8 *data, size_t len)
{
	u8 *buf;
	size_t n = qd->tp_hold_len + len, keep, tl, rest;
	long end;
	bool lost;

	buf = kmalloc(n, GFP_ATOMIC);
	if (!buf) {
		qt_tp_deliver(qd, qd->tp_hold, qd->tp_hold_len);
		qt_tp_deliver(qd, data, len);
		qd->tp_hold_len = 0;
		return;
	}
	memcpy(buf, qd->tp_hold, qd->tp_hold_len);
	memcpy(buf + qd->tp_hold_len, data, len);
	qd->tp_hold_len = 0;

	/* What follows the module's answer is command-mode output already
	 * (a "recv" URC for data it now buffers): the parser gets it back.
	 */
	end = qt_find_last(buf, n, qt_no_carrier);
	tl = strlen(qt_no_carrier);
	lost = end >= 0;
	if (!lost && qd->tp_ok_armed) {
		end = qt_find_last(buf, n, qt_ok);
		tl = strlen(qt_ok);
	}
	if (end >= 0) {
		qt_tp_deliver(qd, buf, end);
		qt_tp_end(qd, lost);
		rest = n - end - tl;
		if (rest > sizeof(qd->tp_replay))
			rest = sizeof(qd->tp_replay);
		memcpy(qd->tp_replay, buf + end + tl, rest);
		qd->tp_replay_len = rest;
	} else {
		keep = qt_tail_match(buf, n, qt_no_carrier);
		if (qd->tp_ok_armed)
			keep = max(keep, qt_tail_match(buf, n, qt_ok));
		qt_tp_deliver(qd, buf, n - keep);
		memcpy(qd->tp_hold, buf + n - keep, keep);
		qd->tp_hold_len = keep;
	}
	kfree(buf);
}

/* CONNECT: @qs takes the line. Under qd->lock, from the parser. */
void qt_tp_enter(struct qtcpip_dev *qd, struct qt_sock *qs)
{
	sock_hold(&qs->sk);
	qd->tp_sock = qs;
	qd->transparent = true;
	qd->tp_plus_sent = false;
	qd->tp_ok_armed = false;
	qd->tp_hold_len = 0;
	qs->mode = QTCPIP_MODE_TRANSPARENT;
	qt_parser_set_raw(&qd->parser, true);
	qt_engine_kick(qd);
}

/* Feed the transparent socket's queued bytes to the line. Under qd->lock,
 * from the engine's work item.
 */
void qt_tp_tx(struct qtcpip_dev *qd)
{
	struct qt_sock *qs = qd->tp_sock;
	struct sk_buff *skb;

	if (!qs || qd->tp_leaving)
		return;
	while ((skb = skb_peek(&qs->txq))) {
		if (qtcpip_dev_write(qd, skb->data, skb->len))
			break;	/* tty full: tx_work kicks us again */
		qd->tp_last_tx = jiffies;
		qd->netdev->stats.tx_packets++;
		qd->netdev->stats.tx_bytes += skb->len;
		__skb_unlink(skb, &qs->txq);
		consume_skb(skb);
	}
}

/* Leave transparent mode: silence, "+++", silence, OK. */
void qt_tp_leave_work(struct work_struct *work)
{
	struct qtcpip_dev *qd = container_of(to_delayed_work(work),
					     struct qtcpip_dev, tp_leave_work);
	unsigned long guard = msecs_to_jiffies(QT_GUARD_MS);
	unsigned long wait = msecs_to_jiffies(QT_PLUS_WAIT_MS);
	unsigned long max_wait = msecs_to_jiffies(QT_PLUS_MAX_MS);

	spin_lock_bh(&qd->lock);
	if (!qd->transparent || qd->state == QT_DEV_DEAD) {
		qd->tp_leaving = false;
		goto out;
	}
	if (!qd->tp_plus_sent) {
		/* Everything on the wire, then a full guard time of silence:
		 * the silence counts from when the UART sent the last byte.
		 */
		if (qtcpip_dev_tx_pending(qd)) {
			qd->tp_last_tx = jiffies;
			schedule_delayed_work(&qd->tp_leave_work, HZ / 20);
			goto out;
		}
		if (time_after(qtcpip_dev_wire_end(qd), qd->tp_last_tx))
			qd->tp_last_tx = qtcpip_dev_wire_end(qd);
		if (time_before(jiffies, qd->tp_last_tx + guard)) {
			schedule_delayed_work(&qd->tp_leave_work,
					      qd->tp_last_tx + guard - jiffies + 1);
			goto out;
		}
		qtcpip_dev_write(qd, "+++", 3);
		if (!qd->tp_ok_armed)
			qd->tp_plus_at = jiffies;
		/* From the first "+++" on, an OK may come at any time. */
		qd->tp_plus_sent = true;
		qd->tp_ok_armed = true;
		qd->tp_plus_tries++;
		schedule_delayed_work(&qd->tp_leave_work,
				      msecs_to_jiffies(QT_PLUS_WAIT_MS));
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
	qd->tp_plus_sent = false;
	qd->tp_last_tx = jiffies;
	netdev_warn(qd->netdev, "no OK to +++ (try %d): taken as data?\n",
		    qd->tp_plus_tries);
	if (qd->tp_plus_tries < QT_PLUS_TRIES) {
		schedule_delayed_work(&qd->tp_leave_work, guard);
		goto out;
	}
	/* The module may be in command mode with "+++"s in its line: end
	 * that line, and skip whatever answers come before ATI's.
	 */
	netdev_warn(qd->netdev, "no answer to +++, taking the line back\n");
	qt_tp_end(qd, false);
	qt_engine_resync_locked(qd, 0);
out:
	spin_unlock_bh(&qd->lock);
}

/* Reset or detach: the line is the engine's again, the socket fails. */
void qt_tp_abort(struct qtcpip_dev *qd)
{
	struct qt_sock *qs = qt_tp_release_line(qd);

	if (qs)
		sock_put(&qs->sk);
}

/* Start leaving transparent mode (idempotent). Under qd->lock. */
void qt_tp_leave(struct qtcpip_dev *qd)
{
	if (!qd->transparent || qd->tp_leaving)
		return;
	qd->tp_leaving = true;
	qd->tp_plus_tries = 0;
	schedule_delayed_work(&qd->tp_leave_work, 0);
}
