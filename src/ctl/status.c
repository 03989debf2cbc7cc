// SPDX-License-Identifier: GPL-2.0-only
/* hyperctl status | teardown | reconcile */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "ctl/ctl.h"
#include "core/node.h"
#include "lib/log.h"

static const char *jstr(json_object *o, const char *k)
{
	json_object *v;

	return json_object_object_get_ex(o, k, &v) ? json_object_get_string(v) : "-";
}

static int64_t jint(json_object *o, const char *k)
{
	json_object *v;

	return json_object_object_get_ex(o, k, &v) ? json_object_get_int64(v) : 0;
}

static void print_drops(const char *indent, json_object *drops)
{
	json_object_object_foreach(drops, reason, v)
	    printf("%s%-22s %lld\n", indent, reason, (long long)json_object_get_int64(v));
}

static void print_status(json_object *s)
{
	json_object *ports, *guards, *drops, *d;

	printf("instance   %s (backend %s)\n", jstr(s, "instance"), jstr(s, "backend"));
	printf("bridge     netns %s, pins %s\n", jstr(s, "bridge_netns"), jstr(s, "pin_root"));
	printf("pool       %s, gateway %s, %lld/%lld addresses used\n", jstr(s, "pool"),
	       jstr(s, "gateway"), (long long)jint(s, "addresses_used"),
	       (long long)jint(s, "addresses_total"));
	printf("snics      %lld, guard %s\n", (long long)jint(s, "snics"),
	       strcmp(jstr(s, "guard"), "true") ? "off" : "on");
	if (json_object_object_get_ex(s, "ports", &ports) && json_object_object_length(ports)) {
		printf("ports\n");
		printf("  %-16s %-8s %12s %12s %12s %12s\n", "SNIC", "PORT", "RX", "FORWARDED",
		       "ARP-REPLIES", "DROPPED");
		json_object_object_foreach(ports, name, p)
		{
			printf("  %-16s %-8s %12lld %12lld %12lld %12lld\n", name, jstr(p, "port"),
			       (long long)jint(p, "rx"), (long long)jint(p, "forwarded"),
			       (long long)jint(p, "arp-replies"), (long long)jint(p, "dropped"));
			if (json_object_object_get_ex(p, "drops", &d))
				print_drops("      bridge drop ", d);
		}
	}
	if (json_object_object_get_ex(s, "guards", &guards)) {
		json_object_object_foreach(guards, gname, g)
		{
			if (json_object_object_get_ex(g, "drops", &d)) {
				printf("  %-16s guard (container side)\n", gname);
				print_drops("      guard drop  ", d);
			}
		}
	}
	if (json_object_object_get_ex(s, "drops", &drops) && json_object_object_length(drops)) {
		printf("drops by reason (bridge + guards)\n");
		print_drops("  ", drops);
	} else {
		printf("drops      none\n");
	}
}

int do_status(struct ctl *c, int argc, char **argv)
{
	json_object *res;

	if (ctl_call(c, "status", NULL, &res))
		return 1;
	if (c->json)
		ctl_print_json(res);
	else
		print_status(res);
	json_object_put(res);
	return 0;
}

int do_reconcile(struct ctl *c, int argc, char **argv)
{
	json_object *res;

	if (ctl_call(c, "reconcile", NULL, &res))
		return 1;
	json_object_put(res);
	return 0;
}

/* Without a daemon, hyperctl removes the instance itself. */
static int teardown_offline(struct ctl *c)
{
	struct node_opts o = {};
	struct errmsg em = {};
	struct node *n;
	int err;

	snprintf(o.instance, sizeof(o.instance), "%s", c->instance);
	err = node__open(&o, false, &n, &em);
	if (err == -ENOENT) {
		fprintf(stderr, "hyperctl: teardown: %s\n", em.msg[0] ? em.msg : strerror(-err));
		return 1;
	}
	if (err) {
		fprintf(stderr, "hyperctl: teardown: %s; removing the instance's files directly\n",
			em.msg[0] ? em.msg : strerror(-err));
		err = node__purge(c->instance);
		return err ? 1 : 0;
	}
	err = node__teardown(n);
	node__close(n);
	if (err) {
		fprintf(stderr, "hyperctl: teardown incomplete: %s\n", strerror(-err));
		return 1;
	}
	return 0;
}

int do_teardown(struct ctl *c, int argc, char **argv)
{
	json_object *res;
	int err;

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

/* hyperctl events: recent inspection alerts and drops. */
int do_events(struct ctl *c, int argc, char **argv)
{
	json_object *res;

	for (int i = 0; i < argc; i++)
		if (!strcmp(argv[i], "-j"))
			c->json = true;
	if (ctl_call(c, "events", NULL, &res))
		return 1;
	if (c->json) {
		ctl_print_json(res);
	} else {
		for (size_t i = 0; i < json_object_array_length(res); i++) {
			json_object *e = json_object_array_get_idx(res, i);

			printf("%-6s %-16s %-8s %s:%s -> %s:%s proto %s  pattern \"%s\" (%s) "
			       "offset %s\n",
			       jstr(e, "action"), jstr(e, "endpoint"), jstr(e, "direction"),
			       jstr(e, "src"), jstr(e, "sport"), jstr(e, "dst"), jstr(e, "dport"),
			       jstr(e, "proto"), jstr(e, "pattern"), jstr(e, "policy"),
			       jstr(e, "offset"));
		}
	}
	json_object_put(res);
	return 0;
}
