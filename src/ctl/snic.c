// SPDX-License-Identifier: GPL-2.0-only
/* hyperctl snic add|del|list|show|check */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "ctl/ctl.h"
#include "lib/labels.h"

static const char *jstr(json_object *o, const char *k)
{
	json_object *v;

	return json_object_object_get_ex(o, k, &v) ? json_object_get_string(v) : "";
}

static void labels_str(json_object *o, char *buf, size_t len)
{
	json_object *ls;
	size_t off = 0;

	buf[0] = '\0';
	if (!json_object_object_get_ex(o, "labels", &ls))
		return;
	json_object_object_foreach(ls, k, v)
	{
		int w = snprintf(buf + off, len - off, "%s%s=%s", off ? "," : "", k,
				 json_object_get_string(v));

		if (w < 0 || (size_t)w >= len - off)
			break;
		off += (size_t)w;
	}
}

static void print_snic(json_object *o)
{
	char labels[1024];

	labels_str(o, labels, sizeof(labels));
	printf("snic %s\n", jstr(o, "name"));
	printf("  netns     %s\n", jstr(o, "netns"));
	printf("  ifname    %s\n", jstr(o, "ifname"));
	printf("  ip        %s via %s\n", jstr(o, "ip"), jstr(o, "gateway"));
	printf("  mac       %s\n", jstr(o, "mac"));
	printf("  port      %s (bridge netns ifindex %s)\n", jstr(o, "port"),
	       jstr(o, "port_ifindex"));
	printf("  identity  %s\n", jstr(o, "identity"));
	printf("  labels    %s\n", labels[0] ? labels : "-");
	printf("  guard     %s\n", strcmp(jstr(o, "guard"), "true") ? "off" : "on");
}

static int snic_add(struct ctl *c, int argc, char **argv)
{
	static const struct option opts[] = {
	    {"netns", required_argument, NULL, 'n'}, {"ifname", required_argument, NULL, 'i'},
	    {"ip", required_argument, NULL, 'a'},    {"label", required_argument, NULL, 'l'},
	    {"json", no_argument, NULL, 'j'},	     {},
	};
	json_object *args = json_object_new_object(), *labels = json_object_new_object(), *res;
	struct labels check = {};
	int ch, err;

	optind = 1;
	while ((ch = getopt_long(argc, argv, "j", opts, NULL)) != -1) {
		switch (ch) {
		case 'n':
			json_object_object_add(args, "netns", json_object_new_string(optarg));
			break;
		case 'i':
			json_object_object_add(args, "ifname", json_object_new_string(optarg));
			break;
		case 'a':
			json_object_object_add(args, "ip", json_object_new_string(optarg));
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
		case 'j':
			c->json = true;
			break;
		default:
			goto usage;
		}
	}
	if (optind != argc - 1) {
		fprintf(stderr, "hyperctl: snic add needs exactly one NAME\n");
		goto usage;
	}
	json_object_object_add(args, "name", json_object_new_string(argv[optind]));
	json_object_object_add(args, "labels", labels);
	err = ctl_call(c, "snic.add", args, &res);
	if (err)
		return 1;
	if (c->json)
		ctl_print_json(res);
	else
		printf("snic %s: %s on %s in %s\n", jstr(res, "name"), jstr(res, "ip"),
		       jstr(res, "ifname"), jstr(res, "netns"));
	json_object_put(res);
	return 0;
usage:
	fprintf(stderr, "usage: hyperctl snic add NAME --netns NETNS [--ifname IF] [--ip CIDR] "
			"[--label k=v]...\n");
	json_object_put(args);
	json_object_put(labels);
	return 2;
}

static int snic_named(struct ctl *c, const char *cmd, int argc, char **argv)
{
	json_object *args, *res;
	const char *name = NULL;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "-j") || !strcmp(argv[i], "--json"))
			c->json = true;
		else if (!name)
			name = argv[i];
		else
			name = "";
	}
	if (!name || !*name) {
		fprintf(stderr, "usage: hyperctl snic %s NAME\n", argv[0]);
		return 2;
	}
	args = json_object_new_object();
	json_object_object_add(args, "name", json_object_new_string(name));
	if (ctl_call(c, cmd, args, &res))
		return 1;
	if (c->json)
		ctl_print_json(res ? res : json_object_new_object());
	else if (!strcmp(cmd, "snic.show"))
		print_snic(res);
	else if (!strcmp(cmd, "snic.check"))
		printf("snic %s: ok\n", name);
	json_object_put(res);
	return 0;
}

static int snic_list(struct ctl *c, int argc, char **argv)
{
	json_object *res;
	char labels[1024];

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "-j") && strcmp(argv[i], "--json")) {
			fprintf(stderr, "usage: hyperctl snic list [-j]\n");
			return 2;
		}
		c->json = true;
	}
	if (ctl_call(c, "snic.list", NULL, &res))
		return 1;
	if (c->json) {
		ctl_print_json(res);
	} else {
		printf("%-16s %-16s %-8s %-18s %-17s %-8s %-8s %s\n", "NAME", "NETNS", "IFNAME",
		       "IP", "MAC", "PORT", "IDENTITY", "LABELS");
		for (size_t i = 0; i < json_object_array_length(res); i++) {
			json_object *o = json_object_array_get_idx(res, i);

			labels_str(o, labels, sizeof(labels));
			printf("%-16s %-16s %-8s %-18s %-17s %-8s %-8s %s\n", jstr(o, "name"),
			       jstr(o, "netns"), jstr(o, "ifname"), jstr(o, "ip"), jstr(o, "mac"),
			       jstr(o, "port"), jstr(o, "identity"), labels[0] ? labels : "-");
		}
	}
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
