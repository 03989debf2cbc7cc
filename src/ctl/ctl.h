/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef HYP_CTL_H
#define HYP_CTL_H

#include <json-c/json.h>

#include "core/paths.h"
#include "ctl/cli.h"
#include "ctl/print.h"
#include "lib/keys.h"

struct ctl {
	const char *instance;
	struct hyp_paths paths;
	int timeout_s; /* of a call's reply; 0: api_call's */
};

struct labels;
/* Adds the label "KEY=VALUE" to labels (and seen); a bad one is refused on
 * stderr with the rule it breaks (-EINVAL, -EEXIST). */
int ctl_label_arg(json_object *labels, struct labels *seen, const char *kv);

/* Sends cmd with args (consumed); prints errors; result is NULL on error. */
int ctl_call(struct ctl *c, const char *cmd, json_object *args, json_object **result);

/*
 * The commands (cli.h): each file defines its table; main.c lists them.
 * Output goes through the printer (print.h), set to text or JSON (-j)
 * before run() is called.
 */
extern const struct ctl_cmd cmd_snic, cmd_policy, cmd_namespace, cmd_events, cmd_status, cmd_audit,
    cmd_reconcile, cmd_teardown, cmd_cluster, cmd_monitor, cmd_uplink, cmd_publish, cmd_host;

#endif
