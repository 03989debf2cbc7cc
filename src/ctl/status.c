// SPDX-License-Identifier: GPL-2.0-only
/* hyperctl status | teardown | reconcile | events */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "ctl/ctl.h"
#include "core/node.h"

static int64_t jint(json_object *o, const char *key)
{
	json_object *v = jget(o, key);

	return v ? json_object_get_int64(v) : 0;
}

/* drops: {reason: packets}; fmt is the indent of its lines */
static void drops_view(const char *key, json_object *drops, const char *indent)
{
	pr_open_object(key);
	json_object_object_foreach(drops, reason, v)
	{
		pr_text("%s%-22s ", indent, reason);
		pr_value(reason, "%s\n", v);
	}
	pr_close_object();
}

static const struct pr_field port_fields[] = {
    {KEY_DROPS, "      bridge drop ", drops_view},
    {},
};

static const struct pr_field guard_fields[] = {
    {KEY_DROPS, "      guard drop  ", drops_view},
    {},
};

/* ports: {snic: {counters..., drops, port}}, a table row each in text */
static void ports_view(const char *key, json_object *ports, const char *fmt)
{
	int w = 4; /* SNIC names as long as they come (CNI's are 45) */

	json_object_object_foreach(ports, n, unused)
	{
		(void)unused;
		w = (int)strlen(n) > w ? (int)strlen(n) : w;
	}
	pr_open_object(key);
	if (json_object_object_length(ports)) {
		pr_text("ports\n");
		pr_text("  %-*s %-8s %12s %12s %12s %12s\n", w, "SNIC", "PORT", "RX", "FORWARDED",
			"ARP-REPLIES", "DROPPED");
	}
	json_object_object_foreach(ports, name, p)
	{
		pr_text("  %-*s %-8s %12lld %12lld %12lld %12lld\n", w, name, jstr(p, KEY_PORT),
			(long long)jint(p, KEY_STAT_RX), (long long)jint(p, KEY_STAT_FORWARDED),
			(long long)jint(p, KEY_STAT_ARP_REPLIES),
			(long long)jint(p, KEY_STAT_DROPPED));
		pr_members(name, p, port_fields);
	}
	pr_close_object();
}

/* guards: {snic: {drops}} */
static void guards_view(const char *key, json_object *guards, const char *fmt)
{
	pr_open_object(key);
	json_object_object_foreach(guards, name, g)
	{
		if (jget(g, KEY_DROPS))
			pr_text("  %s guard (container side)\n", name);
		pr_members(name, g, guard_fields);
	}
	pr_close_object();
}

/* drops by reason over bridge and guards */
static void totals_view(const char *key, json_object *drops, const char *fmt)
{
	if (json_object_object_length(drops))
		pr_text("drops by reason (bridge + guards)\n");
	else
		pr_text("drops      none\n");
	drops_view(key, drops, fmt);
}

/* flow events: what the datapath sent, and what it could not (never silent) */
static void events_view(const char *key, json_object *ev, const char *fmt)
{
	pr_value(key, NULL, ev);
	pr_text("events     %lld received, lost: %lld over an endpoint's budget, %lld ring full\n",
		(long long)jint(ev, "received"), (long long)jint(ev, "lost_rate_limited"),
		(long long)jint(ev, "lost_ring_full"));
}

/*
 * The IPv4 pool; an IPv6-only instance (--pool none) has none: its line
 * says "IPv4: none" and no count of addresses follows (not "0/0").
 */
static bool no_pool4;

static void pool_view(const char *key, json_object *v, const char *fmt)
{
	const char *s = v ? json_object_get_string(v) : NULL;

	no_pool4 = s && !strcmp(s, "none");
	pr_value(key, no_pool4 ? "pool       IPv4: none (IPv6 only)%.0s" : fmt, v);
}

static void pool_count_view(const char *key, json_object *v, const char *fmt)
{
	pr_value(key, no_pool4 ? NULL : fmt, v);
	if (no_pool4 && !strcmp(key, KEY_ADDRESSES_TOTAL))
		pr_text("\n");
}

static const struct pr_field status_fields[] = {
    {KEY_INSTANCE, "instance   %s", NULL},
    {KEY_BACKEND, " (backend %s)\n", NULL},
    {KEY_MON_EVENTS, NULL, events_view},
    {KEY_BRIDGE_NETNS, "bridge     netns %s", NULL},
    {KEY_PIN_ROOT, ", pins %s\n", NULL},
    {KEY_POOL, "pool       %s", pool_view},
    {KEY_GATEWAY, ", gateway %s", NULL},
    {KEY_ADDRESSES_USED, ", %s", pool_count_view},
    {KEY_ADDRESSES_TOTAL, "/%s addresses used\n", pool_count_view},
    {KEY_POOL6, "pool6      %s\n", NULL},
    {KEY_SNICS, "snics      %s", NULL},
    {KEY_IDENTITIES, ", identities %s", NULL},
    {KEY_GUARD, ", guard %s\n", pr_view_onoff},
    {KEY_CONNTRACK_ENTRIES, "conntrack  %s entries", NULL},
    {KEY_CONNTRACK_QUOTA, ", at most %s per endpoint\n", NULL},
    {KEY_PORTS, NULL, ports_view},
    {KEY_GUARDS, NULL, guards_view},
    {KEY_DROPS, "  ", totals_view},
    {},
};

static int do_status(struct ctl *c, const struct ctl_args *a)
{
	json_object *res;

	if (ctl_call(c, "status", NULL, &res))
		return 1;
	pr_members(NULL, res, status_fields);
	json_object_put(res);
	return 0;
}

static int do_reconcile(struct ctl *c, const struct ctl_args *a)
{
	json_object *res;

	if (ctl_call(c, "reconcile", NULL, &res))
		return 1;
	json_object_put(res);
	printf("instance %s reconciled\n", c->instance);
	return 0;
}

/*
 * Without a daemon, hyperctl removes the instance itself, from its names
 * alone: nothing of the datapath is loaded to be deleted (node__purge).
 */
static int teardown_offline(struct ctl *c)
{
	struct hyp_domain_cfg cfg = {};
	int err;

	snprintf(cfg.instance, sizeof(cfg.instance), "%s", c->instance);
	if (access(c->paths.state_db, F_OK)) {
		/* a state dir without its store: e.g. cluster.json of a join whose
		 * first start was killed */
		if (!backend_remnant(&cfg) && access(c->paths.state_dir, F_OK)) {
			fprintf(stderr, "hyperctl: teardown: instance %s does not exist\n",
				c->instance);
			return 1;
		}
		/* a datapath or files left without the state (a crash during a first start) */
		fprintf(stderr, "hyperctl: instance %s has no state; removing what is left of it\n",
			c->instance);
	}
	err = node__purge(c->instance);
	if (err) {
		fprintf(stderr, "hyperctl: teardown incomplete: %s\n", strerror(-err));
		return 1;
	}
	return 0;
}

static int do_teardown(struct ctl *c, const struct ctl_args *a)
{
	json_object *res;
	int err;

	/* thousands of SNICs take minutes (the daemon logs its progress) */
	c->timeout_s = 3600;
	err = ctl_call(c, "teardown", NULL, &res);
	json_object_put(res);
	if (err == -ENOENT || err == -ECONNREFUSED) {
		fprintf(stderr, "hyperctl: tearing down instance %s without its daemon\n",
			c->instance);
		err = teardown_offline(c);
	} else if (err) {
		return 1;
	}
	if (!err)
		printf("instance %s torn down\n", c->instance);
	return err ? 1 : 0;
}

/* "SRC:SPORT -> DST:DPORT" of an event */
static const char *flow_text(json_object *e, const char *key, char *buf, size_t len)
{
	snprintf(buf, len, "%s:%s -> %s:%s", jstr(e, KEY_SRC), jstr(e, KEY_SPORT), jstr(e, KEY_DST),
		 jstr(e, KEY_DPORT));
	return buf;
}

static const char *pattern_text(json_object *e, const char *key, char *buf, size_t len)
{
	snprintf(buf, len, "\"%s\"", jstr(e, key));
	return buf;
}

static const struct pr_col event_cols[] = {
    {.key = KEY_TIME, .header = "TIME"},
    {.key = KEY_ACTION, .header = "ACTION"},
    {.key = KEY_ENDPOINT, .header = "SNIC"},
    {.key = KEY_DIRECTION, .header = "DIRECTION"},
    {.key = KEY_PROTO, .header = "PROTO"},
    {.key = KEY_SRC, .header = "FLOW", .text = flow_text},
    {.key = KEY_OFFSET, .header = "OFFSET", .right = true},
    {.key = KEY_POLICY, .header = "POLICY"},
    {.key = KEY_PATTERN, .header = "PATTERN", .text = pattern_text},
    {},
};

/* hyperctl events: recent inspection alerts and drops, oldest first. */
static int do_events(struct ctl *c, const struct ctl_args *a)
{
	json_object *res;

	if (ctl_call(c, "events", NULL, &res))
		return 1;
	pr_table(res, event_cols, "no events");
	json_object_put(res);
	return 0;
}

static const struct ctl_verb status_verb[] = {
    {.flags = CTL_JSON,
     .summary = "show the instance: pool, SNICs, per-port counters and drops by reason",
     .example = "hyperctl status\nhyperctl --instance lab status -j",
     .run = do_status},
    {},
};

static const struct ctl_verb reconcile_verb[] = {
    {.summary = "check the datapath against the stored state now and repair it",
     .example = "hyperctl reconcile",
     .run = do_reconcile},
    {},
};

static const struct ctl_verb teardown_verb[] = {
    {.summary = "remove everything of the instance: daemon, SNICs, datapath, state",
     .help = "Stops hyperiond and removes every SNIC, the bridge netns, the pinned maps and\n"
	     "the stored state. Works without a running daemon. Asks on a terminal, or --yes.",
     .example = "hyperctl --instance lab teardown --yes",
     .confirm =
	 "Tear down instance %s: stop its daemon, remove every SNIC, its datapath and state?",
     .run = do_teardown},
    {},
};

static const struct ctl_verb events_verb[] = {
    {.flags = CTL_JSON,
     .summary = "recent payload-inspection alerts and drops (the last 256, oldest first)",
     .help = "One line per InspectionPolicy match: when (UTC), alert or drop, the SNIC and\n"
	     "direction inspected, the flow, the byte offset of the match in the stream, the\n"
	     "policy and its pattern. Kept across daemon restarts; teardown removes them.",
     .example = "hyperctl events\nhyperctl events -j",
     .run = do_events},
    {},
};

const struct ctl_cmd cmd_status = {"status", "The instance's state and counters", status_verb};
const struct ctl_cmd cmd_reconcile = {"reconcile", "Repair the datapath", reconcile_verb};
const struct ctl_cmd cmd_teardown = {"teardown", "Remove the instance", teardown_verb};
const struct ctl_cmd cmd_events = {"events", "Inspection alerts", events_verb};
