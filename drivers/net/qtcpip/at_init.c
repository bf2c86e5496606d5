// SPDX-License-Identifier: GPL-2.0
/* qtcpip: bringing a module up. Runs as a work item (never in receive_buf)
 * after attach and after every module reset: wait until the module
 * answers, identify it, put it in the state the parser expects, and make
 * sure the default PDP context is active.
 */

#include <linux/wait.h>
#include <linux/kernel.h>
#include <linux/string.h>

#include "qtcpip.h"
#include "sock.h"

#define QT_PROBE_TIMEOUT_MS	1000
#define QT_QIACT_TIMEOUT_MS	150000
#define QT_QIDEACT_TIMEOUT_MS	40000
#define QT_RETRY_MS		2000

static bool qt_dead(struct qtcpip_dev *qd)
{
	return READ_ONCE(qd->state) == QT_DEV_DEAD;
}

/* The first line of @resp that starts with @prefix, or NULL. */
static const char *qt_resp_line(const char *resp, const char *prefix)
{
	size_t n = strlen(prefix);

	while (resp && *resp) {
		if (!strncmp(resp, prefix, n))
			return resp + n;
		resp = strchr(resp, '\n');
		if (resp)
			resp++;
	}
	return NULL;
}

static void qt_copy_line(char *dst, size_t size, const char *src)
{
	size_t n = 0;

	while (src[n] && src[n] != '\n' && n + 1 < size)
		n++;
	memcpy(dst, src, n);
	dst[n] = '\0';
	strim(dst);
}

static int qt_identify(struct qtcpip_dev *qd)
{
	char resp[256];
	const char *p;
	const struct qt_dialect *d = NULL;
	int err;

	err = qt_exec(qd, 0, resp, sizeof(resp), "ATI");
	if (err)
		return err;
	if (qt_resp_line(resp, "BC66"))
		d = &qt_dialect_bc66;
	else if (qt_resp_line(resp, "UC20"))
		d = &qt_dialect_uc20;
	if (!d) {
		netdev_err(qd->netdev, "unsupported module: %.60s\n", resp);
		return -EPROTONOSUPPORT;
	}
	spin_lock_bh(&qd->lock);
	qd->dialect = d;
	qt_parser_set_model(&qd->parser, d->model);
	spin_unlock_bh(&qd->lock);
	strscpy(qd->model, d->name, sizeof(qd->model));
	p = qt_resp_line(resp, "Revision: ");
	if (p)
		qt_copy_line(qd->revision, sizeof(qd->revision), p);

	if (!qt_exec(qd, 0, resp, sizeof(resp), "AT+CGSN")) {
		p = qt_resp_line(resp, "+CGSN: ");
		qt_copy_line(qd->imei, sizeof(qd->imei), p ? p : resp);
	}
	return 0;
}

/* UC20: which contexts are active, and their addresses
 * ("+QIACT: <id>,<state>,<type>[,"<address>"]").
 */
int qt_query_contexts(struct qtcpip_dev *qd)
{
	char resp[512], addr[QT_ADDR_MAX];
	const char *p;
	int id, st, type, err;

	err = qt_exec(qd, 0, resp, sizeof(resp), "AT+QIACT?");
	if (err)
		return err;
	spin_lock_bh(&qd->lock);
	memset(qd->ctx_active, 0, sizeof(qd->ctx_active));
	memset(qd->ctx_addr, 0, sizeof(qd->ctx_addr));
	for (p = resp; (p = qt_resp_line(p, "+QIACT: ")); ) {
		addr[0] = '\0';
		if (sscanf(p, "%d,%d,%d,\"%63[^\"]", &id, &st, &type, addr) >= 2 &&
		    id > 0 && id <= QT_MAX_CTX) {
			qd->ctx_active[id] = st == 1;
			strscpy(qd->ctx_addr[id], addr, QT_ADDR_MAX);
		}
		p = strchr(p, '\n');
		if (!p)
			break;
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
		qt_genl_event(qd, QTCPIP_EVENT_LINK_UP, 0);
	} else if (!on && netif_carrier_ok(qd->netdev)) {
		netif_carrier_off(qd->netdev);
		qt_genl_event(qd, QTCPIP_EVENT_LINK_DOWN, 0);
	}
}

/* BC66: its contexts come back with network registration (+CEREG stat 1
 * home or 5 roaming), e.g. after the network deactivated them.
 */
static void qt_bc66_registered(struct qtcpip_dev *qd)
{
	char resp[64];
	const char *p;
	int n, stat, i;

	if (qt_exec(qd, 0, resp, sizeof(resp), "AT+CEREG?"))
		return;
	p = qt_resp_line(resp, "+CEREG: ");
	if (!p || sscanf(p, "%d,%d", &n, &stat) != 2 || (stat != 1 && stat != 5))
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
			qt_sock_event_pdpdeact(qd, 1);
			spin_unlock_bh(&qd->lock);
		}
	}
	qt_update_carrier(qd);
}

/* Connections the module may still hold from before (an earlier attach,
 * a module that went mute) would make AT+QIOPEN fail: close them all.
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
			cmd->flags |= QT_CMDF_LATE_FINAL;
		qt_cmd_exec(qd, cmd);
		qt_cmd_put(cmd);
	}
}

static int qt_configure(struct qtcpip_dev *qd)
{
	const struct qt_dialect *d = qd->dialect;
	int err, i;

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

void qt_init_work(struct work_struct *work)
{
	struct qtcpip_dev *qd = container_of(work, struct qtcpip_dev,
					     init_work);
	int err;

	while (!qt_dead(qd)) {
		spin_lock_bh(&qd->lock);
		if (qd->state != QT_DEV_DEAD)
			qd->state = QT_DEV_PROBING;
		spin_unlock_bh(&qd->lock);

		/* The module may still be booting: probe until it answers. */
		err = qt_exec(qd, QT_PROBE_TIMEOUT_MS, NULL, 0, "AT");
		if (err)
			goto retry;

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
		if (err != -ETIMEDOUT && !qt_dead(qd))
			netdev_dbg(qd->netdev, "init failed: %d\n", err);
		wait_event_timeout(qd->stop_wait, qt_dead(qd),
				   msecs_to_jiffies(QT_RETRY_MS));
	}
}
