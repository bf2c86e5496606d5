// SPDX-License-Identifier: GPL-2.0
/*
 * qtcpip-emu: behaves like a Quectel BC66 or UC20 on the far end of a
 * serial line (a unix socket for QEMU's chardev, a pty, or stdio).
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/epoll.h>
#include <sys/signalfd.h>
#include "emu.h"

static const char *ready_file, *control_path, *serial_path;
static enum ep_kind kind;
static int sfd;

static void usage(int code)
{
	fprintf(code ? stderr : stdout,
"usage: qtcpip-emu --model bc66|uc20 ENDPOINT [options]\n"
"endpoint (one of):\n"
"  --listen unix:PATH     serve the serial line on a unix socket\n"
"  --connect unix:PATH    connect to a unix socket (retries for 30 s)\n"
"  --pty                  create a pty, print 'pty: /dev/pts/N'\n"
"  --stdio                use stdin/stdout\n"
"options:\n"
"  --profile NAME         what a real module prints beyond the manual:\n"
"                         bc66 (default), bc66-fw, bc660k (--model bc66);\n"
"                         uc20 (default), bg96, ec21 (--model uc20)\n"
"  --persist              keep running when the serial peer goes away\n"
"  --baud N               UART pacing, 8N1 (default 115200, 0 = off)\n"
"  --seed N               fault injection PRNG seed (default 1)\n"
"  --trace FILE           timestamped trace of both directions\n"
"  --control unix:PATH    control channel socket\n"
"  --ready-file PATH      created once the emulator can be reached\n"
"  --dns-table FILE       lines 'name ttl addr [addr...]'\n"
"  --dns-fallback         resolve unknown names with the host resolver\n"
"  --ntp-server HOST:PORT where AT+QNTP really goes\n"
"  --ntp-timeout-ms N     SNTP reply timeout (default 5000)\n"
"  --open-delay-ms N      delay of +QIOPEN results and AT+QIACT\n"
"  --send-delay-ms N      delay of SEND OK\n"
"  --rtt-ms N             network round trip (QPING, QNTP, QIDNSGIP)\n"
"  --close-wait-ms N      BC66 AT+QICLOSE wait for the peer's FIN\n"
"  --guard-ms N           '+++' guard time (default 1000)\n"
"  --boot-ms N            time from power-on/reset to RDY (default 0)\n"
"  --imei N               IMEI reported by AT+CGSN\n"
"  --local-ip ADDR        module address; servers bind it (127.0.0.1)\n"
"  --rxbuf N              receive buffer per connection (16384)\n"
"  --any-host             allow destinations off loopback (test netns)\n");
	exit(code);
}

void main_ready(void)
{
	int fd;

	if (!ready_file)
		return;
	fd = open(ready_file, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd >= 0) {
		dprintf(fd, "%d\n", getpid());
		close(fd);
	}
	ready_file = NULL;
}

static void sig_ev(void *arg, uint32_t events)
{
	struct signalfd_siginfo si;

	(void)arg;
	(void)events;
	if (read(sfd, &si, sizeof(si)) > 0)
		ev_stop(0);
}

static const char *unix_path(const char *s)
{
	if (strncmp(s, "unix:", 5)) {
		fprintf(stderr, "qtcpip-emu: endpoint must be unix:PATH\n");
		exit(2);
	}
	return s + 5;
}

static unsigned int uarg(const char *s)
{
	char *e;
	unsigned long v = strtoul(s, &e, 0);

	if (*e || !*s) {
		fprintf(stderr, "qtcpip-emu: bad number %s\n", s);
		exit(2);
	}
	return v;
}

enum {
	O_LISTEN = 256, O_CONNECT, O_PTY, O_STDIO, O_PERSIST, O_BAUD, O_SEED,
	O_TRACE, O_CONTROL, O_READY, O_DNS, O_DNSFB, O_NTP, O_NTPTMO,
	O_OPEN, O_SEND, O_RTT, O_CLOSEW, O_GUARD, O_BOOT, O_IMEI, O_LIP,
	O_RXBUF, O_ANY, O_MODEL, O_PROFILE, O_HELP
};

static const struct option opts[] = {
	{ "model", required_argument, NULL, O_MODEL },
	{ "profile", required_argument, NULL, O_PROFILE },
	{ "listen", required_argument, NULL, O_LISTEN },
	{ "connect", required_argument, NULL, O_CONNECT },
	{ "pty", no_argument, NULL, O_PTY },
	{ "stdio", no_argument, NULL, O_STDIO },
	{ "persist", no_argument, NULL, O_PERSIST },
	{ "baud", required_argument, NULL, O_BAUD },
	{ "seed", required_argument, NULL, O_SEED },
	{ "trace", required_argument, NULL, O_TRACE },
	{ "control", required_argument, NULL, O_CONTROL },
	{ "ready-file", required_argument, NULL, O_READY },
	{ "dns-table", required_argument, NULL, O_DNS },
	{ "dns-fallback", no_argument, NULL, O_DNSFB },
	{ "ntp-server", required_argument, NULL, O_NTP },
	{ "ntp-timeout-ms", required_argument, NULL, O_NTPTMO },
	{ "open-delay-ms", required_argument, NULL, O_OPEN },
	{ "send-delay-ms", required_argument, NULL, O_SEND },
	{ "rtt-ms", required_argument, NULL, O_RTT },
	{ "close-wait-ms", required_argument, NULL, O_CLOSEW },
	{ "guard-ms", required_argument, NULL, O_GUARD },
	{ "boot-ms", required_argument, NULL, O_BOOT },
	{ "imei", required_argument, NULL, O_IMEI },
	{ "local-ip", required_argument, NULL, O_LIP },
	{ "rxbuf", required_argument, NULL, O_RXBUF },
	{ "any-host", no_argument, NULL, O_ANY },
	{ "help", no_argument, NULL, O_HELP },
	{ NULL, 0, NULL, 0 }
};

int main(int argc, char **argv)
{
	const char *trace = NULL, *model = NULL, *profile = NULL;
	unsigned int baud = 115200;
	bool persist = false;
	uint64_t seed = 1;
	struct in_addr la;
	sigset_t ss;
	char *colon;
	int o;

	M.open_delay_ms = 0;
	M.send_delay_ms = 0;
	M.rtt_ms = 0;
	M.close_wait_ms = 1000;
	M.guard_ms = 1000;
	M.ntp_timeout_ms = 5000;
	M.rxbuf = 16384;
	snprintf(M.imei, sizeof(M.imei), "866425030000006");
	snprintf(M.local_ip, sizeof(M.local_ip), "127.0.0.1");

	while ((o = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (o) {
		case O_MODEL:
			model = optarg;
			break;
		case O_PROFILE:
			profile = optarg;
			break;
		case O_LISTEN:
		case O_CONNECT:
			kind = o == O_LISTEN ? EP_LISTEN : EP_CONNECT;
			serial_path = unix_path(optarg);
			break;
		case O_PTY:
			kind = EP_PTY;
			break;
		case O_STDIO:
			kind = EP_STDIO;
			break;
		case O_PERSIST:
			persist = true;
			break;
		case O_BAUD:
			baud = uarg(optarg);
			break;
		case O_SEED:
			seed = strtoull(optarg, NULL, 0);
			break;
		case O_TRACE:
			trace = optarg;
			break;
		case O_CONTROL:
			control_path = unix_path(optarg);
			break;
		case O_READY:
			ready_file = optarg;
			break;
		case O_DNS:
			dns_load(optarg);
			break;
		case O_DNSFB:
			M.dns_fallback = true;
			break;
		case O_NTP:
			colon = strrchr(optarg, ':');
			if (!colon || colon == optarg ||
			    (size_t)(colon - optarg) >= sizeof(M.ntp_host)) {
				fprintf(stderr, "qtcpip-emu: --ntp-server "
					"HOST:PORT\n");
				return 2;
			}
			memcpy(M.ntp_host, optarg, colon - optarg);
			M.ntp_port = uarg(colon + 1);
			break;
		case O_NTPTMO:
			M.ntp_timeout_ms = uarg(optarg);
			break;
		case O_OPEN:
			M.open_delay_ms = uarg(optarg);
			break;
		case O_SEND:
			M.send_delay_ms = uarg(optarg);
			break;
		case O_RTT:
			M.rtt_ms = uarg(optarg);
			break;
		case O_CLOSEW:
			M.close_wait_ms = uarg(optarg);
			break;
		case O_GUARD:
			M.guard_ms = uarg(optarg);
			break;
		case O_BOOT:
			M.boot_ms = uarg(optarg);
			break;
		case O_IMEI:
			snprintf(M.imei, sizeof(M.imei), "%s", optarg);
			break;
		case O_LIP:
			if (inet_pton(AF_INET, optarg, &la) != 1) {
				fprintf(stderr, "qtcpip-emu: bad address\n");
				return 2;
			}
			snprintf(M.local_ip, sizeof(M.local_ip), "%s", optarg);
			break;
		case O_RXBUF:
			M.rxbuf = uarg(optarg);
			if (M.rxbuf < 64)
				M.rxbuf = 64;
			break;
		case O_ANY:
			M.any_host = true;
			break;
		case O_HELP:
		case 'h':
			usage(0);
			break;
		default:
			usage(2);
		}
	}
	if (!model || kind == EP_NONE || optind != argc)
		usage(2);
	if (!strcmp(model, "bc66"))
		M.model = BC66;
	else if (!strcmp(model, "uc20"))
		M.model = UC20;
	else
		usage(2);
	PROF = profile ? profile_find(profile, M.model) : profile_default(M.model);
	if (!PROF) {
		fprintf(stderr, "qtcpip-emu: no profile '%s' for --model %s; "
			"profiles: ", profile, model);
		profile_list(stderr);
		exit(2);
	}
	profile_set(PROF, true);

	signal(SIGPIPE, SIG_IGN);
	sigemptyset(&ss);
	sigaddset(&ss, SIGTERM);
	sigaddset(&ss, SIGINT);
	sigaddset(&ss, SIGHUP);
	sigprocmask(SIG_BLOCK, &ss, NULL);
	trace_open(trace);
	rnd_seed(seed);
	ev_init();
	sfd = signalfd(-1, &ss, SFD_NONBLOCK | SFD_CLOEXEC);
	ev_watch(sfd, EPOLLIN, sig_ev, NULL);
	conn_init();
	at_init();
	serial_set_baud(baud);
	if (control_path)
		control_open(control_path);
	serial_open(kind, serial_path, persist);
	ev_run();
	if (control_path)
		unlink(control_path);
	if (kind == EP_LISTEN)
		unlink(serial_path);
	trace_note("exit %d", ev_exit_code);
	return ev_exit_code;
}
