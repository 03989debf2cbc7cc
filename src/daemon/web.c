// SPDX-License-Identifier: GPL-2.0-only
/*
 * hyperiond --web: a small HTTP/1.1 server on the daemon's own loop
 * (docs/observability.md). GET only, one request per connection
 * (Connection: close), the request line and headers within WEB_REQ_MAX
 * bytes and WEB_READ_MS, the whole answer within WEB_WRITE_MS; at most
 * WEB_MAX_CONNS at once (the others wait in the backlog). Every socket is
 * non-blocking: a slow or silent client is dropped at its deadline and
 * never holds the loop. Loopback only unless --web-allow-remote: the
 * page shows who talks to whom, and it has no authentication.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include "daemon/daemon.h"
#include "lib/log.h"

#define WEB_REQ_MAX  8192
#define WEB_READ_MS  2000
#define WEB_WRITE_MS 5000

struct web_conn {
	int fd;
	bool writing;
	int64_t deadline;
	char req[WEB_REQ_MAX + 1];
	size_t rlen;
	char *out;
	size_t olen, ooff;
};

struct web {
	int fd;
	struct web_conn c[WEB_MAX_CONNS];
	int n;
	uint64_t served, refused;
};

static int64_t mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int parse_addr(const char *addr, struct sockaddr_in *sa, struct errmsg *em)
{
	char host[64];
	const char *colon = strrchr(addr, ':');
	char *end;
	unsigned long port;

	if (!colon || (size_t)(colon - addr) >= sizeof(host) || colon == addr)
		return em_set(em, -EINVAL, "--web %s: want IP:PORT (e.g. 127.0.0.1:9090)", addr);
	memcpy(host, addr, (size_t)(colon - addr));
	host[colon - addr] = '\0';
	errno = 0;
	port = strtoul(colon + 1, &end, 10);
	if (errno || !colon[1] || *end || port < 1 || port > 65535)
		return em_set(em, -EINVAL, "--web %s: port must be 1-65535", addr);
	memset(sa, 0, sizeof(*sa));
	sa->sin_family = AF_INET;
	sa->sin_port = htons((uint16_t)port);
	if (inet_pton(AF_INET, host, &sa->sin_addr) != 1)
		return em_set(em, -EINVAL, "--web %s: '%s' is not an IPv4 address", addr, host);
	return 0;
}

int web_open(const char *addr, bool allow_remote, struct web **out, struct errmsg *em)
{
	struct sockaddr_in sa;
	struct web *w;
	int one = 1, err;

	err = parse_addr(addr, &sa, em);
	if (err)
		return err;
	if ((ntohl(sa.sin_addr.s_addr) >> 24) != 127 && !allow_remote)
		return em_set(em, -EPERM,
			      "--web %s: not a loopback address; the page and /metrics have no "
			      "authentication (--web-allow-remote to listen there anyway)",
			      addr);
	w = calloc(1, sizeof(*w));
	if (!w)
		return -ENOMEM;
	w->fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (w->fd < 0 || setsockopt(w->fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) ||
	    bind(w->fd, (struct sockaddr *)&sa, sizeof(sa)) || listen(w->fd, 64)) {
		err = -errno;
		em_set(em, err, "--web %s: cannot listen: %s", addr, strerror(errno));
		if (w->fd >= 0)
			close(w->fd);
		free(w);
		return err;
	}
	*out = w;
	return 0;
}

static void conn_drop(struct web *w, int i)
{
	close(w->c[i].fd);
	free(w->c[i].out);
	w->c[i] = w->c[--w->n];
}

void web_close(struct web *w)
{
	if (!w)
		return;
	while (w->n)
		conn_drop(w, w->n - 1);
	close(w->fd);
	free(w);
}

int web_pollfds(struct web *w, struct pollfd *p, int max)
{
	if (!w || max < 1)
		return 0;
	p[0] = (struct pollfd){.fd = w->fd, .events = w->n < WEB_MAX_CONNS ? POLLIN : 0};
	for (int i = 0; i < w->n && i + 1 < max; i++)
		p[i + 1] =
		    (struct pollfd){.fd = w->c[i].fd, .events = w->c[i].writing ? POLLOUT : POLLIN};
	return 1 + w->n;
}

int web_timeout(struct web *w)
{
	int64_t first = -1, now = mono_ms();

	for (int i = 0; w && i < w->n; i++)
		if (first < 0 || w->c[i].deadline < first)
			first = w->c[i].deadline;
	if (first < 0)
		return -1;
	return first <= now ? 0 : (int)(first - now);
}

static const char *status_text(int status)
{
	switch (status) {
	case 200:
		return "OK";
	case 400:
		return "Bad Request";
	case 404:
		return "Not Found";
	case 405:
		return "Method Not Allowed";
	case 431:
		return "Request Header Fields Too Large";
	default:
		return "Internal Server Error";
	}
}

static void respond(struct web_conn *c, int status, const char *type, char *body, size_t len)
{
	char head[256];
	int h = snprintf(head, sizeof(head),
			 "HTTP/1.1 %d %s\r\nContent-Type: %s\r\nContent-Length: %zu\r\n"
			 "Cache-Control: no-store\r\nX-Content-Type-Options: nosniff\r\n"
			 "Connection: close\r\n\r\n",
			 status, status_text(status), type, len);

	c->out = malloc((size_t)h + len);
	if (c->out) {
		memcpy(c->out, head, (size_t)h);
		if (len)
			memcpy(c->out + h, body, len);
		c->olen = (size_t)h + len;
	}
	free(body);
	c->ooff = 0;
	c->writing = true;
	c->deadline = mono_ms() + WEB_WRITE_MS;
}

static void respond_text(struct web_conn *c, int status, const char *msg)
{
	char *b = strdup(msg);

	respond(c, status, "text/plain; charset=utf-8", b, b ? strlen(b) : 0);
}

/* The request line of a complete request: GET /path?query HTTP/1.x */
static void handle(struct daemon *d, struct web_conn *c)
{
	char *sp1, *sp2, *path, *query;
	const char *type = "text/plain";
	char *body = NULL;
	size_t len = 0;
	int status;

	sp1 = strchr(c->req, ' ');
	sp2 = sp1 ? strchr(sp1 + 1, ' ') : NULL;
	if (!sp1 || !sp2 || strncmp(sp2 + 1, "HTTP/1.", 7)) {
		respond_text(c, 400, "bad request\n");
		return;
	}
	if ((size_t)(sp1 - c->req) != 3 || strncmp(c->req, "GET", 3)) {
		respond_text(c, 405, "only GET\n");
		return;
	}
	*sp2 = '\0';
	path = sp1 + 1;
	query = strchr(path, '?');
	if (query)
		*query++ = '\0';
	status = web_route(d, path, query ? query : "", &type, &body, &len);
	respond(c, status, type, body, len);
}

static int conn_read(struct daemon *d, struct web_conn *c)
{
	ssize_t n = read(c->fd, c->req + c->rlen, WEB_REQ_MAX - c->rlen);

	if (n < 0)
		return errno == EAGAIN || errno == EINTR ? 0 : -1;
	if (n == 0)
		return -1;
	c->rlen += (size_t)n;
	c->req[c->rlen] = '\0';
	if (strstr(c->req, "\r\n\r\n") || strstr(c->req, "\n\n"))
		handle(d, c);
	else if (c->rlen == WEB_REQ_MAX)
		respond_text(c, 431, "request too large\n");
	return 0;
}

/* 1: finished (all sent or the peer is gone). */
static int conn_write(struct web_conn *c)
{
	while (c->ooff < c->olen) {
		ssize_t n =
		    send(c->fd, c->out + c->ooff, c->olen - c->ooff, MSG_NOSIGNAL | MSG_DONTWAIT);

		if (n < 0)
			return errno == EAGAIN || errno == EINTR ? 0 : 1;
		c->ooff += (size_t)n;
	}
	return 1;
}

static void accept_all(struct web *w)
{
	while (w->n < WEB_MAX_CONNS) {
		int fd = accept4(w->fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);

		if (fd < 0)
			return;
		w->c[w->n] = (struct web_conn){.fd = fd, .deadline = mono_ms() + WEB_READ_MS};
		w->n++;
	}
}

void web_serve(struct daemon *d, struct pollfd *p, int n)
{
	struct web *w = d->web;
	int64_t now = mono_ms();

	if (!w || n < 1)
		return;
	for (int i = n - 2; i >= 0; i--) {
		struct web_conn *c = &w->c[i];
		int done = 0;

		if (i >= w->n)
			continue;
		if (p[i + 1].revents && !c->writing && conn_read(d, c))
			done = 1;
		if (!done && c->writing)
			done = conn_write(c);
		if (done) {
			w->served += c->writing;
			conn_drop(w, i);
		} else if (now >= c->deadline) {
			w->refused++;
			conn_drop(w, i);
		}
	}
	if (p[0].revents & POLLIN)
		accept_all(w);
}
