/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * qtcpip: sockets over the TCP/IP stack of Quectel cellular modules.
 *
 * User API: line discipline number, socket family, generic netlink family.
 */
#ifndef _UAPI_LINUX_QTCPIP_H
#define _UAPI_LINUX_QTCPIP_H

#include <linux/socket.h>
#include <linux/types.h>

/*
 * Default line discipline number. No number is assigned to qtcpip, so it
 * borrows N_DEVELOPMENT; the module parameter "ldisc" changes it and
 * /sys/module/qtcpip/parameters/ldisc tells which one is in use.
 */
#define QTCPIP_LDISC_DEFAULT	29

/* Name of the line discipline (/proc/tty/ldiscs) and of the netdevs. */
#define QTCPIP_LDISC_NAME	"qtcpip"
#define QTCPIP_IFNAME_FMT	"qtcpip%d"
/* skb->protocol of the AT exchange frames packet taps see on the netdev:
 * ETH_P_802_EX1, the local experimental EtherType (the frames are not IP).
 */
#define QTCPIP_ETH_P_AT		0x88B5

/*
 * Socket family. Not assigned upstream: the default reuses AF_IRDA (23),
 * whose in-tree user was removed in Linux 4.17, so no Debian 6.1 or 6.12
 * kernel registers it. The module parameter "family" changes it and
 * /sys/module/qtcpip/parameters/family tells which one is in use;
 * applications should read it from there (see qtcpip.rst).
 */
#define AF_QTCPIP_DEFAULT	23

/*
 * Address with a host name for the module's resolver (or a literal
 * address in text form). Same size as struct sockaddr_storage.
 */
#define QTCPIP_HOST_MAX		120

struct sockaddr_qt {
	__kernel_sa_family_t	sqt_family;	/* AF_QTCPIP */
	__be16			sqt_port;	/* network byte order */
	__u32			sqt_reserved;	/* must be 0 */
	char			sqt_host[QTCPIP_HOST_MAX]; /* NUL terminated */
};

/* Socket options, level SOL_QTCPIP. */
#define SOL_QTCPIP		0x5154

enum {
	QTCPIP_CONTEXT = 1,	/* int: PDP context of the connection (1) */
	QTCPIP_ACCESS_MODE,	/* int: enum qtcpip_access_mode */
	QTCPIP_CONNECT_ID,	/* int, read only: the module's connectID */
	QTCPIP_RX_LOST,		/* __u64, read only: bytes lost on receive */
	QTCPIP_SEND_INFO,	/* struct qtcpip_send_info, read only (UC20) */
	QTCPIP_ACCEPT_DROPPED,	/* u32, read only: connections a listener
				 * closed because its backlog was full
				 */
};

enum qtcpip_access_mode {
	QTCPIP_MODE_BUFFER = 0,	/* "recv" hint, the driver reads (default) */
	QTCPIP_MODE_PUSH = 1,	/* the module pushes data as it arrives */
	QTCPIP_MODE_TRANSPARENT = 2, /* UC20: the line carries raw bytes */
};

/* AT+QISEND=<id>,0 (UC20): bytes sent, acknowledged, unacknowledged. */
struct qtcpip_send_info {
	__u64 total;
	__u64 acked;
	__u64 unacked;
};

/*
 * Generic netlink family "qtcpip": everything of the two manuals that is
 * not a socket. Requests carry QTCPIP_A_IFINDEX (or QTCPIP_A_IFNAME) to
 * name the module. Operations that change state need CAP_NET_ADMIN.
 * Errors come with an extack message.
 */
#define QTCPIP_GENL_NAME	"qtcpip"
#define QTCPIP_GENL_VERSION	1
#define QTCPIP_GENL_MCGRP	"events"

enum qtcpip_cmd {
	QTCPIP_CMD_UNSPEC,
	QTCPIP_CMD_DEV_GET,	/* doit or dump: identity, state, limits, ctxs */
	QTCPIP_CMD_CTX_GET,	/* AT+QIACT? and AT+QICSGP=<id>: contexts */
	QTCPIP_CMD_CTX_SET,	/* AT+QICSGP: APN, user, password, auth */
	QTCPIP_CMD_CTX_UP,	/* AT+QIACT=<id> */
	QTCPIP_CMD_CTX_DOWN,	/* AT+QIDEACT=<id> */
	QTCPIP_CMD_DNS_GET,	/* AT+QIDNSCFG=<id> */
	QTCPIP_CMD_DNS_SET,	/* AT+QIDNSCFG=<id>,<pri>[,<sec>] */
	QTCPIP_CMD_RESOLVE,	/* AT+QIDNSGIP: addresses and TTL */
	QTCPIP_CMD_PING,	/* AT+QPING: one PING_REPLY per reply, then
				 * the summary in the final message
				 */
	QTCPIP_CMD_NTP,		/* AT+QNTP */
	QTCPIP_CMD_CFG_GET,	/* AT+QICFG="<name>" */
	QTCPIP_CMD_CFG_SET,	/* AT+QICFG="<name>",<values> */
	QTCPIP_CMD_ERR_GET,	/* AT+QIGETERROR */
	QTCPIP_CMD_SOCK_GET,	/* dump: AF_QTCPIP sockets + AT+QISTATE */
	QTCPIP_CMD_PING_REPLY,	/* reply message of QTCPIP_CMD_PING */
	QTCPIP_CMD_EVENT,	/* multicast on "events" */
	QTCPIP_CMD_DEV_SET,	/* QTCPIP_A_DIALECT: force a dialect profile;
				 * QTCPIP_A_MAX_BAUD: the line rate limit
				 */
	__QTCPIP_CMD_MAX,
};

#define QTCPIP_CMD_MAX (__QTCPIP_CMD_MAX - 1)

enum qtcpip_attr {
	QTCPIP_A_UNSPEC,
	QTCPIP_A_IFINDEX,	/* u32 */
	QTCPIP_A_IFNAME,	/* string */
	QTCPIP_A_MODEL,		/* string: "BC66", "UC20" */
	QTCPIP_A_REVISION,	/* string */
	QTCPIP_A_IMEI,		/* string */
	QTCPIP_A_STATE,		/* u8: enum qtcpip_dev_state */
	QTCPIP_A_TTY,		/* string: the attached tty */
	QTCPIP_A_MAX_CONN,	/* u32: connectIDs */
	QTCPIP_A_MAX_CTX,	/* u32: contextIDs */
	QTCPIP_A_MAX_SEND,	/* u32: bytes per AT+QISEND */
	QTCPIP_A_MAX_READ,	/* u32: bytes per AT+QIRD */
	QTCPIP_A_CTX,		/* nest of QTCPIP_A_CTX_*, repeated */
	QTCPIP_A_CTX_ID,	/* u8 */
	QTCPIP_A_CTX_ACTIVE,	/* u8: 0 or 1 */
	QTCPIP_A_CTX_ADDR,	/* string: the context's IP address */
	QTCPIP_A_CTX_APN,	/* string */
	QTCPIP_A_CTX_USER,	/* string */
	QTCPIP_A_CTX_PASSWORD,	/* string (never reported back) */
	QTCPIP_A_CTX_AUTH,	/* u8: enum qtcpip_auth */
	QTCPIP_A_DNS_PRIMARY,	/* string */
	QTCPIP_A_DNS_SECONDARY,	/* string */
	QTCPIP_A_HOST,		/* string: name or address */
	QTCPIP_A_ADDR,		/* string: an IP address, repeated */
	QTCPIP_A_TTL,		/* u32: DNS TTL (s), or ping reply TTL */
	QTCPIP_A_TIMEOUT,	/* u32: seconds (ping: per request, 1-255) */
	QTCPIP_A_COUNT,		/* u32: ping requests (1-10) */
	QTCPIP_A_PING_RESULT,	/* u32: the module's result code */
	QTCPIP_A_PING_BYTES,	/* u32 */
	QTCPIP_A_PING_TIME,	/* u32: ms */
	QTCPIP_A_PING_SENT,	/* u32 */
	QTCPIP_A_PING_RCVD,	/* u32 */
	QTCPIP_A_PING_LOST,	/* u32 */
	QTCPIP_A_PING_MIN,	/* u32: ms */
	QTCPIP_A_PING_MAX,	/* u32: ms */
	QTCPIP_A_PING_AVG,	/* u32: ms */
	QTCPIP_A_NTP_SERVER,	/* string */
	QTCPIP_A_NTP_PORT,	/* u16 */
	QTCPIP_A_NTP_SET_CLOCK,	/* flag: let the module set its clock */
	QTCPIP_A_NTP_TIME,	/* string: as the module reports it */
	QTCPIP_A_CFG_NAME,	/* string: dataformat, viewmode, transpktsize,
				 * transwaittm
				 */
	QTCPIP_A_CFG_VALUE,	/* u32, repeated (dataformat has two) */
	QTCPIP_A_ERR_CODE,	/* u32: module error code */
	QTCPIP_A_ERR_TEXT,	/* string: its description */
	QTCPIP_A_SOCK,		/* nest of QTCPIP_A_SOCK_*, repeated */
	QTCPIP_A_SOCK_CONN_ID,	/* s32 */
	QTCPIP_A_SOCK_TYPE,	/* u8: SOCK_STREAM or SOCK_DGRAM */
	QTCPIP_A_SOCK_STATE,	/* u8: enum qtcpip_sock_state */
	QTCPIP_A_SOCK_PEER,	/* string: host:port as given to connect */
	QTCPIP_A_SOCK_ACCESS_MODE, /* u8 */
	QTCPIP_A_SOCK_RX_QUEUED, /* u32: bytes waiting for recv() */
	QTCPIP_A_SOCK_TX_QUEUED, /* u32: bytes not yet sent to the module */
	QTCPIP_A_SOCK_MOD_STATE, /* u8: <socket_state> from AT+QISTATE */
	QTCPIP_A_SOCK_MOD_LPORT, /* u16: <local_port> from AT+QISTATE */
	QTCPIP_A_SOCK_MOD_TYPE,	/* string: <service_type> from AT+QISTATE */
	QTCPIP_A_EVENT,		/* u8: enum qtcpip_event */
	QTCPIP_A_PAD,
	QTCPIP_A_DIALECT,	/* string: dialect profile ("bc66", "uc20",
				 * "bc660k", "bg96", "ec2x"; "" = automatic)
				 */
	QTCPIP_A_MAX_BAUD,	/* u32: the line rate limit (AT+IPR), 0 = stay
				 * at the rate the tty had at attach
				 */
	QTCPIP_A_BAUD,		/* u32, read only: the tty's line rate */
	QTCPIP_A_BAUD_FAILED,	/* u32, read only: the rate the module last
				 * did not answer at (the driver fell back)
				 */
	__QTCPIP_A_MAX,
};

#define QTCPIP_A_MAX (__QTCPIP_A_MAX - 1)

enum qtcpip_dev_state {
	QTCPIP_DEV_PROBING,	/* waiting for the module to answer */
	QTCPIP_DEV_INIT,	/* identifying and configuring it */
	QTCPIP_DEV_READY,
	QTCPIP_DEV_DEAD,	/* detached */
	QTCPIP_DEV_UNSUPPORTED,	/* answers, but is no known module: see
				 * QTCPIP_CMD_DEV_SET QTCPIP_A_DIALECT
				 */
	QTCPIP_DEV_BAD_RATE,	/* sends bytes but never an answer: the
				 * tty's rate is not the module's
				 */
};

enum qtcpip_sock_state {
	QTCPIP_SOCK_UNCONN,
	QTCPIP_SOCK_OPENING,
	QTCPIP_SOCK_CONNECTED,
	QTCPIP_SOCK_CLOSED,
	QTCPIP_SOCK_LISTEN,	/* TCP LISTENER or UDP SERVICE (UC20) */
};

enum qtcpip_auth {
	QTCPIP_AUTH_NONE,
	QTCPIP_AUTH_PAP,
	QTCPIP_AUTH_CHAP,
	QTCPIP_AUTH_PAP_CHAP,
};

enum qtcpip_event {
	QTCPIP_EVENT_LINK_UP = 1,	/* module ready, default context up */
	QTCPIP_EVENT_LINK_DOWN,
	QTCPIP_EVENT_PDPDEACT,		/* QTCPIP_A_CTX_ID: lost by the network */
	QTCPIP_EVENT_RESET,		/* the module rebooted (RDY) */
	QTCPIP_EVENT_PEER_CLOSED,	/* QTCPIP_A_SOCK_CONN_ID */
};

#endif /* _UAPI_LINUX_QTCPIP_H */
