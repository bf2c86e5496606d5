// SPDX-License-Identifier: GPL-2.0
/* qtcpip: generic netlink operations, one per manual command family.
 *
 * Each runs the module's command through the engine (queued fairly with
 * the sockets' commands), waits interruptibly, and answers with netlink
 * attributes, or with an errno and an extack message that quotes the
 * manual's description of the module's error code.
 */

#include <linux/ctype.h>
#include <linux/netdevice.h>
#include <linux/slab.h>
#include <net/genetlink.h>
#include <net/sock.h>

#include "at_answer.h"
#include "genl.h"
#include "sock_info.h"

#define QT_QIACT_MS	150000
#define QT_QIDEACT_MS	40000
#define QT_DNS_MS	60000
#define QT_NTP_MS	125000

/* A doit waits with genl's cb_lock held (read): every genl family
 * (un)registration in the system, e.g. any rmmod of a genl module, waits
 * behind it. A caller without CAP_NET_ADMIN therefore waits at most this
 * long, pings at most QT_UNPRIV_PING_S seconds (count * timeout), gets
 * cached state where a live answer would take several commands, and may
 * not take a ping/lookup slot again right after holding it (see
 * qt_async_get()).
 */
#define QT_UNPRIV_PING_S	8

/* Whether the caller's requests are bounded as above. */
static bool qt_genl_limited(struct sk_buff *skb)
{
	return !netlink_capable(skb, CAP_NET_ADMIN);
}

/* An extack message chosen at run time (the NL_SET_ERR_MSG macros want a
 * literal); @msg must be static.
 */
static void qt_extack(struct genl_info *info, const struct nlattr *attr,
		      const char *msg)
{
	if (!info->extack || !msg)
		return;
	info->extack->_msg = msg;
	if (attr)
		info->extack->bad_attr = attr;
}

/* Run one command; on failure, put the module's reason in the extack.
 * Returns 0 or -errno (the module's code mapped per dialect).
 */
static int __printf(7, 8)
qt_genl_exec(struct qtcpip_dev *qd, struct genl_info *info, bool limited,
	     unsigned int timeout_ms, char *resp, size_t rsize,
	     const char *fmt, ...)
{
	struct qt_cmd *cmd;
	const char *text;
	va_list ap;
	long left;
	int err;

	va_start(ap, fmt);
	cmd = qt_cmd_vnew(GFP_KERNEL, fmt, ap);
	va_end(ap);
	if (!cmd)
		return -ENOMEM;
	cmd->flags = QT_CMDF_GETERROR;
	if (timeout_ms)
		cmd->timeout = qt_deadline(timeout_ms);
	/* Killable: a user's Ctrl-C ends the wait, not the command. Not
	 * interruptible: netlink sends no answer to -EINTR, so a stopped
	 * and continued caller would wait for one for ever.
	 */
	refcount_inc(&cmd->ref);
	qt_cmd_queue(qd, cmd);
	left = wait_for_completion_killable_timeout(&cmd->comp, limited ?
						    msecs_to_jiffies(QT_USER_WAIT_MS) :
						    MAX_SCHEDULE_TIMEOUT);
	if (left <= 0) {
		qt_cmd_put(cmd);
		if (left < 0)
			return -EINTR;
		/* Queued behind long commands: it still runs, unwaited. */
		GENL_SET_ERR_MSG(info, "the module is busy (10 s limit without CAP_NET_ADMIN)");
		return -EAGAIN;
	}
	err = cmd->status;
	if (err == -EIO && cmd->code) {
		text = qt_dialect_errtext(qd->dialect, cmd->code);
		qt_extack(info, NULL, text);
		err = -qt_dialect_errno(qd->dialect, cmd->code);
	} else if (err == -ETIMEDOUT) {
		GENL_SET_ERR_MSG(info, "the module did not answer in time");
	} else if (err == -EIO) {
		GENL_SET_ERR_MSG(info, "the module answered ERROR");
	}
	if (!err && resp && rsize)
		strscpy(resp, cmd->resp ? cmd->resp : "", rsize);
	qt_cmd_put(cmd);
	return err;
}

/* A string that goes inside a quoted AT argument. */
static bool qt_genl_quotable(const char *s)
{
	for (; *s; s++)
		if (*s < ' ' || *s > '~' || *s == '"')
			return false;
	return true;
}

static int qt_genl_string(struct genl_info *info, int attr, const char **out,
			  bool required)
{
	struct nlattr *a = info->attrs[attr];

	*out = "";
	if (!a) {
		if (required) {
			NL_SET_ERR_MSG_ATTR(info->extack, NULL,
					    "a required attribute is missing");
			return -EINVAL;
		}
		return 0;
	}
	*out = nla_data(a);
	if (!qt_genl_quotable(*out)) {
		NL_SET_ERR_MSG_ATTR(info->extack, a,
				    "only printable ASCII without '\"' is allowed");
		return -EINVAL;
	}
	return 0;
}

/* The context of a request: QTCPIP_A_CTX_ID or 1, within the dialect. */
static int qt_genl_ctx(struct qtcpip_dev *qd, struct genl_info *info)
{
	struct nlattr *a = info->attrs[QTCPIP_A_CTX_ID];
	int ctx = a ? nla_get_u8(a) : 1;

	if (ctx > qd->dialect->max_ctx) {
		NL_SET_ERR_MSG_ATTR(info->extack, a,
				    "context out of range for this module");
		return -EINVAL;
	}
	return ctx;
}

static int qt_genl_need_pdp(struct qtcpip_dev *qd, struct genl_info *info)
{
	if (qd->dialect->has_pdp_cmds)
		return 0;
	GENL_SET_ERR_MSG(info, "not supported on BC66: no PDP context commands");
	return -EOPNOTSUPP;
}

/* A ready UC20 and the context a PDP or DNS request names. */
static struct qtcpip_dev *qt_genl_pdp_dev(struct genl_info *info, int *ctx)
{
	struct qtcpip_dev *qd = qt_genl_ready_dev(info);
	int err;

	if (IS_ERR(qd))
		return qd;
	err = qt_genl_need_pdp(qd, info);
	if (!err) {
		*ctx = qt_genl_ctx(qd, info);
		err = min(*ctx, 0);
	}
	if (err) {
		qt_dev_put(qd);
		return ERR_PTR(err);
	}
	return qd;
}

static int qt_genl_fill_dev(struct sk_buff *skb, struct qtcpip_dev *qd,
			    u32 portid, u32 seq, int flags)
{
	const struct qt_dialect *d = qd->dialect;
	struct nlattr *nest;
	void *hdr;
	int i;

	hdr = genlmsg_put(skb, portid, seq, &qt_genl_family, flags,
			  QTCPIP_CMD_DEV_GET);
	if (!hdr)
		return -EMSGSIZE;
	if (nla_put_u32(skb, QTCPIP_A_IFINDEX, qd->netdev->ifindex) ||
	    nla_put_string(skb, QTCPIP_A_IFNAME, qd->netdev->name) ||
	    nla_put_u8(skb, QTCPIP_A_STATE, READ_ONCE(qd->state)) ||
	    nla_put_string(skb, QTCPIP_A_TTY, qd->tty_name) ||
	    nla_put_u32(skb, QTCPIP_A_BAUD, READ_ONCE(qd->line_baud)) ||
	    nla_put_u32(skb, QTCPIP_A_MAX_BAUD, READ_ONCE(qd->max_baud)) ||
	    (READ_ONCE(qd->baud_failed) &&
	     nla_put_u32(skb, QTCPIP_A_BAUD_FAILED,
			 READ_ONCE(qd->baud_failed))))
		goto err;
	if (d && (nla_put_string(skb, QTCPIP_A_DIALECT, d->name) ||
		  nla_put_string(skb, QTCPIP_A_MODEL, qd->model) ||
		  nla_put_string(skb, QTCPIP_A_REVISION, qd->revision) ||
		  nla_put_string(skb, QTCPIP_A_IMEI, qd->imei) ||
		  nla_put_u32(skb, QTCPIP_A_MAX_CONN, d->max_conn) ||
		  nla_put_u32(skb, QTCPIP_A_MAX_CTX, d->max_ctx) ||
		  nla_put_u32(skb, QTCPIP_A_MAX_SEND, d->max_send) ||
		  nla_put_u32(skb, QTCPIP_A_MAX_READ, d->max_read)))
		goto err;
	for (i = 1; d && i <= d->max_ctx; i++) {
		if (!READ_ONCE(qd->ctx_active[i]))
			continue;
		nest = nla_nest_start(skb, QTCPIP_A_CTX);
		if (!nest || nla_put_u8(skb, QTCPIP_A_CTX_ID, i) ||
		    nla_put_u8(skb, QTCPIP_A_CTX_ACTIVE, 1) ||
		    (qd->ctx_addr[i][0] &&
		     nla_put_string(skb, QTCPIP_A_CTX_ADDR, qd->ctx_addr[i])))
			goto err;
		nla_nest_end(skb, nest);
	}
	genlmsg_end(skb, hdr);
	return 0;
err:
	genlmsg_cancel(skb, hdr);
	return -EMSGSIZE;
}

/* AT+IPR takes no faster rate on any module we know. */
#define QT_MAX_BAUD	4000000

/* QTCPIP_A_DIALECT: the profile for a module of unknown model;
 * QTCPIP_A_MAX_BAUD: the line rate limit of the next init.
 */
int qt_genl_dev_set(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr *dia = info->attrs[QTCPIP_A_DIALECT];
	struct nlattr *mb = info->attrs[QTCPIP_A_MAX_BAUD];
	struct qtcpip_dev *qd;
	int err = 0;

	if (!dia && !mb) {
		qt_extack(info, NULL, "QTCPIP_A_DIALECT or QTCPIP_A_MAX_BAUD is required");
		return -EINVAL;
	}
	if (mb && nla_get_u32(mb) > QT_MAX_BAUD) {
		qt_extack(info, mb, "max-baud above 4000000");
		return -EINVAL;
	}
	qd = qt_genl_dev(info);
	if (IS_ERR(qd))
		return PTR_ERR(qd);
	if (dia) {
		err = qt_force_dialect(qd, nla_data(dia));
		if (err)
			qt_extack(info, dia, "unknown dialect profile");
	}
	if (!err && mb)
		qt_set_max_baud(qd, nla_get_u32(mb));
	qt_dev_put(qd);
	return err;
}

int qt_genl_dev_get(struct sk_buff *skb, struct genl_info *info)
{
	struct qtcpip_dev *qd = qt_genl_dev(info);
	struct sk_buff *msg;
	int err;

	if (IS_ERR(qd))
		return PTR_ERR(qd);
	msg = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	err = msg ? qt_genl_fill_dev(msg, qd, info->snd_portid,
				     info->snd_seq, 0) : -ENOMEM;
	qt_dev_put(qd);
	if (err) {
		nlmsg_free(msg);
		return err;
	}
	return genlmsg_reply(msg, info);
}

int qt_genl_dev_dump(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct net_device *dev;
	int idx = 0, start = cb->args[0];

	rcu_read_lock();
	for_each_netdev_rcu(sock_net(skb->sk), dev) {
		struct qtcpip_dev *qd = qt_netdev_priv(dev);

		if (!qd)
			continue;
		if (idx++ < start)
			continue;
		if (qt_genl_fill_dev(skb, qd, NETLINK_CB(cb->skb).portid,
				     cb->nlh->nlmsg_seq, NLM_F_MULTI)) {
			idx--;
			break;
		}
	}
	rcu_read_unlock();
	cb->args[0] = idx;
	return skb->len;
}

/* A reply with the device's ifindex and a command of our own. */
static struct sk_buff *qt_genl_new_reply(struct qtcpip_dev *qd,
					 struct genl_info *info, u8 cmd,
					 void **hdr)
{
	struct sk_buff *msg = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);

	if (!msg)
		return NULL;
	*hdr = genlmsg_put(msg, info->snd_portid, info->snd_seq,
			   &qt_genl_family, 0, cmd);
	if (!*hdr || nla_put_u32(msg, QTCPIP_A_IFINDEX, qd->netdev->ifindex)) {
		nlmsg_free(msg);
		return NULL;
	}
	return msg;
}

static int qt_genl_send(struct sk_buff *msg, void *hdr, struct genl_info *info)
{
	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);
}

/* "+QICSGP: <type>,"<apn>","<user>","<pass>",<auth>" into @msg. */
static int qt_genl_put_csgp(struct sk_buff *msg, const char *resp)
{
	struct qt_ans_qicsgp a;
	size_t n;
	const char *p = qt_ans_line(resp, "+QICSGP:", &n);

	if (!p || qt_ans_qicsgp(p, n, &a))
		return 0;
	if (nla_put_string(msg, QTCPIP_A_CTX_APN, a.apn) ||
	    nla_put_string(msg, QTCPIP_A_CTX_USER, a.user) ||
	    nla_put_u8(msg, QTCPIP_A_CTX_AUTH, a.auth))
		return -EMSGSIZE;
	return 0;
}

int qt_genl_ctx_get(struct sk_buff *skb, struct genl_info *info)
{
	struct qtcpip_dev *qd = qt_genl_ready_dev(info);
	bool limited = qt_genl_limited(skb);
	struct nlattr *nest;
	struct sk_buff *msg;
	char *resp = NULL;
	int err, i, only = 0;
	void *hdr;

	if (IS_ERR(qd))
		return PTR_ERR(qd);
	if (info->attrs[QTCPIP_A_CTX_ID]) {
		only = qt_genl_ctx(qd, info);
		if (only < 0) {
			err = only;
			goto out;
		}
	}
	/* Without CAP_NET_ADMIN: the state known from the last query, and
	 * no configuration (one command per context would be too many).
	 */
	if (qd->dialect->has_pdp_cmds && !limited) {
		err = qt_query_contexts(qd);
		if (err)
			goto out;
	}
	resp = kmalloc(512, GFP_KERNEL);
	msg = resp ? qt_genl_new_reply(qd, info, QTCPIP_CMD_CTX_GET, &hdr) : NULL;
	err = -ENOMEM;
	if (!msg)
		goto out;
	for (i = 1; i <= qd->dialect->max_ctx; i++) {
		bool active = READ_ONCE(qd->ctx_active[i]);

		/* Every active context, context 1, or the one asked for. */
		if (only ? i != only : !active && i != 1)
			continue;
		nest = nla_nest_start(msg, QTCPIP_A_CTX);
		if (!nest || nla_put_u8(msg, QTCPIP_A_CTX_ID, i) ||
		    nla_put_u8(msg, QTCPIP_A_CTX_ACTIVE, active) ||
		    (qd->ctx_addr[i][0] &&
		     nla_put_string(msg, QTCPIP_A_CTX_ADDR, qd->ctx_addr[i])))
			goto toobig;
		if (qd->dialect->has_pdp_cmds &&
		    !limited &&
		    !qt_genl_exec(qd, info, false, 0, resp, 512,
				  "AT+QICSGP=%d", i) &&
		    qt_genl_put_csgp(msg, resp))
			goto toobig;
		nla_nest_end(msg, nest);
	}
	kfree(resp);
	qt_dev_put(qd);
	return qt_genl_send(msg, hdr, info);
toobig:
	nlmsg_free(msg);
	err = -EMSGSIZE;
out:
	kfree(resp);
	qt_dev_put(qd);
	return err;
}

int qt_genl_ctx_set(struct sk_buff *skb, struct genl_info *info)
{
	struct qtcpip_dev *qd;
	const char *apn, *user, *pass;
	int ctx, auth, err;

	qd = qt_genl_pdp_dev(info, &ctx);
	if (IS_ERR(qd))
		return PTR_ERR(qd);
	err = qt_genl_string(info, QTCPIP_A_CTX_APN, &apn, true);
	if (!err)
		err = qt_genl_string(info, QTCPIP_A_CTX_USER, &user, false);
	if (!err)
		err = qt_genl_string(info, QTCPIP_A_CTX_PASSWORD, &pass, false);
	if (err)
		goto out;
	auth = info->attrs[QTCPIP_A_CTX_AUTH] ?
	       nla_get_u8(info->attrs[QTCPIP_A_CTX_AUTH]) : 0;
	err = qt_genl_exec(qd, info, false, 0, NULL, 0,
			   "AT+QICSGP=%d,1,\"%s\",\"%s\",\"%s\",%d", ctx, apn,
			   user, pass, auth);
out:
	qt_dev_put(qd);
	return err;
}

int qt_genl_ctx_up(struct sk_buff *skb, struct genl_info *info)
{
	struct qtcpip_dev *qd;
	int ctx, err;

	qd = qt_genl_pdp_dev(info, &ctx);
	if (IS_ERR(qd))
		return PTR_ERR(qd);
	err = qt_genl_exec(qd, info, false, QT_QIACT_MS, NULL, 0,
			   "AT+QIACT=%d", ctx);
	if (!err)
		err = qt_query_contexts(qd);
	/* Carrier; not once detached, whose cancel it could follow. */
	if (!err && ctx == 1)
		qt_dev_queue_work(qd, &qd->link_work);
	qt_dev_put(qd);
	return err;
}

int qt_genl_ctx_down(struct sk_buff *skb, struct genl_info *info)
{
	struct qtcpip_dev *qd;
	int ctx, err;

	qd = qt_genl_pdp_dev(info, &ctx);
	if (IS_ERR(qd))
		return PTR_ERR(qd);
	err = qt_genl_exec(qd, info, false, QT_QIDEACT_MS, NULL, 0,
			   "AT+QIDEACT=%d", ctx);
	if (!err) {
		/* The module closed the context's connections. */
		spin_lock_bh(&qd->lock);
		qt_engine_pdpdeact_locked(qd, ctx);
		spin_unlock_bh(&qd->lock);
		qt_query_contexts(qd);
	}
	qt_dev_put(qd);
	return err;
}

int qt_genl_dns_get(struct sk_buff *skb, struct genl_info *info)
{
	struct qt_ans_qidnscfg dns = {};
	struct qtcpip_dev *qd;
	char resp[256];
	struct sk_buff *msg;
	const char *p;
	int ctx, err;
	size_t n;
	void *hdr;

	qd = qt_genl_pdp_dev(info, &ctx);
	if (IS_ERR(qd))
		return PTR_ERR(qd);
	err = qt_genl_exec(qd, info, qt_genl_limited(skb), 0, resp,
			   sizeof(resp), "AT+QIDNSCFG=%d", ctx);
	if (err)
		goto out;
	p = qt_ans_line(resp, "+QIDNSCFG:", &n);
	if (p)
		qt_ans_qidnscfg(p, n, &dns);
	err = -ENOMEM;
	msg = qt_genl_new_reply(qd, info, QTCPIP_CMD_DNS_GET, &hdr);
	if (!msg)
		goto out;
	if (nla_put_u8(msg, QTCPIP_A_CTX_ID, ctx) ||
	    nla_put_string(msg, QTCPIP_A_DNS_PRIMARY, dns.pri) ||
	    nla_put_string(msg, QTCPIP_A_DNS_SECONDARY, dns.sec)) {
		nlmsg_free(msg);
		err = -EMSGSIZE;
		goto out;
	}
	qt_dev_put(qd);
	return qt_genl_send(msg, hdr, info);
out:
	qt_dev_put(qd);
	return err;
}

int qt_genl_dns_set(struct sk_buff *skb, struct genl_info *info)
{
	struct qtcpip_dev *qd;
	const char *pri, *sec;
	int ctx, err;

	qd = qt_genl_pdp_dev(info, &ctx);
	if (IS_ERR(qd))
		return PTR_ERR(qd);
	err = qt_genl_string(info, QTCPIP_A_DNS_PRIMARY, &pri, true);
	if (!err)
		err = qt_genl_string(info, QTCPIP_A_DNS_SECONDARY, &sec, false);
	if (err)
		goto out;
	if (*sec)
		err = qt_genl_exec(qd, info, false, 0, NULL, 0,
				   "AT+QIDNSCFG=%d,\"%s\",\"%s\"", ctx, pri, sec);
	else
		err = qt_genl_exec(qd, info, false, 0, NULL, 0,
				   "AT+QIDNSCFG=%d,\"%s\"", ctx, pri);
out:
	qt_dev_put(qd);
	return err;
}

static bool qt_genl_woken(struct qtcpip_dev *qd, struct qt_async *slot,
			  int *sent)
{
	return READ_ONCE(slot->done) ||
	       (sent && READ_ONCE(slot->nrep) > *sent) ||
	       READ_ONCE(qd->state) == QT_DEV_DEAD;
}

/* Wait for @slot's result, until its deadline or, for a limited caller,
 * @until; each new ping reply goes out as it comes.
 */
static int qt_genl_wait(struct qtcpip_dev *qd, struct qt_async *slot,
			struct genl_info *info, int *sent,
			bool limited, unsigned long until)
{
	unsigned long end = slot->deadline;
	long left;
	int err;

	if (limited && time_before(until, end))
		end = until;
	left = end - jiffies;
	for (;;) {
		if (left <= 0) {
			if (limited && end == until)
				GENL_SET_ERR_MSG(info, "no result within the unprivileged wait");
			return -ETIMEDOUT;
		}
		/* killable, as in qt_genl_exec() */
		left = wait_event_killable_timeout(qd->async_wait,
						   qt_genl_woken(qd, slot, sent),
						   left);
		if (left < 0)
			return -EINTR;
		if (READ_ONCE(qd->state) == QT_DEV_DEAD)
			return -ENODEV;
		while (sent && *sent < READ_ONCE(slot->nrep)) {
			struct sk_buff *msg;
			void *hdr;
			int i = *sent;

			(*sent)++;
			msg = qt_genl_new_reply(qd, info,
						QTCPIP_CMD_PING_REPLY, &hdr);
			if (!msg)
				continue;
			if (nla_put_u32(msg, QTCPIP_A_PING_RESULT,
					slot->rep[i].result) ||
			    (slot->rep_addr[i][0] &&
			     (nla_put_string(msg, QTCPIP_A_ADDR,
					     slot->rep_addr[i]) ||
			      nla_put_u32(msg, QTCPIP_A_PING_BYTES,
					  slot->rep[i].bytes) ||
			      nla_put_u32(msg, QTCPIP_A_PING_TIME,
					  slot->rep[i].time) ||
			      nla_put_u32(msg, QTCPIP_A_TTL,
					  slot->rep[i].ttl)))) {
				nlmsg_free(msg);
				continue;
			}
			genlmsg_end(msg, hdr);
			err = genlmsg_unicast(genl_info_net(info), msg,
					      info->snd_portid);
			if (err)
				return err;
		}
		if (slot->done)
			return 0;
	}
}

/* The slot of a lookup or ping is taken: @busy, or rate limited. */
static void qt_genl_slot_busy(struct genl_info *info, int err,
			      const char *busy)
{
	if (err == -EAGAIN)
		GENL_SET_ERR_MSG(info, "rate limited: wait as long as your last request took");
	else
		qt_extack(info, NULL, busy);
}

int qt_genl_resolve(struct sk_buff *skb, struct genl_info *info)
{
	struct qtcpip_dev *qd = qt_genl_ready_dev(info);
	unsigned long until = jiffies + msecs_to_jiffies(QT_USER_WAIT_MS);
	bool limited = qt_genl_limited(skb);
	struct qt_async *slot;
	struct sk_buff *msg;
	const char *host;
	int ctx, err, i;
	void *hdr;

	if (IS_ERR(qd))
		return PTR_ERR(qd);
	slot = &qd->dns;
	ctx = qt_genl_ctx(qd, info);
	err = ctx < 0 ? ctx : qt_genl_string(info, QTCPIP_A_HOST, &host, true);
	if (err)
		goto out;
	err = qt_async_get(qd, slot, QT_DNS_MS + 5000, limited);
	if (err) {
		qt_genl_slot_busy(info, err, "a name lookup is already running");
		goto out;
	}
	err = qt_genl_exec(qd, info, limited, 0, NULL, 0,
			   "AT+QIDNSGIP=%d,\"%s\"", ctx, host);
	/* Interrupted or unwaited, the command may still run. */
	if (err && err != -EINTR && err != -EAGAIN)
		qt_async_refused(qd, slot);
	if (!err)
		err = qt_genl_wait(qd, slot, info, NULL, limited, until);
	if (!err && slot->err) {
		err = -qt_dialect_errno(qd->dialect, slot->err);
		qt_extack(info, NULL, qt_dialect_errtext(qd->dialect, slot->err));
	}
	if (err)
		goto put;
	err = -ENOMEM;
	msg = qt_genl_new_reply(qd, info, QTCPIP_CMD_RESOLVE, &hdr);
	if (!msg)
		goto put;
	if (nla_put_string(msg, QTCPIP_A_HOST, host) ||
	    nla_put_u32(msg, QTCPIP_A_TTL, slot->ttl))
		goto toobig;
	for (i = 0; i < min(slot->naddr, QT_DNS_MAX_ADDR); i++)
		if (nla_put_string(msg, QTCPIP_A_ADDR, slot->addr[i]))
			goto toobig;
	qt_async_put(qd, slot);
	qt_dev_put(qd);
	return qt_genl_send(msg, hdr, info);
toobig:
	nlmsg_free(msg);
	err = -EMSGSIZE;
put:
	qt_async_put(qd, slot);
out:
	qt_dev_put(qd);
	return err;
}

int qt_genl_ping(struct sk_buff *skb, struct genl_info *info)
{
	struct qtcpip_dev *qd = qt_genl_ready_dev(info);
	bool limited = qt_genl_limited(skb);
	u32 timeout = 4, count = 4;
	unsigned long until;
	struct qt_async *slot;
	struct sk_buff *msg;
	const char *host;
	int ctx, err, sent = 0;
	void *hdr;

	if (IS_ERR(qd))
		return PTR_ERR(qd);
	slot = &qd->ping;
	if (qd->dialect->model == QT_MODEL_UC20)
		timeout = 1;	/* the manuals' defaults */
	if (info->attrs[QTCPIP_A_TIMEOUT])
		timeout = nla_get_u32(info->attrs[QTCPIP_A_TIMEOUT]);
	if (info->attrs[QTCPIP_A_COUNT])
		count = nla_get_u32(info->attrs[QTCPIP_A_COUNT]);
	else if (limited && timeout * count > QT_UNPRIV_PING_S)
		count = max(QT_UNPRIV_PING_S / timeout, 1U);
	if (limited && timeout * count > QT_UNPRIV_PING_S) {
		GENL_SET_ERR_MSG(info, "without CAP_NET_ADMIN count * timeout is at most 8 s");
		err = -EPERM;
		goto out;
	}
	ctx = qt_genl_ctx(qd, info);
	err = ctx < 0 ? ctx : qt_genl_string(info, QTCPIP_A_HOST, &host, true);
	if (err)
		goto out;
	err = qt_async_get(qd, slot, (timeout * count + 10) * 1000, limited);
	if (err) {
		qt_genl_slot_busy(info, err, "a ping is already running");
		goto out;
	}
	/* The module's last reply or loss comes within count * timeout. */
	until = jiffies + (timeout * count + 2) * HZ;
	err = qt_genl_exec(qd, info, limited, 0, NULL, 0,
			   "AT+QPING=%d,\"%s\",%u,%u", ctx, host, timeout,
			   count);
	if (err && err != -EINTR && err != -EAGAIN)
		qt_async_refused(qd, slot);
	if (!err)
		err = qt_genl_wait(qd, slot, info, &sent, limited, until);
	if (!err && slot->err) {
		/* The failure codes are the module family's (UC20 3-5, the
		 * others their error table).
		 */
		err = -qt_dialect_ping_errno(qd->dialect, slot->err);
		qt_extack(info, NULL,
			  qt_dialect_ping_errtext(qd->dialect, slot->err));
	}
	if (err)
		goto put;
	err = -ENOMEM;
	msg = qt_genl_new_reply(qd, info, QTCPIP_CMD_PING, &hdr);
	if (!msg)
		goto put;
	if (nla_put_string(msg, QTCPIP_A_HOST, host) ||
	    nla_put_u32(msg, QTCPIP_A_PING_SENT, slot->sum.sent) ||
	    nla_put_u32(msg, QTCPIP_A_PING_RCVD, slot->sum.rcvd) ||
	    nla_put_u32(msg, QTCPIP_A_PING_LOST, slot->sum.lost) ||
	    nla_put_u32(msg, QTCPIP_A_PING_MIN, slot->sum.min) ||
	    nla_put_u32(msg, QTCPIP_A_PING_MAX, slot->sum.max) ||
	    nla_put_u32(msg, QTCPIP_A_PING_AVG, slot->sum.avg)) {
		nlmsg_free(msg);
		err = -EMSGSIZE;
		goto put;
	}
	qt_async_put(qd, slot);
	qt_dev_put(qd);
	return qt_genl_send(msg, hdr, info);
put:
	qt_async_put(qd, slot);
out:
	qt_dev_put(qd);
	return err;
}

int qt_genl_ntp(struct sk_buff *skb, struct genl_info *info)
{
	struct qtcpip_dev *qd = qt_genl_ready_dev(info);
	bool set = nla_get_flag(info->attrs[QTCPIP_A_NTP_SET_CLOCK]);
	struct qt_async *slot;
	struct sk_buff *msg;
	const char *server;
	int ctx, err, port = 123;
	void *hdr;

	if (IS_ERR(qd))
		return PTR_ERR(qd);
	slot = &qd->ntp;
	if (info->attrs[QTCPIP_A_NTP_PORT])
		port = nla_get_u16(info->attrs[QTCPIP_A_NTP_PORT]);
	ctx = qt_genl_ctx(qd, info);
	err = ctx < 0 ? ctx :
	      qt_genl_string(info, QTCPIP_A_NTP_SERVER, &server, true);
	if (err)
		goto out;
	err = qt_async_get(qd, slot, QT_NTP_MS + 5000, false);
	if (err) {
		GENL_SET_ERR_MSG(info, "a time synchronisation is already running");
		goto out;
	}
	err = qt_genl_exec(qd, info, false, 0, NULL, 0,
			   "AT+QNTP=%d,\"%s\",%d,%d", ctx, server, port, set);
	if (err && err != -EINTR)
		qt_async_refused(qd, slot);
	if (!err)
		err = qt_genl_wait(qd, slot, info, NULL, false, 0);
	if (!err && slot->err) {
		err = -qt_dialect_errno(qd->dialect, slot->err);
		qt_extack(info, NULL, qt_dialect_errtext(qd->dialect, slot->err));
	}
	if (err)
		goto put;
	err = -ENOMEM;
	msg = qt_genl_new_reply(qd, info, QTCPIP_CMD_NTP, &hdr);
	if (!msg)
		goto put;
	if (nla_put_string(msg, QTCPIP_A_NTP_SERVER, server) ||
	    nla_put_string(msg, QTCPIP_A_NTP_TIME, slot->time)) {
		nlmsg_free(msg);
		err = -EMSGSIZE;
		goto put;
	}
	qt_async_put(qd, slot);
	qt_dev_put(qd);
	return qt_genl_send(msg, hdr, info);
put:
	qt_async_put(qd, slot);
out:
	qt_dev_put(qd);
	return err;
}

/* The AT+QICFG names each dialect has, and how many values each takes. */
static int qt_genl_cfg_name(struct qtcpip_dev *qd, struct genl_info *info,
			    const char **name)
{
	static const char * const bc66[] = { "dataformat", "viewmode" };
	static const char * const uc20[] = { "transpktsize", "transwaittm" };
	const char * const *names = qd->dialect->model == QT_MODEL_BC66 ?
				    bc66 : uc20;
	int i;

	if (!info->attrs[QTCPIP_A_CFG_NAME]) {
		GENL_SET_ERR_MSG(info, "no QTCPIP_A_CFG_NAME");
		return -EINVAL;
	}
	*name = nla_data(info->attrs[QTCPIP_A_CFG_NAME]);
	for (i = 0; i < 2; i++)
		if (!strcmp(*name, names[i]))
			return i == 0 && names == bc66 ? 2 : 1;
	qt_extack(info, info->attrs[QTCPIP_A_CFG_NAME],
		  qd->dialect->model == QT_MODEL_BC66 ?
		  "BC66 options: dataformat, viewmode" :
		  "UC20 options: transpktsize, transwaittm");
	return -EOPNOTSUPP;
}

int qt_genl_cfg_get(struct sk_buff *skb, struct genl_info *info)
{
	struct qtcpip_dev *qd = qt_genl_ready_dev(info);
	struct qt_ans_qicfg cfg;
	char resp[128];
	struct sk_buff *msg;
	const char *name, *p;
	size_t len;
	int n, err;
	void *hdr;

	if (IS_ERR(qd))
		return PTR_ERR(qd);
	n = qt_genl_cfg_name(qd, info, &name);
	err = n;
	if (n < 0)
		goto out;
	err = qt_genl_exec(qd, info, qt_genl_limited(skb), 0, resp,
			   sizeof(resp), "AT+QICFG=\"%s\"", name);
	if (err)
		goto out;
	p = qt_ans_line(resp, "+QICFG:", &len);
	err = -EPROTO;
	if (!p || qt_ans_qicfg(p, len, &cfg) || cfg.nval < n) {
		GENL_SET_ERR_MSG(info, "unexpected answer from the module");
		goto out;
	}
	err = -ENOMEM;
	msg = qt_genl_new_reply(qd, info, QTCPIP_CMD_CFG_GET, &hdr);
	if (!msg)
		goto out;
	if (nla_put_string(msg, QTCPIP_A_CFG_NAME, name) ||
	    nla_put_u32(msg, QTCPIP_A_CFG_VALUE, cfg.val[0]) ||
	    (n > 1 && nla_put_u32(msg, QTCPIP_A_CFG_VALUE, cfg.val[1]))) {
		nlmsg_free(msg);
		err = -EMSGSIZE;
		goto out;
	}
	qt_dev_put(qd);
	return qt_genl_send(msg, hdr, info);
out:
	qt_dev_put(qd);
	return err;
}

/* BC66 AT+QICFG answered OK: the parser and the send path follow the
 * module's formats before the engine issues the next command (a send
 * built with the old format would be misread). Under qd->lock.
 */
static void qt_genl_cfg_done(struct qtcpip_dev *qd, struct qt_cmd *cmd)
{
	unsigned int a, b;

	lockdep_assert_held(&qd->lock);
	if (cmd->status)
		return;
	if (sscanf(cmd->line, "AT+QICFG=\"viewmode\",%u", &a) == 1) {
		qt_parser_set_viewmode(&qd->parser, a == 1);
	} else if (sscanf(cmd->line, "AT+QICFG=\"dataformat\",%u,%u",
			  &a, &b) == 2) {
		qd->bc66_send_hex = a == 1;
		qt_parser_set_recv_hex(&qd->parser, b == 1);
	}
}

int qt_genl_cfg_set(struct sk_buff *skb, struct genl_info *info)
{
	struct qtcpip_dev *qd = qt_genl_ready_dev(info);
	struct qt_cmd *cmd = NULL;
	struct nlattr *a;
	const char *name;
	int n, rem, err, nv = 0;
	u32 v[2] = {};

	if (IS_ERR(qd))
		return PTR_ERR(qd);
	n = qt_genl_cfg_name(qd, info, &name);
	err = n;
	if (n < 0)
		goto out;
	nlmsg_for_each_attr(a, info->nlhdr, GENL_HDRLEN, rem) {
		if (nla_type(a) != QTCPIP_A_CFG_VALUE || nla_len(a) != 4)
			continue;
		if (nv < 2)
			v[nv] = nla_get_u32(a);
		nv++;
	}
	err = -EINVAL;
	if (nv != n) {
		qt_extack(info, NULL, n == 2 ?
			  "dataformat takes two values: send, receive" :
			  "this option takes one value");
		goto out;
	}
	if (n == 2)
		cmd = qt_cmd_new(GFP_KERNEL, "AT+QICFG=\"%s\",%u,%u", name,
				 v[0], v[1]);
	else
		cmd = qt_cmd_new(GFP_KERNEL, "AT+QICFG=\"%s\",%u", name, v[0]);
	err = -ENOMEM;
	if (!cmd)
		goto out;
	cmd->flags = QT_CMDF_GETERROR;
	if (qd->dialect->model == QT_MODEL_BC66)
		cmd->done = qt_genl_cfg_done;
	/* Killable, not interruptible: netlink sends no answer for -EINTR,
	 * so a stop and continue (^Z, fg) would leave the requester waiting
	 * for ever. The command's deadline bounds the wait; the switch
	 * happens in the callback either way.
	 */
	refcount_inc(&cmd->ref);
	qt_cmd_queue(qd, cmd);
	err = -EINTR;
	if (wait_for_completion_killable(&cmd->comp))
		goto out;
	err = cmd->status;
	if (err == -EIO && cmd->code) {
		qt_extack(info, NULL, qt_dialect_errtext(qd->dialect, cmd->code));
		err = -qt_dialect_errno(qd->dialect, cmd->code);
	} else if (err == -ETIMEDOUT) {
		GENL_SET_ERR_MSG(info, "the module did not answer in time");
	} else if (err == -EIO) {
		GENL_SET_ERR_MSG(info, "the module answered ERROR");
	}
out:
	qt_cmd_put(cmd);
	qt_dev_put(qd);
	return err;
}

int qt_genl_err_get(struct sk_buff *skb, struct genl_info *info)
{
	struct qtcpip_dev *qd = qt_genl_ready_dev(info);
	struct qt_ans_geterror ge = {};
	char resp[160];
	struct sk_buff *msg;
	const char *p;
	size_t n;
	int err;
	void *hdr;

	if (IS_ERR(qd))
		return PTR_ERR(qd);
	err = qt_genl_exec(qd, info, qt_genl_limited(skb), 0, resp,
			   sizeof(resp), "AT+QIGETERROR");
	if (err)
		goto out;
	p = qt_ans_line(resp, "+QIGETERROR:", &n);
	if (p)
		qt_ans_geterror(p, n, &ge);
	if (!ge.text[0] && qt_dialect_errtext(qd->dialect, ge.code))
		strscpy(ge.text, qt_dialect_errtext(qd->dialect, ge.code),
			sizeof(ge.text));
	err = -ENOMEM;
	msg = qt_genl_new_reply(qd, info, QTCPIP_CMD_ERR_GET, &hdr);
	if (!msg)
		goto out;
	if (nla_put_u32(msg, QTCPIP_A_ERR_CODE, ge.code) ||
	    nla_put_string(msg, QTCPIP_A_ERR_TEXT, ge.text)) {
		nlmsg_free(msg);
		err = -EMSGSIZE;
		goto out;
	}
	qt_dev_put(qd);
	return qt_genl_send(msg, hdr, info);
out:
	qt_dev_put(qd);
	return err;
}

/* Socket dump: a snapshot taken in start(), where waiting for the module's
 * AT+QISTATE is allowed, then one message per socket.
 */
struct qt_sock_snap {
	int ifindex;
	struct qt_sock_info info;
	bool have_mod;
	u8 mod_state;
	u16 mod_lport;
	char mod_type[16];
};

struct qt_sock_dump {
	int n, pos;
	struct qt_sock_snap snap[];
};

static void qt_snap_peer(const struct qt_sock_info *si, char *buf,
			 size_t size)
{
	const struct sockaddr_in *sin = (const void *)&si->peer;
	const struct sockaddr_in6 *sin6 = (const void *)&si->peer;
	const struct sockaddr_qt *sqt = (const void *)&si->peer;

	buf[0] = '\0';
	if (sin->sin_family == AF_INET)
		snprintf(buf, size, "%pI4:%u", &sin->sin_addr,
			 ntohs(sin->sin_port));
	else if (sin->sin_family == AF_INET6)
		snprintf(buf, size, "[%pI6c]:%u", &sin6->sin6_addr,
			 ntohs(sin6->sin6_port));
	else if (si->peer_len)
		snprintf(buf, size, "%.*s:%u", QTCPIP_HOST_MAX - 1,
			 sqt->sqt_host, ntohs(sqt->sqt_port));
}

/* "+QISTATE: <id>,"<type>",...,<lport>,<state>,..." into @s. */
static void qt_snap_qistate(struct qt_sock_snap *s, const char *resp)
{
	struct qt_ans_qistate st;
	size_t n;
	const char *p = qt_ans_line(resp, "+QISTATE:", &n);

	if (!p || qt_ans_qistate(p, n, &st))
		return;
	s->have_mod = true;
	s->mod_state = st.state;
	s->mod_lport = st.lport;
	strscpy(s->mod_type, st.type, sizeof(s->mod_type));
}

int qt_genl_sock_start(struct netlink_callback *cb)
{
	struct net *net = sock_net(cb->skb->sk);
	struct qt_sock_dump *dump;
	struct net_device *dev;
	struct qtcpip_dev *devs[8];
	int ndev = 0, i, id, max = 8 * QT_MAX_CONN;
	/* The module's own view costs one command per connection. */
	bool live = !qt_genl_limited(cb->skb);
	char resp[256];

	dump = kzalloc(struct_size(dump, snap, max), GFP_KERNEL);
	if (!dump)
		return -ENOMEM;
	rcu_read_lock();
	for_each_netdev_rcu(net, dev) {
		struct qtcpip_dev *qd = qt_netdev_priv(dev);

		if (qd && ndev < ARRAY_SIZE(devs)) {
			qt_dev_get(qd);
			devs[ndev++] = qd;
		}
	}
	rcu_read_unlock();

	for (i = 0; i < ndev; i++) {
		struct qtcpip_dev *qd = devs[i];
		struct qt_sock_snap *s = &dump->snap[dump->n];

		/* A copy of each socket, then the module's own view of it. */
		for (id = 0; dump->n < max &&
		     !qt_sock_info_next(qd, &id, &s->info); s++) {
			s->ifindex = qd->netdev->ifindex;
			dump->n++;
			if (live && READ_ONCE(qd->state) == QT_DEV_READY &&
			    !qt_exec(qd, 0, resp, sizeof(resp),
				     "AT+QISTATE=1,%d", s->info.id))
				qt_snap_qistate(s, resp);
		}
		qt_dev_put(qd);
	}
	cb->args[0] = (long)dump;
	return 0;
}

int qt_genl_sock_dump(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct qt_sock_dump *dump = (struct qt_sock_dump *)cb->args[0];
	struct nlattr *nest;
	void *hdr;

	while (dump && dump->pos < dump->n) {
		struct qt_sock_snap *s = &dump->snap[dump->pos];
		char peer[QTCPIP_HOST_MAX + 8];

		qt_snap_peer(&s->info, peer, sizeof(peer));
		hdr = genlmsg_put(skb, NETLINK_CB(cb->skb).portid,
				  cb->nlh->nlmsg_seq, &qt_genl_family,
				  NLM_F_MULTI, QTCPIP_CMD_SOCK_GET);
		if (!hdr)
			break;
		nest = nla_nest_start(skb, QTCPIP_A_SOCK);
		if (!nest ||
		    nla_put_u32(skb, QTCPIP_A_IFINDEX, s->ifindex) ||
		    nla_put_s32(skb, QTCPIP_A_SOCK_CONN_ID, s->info.id) ||
		    nla_put_u8(skb, QTCPIP_A_SOCK_TYPE, s->info.type) ||
		    nla_put_u8(skb, QTCPIP_A_SOCK_STATE, s->info.state) ||
		    nla_put_string(skb, QTCPIP_A_SOCK_PEER, peer) ||
		    nla_put_u8(skb, QTCPIP_A_SOCK_ACCESS_MODE, s->info.mode) ||
		    nla_put_u32(skb, QTCPIP_A_SOCK_RX_QUEUED, s->info.rxq) ||
		    nla_put_u32(skb, QTCPIP_A_SOCK_TX_QUEUED, s->info.txq) ||
		    (s->have_mod &&
		     (nla_put_u8(skb, QTCPIP_A_SOCK_MOD_STATE, s->mod_state) ||
		      nla_put_u16(skb, QTCPIP_A_SOCK_MOD_LPORT, s->mod_lport) ||
		      nla_put_string(skb, QTCPIP_A_SOCK_MOD_TYPE,
				     s->mod_type)))) {
			genlmsg_cancel(skb, hdr);
			break;
		}
		nla_nest_end(skb, nest);
		genlmsg_end(skb, hdr);
		dump->pos++;
	}
	return skb->len;
}

int qt_genl_sock_done(struct netlink_callback *cb)
{
	kfree((void *)cb->args[0]);
	return 0;
}
