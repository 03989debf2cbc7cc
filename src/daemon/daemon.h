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
	char cluster_pool6[64]; /* the node's IPv6 block, the instance's pool6 ("none") */
	uint32_t ovl_flags; /* HYP_OVL_SELF_F_*: --overlay-integrity */
	uint64_t ovl_seq_reserved; /* cluster_seq.c: every sequence number sent is below */
	int64_t started;	/* CLOCK_REALTIME, s */
	struct web *web;	/* --web: NULL when off */
	bool metrics_endpoints; /* --metrics-endpoints: per-endpoint series */
};

/* The web listener (web.c): /metrics, the page, its JSON. Never blocks. */
#define WEB_MAX_CONNS 16
#define WEB_POLLFDS   (WEB_MAX_CONNS + 1)
struct pollfd;
struct web;
/* addr "IP:PORT"; a non-loopback IP needs allow_remote. */
int web_open(const char *addr, bool allow_remote, struct web **out, struct errmsg *em);
void web_close(struct web *w);
/* Fills up to max poll slots (none for NULL); returns how many. */
int web_pollfds(struct web *w, struct pollfd *p, int max);
int web_timeout(struct web *w); /* ms until the next deadline, -1: none */
void web_serve(struct daemon *d, struct pollfd *p, int n);
/* The answer to GET path?query (web_routes.c): status, type, body (malloc'd). */
int web_route(struct daemon *d, const char *path, const char *query, const char **type,
	      char **body, size_t *len);

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

/* Flow events (monitor.c): one reply, or a stream of them (follow) */
json_object *do_monitor(struct daemon *d, json_object *args);
struct mon_stream;
bool monitor_is_follow(json_object *req);
/* The first reply; *out the stream (NULL: the reply is an error). */
json_object *monitor_stream_start(struct daemon *d, json_object *req, struct mon_stream **out);
void monitor_stream_feed(struct daemon *d, struct mon_stream *s);
bool monitor_stream_pending(const struct mon_stream *s);
int monitor_stream_flush(struct mon_stream *s, int fd);
void monitor_stream_free(struct mon_stream *s);

/* Namespace labels (namespace_handlers.c) */
json_object *do_namespace_label(struct daemon *d, json_object *args);
json_object *do_namespace_unlabel(struct daemon *d, json_object *args);
json_object *do_namespace_list(struct daemon *d, json_object *args);

/* Cluster (cluster_handlers.c) */
/* Joins before the instance opens: sets o->pool to the node's block. */
int daemon_cluster_join(struct daemon *d, struct node_opts *o, struct errmsg *em);
int daemon_cluster_start(struct daemon *d);
json_object *do_cluster_status(struct daemon *d, json_object *args);
/* cluster_sync.c */
void daemon_cluster_attach(struct daemon *d);
void daemon_cluster_tick(struct daemon *d);
/* cluster_seq.c: overlay sequence numbers never go back across a restart */
int daemon_cluster_seq_start(struct daemon *d);
void daemon_cluster_seq_tick(struct daemon *d);
void daemon_cluster_events(struct daemon *d);
int daemon_cluster_publish_apply(struct daemon *d, const char *text, json_object *result,
				 struct errmsg *em);
int daemon_cluster_publish_delete(struct daemon *d, json_object *deleted, struct errmsg *em);
int daemon_cluster_publish_ns(struct daemon *d, const char *ns, struct errmsg *em);
json_object *do_cluster_rotate_key(struct daemon *d, json_object *args);
/* The uplink (uplink_handlers.c) */
json_object *do_uplink_set(struct daemon *d, json_object *args);
json_object *do_uplink_show(struct daemon *d, json_object *args);
json_object *do_uplink_clear(struct daemon *d, json_object *args);
/* The host endpoint (host_handlers.c) */
json_object *do_host_enable(struct daemon *d, json_object *args);
json_object *do_host_disable(struct daemon *d, json_object *args);
json_object *do_host_show(struct daemon *d, json_object *args);

/* Published ports (publish_handlers.c) */
json_object *do_publish_add(struct daemon *d, json_object *args);
json_object *do_publish_del(struct daemon *d, json_object *args);
json_object *do_publish_list(struct daemon *d, json_object *args);

#endif
