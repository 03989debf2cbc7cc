// SPDX-License-Identifier: GPL-2.0-only
/* hyperctl snic add|del|list|show|check */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "ctl/ctl.h"
#include "lib/addr6.h"
#include "lib/labels.h"

/* CNI owner "NETWORK/CONTAINERID/IFNAME", the container ID cut to 12 */
static const char *owner_text(json_object *row, const char *key, char *buf, size_t len)
{
	const char *o = jstr(row, key), *id = strchr(o, '/'),
		   *end = id ? strchr(id + 1, '/') : NULL;

	if (!end || end - id - 1 <= 12)
		return o;
	snprintf(buf, len, "%.*s%.13s%s", (int)(id - o), o, id, end);
	return buf;
}

/* snic list: one row per SNIC */
static const struct pr_col snic_cols[] = {
    {.key = KEY_NAME, .header = "NAME"},
    {.key = KEY_OWNER, .header = "OWNER", .text = owner_text},
    {.key = KEY_IP, .header = "IP"},
    {.key = KEY_IP6, .header = "IP6"},
    {.key = KEY_MAC, .header = "MAC"},
    {.key = KEY_PORT, .header = "PORT"},
    {.key = KEY_IDENTITY, .header = "IDENTITY", .right = true},
    {.key = KEY_NETNS, .header = "NETNS"},
    {.key = KEY_IFNAME, .header = "IFNAME"},
    {.key = KEY_LABELS, .header = "LABELS"},
    {},
};

/* snic show */
static const struct pr_field snic_detail[] = {
    {KEY_NAME, "snic %s\n", NULL},
    {KEY_NETNS, "  netns     %s\n", NULL},
    {KEY_IFNAME, "  ifname    %s\n", NULL},
    {KEY_IP, "  ip        %s", NULL},
    {KEY_GATEWAY, " via %s\n", NULL},
    {KEY_IP6, "  ip6       %s", NULL},
    {KEY_GATEWAY6, " via %s\n", NULL},
    {KEY_LINK_LOCAL, "  link-local %s\n", NULL},
    {KEY_MAC, "  mac       %s\n", NULL},
    {KEY_PORT, "  port      %s", NULL},
    {KEY_PORT_IFINDEX, " (bridge netns ifindex %s)\n", NULL},
    {KEY_IDENTITY, "  identity  %s\n", NULL},
    {KEY_LABELS, "  labels    %s\n", NULL},
    {KEY_NAMED_PORTS, "  ports     %s\n", NULL},
    {KEY_GUARD, "  guard     %s\n", pr_view_onoff},
    {},
};

/* snic add: the SNIC in JSON, one line of it in text (in another order) */
static void snic_added_view(json_object *o)
{
	pr_members(NULL, o, NULL);
	if (!json_object_object_get_ex(o, KEY_IP, NULL)) /* IPv6-only */
		pr_text("snic %s: %s on %s in %s\n", jstr(o, KEY_NAME), jstr(o, KEY_IP6),
			jstr(o, KEY_IFNAME), jstr(o, KEY_NETNS));
	else if (json_object_object_get_ex(o, KEY_IP6, NULL))
		pr_text("snic %s: %s %s on %s in %s\n", jstr(o, KEY_NAME), jstr(o, KEY_IP),
			jstr(o, KEY_IP6), jstr(o, KEY_IFNAME), jstr(o, KEY_NETNS));
	else
		pr_text("snic %s: %s on %s in %s\n", jstr(o, KEY_NAME), jstr(o, KEY_IP),
			jstr(o, KEY_IFNAME), jstr(o, KEY_NETNS));
}

static int snic_add(struct ctl *c, const struct ctl_args *a)
{
	json_object *args = json_object_new_object(), *labels = json_object_new_object(), *res;
	json_object *ports = json_object_new_array();
	struct labels check = {};
	const char *v;
	int i = 0;

	json_object_object_add(args, KEY_NAME, json_object_new_string(a->argv[0]));
	json_object_object_add(args, KEY_NETNS, json_object_new_string(ctl_opt(a, "netns")));
	if ((v = ctl_opt(a, "ifname")))
		json_object_object_add(args, KEY_IFNAME, json_object_new_string(v));
	while ((v = ctl_opt_next(a, "ip", &i))) {
		const char *key = ip_is_v6(v) ? KEY_IP6 : KEY_IP;

		if (json_object_object_get_ex(args, key, NULL)) {
			fprintf(stderr, "hyperctl: --ip: one address per family (%s given twice)\n",
				ip_is_v6(v) ? "IPv6" : "IPv4");
			goto usage;
		}
		json_object_object_add(args, key, json_object_new_string(v));
	}
	i = 0;
	while ((v = ctl_opt_next(a, "label", &i)))
		if (ctl_label_arg(labels, &check, v))
			goto usage;
	i = 0;
	while ((v = ctl_opt_next(a, "port", &i)))
		json_object_array_add(ports, json_object_new_string(v)); /* hyperiond checks it */
	json_object_object_add(args, KEY_LABELS, labels);
	json_object_object_add(args, KEY_NAMED_PORTS, ports);
	if (ctl_flag(a, "routed"))
		json_object_object_add(args, KEY_ROUTED, json_object_new_boolean(true));
	if ((v = ctl_opt(a, "family"))) {
		if (strcmp(v, "4") && strcmp(v, "6")) {
			fprintf(stderr, "hyperctl: --family: 4 or 6, not '%s'\n", v);
			goto usage;
		}
		json_object_object_add(args, KEY_FAMILY, json_object_new_int(v[0] - '0'));
	}
	if (ctl_call(c, "snic.add", args, &res))
		return 1;
	snic_added_view(res);
	json_object_put(res);
	return 0;
usage:
	json_object_put(args);
	json_object_put(labels);
	json_object_put(ports);
	return 2;
}

static int snic_call(struct ctl *c, const char *cmd, const char *name, json_object **res)
{
	json_object *args = json_object_new_object();

	json_object_object_add(args, KEY_NAME, json_object_new_string(name));
	return ctl_call(c, cmd, args, res);
}

static int snic_show(struct ctl *c, const struct ctl_args *a)
{
	json_object *res;

	if (snic_call(c, "snic.show", a->argv[0], &res))
		return 1;
	pr_members(NULL, res, snic_detail);
	json_object_put(res);
	return 0;
}

static int snic_check(struct ctl *c, const struct ctl_args *a)
{
	json_object *res;

	if (snic_call(c, "snic.check", a->argv[0], &res))
		return 1;
	pr_open_object(NULL);
	pr_string(KEY_NAME, "snic %s: ", a->argv[0]);
	pr_bool("ok", "%s\n", true, "ok", "failed");
	pr_close_object();
	json_object_put(res);
	return 0;
}

/* Every name is tried; the exit status says whether one failed. */
static int snic_del(struct ctl *c, const struct ctl_args *a)
{
	int ret = 0;

	for (int i = 0; i < a->argc; i++) {
		json_object *res;

		if (snic_call(c, "snic.del", a->argv[i], &res)) {
			ret = 1;
			continue;
		}
		json_object_put(res);
		printf("snic %s deleted\n", a->argv[i]);
	}
	return ret;
}

static int snic_list(struct ctl *c, const struct ctl_args *a)
{
	json_object *res;

	if (ctl_call(c, "snic.list", NULL, &res))
		return 1;
	pr_table(res, snic_cols, "no SNICs");
	json_object_put(res);
	return 0;
}

static const struct ctl_opt add_opts[] = {
    {.name = "netns",
     .short_name = 'n',
     .arg = "NETNS",
     .help = "the container's network namespace: a name under /run/netns, "
	     "or a path (/proc/PID/ns/net)",
     .required = true},
    {.name = "ifname",
     .short_name = 'i',
     .arg = "IF",
     .help = "the interface's name in NETNS (default: eth0)"},
    {.name = "ip",
     .arg = "CIDR",
     .help = "an address, IPv4 or IPv6, at most one of each, e.g. 10.244.0.7/24 or "
	     "fd00:1::7/64 (default: the next free one of the pool and of the IPv6 pool)",
     .many = true},
    {.name = "family",
     .arg = "4|6",
     .help = "only this family's address: 6 for an IPv6-only SNIC (no IPv4 address, "
	     "IPv4 and ARP dropped), 4 for an IPv4-only one (default: each family the "
	     "instance has a pool for)"},
    {.name = "label",
     .short_name = 'l',
     .arg = "KEY=VALUE",
     .help = "a label, what policies select (key: [prefix/]name, value: "
	     "up to 63 of A-Z a-z 0-9 - _ .)",
     .many = true},
    {.name = "port",
     .short_name = 'p',
     .arg = "NAME=PORT[/PROTO]",
     .help = "a named container port, e.g. http=8080/tcp "
	     "(PROTO: tcp, udp, sctp; default tcp)",
     .many = true},
    {.name = "routed",
     .help = "routed mode: to the outside with its own address, no SNAT (for a pool the "
	     "outside routes to the uplink)"},
    {},
};

static const struct ctl_verb snic_verbs[] = {
    {.name = "add",
     .operands = "NAME",
     .min = 1,
     .max = 1,
     .flags = CTL_JSON,
     .opts = add_opts,
     .summary = "attach a secure NIC (SNIC) to a network namespace",
     .help = "NAME: the SNIC's name, unique in the instance (1-63 of a-z A-Z 0-9 - _ .).\n"
	     "Prints the SNIC made; with -j the whole SNIC as JSON.",
     .example = "hyperctl snic add web --netns web --label app=web --port http=80/tcp",
     .run = snic_add},
    {.name = "del",
     .alias = "delete",
     .operands = "NAME...",
     .min = 1,
     .max = -1,
     .flags = CTL_MANY,
     .summary = "remove SNICs: the interface, its address, its datapath entries",
     .help = "NAME...: the SNICs to remove; more than one is asked on a terminal (or --yes).",
     .example = "hyperctl snic del web\nhyperctl snic del web db --yes",
     .confirm = "Delete these SNICs of instance %s?",
     .run = snic_del},
    {.name = "list",
     .alias = "ls",
     .flags = CTL_JSON,
     .summary = "list the SNICs",
     .example = "hyperctl snic list\nhyperctl snic list -j",
     .run = snic_list},
    {.name = "show",
     .operands = "NAME",
     .min = 1,
     .max = 1,
     .flags = CTL_JSON,
     .summary = "show one SNIC in detail",
     .help = "NAME: a SNIC.",
     .example = "hyperctl snic show web",
     .run = snic_show},
    {.name = "check",
     .operands = "NAME",
     .min = 1,
     .max = 1,
     .flags = CTL_JSON,
     .summary = "check a SNIC's interface, address, routes and datapath entries",
     .help = "NAME: a SNIC. Fails (exit 1) with what is wrong.",
     .example = "hyperctl snic check web",
     .run = snic_check},
    {},
};

const struct ctl_cmd cmd_snic = {"snic", "Secure NICs: a container's interface, guarded",
				 snic_verbs};
