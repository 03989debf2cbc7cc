/* SPDX-License-Identifier: GPL-2.0-only */
/* Internals of the node, shared by its source files. */
#ifndef HYP_NODE_PRIV_H
#define HYP_NODE_PRIV_H

#include "backend/backend.h"
#include "core/node.h"
#include "core/node_monitor.h"
#include "lib/pool.h"
#include "lib/pool6.h"

#define SNIC_F_NO_GUARD 0x1
#define SNIC_F_ROUTED	0x2 /* routed mode (no SNAT to the outside) */
#define SNIC_F_HOST	0x4 /* the host endpoint (node_host.c): identity HYP_ID_HOST */

struct node {
	struct hyp_paths paths;
	struct hyp_domain_cfg dom;
	const struct hyp_backend_ops *be;
	void *bep;
	struct store *st;
	struct pool *pool;
	struct pool6 *pool6; /* NULL: no IPv6 (--pool6 none) */
	struct cidr4 net;
	bool guard;
	bool policy_loaded; /* the datapath runs this daemon's compile */
	uint32_t ct_live;
	struct insp_state *insp; /* live DFAs and recent alerts */
	struct mon_state *mon;	 /* flow events (node_monitor.c) */
	struct pol_cache *pcache; /* parsed NetworkPolicies by stored text */
	struct pol_inc *pinc;	  /* the last compile, per document (pol_inc_compile) */
	/* the endpoint arrays of the last policy world, kept for the next: a new
	 * 12 KB label set per endpoint per compile was copied and paged in anew
	 * on every SNIC add (node_policy.c) */
	struct node_world_bufs {
		void *eps, *labels, *ports, *names;
		size_t cap;
	} wbufs;
	int64_t rc_cursor; /* the last SNIC a reconcile step checked (0: a new pass) */
	bool events_dirty;	 /* alerts not yet saved */
	/* cluster: where label sets get their numbers (NULL: this node's store) */
	node_ident_fn ident_fn;
	void *ident_arg;
	node_remote_fn remote_fn;
	void *remote_arg;
};

void node_inspect_free(struct node *n);
void node_world_bufs_free(struct node *n);
/* Releases a SNIC: its datapath, record, addresses (node.c). */
int node_remove_snic(struct node *n, const struct snic_rec *r);
struct node_ids {
	int64_t *v;
	size_t n, cap;
};
/* The ids of every SNIC (*ids->v freed by the caller). */
int node_snic_ids(struct node *n, struct node_ids *ids);

/* node_policy_cache.c: parsed NetworkPolicies keyed by their stored text. */
struct pol_doc;
struct errmsg;
int node_pol_cache_begin(struct node *n);
int node_pol_cache_end(struct node *n);
int node_pol_cache_get(struct node *n, const char *text, struct pol_doc **out,
		       struct errmsg *em);
void node_pol_cache_free(struct node *n);
size_t node_pol_cache_size(const struct node *n); /* documents held */

/* node_policy_parse.c: the documents of one policy apply. */
struct insp_doc;
struct parsed {
	struct pol_doc **net;
	size_t n_net;
	struct insp_doc **insp;
	size_t n_insp;
};

int node_parse_all(const char *text, size_t len, struct parsed *p, struct errmsg *em);
void node_parsed_free(struct parsed *p);

/* node_events.c: the recent inspection events, kept in the state directory. */
json_object *node_events_load(const struct node *n);
int node_events_save(const struct node *n, json_object *events);
const char *node_proto_name(uint8_t proto, char *buf, size_t len);
const char *node_wall_time(uint64_t mono_ns, char *buf, size_t len);
json_object *node_inspect_usage_json(struct node *n); /* for status */

/* node_namespace.c: the administrator's namespace labels, for the policy compiler. */
struct node_ns {
	struct pol_namespace *v;
	size_t n;
	char (*names)[LABEL_VAL_MAX + 1]; /* storage of v[i].name */
	struct labels *labels;		  /* storage of v[i].labels */
};

int node_ns_load(struct node *n, struct node_ns *out);
void node_ns_free(struct node_ns *s);

/* node_uplink.c: at start, the options' uplink (an error fails the start, and a
 * fresh domain is removed again), else the stored one taken again. */
/* node_uplink6.c: the uplink's IPv6 address and gateway (routed) */
int node_uplink6_parse(const struct node *n, const struct uplink_req *req,
		       struct hyp_uplink_spec *s, struct errmsg *em);
void node_uplink6_format(const struct hyp_uplink_spec *s, char *buf, size_t len);
void node_uplink6_json(const struct hyp_uplink_info *u, json_object *o);
int node_uplink_start(struct node *n, const struct node_opts *o, bool fresh, struct errmsg *em);

/* node_publish.c: the backend's table of published ports loaded from the store. */
int node_publish_sync(struct node *n, struct errmsg *em);
/* "HOSTPORT:PORT[/tcp|udp]" */
int node_publish_parse(const char *m, struct pub_rec *r);

/* node_purge.c: state, socket, lock; the shared parents after the last instance. */
void node_files_remove(const struct hyp_paths *p);

/* node_policy_undo.c: the documents an apply replaced, to put back when
 * the datapath refuses the set after the commit. */
struct doc_undo_ent {
	enum store_doc_kind kind;
	char *ns, *name;
	char *old; /* the stored text before, NULL: there was none */
};
struct doc_undo {
	struct doc_undo_ent *v;
	size_t n;
};
int doc_undo_add(struct node *n, struct doc_undo *u, enum store_doc_kind kind, const char *ns,
		 const char *name);
int doc_undo_apply(struct node *n, const struct doc_undo *u);
void doc_undo_free(struct doc_undo *u);

/* node_ip6.c: dual stack */
int node_pool6_open(struct node *n, const struct node_opts *o, struct errmsg *em);
int node_pick_ip6(struct node *n, const struct snic_req *req, struct snic_rec *r,
		  struct errmsg *em);
void node_release_ip6(struct node *n, const struct snic_rec *r);
void node_ip6_json(const struct node *n, const struct snic_rec *r, json_object *o);
void node_pool6_status_json(const struct node *n, json_object *o);
/* Addresses the pool6 still has (at most UINT32_MAX): an IPv6-only instance's room. */
uint32_t node_addresses6_free(const struct node *n);
/* policy trace (node_policy6.c): ref is ep's IPv6 address */
struct pol_endpoint;
bool node_ep_has_ip6(const struct pol_endpoint *ep, const char *ref);
/* trace: an IPv6 address outside the pool6 is the world (NULL: it is not) */
const struct pol_endpoint *node_world_ep6(const struct node *n, const char *ref,
					  struct pol_endpoint *out);
/* An IPv6 address given for either end makes the traced flow IPv6: both
 * ends are then copied into ws / wd with v6 set (-EINVAL when one has no IPv6). */
int node_trace_family(const char *src, const char *dst, const struct pol_endpoint **s,
		      const struct pol_endpoint **d, struct pol_endpoint *ws,
		      struct pol_endpoint *wd, struct errmsg *em);
void node_ep_ip6_json(const struct pol_endpoint *e, json_object *o);

void node_spec_from_rec(const struct node *n, const struct snic_rec *r, struct hyp_snic_spec *s,
			struct hyp_snic_hw *hw);

/* node_host.c: reconcile remakes the host endpoint's port */
int node_host_rebuild(struct node *n, const struct snic_rec *r, struct hyp_snic_hw *hw);

#endif
