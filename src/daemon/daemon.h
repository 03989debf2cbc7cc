/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef HYP_DAEMON_H
#define HYP_DAEMON_H

#include <stdbool.h>
#include <json-c/json.h>

#include "core/node.h"

struct daemon {
	struct node *node;
	int listen_fd;
	bool stop; /* a request asked the loop to end */
	bool torn_down;
	int reconcile_ms;
};

/* Runs one API request; returns the reply. */
json_object *daemon_dispatch(struct daemon *d, json_object *req);
int daemon_serve(struct daemon *d);

/* CNI plugin commands (cni_handlers.c) */
json_object *do_cni_add(struct daemon *d, json_object *args);
json_object *do_cni_del(struct daemon *d, json_object *args);
json_object *do_cni_check(struct daemon *d, json_object *args);
json_object *do_cni_gc(struct daemon *d, json_object *args);
json_object *do_cni_status(struct daemon *d, json_object *args);

/* Policy commands (policy_handlers.c) */
json_object *do_policy_apply(struct daemon *d, json_object *args);
json_object *do_policy_delete(struct daemon *d, json_object *args);
json_object *do_policy_list(struct daemon *d, json_object *args);
json_object *do_policy_show(struct daemon *d, json_object *args);
json_object *do_policy_trace(struct daemon *d, json_object *args);

#endif
