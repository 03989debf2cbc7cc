// SPDX-License-Identifier: GPL-2.0-only
/* hyperctl snic add|del|list|show|check */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "ctl/ctl.h"
#include "lib/labels.h"

/* snic list: one row per SNIC */
static const struct pr_field snic_row[] = {
    {KEY_NAME, "%-16s ", NULL},	   {KEY_NETNS, "%-16s ", NULL}, {KEY_IFNAME, "%-8s ", NULL},
    {KEY_IP, "%-18s ", NULL},	   {KEY_MAC, "%-17s ", NULL},	{KEY_PORT, "%-8s ", NULL},
    {KEY_IDENTITY, "%-8s ", NULL}, {KEY_LABELS, "%s\n", NULL},	{},
};

/* snic show */
static const struct pr_field snic_detail[] = {
    {KEY_NAME, "snic %s\n", NULL},
    {KEY_NETNS, "  netns     %s\n", NULL},
    {KEY_IFNAME, "  ifname    %s\n", NULL},
    {KEY_IP, "  ip        %s", NULL},
    {KEY_GATEWAY, " via %s\n", NULL},
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
	pr_text("snic %s: %s on %s in %s\n", jstr(o, KEY_NAME), jstr(o, KEY_IP),
		jstr(o, KEY_IFNAME), jstr(o, KEY_NETNS));
}

static int snic_add(struct ctl *c, int argc, char **argv)
{
	static const struct option opts[] = {
	    {"netns", required_argument, NULL, 'n'}, {"ifname", required_argument, NULL, 'i'},
	    {"ip", required_argument, NULL, 'a'},    {"label", required_argument, NULL, 'l'},
	    {"port", required_argument, NULL, 'p'},  {},
	};
	json_object *args = json_object_new_object(), *labels = json_object_new_object(), *res;
	json_object *ports = json_object_new_array();
	struct labels check = {};
	int ch, err;

	optind = 1;
	while ((ch = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (ch) {
		case 'n':
			json_object_object_add(args, KEY_NETNS, json_object_new_string(optarg));
			break;
		case 'i':
			json_object_object_add(args, KEY_IFNAME, json_object_new_string(optarg));
			break;
		case 'a':
			json_object_object_add(args, KEY_IP, json_object_new_string(optarg));
			break;
		case 'l': {
			char *eq = strchr(optarg, '=');

			err = labels__add_kv(&check, optarg);
			if (err) {
				fprintf(stderr, "hyperctl: invalid label '%s'%s\n", optarg,
					err == -EEXIST ? " (key given twice)"
						       : " (want key=value)");
				goto usage;
			}
			*eq = '\0';
			json_object_object_add(labels, optarg, json_object_new_string(eq + 1));
			*eq = '=';
			break;
		}
		case 'p':
			/* NAME=PORT[/tcp|udp|sctp]: hyperiond checks it */
			json_object_array_add(ports, json_object_new_string(optarg));
			break;
		default:
			goto usage;
		}
	}
	if (optind != argc - 1) {
		fprintf(stderr, "hyperctl: snic add needs exactly one NAME\n");
		goto usage;
	}
	json_object_object_add(args, KEY_NAME, json_object_new_string(argv[optind]));
	json_object_object_add(args, KEY_LABELS, labels);
	json_object_object_add(args, KEY_NAMED_PORTS, ports);
	err = ctl_call(c, "snic.add", args, &res);
	if (err)
		return 1;
	snic_added_view(res);
	json_object_put(res);
	return 0;
usage:
	fprintf(stderr, "usage: hyperctl snic add NAME --netns NETNS [--ifname IF] [--ip CIDR] "
			"[--label k=v]... [--port NAME=PORT[/tcp|udp|sctp]]...\n");
	json_object_put(args);
	json_object_put(labels);
	json_object_put(ports);
	return 2;
}

static int snic_named(struct ctl *c, const char *cmd, int argc, char **argv)
{
	json_object *args, *res;
	const char *name = NULL;

	for (int i = 1; i < argc; i++)
		name = name ? "" : argv[i];
	if (!name || !*name) {
		fprintf(stderr, "usage: hyperctl snic %s NAME\n", argv[0]);
		return 2;
	}
	args = json_object_new_object();
	json_object_object_add(args, KEY_NAME, json_object_new_string(name));
	if (ctl_call(c, cmd, args, &res))
		return 1;
	/* show: the SNIC; del and check: an empty object in JSON */
	pr_members(NULL, res, snic_detail);
	if (!strcmp(cmd, "snic.check"))
		pr_text("snic %s: ok\n", name);
	json_object_put(res);
	return 0;
}

static int snic_list(struct ctl *c, int argc, char **argv)
{
	json_object *res;

	if (argc > 1) {
		fprintf(stderr, "usage: hyperctl snic list [-j]\n");
		return 2;
	}
	if (ctl_call(c, "snic.list", NULL, &res))
		return 1;
	pr_text("%-16s %-16s %-8s %-18s %-17s %-8s %-8s %s\n", "NAME", "NETNS", "IFNAME", "IP",
		"MAC", "PORT", "IDENTITY", "LABELS");
	pr_open_array(NULL);
	for (size_t i = 0; i < json_object_array_length(res); i++)
		pr_members(NULL, json_object_array_get_idx(res, i), snic_row);
	pr_close_array();
	json_object_put(res);
	return 0;
}

int do_snic(struct ctl *c, int argc, char **argv)
{
	if (argc < 1)
		goto usage;
	if (!strcmp(argv[0], "add"))
		return snic_add(c, argc, argv);
	if (!strcmp(argv[0], "del") || !strcmp(argv[0], "delete"))
		return snic_named(c, "snic.del", argc, argv);
	if (!strcmp(argv[0], "show"))
		return snic_named(c, "snic.show", argc, argv);
	if (!strcmp(argv[0], "check"))
		return snic_named(c, "snic.check", argc, argv);
	if (!strcmp(argv[0], "list") || !strcmp(argv[0], "ls"))
		return snic_list(c, argc, argv);
usage:
	fprintf(stderr, "usage: hyperctl snic {add|del|list|show|check} ...\n");
	return 2;
}
