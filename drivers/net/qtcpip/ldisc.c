// SPDX-License-Identifier: GPL-2.0
/*
 * qtcpip: the tty line discipline.
 *
 * Attaching it (ldattach) to the module's serial port creates the netdev;
 * detaching, hanging up or closing the port removes it. Bytes from the
 * module arrive in receive_buf, which never waits; bytes to the module
 * are queued and written from a work item, resumed by write_wakeup.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/ktime.h>
#include <linux/math64.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/tty.h>
#include <linux/tty_ldisc.h>
#include <uapi/linux/qtcpip.h>

#include "compat.h"
#include "qtcpip.h"

/* Packet taps (tcpdump -i qtcpip0) see the AT exchange: one frame per
 * chunk, a direction byte ('>' to the module, '<' from it) and the bytes
 * as written or read. The link type is DLT_RAW (ARPHRD_NONE); the frames
 * are not IP, and say so with a protocol of their own (QTCPIP_ETH_P_AT,
 * the local experimental EtherType) that no IP packet socket takes.
 */
static void qt_tap(struct qtcpip_dev *qd, u8 dir, const u8 *buf, size_t len)
{
	struct net_device *dev = qd->netdev;
	struct sk_buff *skb;

	if (!len || !dev_nit_active(dev))
		return;
	skb = alloc_skb(len + 1, GFP_ATOMIC);
	if (!skb)
		return;
	skb_put_u8(skb, dir);
	skb_put_data(skb, buf, len);
	skb->dev = dev;
	skb->protocol = htons(QTCPIP_ETH_P_AT);
	skb_reset_mac_header(skb);
	skb_reset_network_header(skb);
	rcu_read_lock_bh();
	dev_queue_xmit_nit(skb, dev);
	rcu_read_unlock_bh();
	kfree_skb(skb);
}

/* Write what the tty takes now; write_wakeup calls us again for the rest. */
static void qt_tx_work(struct work_struct *work)
{
	struct qtcpip_dev *qd = container_of(work, struct qtcpip_dev, tx_work);
	int written;

	spin_lock_bh(&qd->txlock);
	while (!qd->dead && qd->txlen) {
		set_bit(TTY_DO_WRITE_WAKEUP, &qd->tty->flags);
		written = qd->tty->ops->write(qd->tty, qd->txbuf + qd->txhead,
					      qd->txlen);
		if (written <= 0)
			break;
		qd->txhead += written;
		qd->txlen -= written;
	}
	if (!qd->txlen) {
		qd->txhead = 0;
		if (qd->tty)
			clear_bit(TTY_DO_WRITE_WAKEUP, &qd->tty->flags);
	}
	spin_unlock_bh(&qd->txlock);
	/* Transparent mode: the engine feeds the line as it drains; else it
	 * may hold a command back until it fits (qt_eng_work()).
	 */
	if (qt_tp_on(qd) || READ_ONCE(qd->tx_wait))
		qt_engine_kick(qd);
}

/* When the bytes written so far will have left at the line's rate: the
 * module counts its guard time from there, whatever buffers sit between.
 */
unsigned long qt_dev_wire_end(struct qtcpip_dev *qd)
{
	u64 now = ktime_get_ns(), end;

	spin_lock_bh(&qd->txlock);
	end = qd->wire_end_ns;
	spin_unlock_bh(&qd->txlock);
	/* In the past too: how long the line has been quiet counts. */
	if (end <= now)
		return jiffies - nsecs_to_jiffies(now - end);
	return jiffies + nsecs_to_jiffies(end - now) + 1;
}

/* Bytes still on their way to the module: in our queue or in the tty
 * driver's (the UART sends them at the line's rate).
 */
bool qt_dev_tx_pending(struct qtcpip_dev *qd)
{
	bool pending;

	spin_lock_bh(&qd->txlock);
	pending = qd->txlen != 0 ||
		  (qd->tty && !qd->dead && tty_chars_in_buffer(qd->tty));
	spin_unlock_bh(&qd->txlock);
	return pending;
}

/* Room in the queue towards the module: what qt_dev_write() takes. */
size_t qt_dev_write_room(struct qtcpip_dev *qd)
{
	size_t room;

	spin_lock_bh(&qd->txlock);
	/* Gone: writes fail at once, nothing to wait for. */
	room = qd->dead ? QTCPIP_TXBUF_SIZE : QTCPIP_TXBUF_SIZE - qd->txlen;
	spin_unlock_bh(&qd->txlock);
	return room;
}

/* Forget what is queued for the module, here and in the tty driver: user
 * bytes of a transparent connection that ended must not reach the
 * module's command interpreter. Returns how many bytes were dropped.
 */
size_t qt_dev_tx_discard(struct qtcpip_dev *qd)
{
	size_t n;

	spin_lock_bh(&qd->txlock);
	n = qd->txlen;
	qd->txlen = 0;
	qd->txhead = 0;
	if (qd->tty && !qd->dead) {
		n += tty_chars_in_buffer(qd->tty);
		tty_driver_flush_buffer(qd->tty);
	}
	spin_unlock_bh(&qd->txlock);
	return n;
}

/* Queue @len bytes for the module. Returns -ENOSPC when they do not fit
 * (the caller retries after the queue drained) and -ENODEV once the tty
 * is gone.
 */
int qt_dev_write(struct qtcpip_dev *qd, const u8 *buf, size_t len)
{
	int err = 0;

	spin_lock_bh(&qd->txlock);
	if (qd->dead) {
		err = -ENODEV;
	} else if (len > QTCPIP_TXBUF_SIZE - qd->txhead - qd->txlen) {
		if (len > QTCPIP_TXBUF_SIZE - qd->txlen) {
			err = -ENOSPC;
		} else {
			memmove(qd->txbuf, qd->txbuf + qd->txhead, qd->txlen);
			qd->txhead = 0;
		}
	}
	if (!err) {
		unsigned int baud = qd->tty ? tty_get_baud_rate(qd->tty) : 0;

		/* 8N1: ten bits a byte. In ns, not jiffies: rounding each
		 * small write up to a jiffy put the end of 11000 8-byte
		 * writes 44 s late, and "+++" waited for it.
		 */
		qd->wire_end_ns = max(qd->wire_end_ns, ktime_get_ns()) +
				  div_u64((u64)len * 10 * NSEC_PER_SEC,
					  baud ?: 115200);
		qt_tap(qd, '>', buf, len);
		/* Nothing queued: straight to the tty (write() does not
		 * sleep), not one work item later; what it does not take
		 * waits for tx_work.
		 */
		if (!qd->txlen && qd->tty) {
			int n = qd->tty->ops->write(qd->tty, buf, len);

			if (n > 0) {
				buf += n;
				len -= n;
			}
		}
		if (len) {
			memcpy(qd->txbuf + qd->txhead + qd->txlen, buf, len);
			qd->txlen += len;
			schedule_work(&qd->tx_work);
		}
	}
	spin_unlock_bh(&qd->txlock);
	return err;
}

/* The tty's current rate, 0 once it is gone. termios is read under its
 * own lock, which sleeps: hold the tty, not txlock, while reading it.
 */
unsigned int qt_dev_baud(struct qtcpip_dev *qd)
{
	struct tty_struct *tty;
	unsigned int baud;

	might_sleep();
	spin_lock_bh(&qd->txlock);
	tty = tty_kref_get(qd->tty);
	spin_unlock_bh(&qd->txlock);
	if (!tty)
		return 0;
	down_read(&tty->termios_rwsem);
	baud = tty_get_baud_rate(tty);
	up_read(&tty->termios_rwsem);
	tty_kref_put(tty);
	return baud;
}

/* Move the tty to @baud, as hci_uart_set_baudrate() does: a copy of its
 * termios with the new rate, through tty_set_termios(). From a work item
 * of the engine (which detach cancels before the tty is forgotten), never
 * from receive_buf. Returns -EINVAL (and the old rate back) when the
 * tty's driver cannot do it, -ENODEV once the tty is gone.
 */
int qt_dev_set_baud(struct qtcpip_dev *qd, unsigned int baud)
{
	struct ktermios kt, old;
	struct tty_struct *tty;
	unsigned int got;
	int err = 0;

	might_sleep();
	spin_lock_bh(&qd->txlock);
	tty = qd->dead ? NULL : tty_kref_get(qd->tty);
	spin_unlock_bh(&qd->txlock);
	if (!tty)
		return -ENODEV;
	down_read(&tty->termios_rwsem);
	old = tty->termios;
	up_read(&tty->termios_rwsem);
	kt = old;
	kt.c_cflag &= ~CBAUD;
	tty_termios_encode_baud_rate(&kt, baud, baud);
	tty_set_termios(tty, &kt);
	down_read(&tty->termios_rwsem);
	got = tty_get_baud_rate(tty);
	up_read(&tty->termios_rwsem);
	if (got != baud) {
		tty_set_termios(tty, &old);
		err = -EINVAL;
	}
	tty_kref_put(tty);
	return err;
}

static int qt_ldisc_open(struct tty_struct *tty)
{
	struct qtcpip_dev *qd;
	int err;

	if (!capable(CAP_NET_ADMIN))
		return -EPERM;
	if (!tty->ops->write)
		return -EOPNOTSUPP;

	qd = kzalloc(sizeof(*qd), GFP_KERNEL);
	if (!qd)
		return -ENOMEM;
	kref_init(&qd->ref);
	spin_lock_init(&qd->txlock);
	INIT_WORK(&qd->tx_work, qt_tx_work);
	qd->txbuf = kmalloc(QTCPIP_TXBUF_SIZE, GFP_KERNEL);
	qd->netdev = qt_netdev_alloc(qd);
	if (!qd->txbuf || !qd->netdev) {
		err = -ENOMEM;
		goto err_free;
	}
	qt_engine_init(qd);
	strscpy(qd->tty_name, tty->name, sizeof(qd->tty_name));
	qd->tty = tty;
	tty->disc_data = qd;
	/* Without it the tty core never calls receive_buf (6.1). */
	tty->receive_room = 65536;
	/* N_TTY may have throttled the port when output the module sent
	 * before the attach went unread; we never throttle, so undo it.
	 * A USB serial port stops reading the device while throttled.
	 */
	tty_unthrottle(tty);
	/* The rate ldattach -s set: where a line rate switch starts. */
	qd->attach_baud = qt_dev_baud(qd);
	qd->line_baud = qd->attach_baud;
	qd->max_baud = qt_max_baud_default();

	/* Carrier comes with a ready module and an active context. */
	netif_carrier_off(qd->netdev);
	err = register_netdev(qd->netdev);
	if (err)
		goto err_detach;

	netdev_info(qd->netdev, "attached to %s\n", tty->name);
	qt_engine_start(qd);
	return 0;

err_detach:
	tty->disc_data = NULL;
	qd->tty = NULL;
err_free:
	if (qd->netdev)
		free_netdev(qd->netdev);
	kfree(qd->txbuf);
	kfree(qd);
	return err;
}

/* Serialised against every other ldisc operation; nothing of ours runs on
 * this tty once it returns. Order matters: stop new writes, remove the
 * netdev (its users go first), finish the writer, then forget the tty.
 */
static void qt_ldisc_close(struct tty_struct *tty)
{
	struct qtcpip_dev *qd = tty->disc_data;

	if (!qd)
		return;

	/* The engine first: its sockets fail, its work items end. */
	qt_engine_stop(qd);
	if (netif_carrier_ok(qd->netdev)) {
		netif_carrier_off(qd->netdev);
		qt_dev_event(qd, QTCPIP_EVENT_LINK_DOWN, 0);
	}
	spin_lock_bh(&qd->txlock);
	qd->dead = true;
	spin_unlock_bh(&qd->txlock);

	netdev_info(qd->netdev, "detached from %s\n", tty->name);
	unregister_netdev(qd->netdev);
	/* ndo_stop may have queued it after the engine stopped. */
	cancel_work_sync(&qd->link_work);
	cancel_work_sync(&qd->tx_work);
	/* A last tx_work may have kicked the (dead, idle) engine. */
	cancel_work_sync(&qd->eng_work);

	spin_lock_bh(&qd->txlock);
	clear_bit(TTY_DO_WRITE_WAKEUP, &tty->flags);
	qd->tty = NULL;
	qd->txlen = 0;
	spin_unlock_bh(&qd->txlock);
	tty->disc_data = NULL;

	qt_dev_put(qd);
}

/* The close that follows does the teardown; stop talking right away. */
static void qt_ldisc_hangup(struct tty_struct *tty)
{
	struct qtcpip_dev *qd = tty->disc_data;

	if (!qd)
		return;
	spin_lock_bh(&qd->txlock);
	qd->dead = true;
	spin_unlock_bh(&qd->txlock);
	netif_carrier_off(qd->netdev);
}

/* The UART flagged the next byte: a parity or framing error (the byte
 * came, garbled), a break or an overrun (a marker; bytes were lost before
 * it). Counted; and what the byte belongs to is not trusted: a socket's
 * data block fails its stream connection (EIO) or drops its datagram, a
 * line is dropped whole (as an overlong one), transparent data is dropped
 * with EIO on the socket. Returns whether the byte goes to the parser.
 */
static bool qt_rx_error(struct qtcpip_dev *qd, u8 flag)
{
	struct net_device_stats *st = &qd->netdev->stats;
	struct qt_conn *conn = NULL;
	bool feed = flag == TTY_PARITY || flag == TTY_FRAME;

	spin_lock_bh(&qd->lock);
	qd->rx_seen++;
	st->rx_errors++;
	if (flag == TTY_OVERRUN)
		st->rx_over_errors++;
	else if (flag == TTY_PARITY)
		st->rx_crc_errors++;
	else
		st->rx_frame_errors++;
	if (qd->state == QT_DEV_DEAD)
		goto out;
	switch (qd->parser.state) {
	case QT_PS_DATA:
	case QT_PS_HEXDATA:
		/* A block nobody takes needs nothing. */
		conn = qt_engine_rx_error_locked(qd);
		break;
	case QT_PS_RAW:
		if (qd->tp_conn)
			qd->tp_conn->ops->rx_error(qd, qd->tp_conn, true);
		feed = false;
		break;
	default:
		qt_parser_drop_line(&qd->parser);
		break;
	}
out:
	spin_unlock_bh(&qd->lock);
	if (conn)
		conn->ops->put(conn);
	return feed;
}

static void qt_ldisc_receive(QT_LDISC_RX_ARGS)
{
	struct qtcpip_dev *qd = tty->disc_data;
	size_t i, start = 0, n = count;

	if (!qd)
		return;
	qt_tap(qd, '<', cp, n);
	for (i = 0; fp && i < n; i++) {
		if (fp[i] == TTY_NORMAL)
			continue;
		if (i > start)
			qt_engine_rx(qd, cp + start, i - start);
		start = qt_rx_error(qd, fp[i]) ? i : i + 1;
	}
	if (n > start)
		qt_engine_rx(qd, cp + start, n - start);
}

static void qt_ldisc_write_wakeup(struct tty_struct *tty)
{
	struct qtcpip_dev *qd = tty->disc_data;

	if (qd)
		schedule_work(&qd->tx_work);
}

static int qt_ldisc_ioctl(struct tty_struct *tty, unsigned int cmd,
			  unsigned long arg)
{
	struct qtcpip_dev *qd = tty->disc_data;
	unsigned int len;

	switch (cmd) {
	case SIOCGIFNAME:
		/* Lets ldattach-like tools learn which netdev they created. */
		len = strnlen(qd->netdev->name, IFNAMSIZ - 1) + 1;
		if (copy_to_user((void __user *)arg, qd->netdev->name, len))
			return -EFAULT;
		return 0;
	default:
		return tty_mode_ioctl(tty, cmd, arg);
	}
}

static struct tty_ldisc_ops qt_ldisc_ops = {
	.owner		= THIS_MODULE,
	.name		= QTCPIP_LDISC_NAME,
	.open		= qt_ldisc_open,
	.close		= qt_ldisc_close,
	.hangup		= qt_ldisc_hangup,
	.ioctl		= qt_ldisc_ioctl,
	.receive_buf	= qt_ldisc_receive,
	.write_wakeup	= qt_ldisc_write_wakeup,
};

int qt_ldisc_register(void)
{
	int err;

	qt_ldisc_ops.num = qt_ldisc_num;
	err = tty_register_ldisc(&qt_ldisc_ops);
	if (err)
		pr_err("cannot register line discipline %d: %d\n",
		       qt_ldisc_num, err);
	return err;
}

void qt_ldisc_unregister(void)
{
	tty_unregister_ldisc(&qt_ldisc_ops);
}
