/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The control plane of one instance: store, address pool, identities and
 * the backend. hyperiond serves it over the API; hyperctl uses only
 * node__purge(), for a teardown without the daemon.
 */
#ifndef HYP_NODE_H
#define HYP_NODE_H

#include <stdbool.h>
#include <json-c/json.h>

#include "backend/backend.h"
#include "core/cni_attach.h"
#include "core/monitor.h"
#include "core/paths.h"
#include "lib/addr.h"
#include "lib/errmsg.h"
#include "lib/identity.h"
#include "lib/labels.h"
#include "lib/named_ports.h"
#include "lib/store.h"

#define HYP_DEFAULT_POOL "10.240.0.0/16"

struct node_opts {
	char instance[32];
	struct cidr4 pool;
	bool pool_set;
	bool pool_none;	   /* --pool none: no IPv4 pool, every SNIC IPv6-only (needs a pool6) */
	const char *pool6; /* --pool6: an IPv6 CIDR, "none", NULL: a new ULA /64 at creation */
	bool no_guard;	   /* benchmarks only: no guard, no stamp */
	uint32_t ct_quota; /* conntrack entries one endpoint may hold; 0: the default */
	bool overlay;	   /* a cluster node: SNICs without GSO (docs/cluster.md) */
	uint32_t big_tcp;  /* BIG TCP size for every SNIC; 0: off */
	const char *backend;
	struct hyp_event_settings events; /* flow events of the datapath */
	/* hyperiond --uplink IFNAME --uplink-addr CIDR [--uplink-gateway IP] */
	const char *uplink, *uplink_addr, *uplink_gw;
	const char *uplink_addr6, *uplink_gw6; /* --uplink-addr6 CIDR [--uplink-gateway6 IP] */
};

struct snic_req {
	const char *name;
	const char *netns;
	const char *ifname; /* NULL: eth0 */
	const char *ip;	    /* NULL: from the pool */
	const char *ip6;    /* NULL: from the IPv6 pool (when the instance has one) */
	int family;	    /* 0: each family the instance has; 4 or 6: only that one */
	struct labels labels;
	const char *owner; /* NULL or a CNI attachment key */
	/* the named ports it declares */
	struct named_ports ports;
	bool routed; /* routed mode: to the outside with its own address, no SNAT */
	bool host;   /* the host endpoint (node__host_enable): host netns, HYP_ID_HOST */
};

struct node;

int node__open(const struct node_opts *o, bool create, struct node **out, struct errmsg *em);
void node__close(struct node *n);
const struct hyp_paths *node__paths(const struct node *n);
/* "KEY VALUE, ..." of what locates the backend's domain (for messages). */
void node__domain_describe(const struct node *n, char *buf, size_t len);

int node__snic_add(struct node *n, const struct snic_req *req, struct snic_rec *out,
		   struct errmsg *em);
int node__snic_del(struct node *n, const char *name, struct errmsg *em);
int node__snic_get(struct node *n, const char *name, struct snic_rec *out, struct errmsg *em);
/* Verifies interface, address, route and table entries of a SNIC. */
int node__snic_check(struct node *n, const char *name, struct errmsg *em);
json_object *node__snic_json(const struct node *n, const struct snic_rec *r);
json_object *node__snic_list_json(struct node *n);
json_object *node__status_json(struct node *n);

/* Policies (node_policy.c). REF is NAME or NAMESPACE/NAME. */
/* Parses every document of text; all are applied or none. */
int node__policy_apply(struct node *n, const char *text, size_t len, json_object **applied,
		       struct errmsg *em);
/* ref: [KIND/][NAMESPACE/]NAME (KIND networkpolicy or inspectionpolicy); *deleted
 * is {kind, namespace, name} of what was deleted. */
int node__policy_delete(struct node *n, const char *ref, json_object **deleted, struct errmsg *em);
json_object *node__policy_list_json(struct node *n);
int node__policy_show(struct node *n, const char *ref, json_object **out, struct errmsg *em);
/* Explains the verdict for a new flow SRC -> DST (SNIC names or IPs). */
int node__policy_trace(struct node *n, const char *src, const char *dst, const char *proto,
		       const char *port, json_object **out, struct errmsg *em);
/* Recompiles policies against the current endpoints and loads them. */
int node__policy_sync(struct node *n, struct errmsg *em);
/* Same for inspection policies: one DFA per inspected identity and direction. */
int node__inspect_sync(struct node *n, struct errmsg *em);
/* Compile only, loading nothing: does the store's set fit (policy apply
 * checks before it commits, and loads after: a crash never leaves the
 * datapath enforcing a set the store does not hold). */
int node__policy_check(struct node *n, struct errmsg *em);
int node__inspect_check(struct node *n, struct errmsg *em);
/* Reads pending inspection alerts into the log and the recent-events list. */
int node__inspect_poll(struct node *n);
int node__inspect_event_fd(struct node *n);
json_object *node__events_json(struct node *n);

/* Flow events (node_monitor.c, docs/observability.md). */
int node__monitor_poll(struct node *n); /* reads the datapath's pending events */
int node__monitor_fd(struct node *n);	/* polls readable when some are pending */
/* The events with seq > after that f lets through: the last `last` (0: all),
 * oldest first; *newest (may be NULL): the newest seq kept. */
json_object *node__monitor_json(struct node *n, const struct mon_filter *f, uint64_t after,
				size_t last, uint64_t *newest);
struct mon_state;
const struct mon_state *node__monitor_state(struct node *n);
/* The page's graph: endpoints and the flows between them (ns "": all). */
json_object *node__monitor_graph_json(struct node *n, const char *ns);
/* The Prometheus exposition of the node's metrics (malloc'd; endpoints:
 * per-endpoint series too). */
char *node__metrics_text(struct node *n, bool endpoints, size_t *len);

/*
 * Namespace labels (node_namespace.c): the administrator's, what a
 * namespaceSelector matches besides kubernetes.io/metadata.name (which
 * cannot be set). Each change recompiles the policies; all or nothing.
 */
int node__ns_label(struct node *n, const char *ns, const struct labels *set, struct errmsg *em);
/* -ENOENT (nothing changed) when ns lacks one of the keys. */
int node__ns_unlabel(struct node *n, const char *ns, const char *const *keys, size_t nkeys,
		     struct errmsg *em);
/* [{name, snics, labels}] of every namespace with SNICs or labels, by name. */
json_object *node__ns_list_json(struct node *n);

/* The uplink (node_uplink.c): the NIC's port to the outside, kept in the store. */
struct uplink_req {
	const char *ifname;
	const char *addr;    /* A.B.C.D/P: the uplink address */
	const char *gateway; /* NULL or "": none (outside peers on the subnet only) */
	const char *addr6;    /* NULL or "": no IPv6; ADDR/P: routed IPv6 */
	const char *gateway6; /* NULL or "": none; link-local or in addr6's subnet */
};

/* Refused with nothing changed: a bad name or address, an address overlapping
 * the pool, an unknown or busy interface, another uplink already set. */
int node__uplink_set(struct node *n, const struct uplink_req *req, struct errmsg *em);
/* Gives the interface back to the host netns as it was found. */
int node__uplink_clear(struct node *n, struct errmsg *em);
/* {} when there is none. */
json_object *node__uplink_json(struct node *n);

/* The host endpoint (node_host.c), off by default: one SNIC-like port in the
 * host netns with identity HYP_ID_HOST, a pool address, no default route. */
int node__host_enable(struct node *n, const char *ifname, struct errmsg *em);
int node__host_disable(struct node *n, struct errmsg *em);
/* {} when disabled */
json_object *node__host_json(struct node *n);

/*
 * Cluster (hyperiond --cluster): fn gives a label set its cluster-wide
 * number, or fails (the SNIC add fails with its message, nothing made).
 */
typedef int (*node_ident_fn)(void *arg, const char *labels, uint32_t *id, struct errmsg *em);
void node__set_ident_source(struct node *n, node_ident_fn fn, void *arg);
/* Other nodes' endpoints, for the policy compiler (their identities' labels select them). */
typedef int (*node_remote_fn)(void *arg, store_snic_cb cb, void *ctx);
void node__set_remote_source(struct node *n, node_remote_fn fn, void *arg);
/* The overlay datapath (node_cluster.c): loaded once, then placed and filled. */
int node__ovl_enable(struct node *n, struct errmsg *em);
int node__ovl_self(struct node *n, uint32_t node_id, uint32_t flags);
int node__ovl_peer_set(struct node *n, uint32_t node_id, const struct hyp_ovl_peer *p);
/* backend.h ovl_seq: the first sequence number for new peers, the highest sent */
int node__ovl_seq(struct node *n, uint64_t floor, uint64_t *max);
int node__ovl_peer_del(struct node *n, uint32_t node_id);
int node__ovl_route6_set(struct node *n, uint32_t node_id, const uint8_t net[16], uint8_t prefix);
int node__ovl_ep_set(struct node *n, uint32_t ip, uint32_t identity, uint32_t node_id);
int node__ovl_ep_del(struct node *n, uint32_t ip);
int node__ovl_ep6_set(struct node *n, const struct hyp_ep6_key *ip, uint32_t identity,
		      uint32_t node_id);
int node__ovl_ep6_del(struct node *n, const struct hyp_ep6_key *ip);
int node__ovl_eps6_replace(struct node *n, const struct hyp_ep6_key *ip, const struct hyp_ovl_ep *v,
			   size_t count);
int node__ovl_eps_replace(struct node *n, const uint32_t *ip, const struct hyp_ovl_ep *v,
			  size_t count);
/* The SNICs' addresses and identities, for publishing: cb per SNIC. */
int node__snic_foreach(struct node *n, store_snic_cb cb, void *ctx);
/* Published ports (node_publish.c): uplink-addr:HOSTPORT/proto -> SNIC:PORT. */
/* mapping "HOSTPORT:PORT[/tcp|udp]"; refused when the port or the SNIC's port is taken. */
int node__publish_add(struct node *n, const char *snic, const char *mapping, struct errmsg *em);
/* spec "HOSTPORT[/tcp|udp]" */
int node__publish_del(struct node *n, const char *spec, struct errmsg *em);
/*
 * Whether a publication of mapping on host_ip (NULL, "" or 0.0.0.0: the
 * uplink address) could be made, before its SNIC exists: the mapping's
 * syntax, an uplink, host_ip its address, the port not yet published.
 */
int node__publish_check(struct node *n, const char *mapping, const char *host_ip,
			struct errmsg *em);
json_object *node__publish_list_json(struct node *n);

/* Removes SNICs whose port is gone, repairs the rest, sweeps strays. */
int node__reconcile(struct node *n);
/*
 * One step of it: the SNICs after the last step's, for about budget_ms,
 * and the node-wide part; after a step that reached the last SNIC (a whole
 * pass), the strays are swept.
 */
int node__reconcile_step(struct node *n, int budget_ms);
/* Removes everything the instance created. The node is closed after. */
int node__teardown(struct node *n);
/*
 * The same, SNIC by SNIC (each one's record goes with it), asking stop(arg)
 * before each: when it says so, -EINTR and em says what is left; the
 * instance is then whole (what remains is recorded), the node still open.
 */
typedef bool (*node_stop_fn)(void *arg);
int node__teardown_until(struct node *n, node_stop_fn stop, void *arg, struct errmsg *em);
/*
 * Removes everything the instance made from its names alone, without
 * opening it (nothing of the datapath is loaded): the backend's domain
 * (bridge netns, ports and so SNICs, pins), state, socket, lock. For a
 * teardown without the daemon (node_purge.c links no store, no BPF).
 */
int node__purge(const char *instance);

/*
 * CNI attachments (node_cni.c): an attachment is a SNIC whose owner is the
 * attachment key. Every command returns 0 or a negative errno, and on a
 * failure sets *code to the CNI error code the plugin reports.
 */
/* The SNIC whose owner is exactly owner (a CNI attachment key). */
int node__snic_by_owner(struct node *n, const char *owner, struct snic_rec *out, struct errmsg *em);
/* Calls cb for every SNIC with a non-empty owner starting with prefix. */
int node__snic_foreach_owned(struct node *n, const char *prefix, store_snic_cb cb, void *ctx);
uint32_t node__addresses_free(const struct node *n);
/*
 * ADD (a->netns required): the SNIC's labels are merged from src
 * (lib/identity.h: a reserved key from the pod fails with -EPERM, code
 * CNI_ERR_RESERVED); a live attachment with the key fails with -EEXIST;
 * a stale one (its netns is gone) is released first. ports (NULL: none):
 * the named ports the SNIC declares. pub (NULL: none): the runtime's
 * port mappings, published with the SNIC (node__publish_add) or the ADD
 * fails with CNI_ERR_PUBLISH and leaves nothing.
 */
#define CNI_PUBLISH_MAX 64
struct cni_publish {
	size_t n;
	struct {
		const char *mapping; /* HOSTPORT:PORT/proto */
		const char *host_ip; /* NULL, "", 0.0.0.0 or the uplink address */
	} m[CNI_PUBLISH_MAX];
};

int node__cni_add(struct node *n, const struct cni_attachment *a, const struct ident_sources *src,
		  const struct named_ports *ports, const struct cni_publish *pub,
		  struct snic_rec *out, int *code, struct errmsg *em);
/* DEL, idempotent: *released false (and 0) when there is no such attachment. */
int node__cni_del(struct node *n, const struct cni_attachment *a, struct snic_rec *out,
		  bool *released, int *code, struct errmsg *em);
/* CHECK (a->netns required): the attachment, its netns and its SNIC as ADD left them. */
int node__cni_check(struct node *n, const struct cni_attachment *a, struct snic_rec *out, int *code,
		    struct errmsg *em);

/* One attachment the runtime still uses, for GC. */
struct cni_gc_valid {
	const char *cid, *ifname;
};

/*
 * GC of one network: removes its attachments not in valid (an entry that
 * names no attachment we could have made is skipped), going on past a
 * failure, then reconciles the datapath. *removed: how many went.
 */
int node__cni_gc(struct node *n, const char *network, const struct cni_gc_valid *valid,
		 size_t nvalid, int *removed, int *code, struct errmsg *em);

struct cni_status {
	bool ready; /* an ADD can succeed: the pool has room */
	uint32_t addresses_free;
	const char *reason; /* when not ready */
};

void node__cni_status(struct node *n, struct cni_status *out);

#endif
