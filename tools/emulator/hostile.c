// SPDX-License-Identifier: GPL-2.0
/*
 * Hostile-module mode: while it is on, the module's output is laced with
 * random but framing-plausible lines and blocks (data headers announcing
 * huge, negative or wrong lengths followed by too few bytes, URCs naming
 * connectIDs that do not exist, stray result codes, RDY storms, garbage,
 * over-long lines), both between the real output and inside it (a write
 * of a response or of a data block is cut at a random byte and an item
 * put there). The driver must survive it with bounded memory and give
 * every socket data or an error.
 *
 * Its own xorshift PRNG, seeded by "hostile on SEED", so that the fault
 * PRNG's sequence (drop/dup/corrupt) does not shift. The output is
 * bounded: no item is made while the serial queue holds more than
 * TXQ_HIGH bytes.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "emu.h"

enum hkind { HK_DATA, HK_URC, HK_FINAL, HK_RDY, HK_GARBAGE, HK_NR };

static struct {
	bool on;
	uint64_t rs;
	unsigned int rate;	/* items per second from the timer */
	unsigned int inside;	/* 1 in N writes is cut for an item */
	unsigned int kinds;	/* bit per enum hkind that may come */
	uint64_t timer;
	bool in_item;		/* an item being written: no recursion */
	uint64_t items, inserted, skipped, bytes;
} H;

static uint32_t hrnd(void)
{
	H.rs ^= H.rs >> 12;
	H.rs ^= H.rs << 25;
	H.rs ^= H.rs >> 27;
	return (uint32_t)((H.rs * 0x2545f4914f6cdd1dULL) >> 32);
}

static uint32_t hpick(uint32_t n)
{
	return n ? hrnd() % n : 0;
}

static void hout(const void *p, size_t n)
{
	H.bytes += n;
	serial_write_raw(p, n);
}

static void houts(const char *s)
{
	hout(s, strlen(s));
}

/* A connectID: real ones more often than not, else out of range. */
static long long wild_id(void)
{
	static const long long bad[] = { -1, 12, 99, 255, 2147483647LL,
					 4294967296LL, -2147483648LL };

	if (hpick(3))
		return hpick(M.nconn);
	return bad[hpick(ARRAY_SIZE(bad))];
}

/* A length: plausible, at the limits, beyond them, negative, absurd. */
static const char *wild_len(char *s, size_t size)
{
	static const char *const odd[] = {
		"-1", "-2147483648", "4294967295", "4294967296",
		"99999999999999999999", "1501", "1461", "701", "65536",
		"", "0x10", "1e3", " 5", "+5",
	};

	if (hpick(2))
		snprintf(s, size, "%u", hpick(M.model == BC66 ? 701 : 1501));
	else
		snprintf(s, size, "%s", odd[hpick(ARRAY_SIZE(odd))]);
	return s;
}

static void rand_bytes(size_t n)
{
	unsigned char b[256];

	while (n) {
		size_t k = n < sizeof(b) ? n : sizeof(b), i;

		for (i = 0; i < k; i++) {
			/* now and then a CR or LF to cut a line short */
			b[i] = hpick(16) ? hrnd() : (hpick(2) ? '\r' : '\n');
		}
		hout(b, k);
		n -= k;
	}
}

/* A data header with a wild length and a block that is rarely complete. */
static void item_data(void)
{
	char l[32], line[160];
	long long id = wild_id();
	size_t n;

	wild_len(l, sizeof(l));
	switch (hpick(4)) {
	case 0:
		snprintf(line, sizeof(line), "\r\n+QIRD: %s\r\n", l);
		break;
	case 1:
		snprintf(line, sizeof(line),
			 "\r\n+QIRD: %s,\"10.1.2.3\",%u\r\n", l, hpick(70000));
		break;
	case 2:
		snprintf(line, sizeof(line),
			 "\r\n+QIURC: \"recv\",%lld,%s,\"10.1.2.3\",%u\r\n",
			 id, l, hpick(70000));
		break;
	default:
		snprintf(line, sizeof(line), "\r\n+QIURC: \"recv\",%lld,%s\r\n",
			 id, l);
	}
	houts(line);
	n = strtoul(l, NULL, 10);
	if (n > 2000 || hpick(2))
		n = hpick(200);	/* truncated block */
	rand_bytes(n);
	if (hpick(2))
		houts(hpick(2) ? "\r\nOK\r\n" : "\r\n");
}

static void item_urc(void)
{
	static const char *const fmt[] = {
		"+QIURC: \"closed\",%lld",
		"+QIURC: \"recv\",%lld",
		"+QIURC: \"recv\",%lld,\"buff full\"",
		"+QIURC: \"incoming\",%lld,0,\"10.9.8.7\",4242",
		"+QIURC: \"incoming\",1,%lld,\"10.9.8.7\",4242",
		"+QIURC: \"pdpdeact\",%lld",
		"+QIOPEN: %lld,0",
		"+QIOPEN: %lld,566",
		"+QIURC: \"incoming full\"%.0lld",
		"+QIACT: %lld,1,1,\"10.0.0.2\"",
		"+QISEND: %lld,4294967295,-1",
		"+QIURC: \"dnsgip\",0,%lld,600",
		"+QIURC: \"dnsgip\",\"10.0.0.%lld\"",
		"+QPING: 0,\"1.2.3.4\",32,%lld,255",
		"+QNTP: %lld,\"2026/01/01,00:00:00+00\"",
		"+CME ERROR: %lld",
		"+QIURC: \"recv\",%lld,,",
		"+QIURC: \"closed\"%.0lld",
		"+QIURC: %lld",
		"+QISTATE: %lld,\"TCP\",\"1.2.3.4\",1,2,2,1,0,0,\"uart1\"",
	};
	char line[200];

	snprintf(line, sizeof(line), "\r\n");
	snprintf(line + 2, sizeof(line) - 2, fmt[hpick(ARRAY_SIZE(fmt))],
		 wild_id());
	/* sometimes without its CR LF: the next real line continues it */
	if (hpick(4))
		strcat(line, "\r\n");
	houts(line);
}

static void item_final(void)
{
	static const char *const s[] = {
		"\r\nOK\r\n", "\r\nERROR\r\n", "\r\nSEND OK\r\n",
		"\r\nSEND FAIL\r\n", "\r\n+CME ERROR: 550\r\n",
		"\r\nCONNECT\r\n", "\r\nNO CARRIER\r\n", "\r\n> ",
		"\r\nCLOSE OK\r\n", "\r\nCLOSE FAIL\r\n", "\r\nSEND\r\n",
		"\r\nRDY", "RDY\r\n", "\r\nRD", "OK",
	};

	houts(s[hpick(ARRAY_SIZE(s))]);
}

static void item_rdy_storm(void)
{
	unsigned int n = 1 + hpick(20);

	while (n--)
		houts("\r\nRDY\r\n");
}

static void item_garbage(void)
{
	if (!hpick(8)) {
		/* a line longer than any the driver should keep */
		size_t n = 2000 + hpick(6000), i;
		char b[256];

		for (i = 0; i < sizeof(b); i++)
			b[i] = 'A' + hpick(26);
		while (n) {
			size_t k = n < sizeof(b) ? n : sizeof(b);

			hout(b, k);
			n -= k;
		}
		houts("\r\n");
		return;
	}
	rand_bytes(1 + hpick(300));
}

static const char *const kind_names[HK_NR] = {
	"data", "urc", "final", "rdy", "garbage",
};

static void item(void)
{
	/* weights of data, urc, final, rdy, garbage */
	static const unsigned int w[HK_NR] = { 5, 4, 3, 1, 3 };
	unsigned int total = 0, x, k;

	for (k = 0; k < HK_NR; k++)
		if (H.kinds >> k & 1)
			total += w[k];
	if (!total)
		return;
	x = hpick(total);
	for (k = 0; k < HK_NR - 1; k++) {
		if (!(H.kinds >> k & 1))
			continue;
		if (x < w[k])
			break;
		x -= w[k];
	}
	H.in_item = true;
	H.items++;
	switch (k) {
	case HK_DATA:
		item_data();
		break;
	case HK_URC:
		item_urc();
		break;
	case HK_FINAL:
		item_final();
		break;
	case HK_RDY:
		item_rdy_storm();
		break;
	default:
		item_garbage();
	}
	H.in_item = false;
}

/* "data,urc,..." or "all" into a mask; 0 if a word is unknown */
unsigned int hostile_kinds(const char *s)
{
	unsigned int mask = 0, k;
	const char *p = s;

	if (!strcmp(s, "all"))
		return (1u << HK_NR) - 1;
	while (*p) {
		size_t n = strcspn(p, ",");

		for (k = 0; k < HK_NR; k++)
			if (strlen(kind_names[k]) == n &&
			    !strncmp(p, kind_names[k], n))
				break;
		if (k == HK_NR)
			return 0;
		mask |= 1u << k;
		p += n;
		if (*p)
			p++;
	}
	return mask;
}

static void arm(void);

static void tick(void *arg)
{
	(void)arg;
	H.timer = 0;
	if (!H.on)
		return;
	if (serial_up() && serial_txq_len() <= TXQ_HIGH)
		item();
	else
		H.skipped++;
	arm();
}

static void arm(void)
{
	uint64_t mean_us = 1000000ULL / (H.rate ? H.rate : 1);

	/* uniform in [mean/2, 3 mean/2) */
	H.timer = ev_timer((mean_us / 2 + hpick(mean_us)) * 1000ULL, tick,
			   NULL);
}

bool hostile_on(void)
{
	return H.on && !H.in_item;
}

/* serial_write() while the mode is on: cut one write in N, item inside. */
void hostile_write(const unsigned char *p, size_t n)
{
	size_t cut;

	if (!H.inside || n < 2 || hpick(H.inside) ||
	    serial_txq_len() > TXQ_HIGH) {
		serial_write_raw(p, n);
		return;
	}
	cut = 1 + hpick(n - 1);
	serial_write_raw(p, cut);
	H.inserted++;
	item();
	serial_write_raw(p + cut, n - cut);
}

void hostile_start(uint64_t seed, unsigned int rate, unsigned int inside,
		   unsigned int kinds)
{
	ev_cancel(&H.timer);
	H.rs = seed ^ 0x6a09e667f3bcc909ULL;
	if (!H.rs)
		H.rs = 1;
	H.rate = rate;
	H.inside = inside;
	H.kinds = kinds;
	H.items = H.inserted = H.skipped = H.bytes = 0;
	H.on = true;
	trace_note("hostile on: seed %llu, %u/s, 1 write in %u, kinds 0x%x",
		   (unsigned long long)seed, rate, inside, kinds);
	if (rate)
		arm();
}

void hostile_stop(void)
{
	ev_cancel(&H.timer);
	if (H.on)
		trace_note("hostile off after %llu items",
			   (unsigned long long)H.items);
	H.on = false;
}

void hostile_print(struct buf *r)
{
	buf_printf(r, " hostile=%s items=%llu inserted=%llu skipped=%llu "
		   "bytes=%llu", H.on ? "on" : "off",
		   (unsigned long long)H.items,
		   (unsigned long long)H.inserted,
		   (unsigned long long)H.skipped,
		   (unsigned long long)H.bytes);
}
