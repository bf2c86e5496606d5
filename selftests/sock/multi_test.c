// SPDX-License-Identifier: GPL-2.0
/*
 * Two modules attached at once (QTCPIP_MODEMS="bc66 uc20": a BC66 on
 * ttyS1, a UC20 on ttyS2): SO_BINDTODEVICE picks the module, both move data
 * at the same time, every connectID of both is usable at once, an unbound
 * socket uses one of them, and detaching one leaves the other working.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "qt_sock.h"

#define MAXC 12

FIXTURE(multi) {
	struct qt_mod a, b;
	int echo, uecho;
};

FIXTURE_SETUP(multi)
{
	char model[8];

	if (qt_slot_model(0, model, sizeof(model)) ||
	    qt_slot_model(1, model, sizeof(model)))
		SKIP(return, "needs a module in both slots");
	QT_ATTACH(&self->a, 0, 115200);
	QT_ATTACH(&self->b, 1, 115200);
	self->echo = qt_srv("TCP_ECHO");
	self->uecho = qt_srv("UDP_ECHO");
	ASSERT_LT(0, self->echo);
	ASSERT_LT(0, self->uecho);
}

FIXTURE_TEARDOWN(multi)
{
	QT_DETACH(&self->a);
	QT_DETACH(&self->b);
}

/* How many connections module m has open ("state": conns=0,3,...). */
static int nconns(struct qt_mod *m)
{
	char r[QT_EMU_REPLY_MAX], c[64] = "-", *p;
	int n = 0;

	if (qt_emu_cmd(m->ctl, r, sizeof(r), "state") ||
	    qt_kv_str(r, "conns", c, sizeof(c)) || !strcmp(c, "-"))
		return 0;
	for (p = c, n = 1; *p; p++)
		n += *p == ',';
	return n;
}

QT_TEST_F(multi, two_netdevs, 60)
{
	EXPECT_STRNE(self->a.ifname, self->b.ifname);
	EXPECT_EQ(2, qt_count_netdevs("qtcpip"));
	EXPECT_EQ(1, qt_link_carrier(self->a.ifindex));
	EXPECT_EQ(1, qt_link_carrier(self->b.ifindex));
}

/* One transfer per module, at the same time, each through its module. */
QT_TEST_F(multi, concurrent_transfers, 180)
{
	size_t n = 128 << 10;
	unsigned char *tx[2], *rx[2];
	struct qt_flow f[2];
	long long sa, sb;
	int i, r;

	ASSERT_EQ(0, qt_emu(self->a.ctl, "baud 0"));
	ASSERT_EQ(0, qt_emu(self->b.ctl, "baud 0"));
	sa = qt_emu_counter(self->a.ctl, "sock_tx");
	sb = qt_emu_counter(self->b.ctl, "sock_tx");
	memset(f, 0, sizeof(f));
	for (i = 0; i < 2; i++) {
		struct qt_mod *m = i ? &self->b : &self->a;

		tx[i] = malloc(n);
		rx[i] = malloc(n);
		qt_fill(tx[i], n, 300 + i);
		f[i].fd = qt_open(m, SOCK_STREAM, i, self->echo);
		ASSERT_LE(0, f[i].fd) TH_LOG("%s: %s", m->ifname,
					     strerror(-f[i].fd));
		f[i].tx = tx[i];
		f[i].tx_len = n;
		f[i].rx = rx[i];
		f[i].rx_len = n;
		f[i].tx_chunk = 3000;
		/* the connection went to that module, not the other */
		EXPECT_EQ(1, nconns(&self->a));
		EXPECT_EQ(i, nconns(&self->b));
	}
	r = qt_flows_run(f, 2, 170000, NULL, NULL, 0);
	EXPECT_EQ(0, r) TH_LOG("%s", strerror(-r));
	for (i = 0; i < 2; i++) {
		EXPECT_EQ(n, f[i].rx_off);
		EXPECT_EQ(-1, qt_diff(tx[i], rx[i], f[i].rx_off));
		EXPECT_EQ(0, qt_rx_lost(f[i].fd));
	}
	/* both were moving data at once */
	EXPECT_LT(f[0].t_first_rx, f[1].t_done);
	EXPECT_LT(f[1].t_first_rx, f[0].t_done);
	TH_LOG("a: %lld-%lld ms, b: %lld-%lld ms", 0LL,
	       f[0].t_done - f[0].t_first_rx, f[1].t_first_rx - f[0].t_first_rx,
	       f[1].t_done - f[0].t_first_rx);
	/* and each module's sockets carried its own share */
	EXPECT_LE(sa + (long long)n, qt_emu_counter(self->a.ctl, "sock_tx"));
	EXPECT_LE(sb + (long long)n, qt_emu_counter(self->b.ctl, "sock_tx"));
	for (i = 0; i < 2; i++) {
		close(f[i].fd);
		free(tx[i]);
		free(rx[i]);
	}
}

/* 5 + 12 connections at once, each moving its own data. */
QT_TEST_F(multi, all_ids_both, 180)
{
	struct qt_flow f[2 * MAXC];
	/* 600: one datagram fits both dialects (BC66 700, UC20 1460) */
	unsigned char tx[2 * MAXC][600], rx[2 * MAXC][600];
	int n = 0, i, k, fd, r;

	memset(f, 0, sizeof(f));
	for (k = 0; k < 2; k++) {
		struct qt_mod *m = k ? &self->b : &self->a;

		for (i = 0; i < m->nconn; i++, n++) {
			int udp = i % 3 == 2;

			f[n].fd = qt_open(m, udp ? SOCK_DGRAM : SOCK_STREAM, -1,
					  udp ? self->uecho : self->echo);
			ASSERT_LE(0, f[n].fd) TH_LOG("%s socket %d: %s",
						     m->ifname, i,
						     strerror(-f[n].fd));
			qt_fill(tx[n], sizeof(tx[n]), 400 + n);
			f[n].tx = tx[n];
			f[n].tx_len = sizeof(tx[n]);
			f[n].rx = rx[n];
			f[n].rx_len = sizeof(rx[n]);
		}
		fd = qt_open(m, SOCK_STREAM, -1, self->echo);
		EXPECT_EQ(-ENOBUFS, fd) TH_LOG("%s: %s", m->ifname,
					       strerror(-fd));
		if (fd >= 0)
			close(fd);
	}
	r = qt_flows_run(f, n, 170000, NULL, NULL, 0);
	EXPECT_EQ(0, r) TH_LOG("%s", strerror(-r));
	for (i = 0; i < n; i++) {
		EXPECT_EQ(sizeof(rx[i]), f[i].rx_off) TH_LOG("socket %d", i);
		EXPECT_EQ(-1, qt_diff(tx[i], rx[i], f[i].rx_off))
			TH_LOG("socket %d", i);
		close(f[i].fd);
	}
}

QT_TEST_F(multi, unbound_uses_one, 60)
{
	int fd, na, nb;

	fd = qt_open(NULL, SOCK_STREAM, -1, self->echo);
	ASSERT_LE(0, fd) TH_LOG("%s", strerror(-fd));
	na = nconns(&self->a);
	nb = nconns(&self->b);
	EXPECT_EQ(1, na + nb) TH_LOG("connections: a %d, b %d", na, nb);
	EXPECT_EQ(0, qt_echo_check(_metadata, fd, 500, 9, 0, 15000));
	close(fd);
}

struct detach_at {
	struct qt_flow *f;
	struct qt_mod *m;
	bool done;
};

/* detach module a once both transfers are under way */
static void detach_hook(void *arg)
{
	struct detach_at *d = arg;

	if (d->done || d->f[0].rx_off < 2000 || d->f[1].rx_off < 2000)
		return;
	close(d->m->ttyfd);
	d->m->ttyfd = -1;
	d->m->attached = false;
	d->done = true;
}

QT_TEST_F(multi, detach_one, 180)
{
	size_t n = 24 << 10;
	unsigned char *tx[2], *rx[2];
	struct detach_at d = { .m = &self->a };
	struct qt_flow f[2];
	int i;

	memset(f, 0, sizeof(f));
	d.f = f;
	for (i = 0; i < 2; i++) {
		tx[i] = malloc(n);
		rx[i] = malloc(n);
		qt_fill(tx[i], n, 600 + i);
		f[i].fd = qt_open(i ? &self->b : &self->a, SOCK_STREAM, -1,
				  self->echo);
		ASSERT_LE(0, f[i].fd);
		f[i].tx = tx[i];
		f[i].tx_len = n;
		f[i].rx = rx[i];
		f[i].rx_len = n;
	}
	qt_flows_run(f, 2, 170000, detach_hook, &d, 20);
	ASSERT_TRUE(d.done);
	/* a's socket failed with ENODEV, having got a correct prefix */
	EXPECT_EQ(ENODEV, f[0].err) TH_LOG("%s", strerror(f[0].err));
	EXPECT_EQ(-1, qt_diff(tx[0], rx[0], f[0].rx_off));
	/* b's transfer finished intact */
	EXPECT_EQ(0, f[1].err) TH_LOG("%s", strerror(f[1].err));
	EXPECT_EQ(n, f[1].rx_off);
	EXPECT_EQ(-1, qt_diff(tx[1], rx[1], f[1].rx_off));
	EXPECT_EQ(0, qt_wait_netdev_gone(self->a.ifname, 10000));
	EXPECT_EQ(1, qt_link_carrier(self->b.ifindex));
	for (i = 0; i < 2; i++) {
		close(f[i].fd);
		free(tx[i]);
		free(rx[i]);
	}
}

int main(int argc, char **argv)
{
	return test_harness_run(argc, argv);
}
