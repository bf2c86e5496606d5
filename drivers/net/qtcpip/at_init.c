// SPDX-License-Identifier: GPL-2.0
/* qtcpip: bringing a module up. Runs as a work item (never in receive_buf)
 * after attach and after every module reset: wait until the module
 * answers, identify it, put it in the state the parser expects, and make
 * sure the default PDP context is active.
 */

#include <linux/ktime.h>
#include <linux/wait.h>
#include <linux/kernel.h>
#include <linux/string.h>
#include <linux/moduleparam.h>
#include <linux/module.h>

#include "at_answer.h"
#include "qtcpip.h"

#define QT_PROBE_TIMEOUT_MS	1000
#define QT_QIACT_TIMEOUT_MS	150000
#define QT_QIDEACT_TIMEOUT_MS	40000
#define QT_RETRY_MS		2000
/* An unknown module: identify it again this seldom (or on reset). */
#define QT_UNSUPPORTED_RETRY_MS	60000
/* Probes in a row that time out while the module sends bytes that form
 * no known line: the tty's rate is not the module's. Probe again this
 * seldom then.
 */
#define QT_BAD_RATE_PROBES	3
#define QT_BAD_RATE_RETRY_MS	5000
/* Line rate switch: probes that must draw an answer at the new rate, and
 * at the old one after a failed switch (a module may take a while to
 * listen again), with their deadlines.
 */
#define QT_RATE_PROBES		3
#define QT_RATE_PROBE_MS	300
#define QT_RATE_BACK_PROBES	8
#define QT_RATE_BACK_MS		500
#define QT_IPR_TIMEOUT_MS	2000

static bool qt_dead(struct qtcpip_dev *qd)
{
	return READ_ONCE(qd->state) == QT_DEV_DEAD;
}

/* The text of the first line of @resp that is a @kind into @dst ("" if
 * none); whether there was one.
 */
static bool qt_ident_text(const char *resp, enum qt_ans_id_kind kind,
			  char *dst, size_t size)
{
	struct qt_ans_ident id;
	const char *l;
	size_t n;

	dst[0] = '\0';
	for (l = resp; (l = qt_ans_line(l, "", &n)); l += n)
		if (!qt_ans_ident(l, n, &id) && id.kind == kind) {
			strscpy(dst, id.text, size);
			return true;
		}
	return false;
}

static char *qt_dialect_param;
module_param_named(dialect, qt_dialect_param, charp, 0644);
MODULE_PARM_DESC(dialect,
		 "dialect profile for modules of unknown model: bc66, uc20, bc660k, bg96, ec2x");

static unsigned int qt_max_baud_param;
module_param_named(max_baud, qt_max_baud_param, uint, 0644);
MODULE_PARM_DESC(max_baud,
		 "line rate limit of modules attached from now on: after identification the driver moves module (AT+IPR) and tty to the fastest rate the model takes up to it (0: stay at the attach rate)");

unsigned int qt_max_baud_default(void)
{
	return READ_ONCE(qt_max_baud_param);
}

/* The profile of the first line of @resp naming a known model, skipping
 * "Revision:" lines (a revision starts with the model name too).
 */
static const struct qt_dialect *qt_find_model(const char *resp,
					      const char **canon)
{
	const struct qt_dialect *d;
	struct qt_ans_ident id;
	const char *l;
	size_t n;

	for (l = resp; (l = qt_ans_line(l, "", &n)); l += n) {
		if (qt_ans_ident(l, n, &id) || id.kind != QT_ANS_ID_NAME)
			continue;
		d = qt_dialect_lookup(id.text, canon);
		if (d)
			return d;
	}
	return NULL;
}

/* What the module said, on one line, for the log. */
static void qt_flatten(char *s)
{
	for (; *s; s++)
		if (*s == '\n')
			*s = '|';
}

/* ATI answers "Quectel\nBC66\nRevision: ..." in the manuals, but a real
 * BC66 says "Quectel_Ltd\nQuectel_BC66\nRevision: BC66NBR01A06", and
 * others print the model alone: look for a known model on any line of
 * ATI, then of AT+CGMM. An unknown model takes the forced profile
 * (QTCPIP_A_DIALECT, then dialect=) if there is one.
 */
static int qt_identify(struct qtcpip_dev *qd)
{
	char resp[256], said[128];
	const char *p, *canon = NULL;
	const struct qt_dialect *d;
	bool rev;
	int err;

	err = qt_exec(qd, 0, resp, sizeof(resp), "ATI");
	if (err)
		return err;
	strscpy(said, resp, sizeof(said));
	qt_flatten(said);
	d = qt_find_model(resp, &canon);
	rev = qt_ident_text(resp, QT_ANS_ID_REVISION, qd->revision,
			    sizeof(qd->revision));
	if (!d && !qt_exec(qd, 0, resp, sizeof(resp), "AT+CGMM")) {
		d = qt_find_model(resp, &canon);
		if (!d && resp[0]) {
			strlcat(said, "|", sizeof(said));
			strlcat(said, resp, sizeof(said));
			qt_flatten(said);
		}
	}
	if (!rev && !qt_exec(qd, 0, resp, sizeof(resp), "AT+GMR") &&
	    !qt_ident_text(resp, QT_ANS_ID_REVISION, qd->revision,
			   sizeof(qd->revision)))
		qt_ident_text(resp, QT_ANS_ID_NAME, qd->revision,
			      sizeof(qd->revision));
	if (!d) {
		d = READ_ONCE(qd->forced);
		/* A write to the parameter frees the old string. */
		kernel_param_lock(THIS_MODULE);
		if (!d && qt_dialect_param && *qt_dialect_param)
			d = qt_dialect_by_name(qt_dialect_param);
		kernel_param_unlock(THIS_MODULE);
		if (d) {
			canon = NULL;
		} else {
			/* Once per attach: init backs off, it does not spin. */
			if (!qd->unsupported_logged)
				netdev_err(qd->netdev,
					   "unsupported module, ATI said \"%*pE\"; force a dialect with dialect= or QTCPIP_A_DIALECT\n",
					   (int)strlen(said), said);
			qd->unsupported_logged = true;
			return -EPROTONOSUPPORT;
		}
	}
	spin_lock_bh(&qd->lock);
	qd->dialect = d;
	qt_parser_set_model(&qd->parser, d->model);
	spin_unlock_bh(&qd->lock);
	if (canon) {
		strscpy(qd->model, canon, sizeof(qd->model));
	} else {
		/* Forced: report the first line that is not the maker. */
		p = said;
		while (!strncmp(p, "Quectel", 7) && strchr(p, '|'))
			p = strchr(p, '|') + 1;
		strscpy(qd->model, p, sizeof(qd->model));
		strreplace(qd->model, '|', '\0');
	}

	if (!qt_exec(qd, 0, resp, sizeof(resp), "AT+CGSN") &&
	    !qt_ident_text(resp, QT_ANS_ID_IMEI, qd->imei, sizeof(qd->imei)))
		qt_ident_text(resp, QT_ANS_ID_NAME, qd->imei, sizeof(qd->imei));
	return 0;
}

/* EC2x/EG2x/EC200x/EG800K send URCs to the port AT+QURCCFG="urcport"
 * names, by default often the USB AT port: route them to the port the
 * driver is attached to (USB serial: "usbat", else the main UART).
 * Firmware without the command answers ERROR: it keeps its default.
 */
static void qt_route_urcs(struct qtcpip_dev *qd)
{
	bool usb = !strncmp(qd->tty_name, "ttyUSB", 6) ||
		   !strncmp(qd->tty_name, "ttyACM", 6);

	if (!qd->dialect->has_urcport)
		return;
	if (qt_exec(qd, 0, NULL, 0, "AT+QURCCFG=\"urcport\",\"%s\"",
		    usb ? "usbat" : "uart1"))
		netdev_info(qd->netdev, "AT+QURCCFG refused: URCs stay on the module's default port\n");
}

/* The rate to run at: the fastest the model takes within the limit, never
 * below the attach rate (the user's choice); without a limit the attach
 * rate if the driver ever moved the module, else 0: leave the line alone
 * (whatever stty set meanwhile).
 */
static unsigned int qt_rate_target(struct qtcpip_dev *qd)
{
	unsigned int limit = READ_ONCE(qd->max_baud), best = qd->attach_baud;
	const unsigned int *r = qd->dialect->rates;

	if (!limit)
		return qd->moved_baud ? best : 0;
	for (; r && *r; r++)
		if (*r <= limit && *r > best)
			best = *r;
	return best;
}

/* One command of a switch, with a deadline of its own. */
static int qt_rate_cmd(struct qtcpip_dev *qd, unsigned int ms,
		       const char *line, unsigned int arg)
{
	struct qt_cmd *cmd;
	int err;

	cmd = arg ? qt_cmd_new(GFP_KERNEL, "%s=%u", line, arg) :
		    qt_cmd_new(GFP_KERNEL, "%s", line);
	if (!cmd)
		return -ENOMEM;
	cmd->flags |= QT_CMDF_INTERNAL | QT_CMDF_RATE;
	cmd->timeout = qt_deadline(ms);
	err = qt_cmd_exec(qd, cmd);
	qt_cmd_put(cmd);
	return err;
}

/* Whether the module answers at the tty's rate: up to @n probes. */
static int qt_rate_probe(struct qtcpip_dev *qd, int n, unsigned int ms)
{
	int err = -ETIMEDOUT;

	while (n-- && err == -ETIMEDOUT && !qt_dead(qd))
		err = qt_rate_cmd(qd, ms, "AT", 0);
	return qt_dead(qd) ? -ENODEV : err;
}

static int qt_set_line(struct qtcpip_dev *qd, unsigned int baud)
{
	int err = qt_dev_set_baud(qd, baud);

	if (!err)
		WRITE_ONCE(qd->line_baud, baud);
	return err;
}

/* After a failed switch: the tty back at @old, and the module answering
 * there. A module that says nothing there may have switched after all:
 * tell it at @to to go back. Then stay at @old whatever happens (init
 * probes on; a module that stays mute is lost as any other).
 */
static int qt_rate_back(struct qtcpip_dev *qd, unsigned int old,
			unsigned int to)
{
	int err;

	qt_set_line(qd, old);
	err = qt_rate_probe(qd, QT_RATE_BACK_PROBES, QT_RATE_BACK_MS);
	if (err != -ETIMEDOUT)
		return err;
	if (!qt_set_line(qd, to)) {
		qt_rate_cmd(qd, QT_RATE_PROBE_MS, "AT+IPR", old);
		qt_set_line(qd, old);
	}
	return qt_rate_probe(qd, QT_RATE_PROBES, QT_RATE_BACK_MS);
}

/* Move module and tty to the rate the limit allows, as a sequence of the
 * engine's commands with the termios change between them: AT+IPR=<to>
 * (its OK leaves at the old rate), the tty to <to>, then "AT" until the
 * module answers there. Nothing else is written meanwhile: init is the
 * engine's only user before the device is ready. No answer: back to the
 * old rate (qt_rate_back()), said once, shown as QTCPIP_A_BAUD_FAILED,
 * and not tried again until the limit changes. Returns 0, or the error
 * that makes init start over (the module lost or reset).
 */
static int qt_line_rate(struct qtcpip_dev *qd)
{
	unsigned int old = qt_dev_baud(qd), to = qt_rate_target(qd);
	ktime_t t0 = ktime_get();
	int err;

	/* 0: a tty without a rate (a pty), or gone (init sees that). */
	if (old)
		WRITE_ONCE(qd->line_baud, old);
	if (!old || !to || to == old || to == READ_ONCE(qd->baud_failed))
		return 0;
	/* A rate the tty cannot do: the module is not told (nothing is in
	 * flight; the module's next bytes come after a command of ours).
	 */
	err = qt_set_line(qd, to);
	qt_set_line(qd, old);
	if (err) {
		netdev_warn(qd->netdev, "%s: the tty cannot run at %u baud: staying at %u baud\n",
			    qd->tty_name, to, old);
		WRITE_ONCE(qd->baud_failed, to);
		return err == -ENODEV ? err : 0;
	}
	err = qt_rate_cmd(qd, QT_IPR_TIMEOUT_MS, "AT+IPR", to);
	if (err == -EIO) {
		/* Refused: the module stays where it is; so do we. */
		netdev_warn(qd->netdev, "%s: AT+IPR=%u refused: staying at %u baud\n",
			    qd->tty_name, to, old);
		WRITE_ONCE(qd->baud_failed, to);
		return 0;
	}
	if (err)
		return err;
	/* It may have moved: look for it at either rate from now on. */
	qd->moved_baud = to;
	err = qt_set_line(qd, to);
	if (!err)
		err = qt_rate_probe(qd, QT_RATE_PROBES, QT_RATE_PROBE_MS);
	if (!err) {
		netdev_info(qd->netdev, "%s: line rate %u -> %u baud in %lld ms\n",
			    qd->tty_name, old, to,
			    ktime_ms_delta(ktime_get(), t0));
		return 0;
	}
	if (err != -ETIMEDOUT)
		return err;
	err = qt_rate_back(qd, old, to);
	if (!err)
		qd->moved_baud = old;
	WRITE_ONCE(qd->baud_failed, to);
	if (!qd->baud_failed_logged)
		netdev_warn(qd->netdev, "%s: the module does not answer at %u baud after AT+IPR: back at %u baud%s\n",
			    qd->tty_name, to, old,
			    err ? ", where it does not answer either" : "");
	qd->baud_failed_logged = true;
	return err;
}

/* Probing after a switch found nobody: the module may be at the attach
 * rate again (it rebooted, AT+IPR is not saved without AT&W) or still at
 * the rate it was moved to: alternate between the two.
 */
static void qt_rate_alternate(struct qtcpip_dev *qd)
{
	unsigned int moved = qd->moved_baud, cur = READ_ONCE(qd->line_baud);

	if (!moved || moved == qd->attach_baud)
		return;
	qt_set_line(qd, cur == moved ? qd->attach_baud : moved);
}

/* QTCPIP_A_MAX_BAUD: the limit of the next init (attach, module reset);
 * a rate that failed before is tried again.
 */
void qt_set_max_baud(struct qtcpip_dev *qd, unsigned int baud)
{
	WRITE_ONCE(qd->max_baud, baud);
	WRITE_ONCE(qd->baud_failed, 0);
}

/* QTCPIP_CMD_DEV_SET: the profile for a module of unknown model ("" goes
 * back to automatic). A module waiting as unsupported is probed again.
 */
int qt_force_dialect(struct qtcpip_dev *qd, const char *name)
{
	const struct qt_dialect *d = NULL;

	if (*name) {
		d = qt_dialect_by_name(name);
		if (!d)
			return -EINVAL;
	}
	WRITE_ONCE(qd->forced, d);
	spin_lock_bh(&qd->lock);
	qd->reprobe = true;
	spin_unlock_bh(&qd->lock);
	wake_up(&qd->stop_wait);
	return 0;
}

/* UC20: which contexts are active, and their addresses
 * ("+QIACT: <id>,<state>,<type>[,"<address>"]").
 */
int qt_query_contexts(struct qtcpip_dev *qd)
{
	struct qt_ans_qiact a;
	char resp[512];
	const char *p;
	size_t n;
	int err;

	err = qt_exec(qd, 0, resp, sizeof(resp), "AT+QIACT?");
	if (err)
		return err;
	spin_lock_bh(&qd->lock);
	memset(qd->ctx_active, 0, sizeof(qd->ctx_active));
	memset(qd->ctx_addr, 0, sizeof(qd->ctx_addr));
	for (p = resp; (p = qt_ans_line(p, "+QIACT:", &n)); p += n) {
		if (qt_ans_qiact(p, n, &a) || a.ctx > QT_MAX_CTX)
			continue;
		qd->ctx_active[a.ctx] = a.state == 1;
		strscpy(qd->ctx_addr[a.ctx], a.addr, QT_ADDR_MAX);
	}
	spin_unlock_bh(&qd->lock);
	return 0;
}

/* Carrier: a ready module whose default context is active. */
static void qt_update_carrier(struct qtcpip_dev *qd)
{
	bool on = READ_ONCE(qd->state) == QT_DEV_READY &&
		  READ_ONCE(qd->ctx_active[1]);

	if (on && !netif_carrier_ok(qd->netdev)) {
		netif_carrier_on(qd->netdev);
		qt_dev_event(qd, QTCPIP_EVENT_LINK_UP, 0);
	} else if (!on && netif_carrier_ok(qd->netdev)) {
		netif_carrier_off(qd->netdev);
		qt_dev_event(qd, QTCPIP_EVENT_LINK_DOWN, 0);
	}
}

/* BC66: its contexts come back with network registration (+CEREG stat 1
 * home or 5 roaming), e.g. after the network deactivated them.
 */
static void qt_bc66_registered(struct qtcpip_dev *qd)
{
	struct qt_ans_cereg r;
	char resp[64];
	const char *p;
	size_t n;
	int i;

	if (qt_exec(qd, 0, resp, sizeof(resp), "AT+CEREG?"))
		return;
	p = qt_ans_line(resp, "+CEREG:", &n);
	if (!p || qt_ans_cereg(p, n, &r) || (r.stat != 1 && r.stat != 5))
		return;
	spin_lock_bh(&qd->lock);
	for (i = 1; i <= qd->dialect->max_ctx; i++)
		qd->ctx_active[i] = true;
	spin_unlock_bh(&qd->lock);
}

/* "ip link set up/down": activate or deactivate the default context (UC20;
 * a BC66's contexts come with its network registration).
 */
void qt_link_work(struct work_struct *work)
{
	struct qtcpip_dev *qd = container_of(work, struct qtcpip_dev,
					     link_work);
	bool up = netif_running(qd->netdev);

	if (READ_ONCE(qd->state) != QT_DEV_READY)
		return;
	if (!qd->dialect->has_pdp_cmds && up && !READ_ONCE(qd->ctx_active[1]))
		qt_bc66_registered(qd);
	if (qd->dialect->has_pdp_cmds && up && !READ_ONCE(qd->ctx_active[1])) {
		/* After a pdpdeact the manual wants AT+QIDEACT first. */
		qt_exec(qd, QT_QIDEACT_TIMEOUT_MS, NULL, 0, "AT+QIDEACT=1");
		if (!qt_exec(qd, QT_QIACT_TIMEOUT_MS, NULL, 0, "AT+QIACT=1"))
			qt_query_contexts(qd);
	} else if (qd->dialect->has_pdp_cmds && !up &&
		   READ_ONCE(qd->ctx_active[1])) {
		if (!qt_exec(qd, QT_QIDEACT_TIMEOUT_MS, NULL, 0,
			     "AT+QIDEACT=1")) {
			spin_lock_bh(&qd->lock);
			qt_engine_pdpdeact_locked(qd, 1);
			spin_unlock_bh(&qd->lock);
		}
	}
	qt_update_carrier(qd);
}

/* Connections the module may still hold from before (an earlier attach,
 * a module that went mute) would make AT+QIOPEN fail: close them all.
 * Whether a BC66-dialect module sends CLOSE OK for an id that was never
 * open is not documented, and a BC660K sends it ~50 ms after the OK: do
 * not wait for it; the engine swallows the CLOSE OKs owed (QT_CMDF_CLOSE_
 * OWED), so that a late one cannot end the next command.
 */
static void qt_close_all(struct qtcpip_dev *qd)
{
	const struct qt_dialect *d = qd->dialect;
	struct qt_cmd *cmd;
	int id;

	for (id = 0; id < d->max_conn; id++) {
		cmd = qt_cmd_new(GFP_KERNEL, "AT+QICLOSE=%d", id);
		if (!cmd)
			return;
		cmd->timeout = qt_deadline(d->close_timeout_ms);
		if (d->close_ok_final)
			cmd->flags |= QT_CMDF_CLOSE_OWED;
		qt_cmd_exec(qd, cmd);
		qt_cmd_put(cmd);
	}
}

static int qt_configure(struct qtcpip_dev *qd)
{
	const struct qt_dialect *d = qd->dialect;
	int err, i;

	qt_route_urcs(qd);
	qt_close_all(qd);

	if (d->model == QT_MODEL_BC66) {
		/* Text data both ways, header and data on separate lines: what
		 * the parser is set for. Hex is only used per send (QISENDEX).
		 */
		err = qt_exec(qd, 0, NULL, 0, "AT+QICFG=\"dataformat\",0,0");
		if (!err)
			err = qt_exec(qd, 0, NULL, 0, "AT+QICFG=\"viewmode\",0");
		if (err)
			return err;
		/* BC66 contexts come with network registration. */
		spin_lock_bh(&qd->lock);
		for (i = 1; i <= d->max_ctx; i++)
			qd->ctx_active[i] = true;
		spin_unlock_bh(&qd->lock);
		return 0;
	}

	err = qt_query_contexts(qd);
	if (err)
		return err;
	/* The default context follows the link's administrative state. */
	if (!qd->ctx_active[1] && netif_running(qd->netdev)) {
		err = qt_exec(qd, QT_QIACT_TIMEOUT_MS, NULL, 0, "AT+QIACT=1");
		if (err)
			return err;
		err = qt_query_contexts(qd);
	}
	return err;
}

/* Whether bytes came since @seen but no final result or known URC since
 * @known (the counters at the probe's start).
 */
static bool qt_rx_garbage(struct qtcpip_dev *qd, u64 seen, u64 known)
{
	bool garbage;

	spin_lock_bh(&qd->lock);
	garbage = qd->rx_seen != seen && qd->rx_known == known;
	spin_unlock_bh(&qd->lock);
	return garbage;
}

/* The module talks, but at another rate (ldattach -s, stty): say so once
 * until it answers again, show it as the device's state, and probe
 * seldom; a rate fixed by the user is found by the next probe.
 */
static void qt_bad_rate(struct qtcpip_dev *qd)
{
	spin_lock_bh(&qd->lock);
	if (qd->state == QT_DEV_PROBING)
		qd->state = QT_DEV_BAD_RATE;
	spin_unlock_bh(&qd->lock);
	if (!qd->bad_rate_logged)
		netdev_err(qd->netdev,
			   "%s: the module answers in garbage at %u baud: is ldattach -s the module's rate (AT+IPR)?\n",
			   qd->tty_name, qt_dev_baud(qd));
	qd->bad_rate_logged = true;
	wait_event_timeout(qd->stop_wait,
			   qt_dead(qd) || READ_ONCE(qd->reprobe),
			   msecs_to_jiffies(QT_BAD_RATE_RETRY_MS));
}

void qt_init_work(struct work_struct *work)
{
	struct qtcpip_dev *qd = container_of(work, struct qtcpip_dev,
					     init_work);
	int garbled = 0;
	u64 seen, known;
	int err;

	/* Queued again by a reset while an earlier run was at work: that
	 * run brought the module up already.
	 */
	if (READ_ONCE(qd->state) == QT_DEV_READY)
		return;
	while (!qt_dead(qd)) {
		spin_lock_bh(&qd->lock);
		/* A wrong rate stays shown until the module answers. */
		if (qd->state != QT_DEV_DEAD && qd->state != QT_DEV_BAD_RATE)
			qd->state = QT_DEV_PROBING;
		qd->reprobe = false;
		seen = qd->rx_seen;
		known = qd->rx_known;
		spin_unlock_bh(&qd->lock);

		/* The module may still be booting: probe until it answers.
		 * The first AT after a MT2625 boot ROM banner serves its
		 * auto-baud detection and may get no answer: probe again at
		 * once (the probe's own deadline paces this loop).
		 */
		err = qt_exec(qd, QT_PROBE_TIMEOUT_MS, NULL, 0, "AT");
		if (err == -ETIMEDOUT && qt_rx_garbage(qd, seen, known))
			garbled++;
		else
			garbled = 0;
		if (err == -ETIMEDOUT)
			qt_rate_alternate(qd);
		if (garbled >= QT_BAD_RATE_PROBES) {
			qt_bad_rate(qd);
			continue;
		}
		if (err == -ETIMEDOUT || err == -ENETRESET)
			continue;
		if (err)
			goto retry;

		if (qd->bad_rate_logged)
			netdev_info(qd->netdev, "%s: the module answers at %u baud\n",
				    qd->tty_name, qt_dev_baud(qd));
		qd->bad_rate_logged = false;
		spin_lock_bh(&qd->lock);
		if (qd->state != QT_DEV_DEAD)
			qd->state = QT_DEV_INIT;
		spin_unlock_bh(&qd->lock);

		err = qt_exec(qd, 0, NULL, 0, "ATE0");
		if (err)
			goto retry;
		spin_lock_bh(&qd->lock);
		qt_parser_set_echo_filter(&qd->parser, false);
		spin_unlock_bh(&qd->lock);

		err = qt_exec(qd, 0, NULL, 0, "AT+CMEE=1");
		if (!err)
			err = qt_identify(qd);
		if (!err)
			err = qt_line_rate(qd);
		if (!err)
			err = qt_exec(qd, 0, NULL, 0, "AT+CPIN?");
		if (!err)
			err = qt_configure(qd);
		if (err)
			goto retry;

		spin_lock_bh(&qd->lock);
		if (qd->state == QT_DEV_INIT)
			qd->state = QT_DEV_READY;
		spin_unlock_bh(&qd->lock);
		qt_update_carrier(qd);
		netdev_info(qd->netdev, "%s %s IMEI %s ready\n", qd->model,
			    qd->revision, qd->imei);
		qt_engine_kick(qd);
		return;
retry:
		if (err == -EPROTONOSUPPORT) {
			spin_lock_bh(&qd->lock);
			if (qd->state == QT_DEV_INIT && !qd->reprobe)
				qd->state = QT_DEV_UNSUPPORTED;
			spin_unlock_bh(&qd->lock);
			wait_event_timeout(qd->stop_wait,
					   qt_dead(qd) || READ_ONCE(qd->reprobe),
					   msecs_to_jiffies(QT_UNSUPPORTED_RETRY_MS));
			continue;
		}
		if (err != -ETIMEDOUT && !qt_dead(qd))
			netdev_dbg(qd->netdev, "init failed: %d\n", err);
		wait_event_timeout(qd->stop_wait, qt_dead(qd),
				   msecs_to_jiffies(QT_RETRY_MS));
	}
}
