// SPDX-License-Identifier: GPL-2.0-only
/*
 * The monitor command of the API (docs/observability.md). Without
 * "follow": one reply, {events: [...], seq: newest}. With it, the reply
 * line is followed by one line per new event the filter lets through, as
 * long as the client stays connected (server.c keeps the connection in
 * its stream state). The daemon never waits on a follower: each has an
 * output buffer of STREAM_BUF_MAX bytes; an event that does not fit is
 * counted and dropped, and a {"lost": N} line tells the client before
 * the next event that fits.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>

#include "daemon/daemon.h"
#include "lib/api.h"
#include "lib/keys.h"

#define LAST_DEFAULT   20
#define LAST_MAX       MON_HISTORY
#define STREAM_BUF_MAX (1 << 20)

struct mon_stream {
	struct mon_filter f;
	uint64_t cursor; /* seq of the last event looked at */
	char *buf;
	size_t len, off;
	uint64_t lost; /* not yet told */
};

static int parse_last(json_object *args, size_t def, size_t *out, struct errmsg *em)
{
	json_object *v;
	int64_t n;

	*out = def;
	if (!args || !json_object_object_get_ex(args, KEY_MON_LAST, &v))
		return 0;
	n = json_object_get_int64(v);
	if (!json_object_is_type(v, json_type_int) || n < 0 || n > LAST_MAX)
		return em_set(em, -EINVAL, "--last: a number from 0 to %d", LAST_MAX);
	*out = (size_t)n;
	return 0;
}

static json_object *reply_of(json_object *events, uint64_t seq)
{
	json_object *o = json_object_new_object();

	json_object_object_add(o, KEY_MON_EVENTS, events);
	json_object_object_add(o, KEY_MON_SEQ, json_object_new_int64((int64_t)seq));
	return api_ok(o);
}

json_object *do_monitor(struct daemon *d, json_object *args)
{
	struct errmsg em = {};
	struct mon_filter *f = calloc(1, sizeof(*f));
	uint64_t seq;
	size_t last;
	int err;

	if (!f)
		return api_err(-ENOMEM, "out of memory");
	node__monitor_poll(d->node);
	err = mon_filter_parse(args, f, &em);
	if (!err)
		err = parse_last(args, LAST_DEFAULT, &last, &em);
	if (err) {
		free(f);
		return api_err(err, em.msg);
	}
	json_object *events = node__monitor_json(d->node, f, 0, last, &seq);

	free(f);
	return reply_of(events, seq);
}

bool monitor_is_follow(json_object *req)
{
	json_object *cmd, *args, *v;

	return json_object_object_get_ex(req, "cmd", &cmd) &&
	       !strcmp(json_object_get_string(cmd), "monitor") &&
	       json_object_object_get_ex(req, "args", &args) &&
	       json_object_object_get_ex(args, KEY_MON_FOLLOW, &v) && json_object_get_boolean(v);
}

json_object *monitor_stream_start(struct daemon *d, json_object *req, struct mon_stream **out)
{
	struct mon_stream *s = calloc(1, sizeof(*s));
	json_object *args = NULL, *events;
	struct errmsg em = {};
	size_t last;
	int err;

	*out = NULL;
	if (!s)
		return api_err(-ENOMEM, "out of memory");
	json_object_object_get_ex(req, "args", &args);
	node__monitor_poll(d->node);
	err = mon_filter_parse(args, &s->f, &em);
	if (!err)
		err = parse_last(args, 0, &last, &em);
	if (err) {
		free(s);
		return api_err(err, em.msg);
	}
	events = node__monitor_json(d->node, &s->f, 0, last, &s->cursor);
	*out = s;
	return reply_of(events, s->cursor);
}

static int append(struct mon_stream *s, const char *line, size_t n)
{
	if (s->off && s->off == s->len)
		s->off = s->len = 0;
	if (s->len - s->off + n + 1 > STREAM_BUF_MAX)
		return -ENOBUFS;
	if (s->off) { /* keep the buffer from growing on what was sent */
		memmove(s->buf, s->buf + s->off, s->len - s->off);
		s->len -= s->off;
		s->off = 0;
	}
	char *b = realloc(s->buf, s->len + n + 1);

	if (!b)
		return -ENOMEM;
	s->buf = b;
	memcpy(s->buf + s->len, line, n);
	s->buf[s->len + n] = '\n';
	s->len += n + 1;
	return 0;
}

static void append_obj(struct mon_stream *s, json_object *o)
{
	size_t n;
	const char *t = json_object_to_json_string_length(o, JSON_C_TO_STRING_PLAIN, &n);

	if (s->lost) {
		char lost[64];
		int m = snprintf(lost, sizeof(lost), "{\"" KEY_MON_LOST "\":%llu}",
				 (unsigned long long)s->lost);

		if (append(s, lost, (size_t)m))
			goto lost;
		s->lost = 0;
	}
	if (!append(s, t, n))
		return;
lost:
	s->lost++;
}

/* Queues the events that came since the last call; the caller flushes. */
void monitor_stream_feed(struct daemon *d, struct mon_stream *s)
{
	uint64_t from = s->cursor;
	json_object *events = node__monitor_json(d->node, &s->f, s->cursor, 0, &s->cursor);

	/* more came in one read of the ring than the history keeps: the ones
	 * overwritten before this follower saw them are lost to it (counted
	 * whether or not its filter would have taken them) */
	if (s->cursor > from + MON_HISTORY)
		s->lost += s->cursor - from - MON_HISTORY;

	for (size_t i = 0; i < json_object_array_length(events); i++)
		append_obj(s, json_object_array_get_idx(events, i));
	json_object_put(events);
}

bool monitor_stream_pending(const struct mon_stream *s)
{
	return s->off < s->len;
}

/* Writes what the socket takes now: 0, or -errno (the client is gone). */
int monitor_stream_flush(struct mon_stream *s, int fd)
{
	while (s->off < s->len) {
		ssize_t n = send(fd, s->buf + s->off, s->len - s->off, MSG_NOSIGNAL | MSG_DONTWAIT);

		if (n < 0)
			return errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR ? 0
											 : -errno;
		s->off += (size_t)n;
	}
	return 0;
}

void monitor_stream_free(struct mon_stream *s)
{
	if (!s)
		return;
	free(s->buf);
	free(s);
}
