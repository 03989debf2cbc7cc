// SPDX-License-Identifier: GPL-2.0-only
/*
 * hyperctl monitor: the flow events hyperiond keeps and, with -f, those
 * that come, filtered in the daemon (docs/observability.md). One line per
 * event in text, one JSON object per line with -j.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/socket.h>
#include <sys/un.h>

#include "ctl/ctl.h"
#include "lib/api.h"

static const char *str_of(json_object *o, const char *key)
{
	json_object *v;

	return json_object_object_get_ex(o, key, &v) && json_object_get_string(v)
		   ? json_object_get_string(v)
		   : "";
}

static long long int_of(json_object *o, const char *key)
{
	json_object *v;

	return json_object_object_get_ex(o, key, &v) ? json_object_get_int64(v) : 0;
}

static void end_text(json_object *e, char *buf, size_t len)
{
	const char *snic = str_of(e, KEY_SNIC), *ns = str_of(e, KEY_MON_NAMESPACE),
		   *ip = str_of(e, KEY_IP);
	long long port = int_of(e, KEY_PORT);
	char who[160];

	if (*snic)
		snprintf(who, sizeof(who), "%s%s%s", ns, *ns ? "/" : "", snic);
	else
		snprintf(who, sizeof(who), "%s", *ip ? ip : "-");
	char pbuf[8] = "";

	if (port)
		snprintf(pbuf, sizeof(pbuf), ":%lld", port);
	if (*snic && *ip)
		snprintf(buf, len, "%s(%s)%s", who, ip, pbuf);
	else
		snprintf(buf, len, "%s%s", who, pbuf);
}

static const char *proto_name(long long p, char *buf, size_t len)
{
	switch (p) {
	case 1:
		return "icmp";
	case 6:
		return "tcp";
	case 17:
		return "udp";
	case 132:
		return "sctp";
	case 0:
		return "-";
	default:
		snprintf(buf, len, "proto-%lld", p);
		return buf;
	}
}

static void print_event(json_object *ev)
{
	json_object *src = NULL, *dst = NULL, *nat = NULL;
	char s[256], d[256], when[32], pb[16];
	const char *type = str_of(ev, KEY_MON_TYPE), *why = "";
	char wb[96];
	time_t t = (time_t)(int_of(ev, KEY_MON_TIME) / 1000000000);
	struct tm tm;

	if (pr_is_json()) {
		puts(json_object_to_json_string_ext(ev, JSON_C_TO_STRING_PLAIN));
		return;
	}
	if (json_object_object_get_ex(ev, KEY_MON_LOST, NULL)) {
		printf("-- %lld events lost: this client read too slowly --\n",
		       int_of(ev, KEY_MON_LOST));
		return;
	}
	json_object_object_get_ex(ev, KEY_SRC, &src);
	json_object_object_get_ex(ev, KEY_DST, &dst);
	localtime_r(&t, &tm);
	strftime(when, sizeof(when), "%H:%M:%S", &tm);
	end_text(src, s, sizeof(s));
	end_text(dst, d, sizeof(d));
	if (!strcmp(type, "drop") && !strcmp(str_of(ev, KEY_MON_STAGE), "guard")) {
		snprintf(wb, sizeof(wb), "%s (guard)", str_of(ev, KEY_MON_REASON));
		why = wb;
	} else if (!strcmp(type, "nat") && json_object_object_get_ex(ev, KEY_MON_NAT, &nat)) {
		snprintf(wb, sizeof(wb), "as %s:%lld", str_of(nat, KEY_IP), int_of(nat, KEY_PORT));
		why = wb;
	} else if (!strcmp(type, "drop"))
		why = str_of(ev, KEY_MON_REASON);
	else if (!strcmp(type, "alert") || !strcmp(type, "block"))
		why = str_of(ev, KEY_PATTERN);
	if (!strncmp(type, "snic-", 5)) {
		printf("%s.%06lld %-8s %s\n", when, int_of(ev, KEY_MON_TIME) % 1000000000 / 1000,
		       type, s);
		return;
	}
	printf("%s.%06lld %-6s %-8s %s -> %s %s %s%s%s%s%s\n", when,
	       int_of(ev, KEY_MON_TIME) % 1000000000 / 1000, type, str_of(ev, KEY_MON_VERDICT), s,
	       d, proto_name(int_of(ev, KEY_PROTO), pb, sizeof(pb)), str_of(ev, KEY_MON_FLAGS),
	       *why ? " " : "", why, *str_of(ev, KEY_POLICY) ? " by " : "", str_of(ev, KEY_POLICY));
}

static int parse_num(const struct ctl_args *a, const char *opt, long max, long *out)
{
	const char *s = ctl_opt(a, opt);
	char *end;

	if (!s)
		return 1;
	errno = 0;
	*out = strtol(s, &end, 10);
	if (errno || end == s || *end || *out < 0 || *out > max)
		return ctl_usage(a, "--%s must be a number from 0 to %ld", opt, max);
	return 0;
}

/* The request's filters from the options. */
static int monitor_args(const struct ctl_args *a, json_object *args)
{
	static const char *const str_opts[][2] = {
	    {"from", KEY_MON_FROM},	  {"to", KEY_MON_TO},	  {"namespace", KEY_MON_NAMESPACE},
	    {"verdict", KEY_MON_VERDICT}, {"type", KEY_MON_TYPE},
	};
	long v;
	int err;

	for (size_t i = 0; i < sizeof(str_opts) / sizeof(str_opts[0]); i++) {
		const char *s = ctl_opt(a, str_opts[i][0]);

		if (s)
			json_object_object_add(args, str_opts[i][1], json_object_new_string(s));
	}
	err = parse_num(a, "port", 65535, &v);
	if (!err)
		json_object_object_add(args, KEY_MON_PORT, json_object_new_int((int)v));
	else if (err < 0 || err > 1)
		return err;
	err = parse_num(a, "last", 4096, &v);
	if (!err)
		json_object_object_add(args, KEY_MON_LAST, json_object_new_int((int)v));
	return err == 1 ? 0 : err;
}

static int print_events(json_object *res)
{
	json_object *evs;

	if (!json_object_object_get_ex(res, KEY_MON_EVENTS, &evs))
		return -EIO;
	for (size_t i = 0; i < json_object_array_length(evs); i++)
		print_event(json_object_array_get_idx(evs, i));
	fflush(stdout);
	return 0;
}

/* The first line is the reply (an error, or the kept events); then events. */
static int follow(struct ctl *c, json_object *args)
{
	json_object *req = json_object_new_object(), *msg = NULL, *v;
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	char *line = NULL;
	size_t cap = 0;
	FILE *in = NULL;
	int fd, err;

	json_object_object_add(args, KEY_MON_FOLLOW, json_object_new_boolean(true));
	json_object_object_add(req, "cmd", json_object_new_string("monitor"));
	json_object_object_add(req, "args", args);
	if (strlen(c->paths.socket) >= sizeof(sa.sun_path)) {
		json_object_put(req);
		return -ENAMETOOLONG;
	}
	memcpy(sa.sun_path, c->paths.socket, strlen(c->paths.socket) + 1);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof(sa))) {
		err = -errno;
		fprintf(stderr, "hyperctl: hyperiond for instance %s is not running (%s)\n",
			c->instance, c->paths.socket);
		goto out;
	}
	err = api_write(fd, req);
	in = err ? NULL : fdopen(fd, "r");
	if (!in) {
		err = err ? err : -errno;
		goto out;
	}
	fd = -1;
	if (getline(&line, &cap, in) <= 0 || !(msg = json_tokener_parse(line))) {
		err = -EIO;
		fprintf(stderr, "hyperctl: no reply from hyperiond\n");
		goto out;
	}
	if (!json_object_object_get_ex(msg, "ok", &v) || !json_object_get_boolean(v)) {
		fprintf(stderr, "hyperctl: %s\n", str_of(msg, "error"));
		err = -EINVAL;
		goto out;
	}
	json_object_object_get_ex(msg, "result", &v);
	print_events(v);
	while (getline(&line, &cap, in) > 0) {
		json_object *ev = json_tokener_parse(line);

		if (ev)
			print_event(ev);
		json_object_put(ev);
		fflush(stdout);
	}
	err = 0; /* the daemon went away */
out:
	json_object_put(msg);
	json_object_put(req);
	free(line);
	if (in)
		fclose(in);
	if (fd >= 0)
		close(fd);
	return err;
}

static int monitor_run(struct ctl *c, const struct ctl_args *a)
{
	json_object *args = json_object_new_object(), *res = NULL;
	int err = monitor_args(a, args);

	if (err) {
		json_object_put(args);
		return err;
	}
	signal(SIGPIPE, SIG_DFL);
	if (ctl_flag(a, "follow"))
		return follow(c, args) ? 1 : 0;
	if (ctl_call(c, "monitor", args, &res))
		return 1;
	err = print_events(res);
	json_object_put(res);
	return err ? 1 : 0;
}

static const struct ctl_opt monitor_opts[] = {
    {.name = "follow", .short_name = 'f', .help = "keep printing events as they come"},
    {.name = "from",
     .arg = "SEL",
     .help = "the source: a SNIC name, an IPv4 or IPv6 address or CIDR, or labels k=v[,k=v]"},
    {.name = "to", .arg = "SEL", .help = "the destination, as --from"},
    {.name = "namespace", .arg = "NS", .help = "either end in namespace NS"},
    {.name = "verdict",
     .arg = "V[,V]",
     .help = "allowed, denied (policy), blocked (inspection), alerted, dropped (any drop)"},
    {.name = "type", .arg = "T[,T]", .help = "flow, drop, alert, block, nat, snic-add, snic-del"},
    {.name = "port", .arg = "N", .help = "either end's port"},
    {.name = "last", .arg = "N", .help = "the last N kept events that match (default 20; -f: 0)"},
    {},
};

static const struct ctl_verb monitor_verbs[] = {
    {.flags = CTL_JSON,
     .opts = monitor_opts,
     .summary = "flow events: new flows, drops, inspection alerts, SNIC changes",
     .help = "Prints the events hyperiond keeps (the last 4096), one line each, or with -j\n"
	     "one JSON object per line; with -f, then every new one until interrupted.\n"
	     "Filters apply in the daemon. A follower that reads too slowly loses events,\n"
	     "and is told how many. The datapath limits each endpoint's events\n"
	     "(hyperiond --event-rate); what it held back is in /metrics and status.",
     .example = "hyperctl monitor --last 50\n"
		"hyperctl monitor -f --from web-1 --verdict denied\n"
		"hyperctl monitor -f -j --to app=db --port 5432",
     .run = monitor_run},
    {},
};

const struct ctl_cmd cmd_monitor = {"monitor", "Flow events, live (like hubble observe)",
				    monitor_verbs};
