// SPDX-License-Identifier: GPL-2.0
/* qtcpip: commands whose results come as URCs after their OK.
 *
 * AT+QIDNSGIP, AT+QPING and AT+QNTP answer OK at once and report later,
 * in one or several URCs; meanwhile other commands run. Each kind has one
 * result slot on the device, taken by one request at a time; the engine
 * fills it from the URCs and wakes the requester, which may stream
 * partial results (ping replies) as they come.
 */

#include <linux/cred.h>
#include <linux/jiffies.h>
#include <linux/string.h>

#include "qtcpip.h"

static void qt_async_finish(struct qtcpip_dev *qd, struct qt_async *slot)
{
	slot->done = true;
	if (slot->abandoned)
		slot->busy = false;
}

/* The codes are the module family's (dialect.c): UC20 2 a ping that ran,
 * 1 a request lost; BC66, BG96, EC2x 0 and 569.
 */
static void qt_async_ping(struct qtcpip_dev *qd, const struct qt_event *ev)
{
	const struct qt_dialect *d = qd->dialect ?: &qt_dialect_uc20;
	struct qt_async *slot = &qd->ping;
	const struct qt_ping *p = &ev->ping;

	lockdep_assert_held(&qd->lock);
	if (p->nfields >= 7 && p->result == d->ping_done) {
		/* The summary. */
		slot->sum = *p;
		slot->err = 0;
		qt_async_finish(qd, slot);
	} else if (p->nfields >= 5 && p->result == 0 && ev->addr[0]) {
		if (slot->nrep < QT_PING_MAX) {
			slot->rep[slot->nrep] = *p;
			strscpy(slot->rep_addr[slot->nrep], ev->addr,
				QT_ADDR_MAX);
			slot->nrep++;
		}
	} else if (p->result == d->ping_lost) {
		if (slot->nrep < QT_PING_MAX) {
			slot->rep[slot->nrep] = *p;
			slot->rep_addr[slot->nrep][0] = '\0';
			slot->nrep++;
		}
	} else if (p->result != 0 || d->ping_done != 0) {
		/* Any other code: the command ended. */
		slot->err = p->result;
		qt_async_finish(qd, slot);
	}
}

/* A URC for one of the slots. Under qd->lock. */
void qt_async_urc(struct qtcpip_dev *qd, const struct qt_event *ev)
{
	struct qt_async *dns = &qd->dns;

	lockdep_assert_held(&qd->lock);
	switch (ev->urc) {
	case QT_URC_DNSGIP_HDR:
		if (!dns->busy || dns->done)
			return;
		dns->err = ev->code;
		dns->count = ev->count;
		dns->ttl = ev->ttl;
		if (ev->code || ev->count <= 0)
			qt_async_finish(qd, dns);
		break;
	case QT_URC_DNSGIP_ADDR:
		if (!dns->busy || dns->done)
			return;
		if (dns->naddr < QT_DNS_MAX_ADDR)
			strscpy(dns->addr[dns->naddr], ev->addr, QT_ADDR_MAX);
		dns->naddr++;
		if (dns->naddr >= dns->count)
			qt_async_finish(qd, dns);
		break;
	case QT_URC_QPING:
		if (!qd->ping.busy || qd->ping.done)
			return;
		qt_async_ping(qd, ev);
		break;
	case QT_URC_QNTP:
		if (!qd->ntp.busy || qd->ntp.done)
			return;
		qd->ntp.err = ev->code;
		strscpy(qd->ntp.time, ev->addr, QT_ADDR_MAX);
		qt_async_finish(qd, &qd->ntp);
		break;
	default:
		return;
	}
	wake_up_all(&qd->async_wait);
}

/**
 * qt_async_get() - take the slot of an asynchronous request
 * @qd: the module
 * @slot: the slot (DNS, ping, NTP: one each)
 * @timeout_ms: how long the request may last
 * @limited: the requester has no CAP_NET_ADMIN
 *
 * A @limited requester waits out its user's previous limited request:
 * as long as that held the slot, so that one user looping cannot keep the
 * single slot from everybody else.
 *
 * Context: process context; takes qd->lock.
 * Return: 0; -EBUSY while an earlier request (even an abandoned one)
 * still waits for its result; -EAGAIN for a @limited requester resting.
 */
int qt_async_get(struct qtcpip_dev *qd, struct qt_async *slot,
		 unsigned int timeout_ms, bool limited)
{
	kuid_t uid = current_uid();
	unsigned long cool_until;
	kuid_t cool_uid;
	int err = 0;

	spin_lock_bh(&qd->lock);
	if (slot->busy && time_before(jiffies, slot->deadline)) {
		err = -EBUSY;
	} else if (limited && uid_eq(uid, slot->cool_uid) &&
		   time_before(jiffies, slot->cool_until)) {
		err = -EAGAIN;
	} else {
		cool_uid = slot->cool_uid;
		cool_until = slot->cool_until;
		memset(slot, 0, sizeof(*slot));
		slot->cool_uid = cool_uid;
		slot->cool_until = cool_until;
		slot->busy = true;
		slot->deadline = jiffies + msecs_to_jiffies(timeout_ms);
		slot->limited = limited;
		slot->uid = uid;
		slot->started = jiffies;
	}
	spin_unlock_bh(&qd->lock);
	return err;
}

/**
 * qt_async_refused() - the module refused the command: no result comes
 * @qd: the module
 * @slot: the slot, free again
 *
 * Context: process context; takes qd->lock.
 */
void qt_async_refused(struct qtcpip_dev *qd, struct qt_async *slot)
{
	spin_lock_bh(&qd->lock);
	slot->done = true;
	spin_unlock_bh(&qd->lock);
}

/**
 * qt_async_put() - the requester is done with the slot, result or not
 * @qd: the module
 * @slot: the slot
 *
 * Context: process context; takes qd->lock.
 */
void qt_async_put(struct qtcpip_dev *qd, struct qt_async *slot)
{
	spin_lock_bh(&qd->lock);
	if (slot->done)
		slot->busy = false;
	else
		slot->abandoned = true;
	if (slot->limited) {
		slot->cool_uid = slot->uid;
		slot->cool_until = jiffies + (jiffies - slot->started);
	}
	spin_unlock_bh(&qd->lock);
}
