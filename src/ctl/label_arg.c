// SPDX-License-Identifier: GPL-2.0-only
/* A KEY=VALUE label of the command line, checked with the rule it breaks named. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "ctl/ctl.h"
#include "lib/labels.h"

int ctl_label_arg(json_object *labels, struct labels *seen, const char *kv)
{
	const char *eq = strchr(kv, '=');
	char key[LABEL_KEY_MAX + 2], why[200];
	int err;

	if (!eq) {
		fprintf(stderr, "hyperctl: label '%s': want KEY=VALUE (e.g. app=web)\n", kv);
		return -EINVAL;
	}
	snprintf(key, sizeof(key), "%.*s", (int)(eq - kv), kv);
	if (labels__why(key, eq + 1, why, sizeof(why))) {
		fprintf(stderr, "hyperctl: label '%s': %s\n", kv, why);
		return -EINVAL;
	}
	err = labels__set(seen, key, eq + 1);
	if (err) {
		fprintf(stderr, "hyperctl: label '%s': %s\n", kv,
			err == -EEXIST	? "key given twice"
			: err == -E2BIG ? "more than 32 labels"
					: "not a Kubernetes label");
		return err;
	}
	json_object_object_add(labels, key, json_object_new_string(eq + 1));
	return 0;
}
