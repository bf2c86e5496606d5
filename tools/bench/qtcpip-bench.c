// SPDX-License-Identifier: GPL-2.0
/*
 * qtcpip-bench: TCP goodput of AF_QTCPIP sockets through an emulated
 * module, in the QEMU guest, against the bound the AT framing allows.
 *
 *   qtcpip-bench [--slot N] [--seconds S]
 *
 * Attaches the module of slot N ($QTCPIP_MODEMS: bc66 or uc20), sets the
 * guest's tty to the emulator's line rate (read from its control channel;
 * run-guest --emu-args "--baud B" sets it), and measures:
 *
 *   up           guest -> host, counted sink (tools/testsrv), random bytes
 *   down buffer  host -> guest, the source's stream, buffer access mode
 *   down push    host -> guest, direct push access mode
 *
 * The bound: with one AT command in flight, each payload chunk of P bytes
 * costs L bytes on the line, command and response in turn (stop and wait),
 * 10 bits each (8N1), so goodput <= baud / 10 * P / L. The L of each form:
 *
 *   BC66 up   AT+QISENDEX=<id>,700,<1400 hex>\r  \r\nOK\r\n  \r\nSEND OK\r\n
 *             (random data is not printable ASCII, so it goes as hex)
 *   UC20 up   AT+QISEND=<id>,1460\r  \r\n>   <1460 bytes>  \r\nSEND OK\r\n
 *   down buf  AT+QIRD=<id>,<P>\r  \r\n+QIRD: <P>\r\n<P bytes>\r\n  \r\nOK\r\n
 *             (P = 700 BC66, 1500 UC20)
 *   down push \r\n+QIURC: "recv",<id>,<P>\r\n<P bytes>\r\n  (no command)
 *
 * It also reports the bytes the emulator counted on the line per payload
 * byte (both directions), and marks each measurement in the emulator's
 * trace for tools/bench/turnaround.py. Figures only: nothing here is a
 * timing test.
 * Output: TAP, one "# BENCH key=value..." line per measurement.
 */
#include <errno.h>
#include <getopt.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "qt_sock.h"

struct form {
	size_t payload;		/* P: payload bytes per chunk */
	size_t line;		/* L: line bytes per chunk, both directions */
};

static struct form frame(const struct qt_mod *m, const char *dir, int id)
{
	char s[128];
	struct form f = { 0, 0 };
	size_t p;

	if (!strcmp(dir, "up")) {
		if (!m->uc20) {
			p = 700;
			f.line = snprintf(s, sizeof(s), "AT+QISENDEX=%d,%zu,",
					  id, p) + 2 * p + 1;
			f.line += strlen("\r\nOK\r\n") + strlen("\r\nSEND OK\r\n");
		} else {
			p = 1460;
			f.line = snprintf(s, sizeof(s), "AT+QISEND=%d,%zu\r", id,
					  p);
			f.line += strlen("\r\n> ") + p +
				  strlen("\r\nSEND OK\r\n");
		}
	} else if (!strcmp(dir, "down-buffer")) {
		p = m->uc20 ? 1500 : 700;
		f.line = snprintf(s, sizeof(s), "AT+QIRD=%d,%zu\r", id, p);
		f.line += snprintf(s, sizeof(s), "\r\n+QIRD: %zu\r\n", p) + p +
			  strlen("\r\n") + strlen("\r\nOK\r\n");
	} else {
		p = m->uc20 ? 1500 : 700;
		f.line = snprintf(s, sizeof(s), "\r\n+QIURC: \"recv\",%d,%zu\r\n",
				  id, p) + p + strlen("\r\n");
	}
	f.payload = p;
	return f;
}

static int test_no;

/*
 * Marks in the emulator's trace around a measurement, for
 * tools/bench/turnaround.py ("mark" is only a trace note).
 */
static void mark(const struct qt_mod *m, unsigned int baud, const char *dir)
{
	if (dir)
		qt_emu(m->ctl, "mark bench model=%s baud=%u dir=%s", m->model,
		       baud, dir);
	else
		qt_emu(m->ctl, "mark end");
}

static void result(const struct qt_mod *m, unsigned int baud, const char *dir,
		   int id, size_t n, long long ms, long long line_bytes, int err)
{
	struct form f = frame(m, dir, id);
	double good = ms > 0 ? n * 1000.0 / ms : 0;
	double bound = baud / 10.0 * f.payload / f.line;

	printf("# BENCH model=%s baud=%u dir=%s bytes=%zu ms=%lld goodput=%.0f "
	       "bound=%.0f ratio=%.3f chunk=%zu line_per_chunk=%zu "
	       "line_per_byte=%.3f measured_line_per_byte=%.3f\n",
	       m->model, baud, dir, n, ms, good, bound,
	       bound > 0 ? good / bound : 0, f.payload, f.line,
	       (double)f.line / f.payload,
	       n ? (double)line_bytes / n : 0);
	printf("%sok %d - %s %u baud %s: %.0f B/s = %.1f%% of %.0f B/s%s%s\n",
	       err ? "not " : "", ++test_no, m->model, baud, dir, good,
	       bound > 0 ? 100 * good / bound : 0, bound,
	       err ? ": " : "", err ? strerror(err) : "");
	fflush(stdout);
}

static long long line_count(const struct qt_mod *m)
{
	return qt_emu_counter(m->ctl, "rx_bytes") +
	       qt_emu_counter(m->ctl, "tx_bytes");
}

static void bench_up(const struct qt_mod *m, unsigned int baud, size_t n)
{
	unsigned char *data = malloc(n);
	long long t0, l0;
	char got[64];
	int fd, r, id;

	fd = qt_open(m, SOCK_STREAM, QTCPIP_MODE_BUFFER, qt_srv("TCP_SINK"));
	if (fd < 0) {
		result(m, baud, "up", 0, n, 0, 0, -fd);
		free(data);
		return;
	}
	id = qt_conn_id(fd);
	qt_fill(data, n, 1);
	mark(m, baud, "up");
	l0 = line_count(m);
	t0 = qt_now_ms();
	r = qt_sink_upload(fd, data, n, NULL, 600000, got, sizeof(got));
	t0 = qt_now_ms() - t0;
	mark(m, baud, NULL);
	result(m, baud, "up", id, n, t0, line_count(m) - l0, -r);
	close(fd);
	free(data);
}

static void bench_down(const struct qt_mod *m, unsigned int baud, size_t n,
		       int mode)
{
	const char *dir = mode ? "down-push" : "down-buffer";
	unsigned char *rx = malloc(n), *want = malloc(n);
	uint32_t st = 1;
	long long t0, l0;
	int fd, r, id;

	fd = qt_socket(m->ifname, SOCK_STREAM, mode);
	if (fd < 0 || qt_connect_port(fd, qt_srv("TCP_SOURCE"))) {
		result(m, baud, dir, 0, n, 0, 0, errno);
		goto out;
	}
	id = qt_conn_id(fd);
	/* the source starts at once: time from the connect to the last byte */
	mark(m, baud, dir);
	l0 = line_count(m);
	t0 = qt_now_ms();
	r = qt_xfer(fd, NULL, 0, rx, n, 600000);
	t0 = qt_now_ms() - t0;
	mark(m, baud, NULL);
	qt_source_gen(want, n, &st);
	if (!r && qt_diff(want, rx, n) >= 0)
		r = -EBADMSG;
	result(m, baud, dir, id, n, t0, line_count(m) - l0, -r);
out:
	if (fd >= 0)
		close(fd);
	free(rx);
	free(want);
}

int main(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "slot", 1, NULL, 's' }, { "seconds", 1, NULL, 't' },
		{ NULL, 0, NULL, 0 },
	};
	unsigned int baud = 0;
	char reply[QT_EMU_REPLY_MAX], err[256] = "";
	int slot = 0, seconds = 8, o, ctl;
	struct qt_mod m;
	size_t up, down;

	while ((o = getopt_long(argc, argv, "", lo, NULL)) != -1) {
		if (o == 's')
			slot = atoi(optarg);
		else if (o == 't')
			seconds = atoi(optarg);
		else
			return 2;
	}
	printf("TAP version 13\n");
	/* the line rate the emulator paces at (run-guest --emu-args) */
	ctl = qt_emu_open(slot);
	if (ctl < 0 || qt_emu_cmd(ctl, reply, sizeof(reply), "state")) {
		printf("1..1\nnot ok 1 - no emulator control channel in slot %d\n",
		       slot);
		return 1;
	}
	baud = qt_kv(reply, "baud", 115200);
	close(ctl);
	if (!baud) {
		printf("1..1\nok 1 # SKIP the emulator paces no line rate\n");
		return 0;
	}
	if (qt_mod_attach(&m, slot, baud, err, sizeof(err))) {
		printf("1..1\nnot ok 1 - attach: %s\n", err);
		return 1;
	}
	printf("1..3\n# %s on %s (%s) at %u baud, guest tty set to match\n",
	       m.model, m.tty, m.ifname, baud);
	/* about `seconds` of line time at the bound of each direction */
	up = (size_t)baud / 10 * seconds * (m.uc20 ? 95 : 48) / 100;
	down = (size_t)baud / 10 * seconds * 95 / 100;
	if (down > (1 << 20))
		down = 1 << 20;		/* the source's stream length */
	bench_up(&m, baud, up);
	bench_down(&m, baud, down, QTCPIP_MODE_BUFFER);
	bench_down(&m, baud, down, QTCPIP_MODE_PUSH);
	qt_mod_detach(&m);
	return 0;
}
