/* SPDX-License-Identifier: GPL-2.0 */
/* Text form of parser events, shared by the replay tool and the selftests.
 * The format is documented in Documentation/networking/qtcpip-replay.rst.
 */
#ifndef QT_FMT_H
#define QT_FMT_H

#include "at_parser.h"

/* Consecutive DATA events are merged into lines of at most this many bytes,
 * so the output does not depend on how the input was split.
 */
#define QT_FMT_DATA_MAX	4096

struct qt_fmt {
	void (*out)(void *ctx, const char *line);	/* no trailing newline */
	void *ctx;
	int data_id;
	size_t data_n;
	unsigned char data[QT_FMT_DATA_MAX];
	char buf[2 * QT_FMT_DATA_MAX + 4 * QT_LINE_MAX + 256];
};

void qt_fmt_init(struct qt_fmt *f, void (*out)(void *ctx, const char *line),
		 void *ctx);
void qt_fmt_event(struct qt_fmt *f, const struct qt_event *ev);
/* Print pending DATA bytes (at the end of the input). */
void qt_fmt_flush(struct qt_fmt *f);

#endif /* QT_FMT_H */
