// SPDX-License-Identifier: GPL-2.0
/*
 * qtcpip-bench: TCP goodput of AF_QTCPIP sockets through an emulated
 * module, in the QEMU guest, against the bound the AT framing allows,
 * with the latency, concurrency and cost figures around it.
 *
 *   qtcpip-bench [--slot N] [--seconds S] [--conc-seconds S] [--echoes K]
 *   qtcpip-bench --modules N [--seconds S]
 *
 * Attaches the module of slot N ($QTCPIP_MODEMS: bc66 or uc20), sets the
 * guest's tty to the emulator's line rate (read from its control channel;
 * run-guest --emu-args "--baud B" sets it), and measures:
 *
 *   up           guest -> host, counted sink (tools/testsrv), random bytes
 *   down buffer  host -> guest, the source's stream, buffer access mode
 *   down push    host -> guest, direct push access mode
 *   echo         K round trips of 1 byte (buffer and push mode), against
 *                the wire time of the line bytes they cost
 *   mem-idle     kernel memory per connected, silent socket (all IDs)
 *   conc-down    all connectIDs (5 BC66, 12 UC20) reading at once: the
 *                aggregate against the bound, Jain's fairness index, the
 *                kernel memory per busy socket
 *   floor        before the driver attaches: K round trips of "AT" and
 *                its OK by a user-space program on the raw tty (N_TTY),
 *                the rig's own turnaround (QEMU's UART, the guest's tty
 *                layer and scheduling under TCG) to set the driver's
 *                against
 *
 * and the guest's CPU time per MiB moved for the transfers.
 *
 * With --modules N (run-guest with N --modem, N <= 8): the modules of
 * slots 0..N-1: one socket on slot 0's module alone (the others not
 * yet attached), then one socket per module on all N at once, both in
 * the same way (bench_mods()): up and down in buffer access mode.
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
 * timing test; a measurement fails only if it could not be made or its
 * data came back wrong. Output: TAP, one "# BENCH key=value..." line per
 * measurement.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <poll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
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
	} else if (!strcmp(dir, "down-buffer") || !strcmp(dir, "floor-read")) {
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
 * CPU cost: the guest's busy time, all CPUs' wall time less their idle
 * time (/proc/stat's idle and iowait, which the kernel measures on entry
 * and exit of idle rather than by sampling ticks as it does user and
 * system time), so it includes ksoftirqd, kworkers and the tty's flip
 * work; and this process's own (getrusage), so that the rest is the
 * kernel's work on behalf of the line and the sockets.
 */
struct cost {
	double busy_s, self_s;
};

static void cost_snap(struct cost *c)
{
	unsigned long long v[5] = { 0 };
	struct timespec ts;
	struct rusage ru;
	FILE *f = fopen("/proc/stat", "r");
	double idle = 0;

	clock_gettime(CLOCK_BOOTTIME, &ts);
	if (f) {
		if (fscanf(f, "cpu %llu %llu %llu %llu %llu", &v[0], &v[1],
			   &v[2], &v[3], &v[4]) == 5)
			idle = (double)(v[3] + v[4]) / sysconf(_SC_CLK_TCK);
		fclose(f);
	}
	c->busy_s = sysconf(_SC_NPROCESSORS_ONLN) *
		    (ts.tv_sec + ts.tv_nsec / 1e9) - idle;
	getrusage(RUSAGE_SELF, &ru);
	c->self_s = ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 +
		    ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6;
}

/* " cpu_ms_per_mib=.. self_ms_per_mib=.." since c0 for n bytes moved */
static void cost_print(const struct cost *c0, size_t n)
{
	struct cost c1;
	double mib = n / 1048576.0;

	cost_snap(&c1);
	if (!n)
		mib = 1;
	printf(" cpu_ms_per_mib=%.0f self_ms_per_mib=%.0f",
	       (c1.busy_s - c0->busy_s) * 1000 / mib,
	       (c1.self_s - c0->self_s) * 1000 / mib);
}

/*
 * Kernel memory in kB: the slab caches' objects in use (/proc/slabinfo,
 * active objects x size: sockets, skbs up to a page, the engine's
 * records) and all memory in use (/proc/meminfo: total - free - buffers
 * - cached, which also sees page-sized allocations but is noisier).
 */
struct kmem {
	double slab, used;
};

static void kmem_snap(struct kmem *k)
{
	long long total = 0, free_ = 0, buffers = 0, cached = 0, v;
	char line[128], key[64];
	FILE *f;
	int fd;

	/*
	 * Without these a few sockets' worth of memory does not show: SLUB
	 * counts the objects of its per-CPU slabs as in use until they are
	 * flushed, and meminfo's counters lag in per-CPU deltas.
	 */
	qt_shrink_slabs();
	fd = open("/proc/sys/vm/stat_refresh", O_WRONLY);
	if (fd >= 0) {
		if (write(fd, "1", 1) < 0)
			perror("stat_refresh");
		close(fd);
	}
	k->slab = qt_slab_bytes() / 1024.0;
	f = fopen("/proc/meminfo", "r");
	k->used = 0;
	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%63[^:]: %lld", key, &v) != 2)
			continue;
		if (!strcmp(key, "MemTotal"))
			total = v;
		else if (!strcmp(key, "MemFree"))
			free_ = v;
		else if (!strcmp(key, "Buffers"))
			buffers = v;
		else if (!strcmp(key, "Cached"))
			cached = v;
	}
	fclose(f);
	k->used = total - free_ - buffers - cached;
}

static double now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

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
		   int id, size_t n, long long ms, long long line_bytes,
		   const struct cost *c0, int err)
{
	struct form f = frame(m, dir, id);
	double good = ms > 0 ? n * 1000.0 / ms : 0;
	double bound = baud / 10.0 * f.payload / f.line;

	printf("# BENCH model=%s baud=%u dir=%s bytes=%zu ms=%lld goodput=%.0f "
	       "bound=%.0f ratio=%.3f chunk=%zu line_per_chunk=%zu "
	       "line_per_byte=%.3f measured_line_per_byte=%.3f",
	       m->model, baud, dir, n, ms, good, bound,
	       bound > 0 ? good / bound : 0, f.payload, f.line,
	       (double)f.line / f.payload,
	       n ? (double)line_bytes / n : 0);
	if (c0)
		cost_print(c0, n);
	printf("\n");
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
	struct cost c0;
	long long t0, l0;
	char got[64];
	int fd, r, id;

	fd = qt_open(m, SOCK_STREAM, QTCPIP_MODE_BUFFER, qt_srv("TCP_SINK"));
	if (fd < 0) {
		result(m, baud, "up", 0, n, 0, 0, NULL, -fd);
		free(data);
		return;
	}
	id = qt_conn_id(fd);
	qt_fill(data, n, 1);
	mark(m, baud, "up");
	l0 = line_count(m);
	cost_snap(&c0);
	t0 = qt_now_ms();
	r = qt_sink_upload(fd, data, n, NULL, 600000, got, sizeof(got));
	t0 = qt_now_ms() - t0;
	mark(m, baud, NULL);
	result(m, baud, "up", id, n, t0, line_count(m) - l0, &c0, -r);
	close(fd);
	free(data);
}

static void bench_down(const struct qt_mod *m, unsigned int baud, size_t n,
		       int mode)
{
	const char *dir = mode ? "down-push" : "down-buffer";
	unsigned char *rx = malloc(n), *want = malloc(n);
	uint32_t st = 1;
	struct cost c0;
	long long t0, l0;
	int fd, r, id;

	fd = qt_socket(m->ifname, SOCK_STREAM, mode);
	if (fd < 0 || qt_connect_port(fd, qt_srv("TCP_SOURCE"))) {
		result(m, baud, dir, 0, n, 0, 0, NULL, errno);
		goto out;
	}
	id = qt_conn_id(fd);
	/* the source starts at once: time from the connect to the last byte */
	mark(m, baud, dir);
	l0 = line_count(m);
	cost_snap(&c0);
	t0 = qt_now_ms();
	r = qt_xfer(fd, NULL, 0, rx, n, 600000);
	t0 = qt_now_ms() - t0;
	mark(m, baud, NULL);
	qt_source_gen(want, n, &st);
	if (!r && qt_diff(want, rx, n) >= 0)
		r = -EBADMSG;
	result(m, baud, dir, id, n, t0, line_count(m) - l0, &c0, -r);
out:
	if (fd >= 0)
		close(fd);
	free(rx);
	free(want);
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* Sorts @v; its median and 99th percentile. @n > 0. */
static void med_p99(double *v, int n, double *med, double *p99)
{
	qsort(v, n, sizeof(*v), cmp_double);
	*med = v[n / 2];
	*p99 = v[(n * 99 + 99) / 100 - 1];
}

/* one of the emulator's configured delays (qt_mod_attach sets 0), or -1 */
static long long emu_knob(const struct qt_mod *m, const char *name)
{
	char r[QT_EMU_REPLY_MAX];

	if (qt_emu_cmd(m->ctl, r, sizeof(r), "state"))
		return -1;
	return qt_kv(r, name, -1);
}

/*
 * Latency: k round trips of 1 byte through the echo server, against the
 * time the bytes the emulator counted on the line (commands, answers,
 * URCs, both directions, the same bytes as its trace) take at the line
 * rate. The emulator's SEND OK delay holds the next command back, so it
 * is subtracted; its other delays (open, DNS/ping rtt) do not apply here
 * and are printed.
 */
static void bench_echo(const struct qt_mod *m, unsigned int baud, int mode,
		       int k)
{
	const char *dir = mode ? "echo-push" : "echo-buffer";
	double *rtt = calloc(k, sizeof(*rtt)), t, wire_us, med, p99, net;
	long long l0, line, send_delay = emu_knob(m, "send_delay_ms");
	long long open_delay = emu_knob(m, "open_delay_ms");
	long long rtt_ms = emu_knob(m, "rtt_ms");
	unsigned char c = 'x', got;
	int fd, i, err = 0;

	fd = qt_open(m, SOCK_STREAM, mode, qt_srv("TCP_ECHO"));
	if (fd < 0 || !rtt) {
		err = fd < 0 ? -fd : ENOMEM;
		goto out;
	}
	qt_set_timeo(fd, SO_RCVTIMEO, 10000);
	/* one round trip first: the connection's first URCs are not counted */
	if (send(fd, &c, 1, 0) != 1 || recv(fd, &got, 1, MSG_WAITALL) != 1) {
		err = errno ? errno : EIO;
		goto out;
	}
	usleep(200000);
	mark(m, baud, dir);
	l0 = line_count(m);
	for (i = 0; i < k; i++) {
		c = 'a' + i % 26;
		t = now_us();
		if (send(fd, &c, 1, 0) != 1 ||
		    recv(fd, &got, 1, MSG_WAITALL) != 1) {
			err = errno ? errno : EIO;
			break;
		}
		rtt[i] = now_us() - t;
		if (got != c) {
			err = EBADMSG;
			break;
		}
	}
	/* the line settles (the last SEND OK, a last empty read) */
	usleep(100000);
	line = line_count(m) - l0;
	mark(m, baud, NULL);
	if (err)
		goto out;
	med_p99(rtt, k, &med, &p99);
	wire_us = (double)line / k * 10 * 1e6 / baud;
	net = med - (send_delay > 0 ? send_delay * 1000.0 : 0);
	printf("# BENCH model=%s baud=%u dir=%s round_trips=%d rtt_med_us=%.0f "
	       "rtt_p99_us=%.0f line_bytes_per_rt=%.1f wire_us=%.0f "
	       "rtt_ratio=%.3f send_delay_ms=%lld open_delay_ms=%lld "
	       "rtt_ms=%lld\n", m->model, baud, dir, k, med, p99,
	       (double)line / k, wire_us, wire_us > 0 ? net / wire_us : 0,
	       send_delay, open_delay, rtt_ms);
out:
	printf("%sok %d - %s %u baud %s%s%s\n", err ? "not " : "", ++test_no,
	       m->model, baud, dir, err ? ": " : "", err ? strerror(err) : "");
	fflush(stdout);
	if (fd >= 0)
		close(fd);
	free(rtt);
}


/*
 * The rig's floor: what the line waits for a responder that is not the
 * driver, user space on the raw tty (N_TTY): QEMU's UART, the guest's tty
 * layer, a wakeup and two system calls per turn. turnaround.py measures
 * its "final" gaps as it does the driver's. The emulator boots with echo
 * on: "ATE0" first.
 */
struct floor_line {
	int fd;
	char buf[4096];
	size_t got;
};

/* One read from the line (0), or -errno; at most 10 s. */
static int floor_fill(struct floor_line *l)
{
	struct pollfd p = { .fd = l->fd, .events = POLLIN };
	ssize_t r;

	if (l->got >= sizeof(l->buf) - 1)
		return -EPROTO;
	if (poll(&p, 1, 10000) != 1)
		return -ETIMEDOUT;
	r = read(l->fd, l->buf + l->got, sizeof(l->buf) - 1 - l->got);
	if (r <= 0)
		return r ? -errno : -EIO;
	l->got += r;
	return 0;
}

/* Read until @end is in the buffer (0), or -errno. */
static int floor_until(struct floor_line *l, const char *end)
{
	int err = 0;

	while (!err && !memmem(l->buf, l->got, end, strlen(end)))
		err = floor_fill(l);
	return err;
}

static int floor_cmd(struct floor_line *l, const char *cmd, const char *end)
{
	l->got = 0;
	if (write(l->fd, cmd, strlen(cmd)) != (ssize_t)strlen(cmd))
		return -errno;
	return floor_until(l, end);
}

/* K round trips of "AT" and its OK. */
static int floor_rt(struct floor_line *l, const char *model,
		    unsigned int baud, int ctl, int k)
{
	double *rtt = calloc(k, sizeof(*rtt)), t, med = 0, p99 = 0, wire;
	int i, n = 0, err = rtt ? 0 : -ENOMEM;

	qt_emu(ctl, "mark bench model=%s baud=%u dir=floor", model, baud);
	for (i = 0; i < k && !err; i++) {
		t = now_us();
		err = floor_cmd(l, "AT\r", "OK\r\n");
		rtt[n++] = now_us() - t;
	}
	qt_emu(ctl, "mark end");
	if (n)
		med_p99(rtt, n, &med, &p99);
	/* "AT\r" and "\r\nOK\r\n": 9 bytes of 10 bits */
	wire = 9 * 10 * 1e6 / baud;
	printf("# BENCH model=%s baud=%u dir=floor round_trips=%d rtt_med_us=%.0f "
	       "rtt_p99_us=%.0f line_bytes_per_rt=9 wire_us=%.0f rtt_ratio=%.3f\n",
	       model, baud, n, med, p99, wire, med / wire);
	free(rtt);
	return err;
}

/*
 * About @n bytes of the source read with AT+QIRD the simplest way, one
 * command in flight as the driver does: the line's goodput without the
 * driver, the socket layer and the bench's recv() calls.
 */
static int floor_read(struct floor_line *l, const struct qt_mod *m,
		      unsigned int baud, int ctl, size_t n)
{
	size_t p = m->uc20 ? 1500 : 700, done = 0, len, hl;
	long long t0, l0;
	char cmd[128], *h, *e;
	int err;

	/* the driver's init activates the UC20's context; BC66: no-op */
	if (m->uc20)
		floor_cmd(l, "AT+QIACT=1\r", "\r\n");
	usleep(200000);
	qt_emu(ctl, "mark bench model=%s baud=%u dir=floor-read", m->model,
	       baud);
	l0 = qt_emu_counter(ctl, "rx_bytes") + qt_emu_counter(ctl, "tx_bytes");
	t0 = qt_now_ms();
	snprintf(cmd, sizeof(cmd), "AT+QIOPEN=1,0,\"TCP\",\"127.0.0.1\",%d,0,0\r",
		 qt_srv("TCP_SOURCE"));
	err = floor_cmd(l, cmd, "+QIOPEN: 0,0\r\n");
	snprintf(cmd, sizeof(cmd), "AT+QIRD=0,%zu\r", p);
	while (!err && done < n) {
		l->got = 0;
		if (write(l->fd, cmd, strlen(cmd)) != (ssize_t)strlen(cmd)) {
			err = -errno;
			break;
		}
		err = floor_until(l, "+QIRD: ");
		h = memmem(l->buf, l->got, "+QIRD: ", 7);
		while (!err && !memmem(h, l->buf + l->got - h, "\r\n", 2))
			err = floor_fill(l);
		if (err)
			break;
		len = strtoul(h + 7, &e, 10);
		hl = e + 2 - l->buf;
		/* the data, "\r\n", then "\r\nOK\r\n" ("+QIRD: 0": no data) */
		while (!err && l->got < hl + len + (len ? 8 : 6))
			err = floor_fill(l);
		if (!len)
			usleep(1000);	/* the source has not caught up */
		done += len;
	}
	t0 = qt_now_ms() - t0;
	qt_emu(ctl, "mark end");
	result(m, baud, "floor-read", 0, done, t0,
	       qt_emu_counter(ctl, "rx_bytes") +
	       qt_emu_counter(ctl, "tx_bytes") - l0, NULL, -err);
	floor_cmd(l, "AT+QICLOSE=0\r", "OK\r\n");
	return err;
}

static void bench_floor(int slot, unsigned int baud, int k, size_t n)
{
	struct floor_line *l = calloc(1, sizeof(*l));
	struct qt_mod m = { .slot = slot };
	int ctl, err;

	qt_slot_model(slot, m.model, sizeof(m.model));
	m.uc20 = !strcmp(m.model, "uc20");
	ctl = qt_emu_open(slot);
	m.ctl = ctl;
	if (l)
		l->fd = -1;
	if (!l || ctl < 0) {
		err = -EIO;
		goto out;
	}
	l->fd = open(qt_slot_tty(slot), O_RDWR | O_NOCTTY);
	/* the driver's tests set the tty the same way (baud_base too) */
	err = l->fd < 0 ? -errno : qt_tty_setup(l->fd, baud);
	if (!err)
		err = floor_cmd(l, "ATE0\r", "OK\r\n");
	usleep(300000);
	tcflush(l->fd, TCIFLUSH);
	if (!err)
		err = floor_rt(l, m.model, baud, ctl, k);
	if (!err)
		err = floor_read(l, &m, baud, ctl, n);
out:
	printf("%sok %d - %s %u baud: the rig's floor, user space on the raw tty%s%s\n",
	       err ? "not " : "", ++test_no, m.model, baud, err ? ": " : "",
	       err ? strerror(-err) : "");
	if (l && l->fd >= 0)
		close(l->fd);
	if (ctl >= 0)
		close(ctl);
	free(l);
}

/*
 * Kernel memory per idle socket: n sockets connected to the counting
 * sink, which sends nothing until it has its header: /proc/meminfo's
 * deltas with them open, per socket.
 */
static void bench_mem_idle(const struct qt_mod *m, unsigned int baud, int n)
{
	struct kmem k0, k1;
	int fd[16], i, err = 0, open_ = 0;

	/* what earlier sockets left is freed after an RCU grace period */
	sleep(1);
	kmem_snap(&k0);
	for (i = 0; i < n; i++) {
		fd[i] = qt_open(m, SOCK_STREAM, QTCPIP_MODE_BUFFER,
				qt_srv("TCP_SINK"));
		if (fd[i] < 0) {
			err = -fd[i];
			break;
		}
		open_++;
	}
	usleep(500000);
	kmem_snap(&k1);
	for (i = 0; i < open_; i++)
		close(fd[i]);
	if (!err)
		printf("# BENCH model=%s baud=%u dir=mem-idle sockets=%d "
		       "slab_kb_per_sock=%.1f used_kb_per_sock=%.1f\n",
		       m->model, baud, n, (k1.slab - k0.slab) / n, (k1.used - k0.used) / n);
	printf("%sok %d - %s %u baud %d idle sockets%s%s\n",
	       err ? "not " : "", ++test_no, m->model, baud, n,
	       err ? ": " : "", err ? strerror(err) : "");
	fflush(stdout);
	qt_emu_wait_no_conns(m->ctl, 20000, NULL, 0);
}

struct conc {
	struct qt_flow *f;
	int n;
	long long t0, t_base, t_mem;
	bool mem_done;
	size_t base[16];
	struct cost c0;
	struct kmem busy;
};

/*
 * The window starts 1 s in (connects and the first reads are over); the
 * busy sockets' memory is taken halfway through it.
 */
static void conc_hook(void *arg)
{
	struct conc *c = arg;
	long long now = qt_now_ms();
	int i;

	if (!c->t_base && now - c->t0 >= 1000) {
		c->t_base = now;
		for (i = 0; i < c->n; i++)
			c->base[i] = c->f[i].rx_off;
		cost_snap(&c->c0);
	}
	if (!c->mem_done && now >= c->t_mem) {
		kmem_snap(&c->busy);
		c->mem_done = true;
	}
}

/*
 * Concurrency: n sockets (all the module's connectIDs) read the source's
 * stream at once in buffer access mode for `seconds`: the aggregate
 * against the down-buffer bound, and Jain's fairness index over the
 * sockets' goodput, (sum x)^2 / (n * sum x^2): 1 when all are equal,
 * 1/n when one socket has it all. Also the kernel memory per busy socket
 * (receive queues in use) and the CPU cost.
 */
static void bench_conc(const struct qt_mod *m, unsigned int baud, int n,
		       int seconds)
{
	struct qt_flow f[16];
	struct conc c = { .f = f, .n = n };
	struct kmem k0;
	unsigned char *want = NULL;
	double g[16], sum = 0, sq = 0, lmin = 0, lmax = 0, line = 0, bound;
	size_t cap = (size_t)baud / 10 * (seconds + 2), most = 0, moved = 0;
	uint32_t st = 1;
	long long t_end;
	int i, r, err = 0, open_ = 0;

	if (n > 16)
		n = c.n = 16;
	if (cap > (1 << 20))
		cap = 1 << 20;		/* the source's stream length */
	memset(f, 0, sizeof(f));
	sleep(1);
	kmem_snap(&k0);
	for (i = 0; i < n; i++) {
		f[i].fd = qt_open(m, SOCK_STREAM, QTCPIP_MODE_BUFFER,
				  qt_srv("TCP_SOURCE"));
		if (f[i].fd < 0) {
			err = -f[i].fd;
			break;
		}
		open_++;
		f[i].rx = malloc(cap);
		f[i].rx_len = cap;
		if (!f[i].rx) {
			err = ENOMEM;
			break;
		}
	}
	if (err)
		goto out;
	mark(m, baud, "conc-down");
	c.t0 = qt_now_ms();
	c.t_mem = c.t0 + 1000 + seconds * 500;
	r = qt_flows_run(f, n, (1 + seconds) * 1000, conc_hook, &c, 100);
	t_end = qt_now_ms();
	mark(m, baud, NULL);
	if (r && r != -ETIMEDOUT) {
		err = -r;
		goto out;
	}
	if (!c.t_base || t_end <= c.t_base) {
		err = ETIME;
		goto out;
	}
	for (i = 0; i < n; i++)
		if (f[i].rx_off > most)
			most = f[i].rx_off;
	want = malloc(most ? most : 1);
	if (!want) {
		err = ENOMEM;
		goto out;
	}
	qt_source_gen(want, most, &st);
	for (i = 0; i < n; i++) {
		struct form fm = frame(m, "down-buffer", qt_conn_id(f[i].fd));

		if (qt_diff(want, f[i].rx, f[i].rx_off) >= 0)
			err = EBADMSG;
		g[i] = (f[i].rx_off - c.base[i]) * 1000.0 / (t_end - c.t_base);
		moved += f[i].rx_off - c.base[i];
		sum += g[i];
		sq += g[i] * g[i];
		lmin = !i || g[i] < lmin ? g[i] : lmin;
		lmax = !i || g[i] > lmax ? g[i] : lmax;
		line += (double)fm.line / fm.payload / n;
	}
	bound = baud / 10.0 / line;
	printf("# BENCH model=%s baud=%u dir=conc-down sockets=%d "
	       "window_ms=%lld goodput=%.0f bound=%.0f ratio=%.3f jain=%.3f "
	       "sock_min=%.0f sock_max=%.0f busy_slab_kb_per_sock=%.1f "
	       "busy_used_kb_per_sock=%.1f",
	       m->model, baud, n, t_end - c.t_base, sum, bound, sum / bound,
	       sq > 0 ? sum * sum / (n * sq) : 0, lmin, lmax,
	       c.mem_done ? (c.busy.slab - k0.slab) / n : 0,
	       c.mem_done ? (c.busy.used - k0.used) / n : 0);
	cost_print(&c.c0, moved);
	for (i = 0; i < n; i++)
		printf("%s%.0f", i ? "," : " per_sock=", g[i]);
	printf("\n");
out:
	printf("%sok %d - %s %u baud %d sockets at once%s%s\n",
	       err ? "not " : "", ++test_no, m->model, baud, n,
	       err ? ": " : "", err ? strerror(err) : "");
	fflush(stdout);
	for (i = 0; i < open_; i++) {
		close(f[i].fd);
		free(f[i].rx);
	}
	free(want);
	qt_emu_wait_no_conns(m->ctl, 30000, NULL, 0);
}

/* ---- several modules on one guest (--modules) ---- */

#define QT_MODS_MAX 8

struct mods_run {
	struct qt_flow f[QT_MODS_MAX];
	int k;
	long long t0, t_base;
	size_t base[QT_MODS_MAX];
};

/* the down window starts 1 s in, once the first reads are over */
static void mods_hook(void *arg)
{
	struct mods_run *c = arg;
	int i;

	if (!c->t_base && qt_now_ms() - c->t0 >= 1000) {
		c->t_base = qt_now_ms();
		for (i = 0; i < c->k; i++)
			c->base[i] = c->f[i].rx_off;
	}
}

/*
 * One socket per module on the first k modules, all moving data at once:
 *
 *   up           a counted upload of n bytes to the sink per module, all
 *                started together once every socket is connected (the
 *                sink is silent until then); a module's goodput is n over
 *                the time to the sink's answer (byte count and CRC-32 of
 *                what it got), the aggregate all bytes over the time to
 *                the last answer
 *   down-buffer  the source's stream in buffer access mode: all sockets
 *                connected (the source sends at once), then a window of
 *                `seconds` from 1 s in; bytes in the window, checked
 *                against the source's generator
 *
 * k = 1 is one module alone. good[] gets each module's goodput; returns
 * 0 or an errno (a socket that did not open, data lost or wrong).
 */
static int bench_mods(struct qt_mod *m, int k, unsigned int baud,
		      const char *dir, size_t n, int seconds, double *good,
		      double *aggr, long long *ms, double *busy)
{
	struct cost c0, c1;
	bool up = !strcmp(dir, "up");
	struct mods_run c = { .k = k };
	struct qt_flow *f = c.f;
	unsigned char *data = NULL, *want = NULL;
	char ans[QT_MODS_MAX][64], want_ans[64], hdr[64];
	/* the stream outlasts the connects and the window at the bound */
	size_t hl = 0, wl = 0, cap = (size_t)baud / 10 * (seconds + 15);
	size_t most = 0, sum = 0;
	long long last = 0, t_end;
	uint32_t st = 1;
	int i, r, err = 0;

	if (cap > (1 << 20))
		cap = 1 << 20;		/* the source's stream length */
	memset(f, 0, sizeof(c.f));
	memset(ans, 0, sizeof(ans));
	for (i = 0; i < k; i++)
		f[i].fd = -1;
	if (up) {
		hl = snprintf(hdr, sizeof(hdr), "QTCPIP-COUNT %zu\n", n);
		data = malloc(hl + n);
		if (!data)
			return ENOMEM;
		memcpy(data, hdr, hl);
		qt_fill(data + hl, n, 1);
		wl = snprintf(want_ans, sizeof(want_ans),
			      "bytes=%zu crc32=%08x\n", n,
			      qt_crc32(0, data + hl, n));
	}
	for (i = 0; i < k && !err; i++) {
		f[i].fd = qt_open(&m[i], SOCK_STREAM, QTCPIP_MODE_BUFFER,
				  qt_srv(up ? "TCP_SINK" : "TCP_SOURCE"));
		if (f[i].fd < 0) {
			err = -f[i].fd;
			printf("# module %d (%s): %s: cannot open a socket\n",
			       i, m[i].ifname, dir);
			break;
		}
		if (up) {
			f[i].tx = data;
			f[i].tx_len = hl + n;
			f[i].rx = (unsigned char *)ans[i];
			f[i].rx_len = wl;
		} else {
			f[i].rx = malloc(cap);
			f[i].rx_len = cap;
			if (!f[i].rx)
				err = ENOMEM;
		}
	}
	if (err)
		goto out;
	for (i = 0; i < k; i++)
		qt_emu(m[i].ctl, "mark bench model=%s baud=%u dir=mods-%s modules=%d",
		       m[i].model, baud, dir, k);
	cost_snap(&c0);
	c.t0 = qt_now_ms();
	if (up)
		r = qt_flows_run(f, k, 600000, NULL, NULL, 0);
	else
		r = qt_flows_run(f, k, (1 + seconds) * 1000, mods_hook, &c, 100);
	t_end = qt_now_ms();
	cost_snap(&c1);
	/* the guest's CPUs' busy share: near 1, the guest is what limits */
	*busy = t_end > c.t0 ? (c1.busy_s - c0.busy_s) * 1000 /
		(t_end - c.t0) / sysconf(_SC_NPROCESSORS_ONLN) : 0;
	for (i = 0; i < k; i++)
		qt_emu(m[i].ctl, "mark end");
	if (r && !(r == -ETIMEDOUT && !up)) {
		err = -r;
		for (i = 0; i < k; i++)
			if (f[i].err)
				printf("# module %d (%s): %s: %s after %zu bytes\n",
				       i, m[i].ifname, dir, strerror(f[i].err),
				       up ? f[i].tx_off : f[i].rx_off);
		goto out;
	}
	if (up) {
		for (i = 0; i < k; i++) {
			if (strncmp(ans[i], want_ans, wl)) {
				printf("# module %d (%s): the sink got %.*s, not %.*s\n",
				       i, m[i].ifname,
				       (int)strcspn(ans[i], "\n"), ans[i],
				       (int)wl - 1, want_ans);
				err = EBADMSG;
			}
			good[i] = f[i].t_done > c.t0 ?
				  n * 1000.0 / (f[i].t_done - c.t0) : 0;
			last = f[i].t_done > last ? f[i].t_done : last;
		}
		*ms = last - c.t0;
		*aggr = *ms > 0 ? (double)k * n * 1000 / *ms : 0;
		goto out;
	}
	if (!c.t_base || t_end <= c.t_base) {
		err = ETIME;
		goto out;
	}
	for (i = 0; i < k; i++) {
		/* a stream that ended in the window would understate it */
		if (f[i].rx_off >= f[i].rx_len) {
			printf("# module %d: the source's stream ended in the window\n",
			       i);
			err = EMSGSIZE;
		}
		most = f[i].rx_off > most ? f[i].rx_off : most;
	}
	want = malloc(most ? most : 1);
	if (!want) {
		err = ENOMEM;
		goto out;
	}
	qt_source_gen(want, most, &st);
	for (i = 0; i < k; i++) {
		long d = qt_diff(want, f[i].rx, f[i].rx_off);

		if (d >= 0) {
			printf("# module %d (%s): byte %ld of the stream differs\n",
			       i, m[i].ifname, d);
			err = EBADMSG;
		}
		good[i] = (f[i].rx_off - c.base[i]) * 1000.0 /
			  (t_end - c.t_base);
		sum += f[i].rx_off - c.base[i];
	}
	*ms = t_end - c.t_base;
	*aggr = sum * 1000.0 / *ms;
out:
	for (i = 0; i < k; i++) {
		if (f[i].fd >= 0)
			close(f[i].fd);
		if (!up)
			free(f[i].rx);
	}
	for (i = 0; i < k; i++)
		qt_emu_wait_no_conns(m[i].ctl, 30000, NULL, 0);
	free(data);
	free(want);
	return err;
}

/*
 * "# BENCH ... dir=mods-<dir> modules=k goodput=<aggregate> bound=<k x one
 * module's bound> ratio jain mod_min mod_max scaling per_mod=..." and its
 * TAP line. scaling: the aggregate over k x the one module's (single).
 */
static void mods_result(const struct qt_mod *m, int k, unsigned int baud,
			const char *dir, const double *good, double aggr,
			long long ms, double busy, double single, int err)
{
	struct form fm = frame(m, dir, 0);
	double bound = baud / 10.0 * fm.payload / fm.line * k, sum = 0, sq = 0;
	double lo = 0, hi = 0;
	int i;

	for (i = 0; !err && i < k; i++) {
		sum += good[i];
		sq += good[i] * good[i];
		lo = !i || good[i] < lo ? good[i] : lo;
		hi = !i || good[i] > hi ? good[i] : hi;
	}
	if (!err) {
		printf("# BENCH model=%s baud=%u dir=mods-%s modules=%d ms=%lld "
		       "goodput=%.0f bound=%.0f ratio=%.3f jain=%.3f "
		       "mod_min=%.0f mod_max=%.0f scaling=%.3f cpu_busy=%.2f",
		       m->model, baud, dir, k, ms, aggr, bound, aggr / bound,
		       sq > 0 ? sum * sum / (k * sq) : 0, lo, hi,
		       single > 0 ? aggr / (k * single) : 0, busy);
		for (i = 0; i < k; i++)
			printf("%s%.0f", i ? "," : " per_mod=", good[i]);
		printf("\n");
	}
	printf("%sok %d - %s %u baud %s, %d module%s at once%s%s\n",
	       err ? "not " : "", ++test_no, m->model, baud, dir, k,
	       k > 1 ? "s" : "", err ? ": " : "", err ? strerror(err) : "");
	fflush(stdout);
}

/*
 * --modules k: slot 0's module alone, then all k at once (see
 * bench_mods()). A module that does not come up fails the run.
 */
static int bench_modules(int k, unsigned int baud, int seconds)
{
	static const char *const dirs[] = { "up", "down-buffer" };
	struct qt_mod m[QT_MODS_MAX];
	double good[QT_MODS_MAX], single[2] = { 0, 0 }, aggr = 0, busy = 0;
	char err[256] = "";
	long long ms = 0;
	size_t n;
	int i, d, e, fail = 0;

	printf("1..%d\n", k + 4);
	for (i = 0; i < k; i++)
		m[i].inited = false;
	if (qt_mod_attach(&m[0], 0, baud, err, sizeof(err))) {
		printf("not ok %d - attach slot 0: %s\nBail out!\n", ++test_no,
		       err);
		qt_mod_detach(&m[0]);
		return 1;
	}
	printf("ok %d - slot 0: %s on %s (%s) at %u baud\n", ++test_no,
	       m[0].model, m[0].tty, m[0].ifname, baud);
	/* about `seconds` of line time at the bound, as the one-module runs */
	n = (size_t)baud / 10 * seconds * (m[0].uc20 ? 95 : 48) / 100;
	for (d = 0; d < 2; d++) {
		e = bench_mods(m, 1, baud, dirs[d], n, seconds, good, &aggr,
			       &ms, &busy);
		single[d] = e ? 0 : aggr;
		mods_result(&m[0], 1, baud, dirs[d], good, aggr, ms, busy, 0,
			    e);
		fail |= !!e;
	}
	for (i = 1; i < k; i++) {
		if (qt_mod_attach(&m[i], i, baud, err, sizeof(err))) {
			printf("not ok %d - attach slot %d: %s\nBail out!\n",
			       ++test_no, i, err);
			fail = 1;
			k = i + 1;
			goto out;
		}
		if (strcmp(m[i].model, m[0].model))
			printf("# slot %d has a %s, slot 0 a %s: scaling compares unlike modules\n",
			       i, m[i].model, m[0].model);
		printf("ok %d - slot %d: %s on %s (%s)\n", ++test_no, i,
		       m[i].model, m[i].tty, m[i].ifname);
	}
	fflush(stdout);
	for (d = 0; d < 2; d++) {
		e = bench_mods(m, k, baud, dirs[d], n, seconds, good, &aggr,
			       &ms, &busy);
		mods_result(&m[0], k, baud, dirs[d], good, aggr, ms, busy,
			    single[d], e);
		fail |= !!e;
	}
out:
	for (i = 0; i < k; i++)
		qt_mod_detach(&m[i]);
	return fail;
}

int main(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "slot", 1, NULL, 's' }, { "seconds", 1, NULL, 't' },
		{ "conc-seconds", 1, NULL, 'c' }, { "echoes", 1, NULL, 'e' },
		{ "modules", 1, NULL, 'm' }, { NULL, 0, NULL, 0 },
	};
	unsigned int baud = 0;
	char reply[QT_EMU_REPLY_MAX], err[256] = "";
	int slot = 0, seconds = 8, conc_seconds = 6, echoes = 40, o, ctl;
	int modules = 0;
	struct qt_mod m;
	size_t up, down;

	while ((o = getopt_long(argc, argv, "", lo, NULL)) != -1) {
		if (o == 's')
			slot = atoi(optarg);
		else if (o == 't')
			seconds = atoi(optarg);
		else if (o == 'c')
			conc_seconds = atoi(optarg);
		else if (o == 'e' && atoi(optarg) > 0)
			echoes = atoi(optarg);
		else if (o == 'm' && atoi(optarg) > 0 &&
			 atoi(optarg) <= QT_MODS_MAX)
			modules = atoi(optarg);
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
	if (modules)
		return bench_modules(modules, baud, seconds);
	printf("1..8\n");
	bench_floor(slot, baud, echoes * 5, (size_t)baud / 10 * seconds * 95 / 100);
	if (qt_mod_attach(&m, slot, baud, err, sizeof(err))) {
		printf("1..1\nnot ok 1 - attach: %s\n", err);
		return 1;
	}
	printf("# %s on %s (%s) at %u baud, guest tty set to match\n",
	       m.model, m.tty, m.ifname, baud);
	/* about `seconds` of line time at the bound of each direction */
	up = (size_t)baud / 10 * seconds * (m.uc20 ? 95 : 48) / 100;
	down = (size_t)baud / 10 * seconds * 95 / 100;
	if (down > (1 << 20))
		down = 1 << 20;		/* the source's stream length */
	bench_up(&m, baud, up);
	bench_down(&m, baud, down, QTCPIP_MODE_BUFFER);
	bench_down(&m, baud, down, QTCPIP_MODE_PUSH);
	bench_echo(&m, baud, QTCPIP_MODE_BUFFER, echoes);
	bench_echo(&m, baud, QTCPIP_MODE_PUSH, echoes);
	bench_mem_idle(&m, baud, m.nconn);
	bench_conc(&m, baud, m.nconn, conc_seconds);
	qt_mod_detach(&m);
	return 0;
}
