// SPDX-License-Identifier: GPL-2.0-only
/* hyperiond's loop: API connections, periodic reconcile, signals. */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/timerfd.h>

#include "daemon/daemon.h"
#include "lib/api.h"
#include "lib/log.h"

static void serve_one(struct daemon *d, int fd)
{
	/* one request at a time: a silent client may hold the loop 1 s at most */
	struct timeval tv = {.tv_sec = 1};
	json_object *req = NULL, *rep;
	int err;

	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	err = api_read(fd, &req);
	rep = err ? api_err(err, "malformed request") : daemon_dispatch(d, req);
	api_write(fd, rep);
	json_object_put(rep);
	json_object_put(req);
}

static int make_signalfd(void)
{
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGHUP);
	if (sigprocmask(SIG_BLOCK, &set, NULL))
		return -errno;
	signal(SIGPIPE, SIG_IGN);
	return signalfd(-1, &set, SFD_CLOEXEC);
}

static int make_timer(int ms)
{
	struct itimerspec its = {
	    .it_interval = {.tv_sec = ms / 1000, .tv_nsec = (ms % 1000) * 1000000L},
	    .it_value = {.tv_sec = ms / 1000, .tv_nsec = (ms % 1000) * 1000000L},
	};
	int fd = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC);

	if (fd >= 0 && timerfd_settime(fd, 0, &its, NULL)) {
		close(fd);
		return -1;
	}
	return fd;
}

int daemon_serve(struct daemon *d)
{
	struct pollfd pfd[4];
	int sfd, tfd, err = 0;

	sfd = make_signalfd();
	tfd = make_timer(d->reconcile_ms);
	if (sfd < 0 || tfd < 0) {
		pr_warn("cannot set up signals/timer: %s\n", strerror(errno));
		err = -errno;
		goto out;
	}
	pfd[0] = (struct pollfd){.fd = d->listen_fd, .events = POLLIN};
	pfd[1] = (struct pollfd){.fd = sfd, .events = POLLIN};
	pfd[2] = (struct pollfd){.fd = tfd, .events = POLLIN};
	pfd[3] = (struct pollfd){.fd = node__inspect_event_fd(d->node), .events = POLLIN};
	while (!d->stop) {
		if (poll(pfd, 4, -1) < 0) {
			if (errno == EINTR)
				continue;
			err = -errno;
			break;
		}
		if (pfd[1].revents & POLLIN) {
			struct signalfd_siginfo si;

			if (read(sfd, &si, sizeof(si)) == sizeof(si))
				pr_info("signal %u: stopping; the datapath keeps running\n",
					si.ssi_signo);
			break;
		}
		if (pfd[2].revents & POLLIN) {
			uint64_t ticks;

			if (read(tfd, &ticks, sizeof(ticks)) > 0)
				node__reconcile(d->node);
		}
		if (pfd[3].revents & POLLIN)
			node__inspect_poll(d->node);
		if (pfd[0].revents & POLLIN) {
			int fd = accept4(d->listen_fd, NULL, NULL, SOCK_CLOEXEC);

			if (fd >= 0) {
				serve_one(d, fd);
				close(fd);
			}
		}
	}
out:
	if (sfd >= 0)
		close(sfd);
	if (tfd >= 0)
		close(tfd);
	return err;
}
