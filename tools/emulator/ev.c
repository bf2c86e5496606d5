// SPDX-License-Identifier: GPL-2.0
/*
 * Single-threaded event loop: epoll for descriptors, one timerfd armed at
 * the earliest pending timer so that pacing gets sub-millisecond wakeups.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/epoll.h>
#include <sys/timerfd.h>
#include "emu.h"

struct watch {
	fd_cb cb;
	void *arg;
	uint32_t gen;
	bool on;
};

struct tmr {
	uint64_t id, when;
	timer_cb cb;
	void *arg;
};

static int epfd, tfd;
static struct watch *W;
static int nw;
static struct tmr *T;
static int nt, capt;
static uint64_t next_id = 1, armed;
static bool stop;
int ev_exit_code;

uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

static void fd_cb_timer(void *arg, uint32_t events)
{
	uint64_t v;

	(void)arg;
	(void)events;
	if (read(tfd, &v, sizeof(v)) < 0 && errno != EAGAIN)
		perror("timerfd");
}

void ev_init(void)
{
	epfd = epoll_create1(EPOLL_CLOEXEC);
	tfd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
	if (epfd < 0 || tfd < 0) {
		perror("epoll/timerfd");
		exit(1);
	}
	ev_watch(tfd, EPOLLIN, fd_cb_timer, NULL);
}

void ev_watch(int fd, uint32_t events, fd_cb cb, void *arg)
{
	struct epoll_event ev = { 0 };
	int op;

	if (fd >= nw) {
		int n = fd + 64;

		W = realloc(W, n * sizeof(*W));
		memset(W + nw, 0, (n - nw) * sizeof(*W));
		nw = n;
	}
	if (!events) {
		ev_unwatch(fd);
		return;
	}
	op = W[fd].on ? EPOLL_CTL_MOD : EPOLL_CTL_ADD;
	if (!W[fd].on)
		W[fd].gen++;
	W[fd].cb = cb;
	W[fd].arg = arg;
	W[fd].on = true;
	ev.events = events;
	ev.data.u64 = (uint64_t)fd | ((uint64_t)W[fd].gen << 32);
	/* an fd closed without ev_unwatch left the set by itself */
	if (epoll_ctl(epfd, op, fd, &ev) < 0 &&
	    (errno != ENOENT || epoll_ctl(epfd, EPOLL_CTL_ADD, fd, &ev) < 0))
		logmsg("epoll_ctl(%d): %s", fd, strerror(errno));
}

void ev_unwatch(int fd)
{
	if (fd < 0 || fd >= nw || !W[fd].on)
		return;
	epoll_ctl(epfd, EPOLL_CTL_DEL, fd, NULL);
	W[fd].on = false;
}

uint64_t ev_timer(uint64_t delay_ns, timer_cb cb, void *arg)
{
	if (nt == capt) {
		capt = capt ? capt * 2 : 32;
		T = realloc(T, capt * sizeof(*T));
	}
	T[nt].id = next_id++;
	T[nt].when = now_ns() + delay_ns;
	T[nt].cb = cb;
	T[nt].arg = arg;
	return T[nt++].id;
}

void ev_cancel(uint64_t *id)
{
	int i;

	if (!*id)
		return;
	for (i = 0; i < nt; i++) {
		if (T[i].id == *id) {
			T[i] = T[--nt];
			break;
		}
	}
	*id = 0;
}

void ev_stop(int code)
{
	stop = true;
	ev_exit_code = code;
}

static void arm(void)
{
	struct itimerspec its = { 0 };
	uint64_t min = 0;
	int i;

	for (i = 0; i < nt; i++)
		if (!min || T[i].when < min)
			min = T[i].when;
	if (min == armed)
		return;
	armed = min;
	if (min) {
		its.it_value.tv_sec = min / 1000000000ULL;
		its.it_value.tv_nsec = min % 1000000000ULL;
	}
	timerfd_settime(tfd, TFD_TIMER_ABSTIME, &its, NULL);
}

static void run_timers(void)
{
	int guard = 1000;

	while (guard--) {
		uint64_t now = now_ns();
		int i, best = -1;
		struct tmr t;

		for (i = 0; i < nt; i++)
			if (T[i].when <= now &&
			    (best < 0 || T[i].when < T[best].when))
				best = i;
		if (best < 0)
			return;
		t = T[best];
		T[best] = T[--nt];
		t.cb(t.arg);
		if (stop)
			return;
	}
}

void ev_run(void)
{
	struct epoll_event evs[64];

	while (!stop) {
		int i, n;

		run_timers();
		if (stop)
			break;
		arm();
		n = epoll_wait(epfd, evs, 64, -1);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			perror("epoll_wait");
			ev_stop(1);
			break;
		}
		for (i = 0; i < n && !stop; i++) {
			int fd = (int)(evs[i].data.u64 & 0xffffffff);
			uint32_t gen = evs[i].data.u64 >> 32;

			if (fd < nw && W[fd].on && W[fd].gen == gen)
				W[fd].cb(W[fd].arg, evs[i].events);
		}
	}
}
