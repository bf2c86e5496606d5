/* SPDX-License-Identifier: GPL-2.0 */
/* The kernel interfaces qtcpip uses that changed between 6.1 and 6.12,
 * kept in one place so the rest of the driver reads like in-tree code.
 * The Makefile detects them from the headers rather than from version
 * numbers, so distribution backports are handled too.
 */
#ifndef QTCPIP_COMPAT_H
#define QTCPIP_COMPAT_H

/* 6.6 made tty flag bytes u8 and receive counts size_t. */
#ifdef QTCPIP_LDISC_RX_U8
#define QT_LDISC_RX_ARGS \
	struct tty_struct *tty, const u8 *cp, const u8 *fp, size_t count
#else
#define QT_LDISC_RX_ARGS \
	struct tty_struct *tty, const unsigned char *cp, const char *fp, \
	int count
#endif

#endif /* QTCPIP_COMPAT_H */
