/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef HYP_DAEMON_H
#define HYP_DAEMON_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>
#include <json-c/json.h>

#include "cluster/cluster.h"
#include "core/node.h"

struct daemon {
	struct node *node;
	int listen_fd;
	bool stop; /* a request asked the loop to end */
	bool torn_down;
	int reconcile_ms;
	/* API access: root, and members of this group when set (--api-group) */
	bool api_group_set;
	gid_t api_gid;
	char api_group[64];
	uint64_t api_refused;	/* clients refused for their credentials */
	uint64_t api_timed_out; /* clients dropped at their deadline */
	/* --cluster: this node's membership (NULL: a single node) */
	struct cluster_opts cluster_opts;
	struct cluster *cluster;
};

/* Helpers of the command handlers (handlers.c). */
/* A string argument, NULL when absent or not a string. */
const char *daemon_arg_str(json_object *args, const char *key);
/* api_err with em's message when err, else api_ok(result). */
json_object *daemon_reply(int err, const struct errmsg *em, json_object *result);
/* args.labels: an object of label strings. */
int daemon_parse_labels(json_object *args, struct labels *ls, struct errmsg *em);
/* args.named_ports: ["NAME=PORT[/tcp|udp|sctp]", ...] (lib/named_ports.h); absent: none. */
int daemon_parse_named_ports(json_object *args, struct named_ports *np, struct errmsg *em);
/* The same for args[key]. */
int daemon_parse_labels_at(json_object *args, const char *key, struct labels *ls,
			   struct errmsg *em);

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

/* Namespace labels (namespace_handlers.c) */
json_object *do_namespace_label(struct daemon *d, json_object *args);
json_object *do_namespace_unlabel(struct daemon *d, json_object *args);
json_object *do_namespace_list(struct daemon *d, json_object *args);

/* Cluster (cluster_handlers.c) */
/* Joins before the instance opens: sets o->pool to the node's block. */
int daemon_cluster_join(struct daemon *d, struct node_opts *o, struct errmsg *em);
int daemon_cluster_start(struct daemon *d);
json_object *do_cluster_status(struct daemon *d, json_object *args);
json_object *do_cluster_rotate_key(struct daemon *d, json_object *args);

#endif
