/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef HYP_CTL_H
#define HYP_CTL_H

#include <json-c/json.h>

#include "core/paths.h"
#include "ctl/print.h"
#include "lib/keys.h"

struct ctl {
	const char *instance;
	struct hyp_paths paths;
};

/* Sends cmd with args (consumed); prints errors; result is NULL on error. */
int ctl_call(struct ctl *c, const char *cmd, json_object *args, json_object **result);

/*
 * The commands. Output goes through the printer (print.h): main has
 * taken -j/--json out of argv and chosen text or JSON before.
 */
int do_snic(struct ctl *c, int argc, char **argv);
int do_status(struct ctl *c, int argc, char **argv);
int do_teardown(struct ctl *c, int argc, char **argv);
int do_reconcile(struct ctl *c, int argc, char **argv);
int do_audit(struct ctl *c, int argc, char **argv);
int do_policy(struct ctl *c, int argc, char **argv);
int do_events(struct ctl *c, int argc, char **argv);
int do_namespace(struct ctl *c, int argc, char **argv);

#endif
