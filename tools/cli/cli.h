/* SPDX-License-Identifier: GPL-2.0 */
/*
 * qtcpip(8): command-line tool for the qtcpip generic netlink family.
 * Declarations shared by the object files.
 */
#ifndef QTCPIP_CLI_H
#define QTCPIP_CLI_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <libmnl/libmnl.h>
#include <linux/genetlink.h>
#include <linux/qtcpip.h>

#define QT_VERSION	"0.1"

/* Exit statuses (qtcpip.8, EXIT STATUS). */
#define QT_EXIT_OK	0
#define QT_EXIT_FAIL	1	/* the kernel or the module said no */
#define QT_EXIT_USAGE	2	/* the command line is wrong */
#define QT_EXIT_INTR	130	/* interrupted by SIGINT */

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

/* Global options. */
extern bool opt_json;
extern bool opt_pretty;
extern bool opt_timestamp;
extern const char *prog;

/* Set by the SIGINT/SIGTERM handler of long running commands. */
extern volatile sig_atomic_t qt_interrupted;

/* ---- main.c: argument helpers ---- */

/* An object's command line: what is left after "OBJECT COMMAND". */
struct cmdline {
	int argc;
	char **argv;
	const char *what;	/* "ctx up": prefix of error messages */
	const char *usage;	/* its usage line */
};

bool matches(const char *arg, const char *word);
bool is_help(const char *arg);
const char *next_arg(struct cmdline *cl, const char *keyword);
int usage_error(const struct cmdline *cl, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
int parse_u32(const char *s, uint32_t min, uint32_t max, uint32_t *v);
int print_usage(const char *text, int status);
void install_sigint(void);

/* The device and context a command is about. */
struct target {
	const char *ifname;	/* NULL: not given */
	uint32_t ifindex;
	uint32_t id;		/* context */
	bool has_id;
};

int target_arg(struct cmdline *cl, struct target *t);

/* "dev NAME": the interface index, or a message and QT_EXIT_FAIL. */
int dev_index(const struct cmdline *cl, const char *name, uint32_t *ifindex);

/* ---- nl.c: generic netlink plumbing ---- */

struct qt_nl;

/* Parsed attributes of one message or nest: the last of each type. */
struct qt_attrs {
	const struct nlattr *tb[QTCPIP_A_MAX + 1];
};

/* Called for each reply message; non-zero stops the exchange. */
typedef int (*qt_msg_cb)(const struct nlmsghdr *nlh, uint8_t cmd,
			 const struct qt_attrs *a, void *data);

/* The last error of an exchange, as the kernel reported it. */
struct qt_err {
	int error;		/* positive errno, 0 if none */
	char msg[256];		/* extack message, "" if none */
	uint32_t miss_type;	/* extack missing attribute, 0 if none */
	uint32_t offs;		/* extack offset of the bad attribute */
};

struct qt_nl *qt_nl_open(void);
void qt_nl_close(struct qt_nl *nl);
/* A request of the family; flags beyond NLM_F_REQUEST. */
struct nlmsghdr *qt_nl_req(struct qt_nl *nl, uint8_t cmd, uint16_t flags);
/* Sends the request, runs cb on each reply until the ack or NLMSG_DONE.
 * Returns 0, a negative errno from the kernel (details in *err), -EINTR
 * when qt_interrupted was set, or -EIO on a local failure (printed).
 */
int qt_nl_talk(struct qt_nl *nl, struct nlmsghdr *nlh, qt_msg_cb cb,
	       void *data, struct qt_err *err);
/* Joins the "events" multicast group. */
int qt_nl_join_events(struct qt_nl *nl);
/* Receives and handles multicast messages until interrupted. */
int qt_nl_listen(struct qt_nl *nl, qt_msg_cb cb, void *data);

int qt_parse(const struct nlmsghdr *nlh, struct qt_attrs *a);
int qt_parse_nested(const struct nlattr *nest, struct qt_attrs *a);
const char *qt_str(const struct qt_attrs *a, int type);	/* NULL if absent */
bool qt_has(const struct qt_attrs *a, int type);
uint32_t qt_u32(const struct qt_attrs *a, int type);	/* 0 if absent */
uint16_t qt_u16(const struct qt_attrs *a, int type);
uint8_t qt_u8(const struct qt_attrs *a, int type);
int32_t qt_s32(const struct qt_attrs *a, int type);

/* Prints "qtcpip: WHAT: strerror (extack)" and returns QT_EXIT_FAIL (or
 * QT_EXIT_INTR for -EINTR).
 */
int qt_report(const char *what, int ret, const struct qt_err *err);

/* ---- dev.c: the devices, shared by the other objects ---- */

struct qt_dev_info {
	uint32_t ifindex;
	char ifname[32];
	char model[16];
};

/* Every qtcpip device (DEV_GET dump). Returns the count or -errno. */
int qt_dev_list(struct qt_nl *nl, struct qt_dev_info *devs, int max,
		struct qt_err *err);
const char *qt_dev_model(struct qt_nl *nl, uint32_t ifindex);
const char *qt_ifname(uint32_t ifindex, char *buf);
int qt_report_dev(struct qt_nl *nl, const char *what, int ret,
		  struct qt_err *err, uint32_t ifindex);

/* Name tables of the uapi enums. */
const char *qt_state_name(unsigned int state);
const char *qt_auth_name(unsigned int auth);
const char *qt_sock_state_name(unsigned int state);
const char *qt_mode_name(unsigned int mode);
const char *qt_mod_state_name(const char *model, unsigned int state);
const char *qt_event_name(unsigned int event);

/* ---- err.c ---- */

/* Is an extack message one of the module's error descriptions? */
bool qt_module_text(const char *msg);

/* ---- json.c: output, text or JSON ---- */

void out_begin(void);		/* top-level array in JSON mode */
void out_end(void);
void out_obj_open(const char *key);	/* key NULL inside arrays */
void out_obj_close(void);
void out_arr_open(const char *key);
void out_arr_close(void);
/* fmt is the text form (NULL: JSON only); key NULL: text only. */
void out_str(const char *key, const char *fmt, const char *val);
void out_str_elem(const char *fmt, const char *val);
void out_uint_elem(const char *fmt, unsigned long long val);
void out_uint(const char *key, const char *fmt, unsigned long long val);
void out_int(const char *key, const char *fmt, long long val);
void out_bool(const char *key, const char *fmt, bool val);
void out_null(const char *key);
void out_text(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void out_flush(void);

/* ---- the objects ---- */

int do_dev(int argc, char **argv);
int do_ctx(int argc, char **argv);
int do_dns(int argc, char **argv);
int do_ping(int argc, char **argv);
int do_ntp(int argc, char **argv);
int do_cfg(int argc, char **argv);
int do_err(int argc, char **argv);
int do_sock(int argc, char **argv);
int do_monitor(int argc, char **argv);

/* Opens the family or prints why not; NULL means exit QT_EXIT_FAIL. */
struct qt_nl *qt_open_or_report(void);

#endif /* QTCPIP_CLI_H */
