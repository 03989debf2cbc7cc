// SPDX-License-Identifier: GPL-2.0-only
/*
 * hyperiond's loop: API connections, periodic reconcile, signals.
 *
 * The loop never waits on a client. Every connection is non-blocking and
 * has a deadline: its whole request within API_READ_MS of the connect, its
 * whole reply within API_WRITE_MS; a client that sends half a request, or
 * never reads (or reads slowly) a large reply, is dropped at its deadline
 * while the others are served. Requests run one at a time, in the loop.
 *
 * A `monitor` request with follow stays connected (CONN_STREAM): new
 * events are queued to it as they come (monitor.c), never waited on.
 * At most API_MAX_STREAMS followers, so the API keeps slots for requests.
 * The web listener (--web, web.c) has poll slots of its own.
 *
 * Access: the socket's file mode (0600 root, or 0660 with --api-group), and
 * the peer's credentials at connect (SO_PEERCRED, SO_PEERGROUPS): root, or
 * a member of the API group. Anyone else gets an error reply unread.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/timerfd.h>

#include "daemon/daemon.h"
#include "lib/api.h"
#include "lib/log.h"

#define API_MAX_CONNS 32
#define API_READ_MS   1000 /* the whole request, from the connect */
#define API_WRITE_MS  5000 /* the whole reply, from when it is ready */
#define API_DRAIN_MS  1000 /* a refused peer's request is read and dropped */
#define API_MAX_STREAMS 8
#define NFIXED	      6	   /* listen, signals, timer, inspection events, flow events, cluster */

enum conn_state { CONN_READ, CONN_WRITE, CONN_DRAIN, CONN_STREAM };

struct conn {
	int fd;
	enum conn_state st;
	bool drain; /* after the reply, read and drop the rest: the request was not read */
	int64_t deadline;
	struct api_rx rx;
	struct api_tx tx;
	struct mon_stream *stream; /* CONN_STREAM */
};

static struct conn conns[API_MAX_CONNS];
static int nconns, nstreams;

static int64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* The first ten of a kind, then one in a hundred: a flood cannot fill the log. */
static bool log_this(uint64_t count)
{
	return count <= 10 || !(count % 100);
}

static void conn_close(int i)
{
	close(conns[i].fd);
	api_rx_free(&conns[i].rx);
	api_tx_free(&conns[i].tx);
	if (conns[i].stream) {
		monitor_stream_free(conns[i].stream);
		nstreams--;
	}
	conns[i] = conns[--nconns];
}

/* Queues rep (consumed) and sends what the socket takes now. */
static void conn_reply(struct conn *c, json_object *rep)
{
	int err = api_tx_set(&c->tx, rep);

	json_object_put(rep);
	c->st = CONN_WRITE;
	c->deadline = now_ms() + API_WRITE_MS;
	if (err)
		c->tx.off = c->tx.len; /* nothing to send: closed at the next step */
}

/* Is gid among the peer's supplementary groups at its connect? */
static bool peer_in_group(int fd, gid_t gid)
{
	socklen_t len = 64 * sizeof(gid_t);
	gid_t *groups = NULL;
	bool in = false;

	for (;;) {
		gid_t *ng = realloc(groups, len);

		if (!ng)
			goto out;
		groups = ng;
		if (!getsockopt(fd, SOL_SOCKET, SO_PEERGROUPS, groups, &len))
			break;
		if (errno != ERANGE || len > 65536 * sizeof(gid_t))
			goto out; /* fail closed */
	}
	for (size_t i = 0; i < len / sizeof(gid_t); i++)
		if (groups[i] == gid)
			in = true;
out:
	free(groups);
	return in;
}

static bool peer_allowed(const struct daemon *d, int fd, struct ucred *uc)
{
	socklen_t len = sizeof(*uc);

	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, uc, &len)) {
		*uc = (struct ucred){.pid = 0, .uid = (uid_t)-1, .gid = (gid_t)-1};
		return false;
	}
	if (uc->uid == 0)
		return true;
	if (!d->api_group_set)
		return false;
	return uc->gid == d->api_gid || peer_in_group(fd, d->api_gid);
}

static void refuse(struct daemon *d, struct conn *c, const struct ucred *uc)
{
	char msg[256];

	d->api_refused++;
	if (log_this(d->api_refused))
		pr_warn("api: refused a client: pid %d uid %u gid %u is not root%s (%llu refused "
			"so far)\n",
			uc->pid, uc->uid, uc->gid, d->api_group_set ? " nor in the API group" : "",
			(unsigned long long)d->api_refused);
	if (d->api_group_set)
		snprintf(msg, sizeof(msg),
			 "permission denied: uid %u is neither root nor a member of the API "
			 "group %s (gid %u)",
			 uc->uid, d->api_group, d->api_gid);
	else
		snprintf(msg, sizeof(msg),
			 "permission denied: uid %u is not root, and hyperiond has no API group "
			 "(hyperiond --api-group)",
			 uc->uid);
	c->drain = true;
	conn_reply(c, api_err(-EACCES, msg));
}

static void accept_all(struct daemon *d)
{
	while (nconns < API_MAX_CONNS) {
		int fd = accept4(d->listen_fd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);
		struct conn *c;
		struct ucred uc;

		if (fd < 0) {
			if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)
				pr_warn("api: accept: %s\n", strerror(errno));
			return;
		}
		c = &conns[nconns++];
		*c = (struct conn){.fd = fd, .st = CONN_READ, .deadline = now_ms() + API_READ_MS};
		if (!peer_allowed(d, fd, &uc))
			refuse(d, c, &uc);
	}
}

static void conn_read(struct daemon *d, struct conn *c)
{
	json_object *req = NULL, *rep;
	int err;

	do
		err = api_rx_feed(&c->rx, c->fd);
	while (!err);
	if (err == -EAGAIN)
		return;
	if (err == 1)
		err = api_rx_parse(&c->rx, &req);
	if (err) {
		c->drain = true; /* a request over the limit is not read to its end */
		rep = api_err(err, "malformed request");
	} else if (monitor_is_follow(req)) {
		rep = nstreams < API_MAX_STREAMS
			  ? monitor_stream_start(d, req, &c->stream)
			  : api_err(-EBUSY, "too many monitor followers (at most 8)");
		nstreams += c->stream != NULL;
	} else {
		rep = daemon_dispatch(d, req);
	}
	json_object_put(req);
	api_rx_free(&c->rx);
	conn_reply(c, rep);
}

/* Runs whatever the connection can do now; 1 when it is finished. */
static int conn_step(struct daemon *d, struct conn *c)
{
	char sink[4096];
	ssize_t n;
	int err;

	switch (c->st) {
	case CONN_READ:
		conn_read(d, c);
		if (c->st == CONN_READ)
			return 0;
		/* most replies go out at once */
		/* fall through */
	case CONN_WRITE:
		err = api_tx_flush(&c->tx, c->fd);
		if (!err)
			return 0;
		if (err > 0 && c->stream) {
			c->st = CONN_STREAM;
			c->deadline = INT64_MAX; /* as long as it stays */
			return 0;
		}
		if (err < 0 || !c->drain)
			return 1;
		shutdown(c->fd, SHUT_WR);
		c->st = CONN_DRAIN;
		c->deadline = now_ms() + API_DRAIN_MS;
		/* fall through */
	case CONN_DRAIN:
		for (int i = 0; i < 64; i++) {
			n = read(c->fd, sink, sizeof(sink));
			if (n <= 0)
				return !(n < 0 && (errno == EAGAIN || errno == EINTR));
		}
		return 0;
	case CONN_STREAM:
		/* a follower sends nothing more: bytes are dropped, the end closes */
		n = read(c->fd, sink, sizeof(sink));
		if (!n || (n < 0 && errno != EAGAIN && errno != EINTR))
			return 1;
		return monitor_stream_flush(c->stream, c->fd) < 0;
	}
	return 1;
}

/* New events to every follower, and what its socket takes now. */
static void streams_feed(struct daemon *d)
{
	for (int i = 0; i < nconns; i++)
		if (conns[i].st == CONN_STREAM) {
			monitor_stream_feed(d, conns[i].stream);
			monitor_stream_flush(conns[i].stream, conns[i].fd);
		}
}

static short conn_events(const struct conn *c)
{
	if (c->st == CONN_STREAM)
		return POLLIN | (monitor_stream_pending(c->stream) ? POLLOUT : 0);
	return c->st == CONN_WRITE ? POLLOUT : POLLIN;
}

static void conn_expired(struct daemon *d, struct conn *c)
{
	if (c->st == CONN_DRAIN)
		return;
	d->api_timed_out++;
	if (log_this(d->api_timed_out))
		pr_warn("api: dropped a client that %s within %d ms (%llu dropped so far)\n",
			c->st == CONN_READ ? "sent no whole request" : "did not read its reply",
			c->st == CONN_READ ? API_READ_MS : API_WRITE_MS,
			(unsigned long long)d->api_timed_out);
	if (c->st == CONN_READ) {
		/* tell it why, if its socket takes it now */
		conn_reply(c, api_err(-ETIMEDOUT, "request not complete within the time limit"));
		api_tx_flush(&c->tx, c->fd);
	}
}

/* Before the daemon exits: the replies still queued (teardown's) get a bounded chance. */
static void conns_finish(void)
{
	int64_t end = now_ms() + 1000;

	for (int i = nconns - 1; i >= 0; i--) {
		struct conn *c = &conns[i];
		int64_t left;

		while (c->st == CONN_WRITE && api_tx_flush(&c->tx, c->fd) == 0 &&
		       (left = end - now_ms()) > 0)
			poll(&(struct pollfd){.fd = c->fd, .events = POLLOUT}, 1, (int)left);
		conn_close(i);
	}
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

static int timeout_min(int a, int b)
{
	if (a < 0)
		return b;
	return b < 0 || a < b ? a : b;
}

/* Poll timeout: until the earliest connection deadline, or none. */
static int next_timeout(void)
{
	int64_t now = now_ms(), first = -1;

	for (int i = 0; i < nconns; i++)
		if (conns[i].st != CONN_STREAM && (first < 0 || conns[i].deadline < first))
			first = conns[i].deadline;
	if (first < 0)
		return -1;
	return first <= now ? 0 : (int)(first - now);
}

/*
 * A reconcile checks every SNIC: with thousands it takes seconds, and the
 * loop serves nothing meanwhile. The timer runs it in steps, and the next
 * step waits RECONCILE_PACE times as long as this one took (at most a fifth
 * of the loop's time), or the timer's period when that is longer. Returns
 * when the next one may start.
 */
#define RECONCILE_PACE 4
/* and each checks the SNICs it gets to in this long (node__reconcile_step) */
#define RECONCILE_STEP_MS 50

static int64_t reconcile_paced(struct daemon *d)
{
	int64_t t0 = now_ms(), took;

	node__reconcile_step(d->node, RECONCILE_STEP_MS);
	took = now_ms() - t0;
	if (took * RECONCILE_PACE > d->reconcile_ms)
		pr_debug("reconcile took %lld ms: the next in %lld ms\n", (long long)took,
			 (long long)(took * RECONCILE_PACE));
	return now_ms() + took * RECONCILE_PACE;
}

int daemon_serve(struct daemon *d)
{
	int64_t reconcile_next = 0;
	struct pollfd pfd[NFIXED + WEB_POLLFDS + API_MAX_CONNS];
	int sfd, tfd, err = 0;

	sfd = make_signalfd();
	tfd = make_timer(d->reconcile_ms);
	if (sfd < 0 || tfd < 0 ||
	    fcntl(d->listen_fd, F_SETFL, fcntl(d->listen_fd, F_GETFL) | O_NONBLOCK)) {
		pr_warn("cannot set up signals/timer/socket: %s\n", strerror(errno));
		err = -errno;
		goto out;
	}
	pfd[0] = (struct pollfd){.fd = d->listen_fd};
	pfd[1] = (struct pollfd){.fd = sfd, .events = POLLIN};
	pfd[2] = (struct pollfd){.fd = tfd, .events = POLLIN};
	pfd[3] = (struct pollfd){.fd = node__inspect_event_fd(d->node), .events = POLLIN};
	pfd[4] = (struct pollfd){.fd = node__monitor_fd(d->node), .events = POLLIN};
	pfd[5] = (struct pollfd){.fd = d->cluster ? cluster__event_fd(d->cluster) : -1,
				 .events = POLLIN};
	while (!d->stop) {
		int n = nconns, nweb = web_pollfds(d->web, pfd + NFIXED, WEB_POLLFDS);
		struct pollfd *api = pfd + NFIXED + nweb;

		/* a full table leaves new clients in the listen backlog until a slot frees */
		pfd[0].events = nconns < API_MAX_CONNS ? POLLIN : 0;
		for (int i = 0; i < n; i++)
			api[i] = (struct pollfd){.fd = conns[i].fd, .events = conn_events(&conns[i])};
		if (poll(pfd, NFIXED + nweb + n, timeout_min(next_timeout(), web_timeout(d->web))) <
		    0) {
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

			if (read(tfd, &ticks, sizeof(ticks)) > 0 && now_ms() >= reconcile_next) {
				reconcile_next = reconcile_paced(d);
				daemon_cluster_tick(d);
			}
		}
		if (pfd[3].revents & POLLIN)
			node__inspect_poll(d->node);
		if (pfd[4].revents & POLLIN)
			node__monitor_poll(d->node);
		if (pfd[5].revents & POLLIN)
			daemon_cluster_events(d);
		web_serve(d, pfd + NFIXED, nweb);
		/* from the last: conn_close moves the last connection into the hole */
		for (int i = n - 1; i >= 0 && !d->stop; i--) {
			/* late: one last try (another request may have held the loop) */
			bool late = now_ms() >= conns[i].deadline;

			if ((api[i].revents || late) && conn_step(d, &conns[i])) {
				conn_close(i);
				continue;
			}
			if (now_ms() >= conns[i].deadline) {
				conn_expired(d, &conns[i]);
				conn_close(i);
			}
		}
		if (pfd[0].revents & POLLIN)
			accept_all(d);
		streams_feed(d); /* the datapath's, and what the requests did */
	}
out:
	conns_finish();
	if (sfd >= 0)
		close(sfd);
	if (tfd >= 0)
		close(tfd);
	return err;
}
