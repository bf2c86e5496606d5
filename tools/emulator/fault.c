// SPDX-License-Identifier: GPL-2.0
/*
 * Fault injection state and the seeded PRNG behind it, so that a run with
 * the same seed and the same input damages the same bytes.
 */
#include <stdlib.h>
#include <string.h>
#include "emu.h"

struct faults F;
struct counters C;
static uint64_t rs = 0x9e3779b97f4a7c15ULL;

void rnd_seed(uint64_t seed)
{
	rs = seed ^ 0x9e3779b97f4a7c15ULL;
	if (!rs)
		rs = 1;
}

/* xorshift64* */
uint32_t rnd32(void)
{
	rs ^= rs >> 12;
	rs ^= rs << 25;
	rs ^= rs >> 27;
	return (uint32_t)((rs * 0x2545f4914f6cdd1dULL) >> 32);
}

bool rnd_hit(double p)
{
	if (p <= 0)
		return false;
	if (p >= 1)
		return true;
	return rnd32() < p * 4294967296.0;
}

void fault_clear(void)
{
	free(F.urc_mid);
	free(F.urc_prompt);
	free(F.eat_prompt);
	memset(&F, 0, sizeof(F));
}

void fault_bytes(int dir, const unsigned char *p, size_t n, struct buf *out)
{
	size_t i;

	if (dir == DIR_TX && F.garble) {
		/* What a UART at another rate makes of the bytes: the same
		 * junk for the same byte, never ASCII, so never a line.
		 */
		for (i = 0; i < n; i++) {
			unsigned char b = 0x80 | ((p[i] * 0x45 + 0x1d) & 0x7f);

			buf_put(out, &b, 1);
		}
		C.tx_corrupt += n;
		return;
	}

	if (!F.drop[dir] && !F.dup[dir] && !F.corrupt[dir]) {
		buf_put(out, p, n);
		return;
	}
	for (i = 0; i < n; i++) {
		unsigned char c = p[i];

		if (rnd_hit(F.drop[dir])) {
			if (dir == DIR_TX)
				C.tx_dropped++;
			else
				C.rx_dropped++;
			continue;
		}
		if (rnd_hit(F.corrupt[dir])) {
			c ^= 1 << (rnd32() % 8);
			if (dir == DIR_TX)
				C.tx_corrupt++;
			else
				C.rx_corrupt++;
		}
		buf_putc(out, c);
		if (rnd_hit(F.dup[dir])) {
			buf_putc(out, c);
			if (dir == DIR_TX)
				C.tx_dup++;
			else
				C.rx_dup++;
		}
	}
}

#define CNT(x) { #x, offsetof(struct counters, x) }
static const struct {
	const char *name;
	size_t off;
} cnames[] = {
	CNT(rx_bytes), CNT(tx_bytes), CNT(tx_writes), CNT(rx_dropped),
	CNT(tx_dropped), CNT(rx_dup), CNT(tx_dup), CNT(rx_corrupt),
	CNT(tx_corrupt), CNT(muted_bytes), CNT(garbage_lines), CNT(cmds),
	CNT(errors), CNT(urcs), CNT(resets), CNT(opens), CNT(open_fail),
	CNT(accepts), CNT(closes), CNT(sends), CNT(send_ok), CNT(send_fail),
	CNT(sock_tx), CNT(sock_rx), CNT(pings), CNT(ntp), CNT(dns),
	CNT(urcs_wrong_port), CNT(vendor_urcs), CNT(ipr_deaf), CNT(deaf_bytes),
};

void counters_print(struct buf *out)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(cnames); i++)
		buf_printf(out, " %s=%llu", cnames[i].name,
			   (unsigned long long)*(uint64_t *)((char *)&C +
							  cnames[i].off));
}
