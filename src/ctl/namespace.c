// SPDX-License-Identifier: GPL-2.0-only
/*
 * hyperctl namespace label NS KEY=VALUE... | unlabel NS KEY... | list:
 * namespace labels, what a NetworkPolicy's namespaceSelector matches.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "ctl/ctl.h"
#include "lib/labels.h"

static const struct pr_field ns_row[] = {
    {KEY_NAME, "%-24s ", NULL},
    {KEY_SNICS, "%-6s ", NULL},
    {KEY_LABELS, "%s\n", NULL},
    {},
};

static int ns_label(struct ctl *c, int argc, char **argv)
{
	json_object *args, *labels, *res;
	struct labels check = {};

	if (argc < 3)
		return -EINVAL;
	labels = json_object_new_object();
	for (int i = 2; i < argc; i++) {
		char *eq = strchr(argv[i], '=');
		int err = labels__add_kv(&check, argv[i]);

		if (err) {
			fprintf(stderr, "hyperctl: invalid label '%s'%s\n", argv[i],
				err == -EEXIST ? " (key given twice)" : " (want KEY=VALUE)");
			json_object_put(labels);
			return -EINVAL;
		}
		*eq = '\0';
		json_object_object_add(labels, argv[i], json_object_new_string(eq + 1));
		*eq = '=';
	}
	args = json_object_new_object();
	json_object_object_add(args, KEY_NAMESPACE, json_object_new_string(argv[1]));
	json_object_object_add(args, KEY_LABELS, labels);
	if (ctl_call(c, "namespace.label", args, &res))
		return 1;
	json_object_put(res);
	pr_text("namespace %s: %d label(s) set\n", argv[1], argc - 2);
	return 0;
}

static int ns_unlabel(struct ctl *c, int argc, char **argv)
{
	json_object *args, *keys, *res;

	if (argc < 3)
		return -EINVAL;
	keys = json_object_new_array();
	for (int i = 2; i < argc; i++)
		json_object_array_add(keys, json_object_new_string(argv[i]));
	args = json_object_new_object();
	json_object_object_add(args, KEY_NAMESPACE, json_object_new_string(argv[1]));
	json_object_object_add(args, KEY_KEYS, keys);
	if (ctl_call(c, "namespace.unlabel", args, &res))
		return 1;
	json_object_put(res);
	pr_text("namespace %s: %d label(s) removed\n", argv[1], argc - 2);
	return 0;
}

static int ns_list(struct ctl *c, int argc, char **argv)
{
	json_object *res;

	if (argc > 1)
		return -EINVAL;
	if (ctl_call(c, "namespace.list", NULL, &res))
		return 1;
	pr_text("%-24s %-6s %s\n", "NAME", "SNICS", "LABELS");
	pr_open_array(NULL);
	for (size_t i = 0; i < json_object_array_length(res); i++)
		pr_members(NULL, json_object_array_get_idx(res, i), ns_row);
	pr_close_array();
	json_object_put(res);
	return 0;
}

int do_namespace(struct ctl *c, int argc, char **argv)
{
	int ret = -EINVAL;

	if (argc >= 1 && !strcmp(argv[0], "label"))
		ret = ns_label(c, argc, argv);
	else if (argc >= 1 && !strcmp(argv[0], "unlabel"))
		ret = ns_unlabel(c, argc, argv);
	else if (argc >= 1 && (!strcmp(argv[0], "list") || !strcmp(argv[0], "ls")))
		ret = ns_list(c, argc, argv);
	if (ret != -EINVAL)
		return ret;
	fprintf(stderr, "usage: hyperctl namespace label NS KEY=VALUE...\n"
			"       hyperctl namespace unlabel NS KEY...\n"
			"       hyperctl namespace list [-j]\n");
	return 2;
}
