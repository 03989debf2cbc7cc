// SPDX-License-Identifier: GPL-2.0-only
/*
 * The recent inspection events of a node, as `hyperctl events` shows
 * them: wall-clock times and protocol names, kept in the state directory
 * so a restarted daemon still has them (teardown removes them).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "core/node_priv.h"
#include "lib/log.h"

#define EVENTS_FILE "events.json"

const char *node_proto_name(uint8_t proto, char *buf, size_t len)
{
	switch (proto) {
	case 1:
		return "icmp";
	case 6:
		return "tcp";
	case 17:
		return "udp";
	case 132:
		return "sctp";
	}
	snprintf(buf, len, "%u", proto);
	return buf;
}

/* A CLOCK_MONOTONIC time (what bpf_ktime_get_ns gives) as UTC, RFC 3339 with ms. */
const char *node_wall_time(uint64_t mono_ns, char *buf, size_t len)
{
	struct timespec m, r;
	int64_t wall;
	time_t s;
	struct tm tm;
	size_t n;

	clock_gettime(CLOCK_MONOTONIC, &m);
	clock_gettime(CLOCK_REALTIME, &r);
	wall = (int64_t)r.tv_sec * 1000000000 + r.tv_nsec -
	       ((int64_t)m.tv_sec * 1000000000 + m.tv_nsec - (int64_t)mono_ns);
	s = (time_t)(wall / 1000000000);
	gmtime_r(&s, &tm);
	n = strftime(buf, len, "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(buf + n, len - n, ".%03dZ", (int)(wall % 1000000000 / 1000000));
	return buf;
}

static void events_path(const struct node *n, char *buf, size_t len)
{
	snprintf(buf, len, "%s/%s", n->paths.state_dir, EVENTS_FILE);
}

json_object *node_events_load(const struct node *n)
{
	char path[512];
	json_object *o;

	events_path(n, path, sizeof(path));
	o = json_object_from_file(path);
	if (o && json_object_is_type(o, json_type_array))
		return o;
	json_object_put(o);
	return json_object_new_array();
}

/* Written to a new file and renamed over the old one: never half a list. */
int node_events_save(const struct node *n, json_object *events)
{
	char path[512], tmp[520];
	int err = 0;

	events_path(n, path, sizeof(path));
	snprintf(tmp, sizeof(tmp), "%s.new", path);
	if (json_object_to_file_ext(tmp, events, JSON_C_TO_STRING_PLAIN) || rename(tmp, path)) {
		err = -errno;
		unlink(tmp);
		pr_warn("cannot keep the events in %s: %s\n", path, strerror(-err));
	}
	return err;
}
