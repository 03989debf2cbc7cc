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

static const struct pr_col ns_cols[] = {
    {.key = KEY_NAME, .header = "NAME"},
    {.key = KEY_SNICS, .header = "SNICS", .right = true},
    {.key = KEY_LABELS, .header = "LABELS"},
    {},
};

static int ns_label(struct ctl *c, const struct ctl_args *a)
{
	json_object *args, *labels, *res;
	struct labels check = {};
	int argc = a->argc + 1;
	char **argv = a->argv - 1;

	labels = json_object_new_object();
	for (int i = 2; i < argc; i++) {
		if (ctl_label_arg(labels, &check, argv[i])) {
			json_object_put(labels);
			return 2;
		}
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

static int ns_unlabel(struct ctl *c, const struct ctl_args *a)
{
	json_object *args, *keys, *res;
	int argc = a->argc + 1;
	char **argv = a->argv - 1;

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

static int ns_list(struct ctl *c, const struct ctl_args *a)
{
	json_object *res;

	if (ctl_call(c, "namespace.list", NULL, &res))
		return 1;
	pr_table(res, ns_cols, "no namespaces");
	json_object_put(res);
	return 0;
}

static const struct ctl_verb ns_verbs[] = {
    {.name = "label",
     .operands = "NAMESPACE KEY=VALUE...",
     .min = 2,
     .max = -1,
     .summary = "set labels of a namespace (what a policy's namespaceSelector matches)",
     .help = "NAMESPACE: a policy namespace (the SNIC's, set by its CNI network or 'default').\n"
	     "KEY=VALUE: a label; an existing key is replaced.",
     .example = "hyperctl namespace label prod team=db",
     .run = ns_label},
    {.name = "unlabel",
     .operands = "NAMESPACE KEY...",
     .min = 2,
     .max = -1,
     .summary = "remove labels of a namespace",
     .help = "NAMESPACE: a policy namespace. KEY: a label key to remove.",
     .example = "hyperctl namespace unlabel prod team",
     .run = ns_unlabel},
    {.name = "list",
     .alias = "ls",
     .flags = CTL_JSON,
     .summary = "list namespaces, their SNICs and labels",
     .example = "hyperctl namespace list",
     .run = ns_list},
    {},
};

const struct ctl_cmd cmd_namespace = {"namespace", "Namespace labels (namespaceSelector)",
				      ns_verbs};
