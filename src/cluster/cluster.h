/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A node of a cluster (docs/cluster.md). hyperiond --cluster ENDPOINTS
 * --node NAME joins before it opens its instance: it reads the cluster's
 * pool from etcd, takes (or takes back) the node's number and address
 * block with transactions, loads or makes the node's X25519 key pair, and
 * registers the node under a lease. Then two threads keep the lease alive
 * and watch the other nodes into a local cache, which is what the rest of
 * the daemon reads: nothing on the packet path waits on etcd.
 *
 * etcd layout (prefix HYP_CLUSTER_PREFIX):
 *   config              {"pool": CIDR, "block_prefix": N[, "pool6": CIDR6]}   cluster init
 *   blocks/A.B.C.D-N    node name                              kept until the node is removed
 *   blocks6/ADDR6-64    node name (a /64 of pool6)             kept until the node is removed
 *   ids/N               node name                              node numbers 1..HYP_CLUSTER_MAX_ID
 *   nodes/NAME          {name, id, addr, pubkey, block[, block6], key_epoch, key_time}  (lease)
 */
#ifndef HYP_CLUSTER_H
#define HYP_CLUSTER_H

#include <stdbool.h>
#include <stdint.h>
#include <json-c/json.h>

#include "lib/addr.h"
#include "lib/addr6.h"
#include "lib/errmsg.h"

#define HYP_CLUSTER_PREFIX	 "/hyperion/"
#define HYP_CLUSTER_MAX_ID	 4095
#define HYP_CLUSTER_LEASE_TTL	 10 /* seconds: a dead node's entries go after this */
#define HYP_CLUSTER_MAX_NODES	 256
#define HYP_CLUSTER_KEY_LEN	 32 /* X25519 */
#define HYP_CLUSTER_DEFAULT_BLOCK 24
#define HYP_CLUSTER_BLOCK6	 64 /* each node's IPv6 block */
#define HYP_CLUSTER_POOL6_MIN	 16 /* the cluster pool6's shortest prefix */
#define HYP_CLUSTER_MAX_IDENTITY 0xfffff /* the overlay marks carry 20 bits */

struct cluster;

struct cluster_opts {
	const char *endpoints;
	const char *node;      /* this node's name */
	const char *addr;      /* the address other nodes send overlay traffic to */
	const char *state_dir; /* where the key pair is kept (0600) */
	int etcd_timeout_ms;
};

/* A peer as the cache holds it. */
struct cluster_peer {
	char name[64];
	uint32_t id;
	uint32_t addr; /* network order */
	struct cidr4 block;
	struct cidr6 block6; /* prefix 0: none (an IPv4-only cluster, or an old record) */
	uint8_t pubkey[HYP_CLUSTER_KEY_LEN];
	uint32_t key_epoch;
	int64_t key_time;
	bool alive; /* registered under a live lease */
};

/* Hooks the daemon gives: a peer appeared/changed or went (called from the watch thread). */
struct cluster_hooks {
	void (*peer_up)(void *arg, const struct cluster_peer *p, const uint8_t pair_key[16],
			const uint8_t prev_pair_key[16]);
	void (*peer_down)(void *arg, const struct cluster_peer *p);
	/* another node's endpoint (ip in network order) appeared, changed or went */
	void (*ep_set)(void *arg, uint32_t ip, uint32_t identity, uint32_t node);
	void (*ep_del)(void *arg, uint32_t ip);
	/* after a full listing: every remote endpoint (ip[i], identity[i], node[i]) */
	void (*eps_all)(void *arg, const uint32_t *ip, const uint32_t *identity,
			const uint32_t *node, size_t n);
	/* the same for their IPv6 addresses (hyp_ovl_eps6) */
	void (*ep6_set)(void *arg, const uint8_t ip6[16], uint32_t identity, uint32_t node);
	void (*ep6_del)(void *arg, const uint8_t ip6[16]);
	void (*eps6_all)(void *arg, const uint8_t (*ip6)[16], const uint32_t *identity,
			 const uint32_t *node, size_t n);
	void *arg;
};

/*
 * Joins: the block this node allocates from in *block, its IPv6 block in
 * *block6 (prefix 0 when the cluster has no pool6). Fails (changing
 * nothing in etcd) when the cluster is not initialised, the name is
 * taken by a live node, or the pool is full. When etcd cannot be reached
 * and the node joined before, the block and number recorded in the state
 * directory are used and the registration is retried in the background.
 */
int cluster__join(const struct cluster_opts *o, struct cidr4 *block, struct cidr6 *block6,
		  struct cluster **out, struct errmsg *em);
int cluster__start(struct cluster *c, const struct cluster_hooks *h);
/* Stops the threads; the registration stays until its lease expires. */
void cluster__close(struct cluster *c);
uint32_t cluster__node_id(const struct cluster *c);
json_object *cluster__status_json(struct cluster *c);
/* A new key pair; peers derive new pair keys; the previous one is still accepted. */
int cluster__rotate_key(struct cluster *c, struct errmsg *em);

/*
 * Cluster-wide state (state.c, ids.c). More etcd keys:
 *   identities/labels/B64(LABELS) -> ID, identities/ids/ID -> LABELS
 *   identities/users/ID/NODE      (under the node's lease: who uses it)
 *   endpoints/IP                  {node, identity, name[, ip6]} (under the lease)
 *   endpoints/IP6                 the same, for an endpoint without IPv4
 *   policies/KIND/NS/NAME         {origin, doc}
 *   nslabels/NS                   {origin, labels}
 * Calls below run on the daemon's thread; they block at most the etcd
 * timeout and fail closed (-ENOTCONN, message in em) when etcd is away.
 */
/* The cluster-wide number of a label set: found, or allocated by transaction. */
int cluster__identity(struct cluster *c, const char *labels, uint32_t *id, struct errmsg *em);
/* Removes identities no node uses (two passes apart, so a new user is not raced). */
int cluster__identity_gc(struct cluster *c);

struct cluster_local_ep {
	uint32_t ip; /* network order; 0: IPv6 only */
	uint8_t ip6[16];
	bool has_ip6;
	uint32_t identity;
	char name[64];
};
/* This node's endpoints and the identities they use, published (differences only). */
int cluster__publish_local(struct cluster *c, const struct cluster_local_ep *eps, size_t n);
/* A policy or namespace's labels, for every node: value NULL deletes. dir "policies" or "nslabels". */
int cluster__publish_doc(struct cluster *c, const char *dir, const char *ref, json_object *value,
			 struct errmsg *em);
bool cluster__connected(struct cluster *c);
/* Every remote endpoint whose identity's labels are known: ip host order (0: none),
 * ip6 NULL when it has no IPv6. */
typedef int (*cluster_remote_cb)(uint32_t ip, const uint8_t *ip6, uint32_t identity,
				 const char *labels, void *ctx);
int cluster__foreach_remote(struct cluster *c, cluster_remote_cb cb, void *ctx);

/* What the watch found for the daemon's thread to apply. */
enum cluster_ev_kind {
	CLEV_POLICY_PUT,  /* ref KIND/NS/NAME, value the document (JSON) */
	CLEV_POLICY_DEL,  /* ref */
	CLEV_POLICY_ALL,  /* value: JSON array of every ref in the cluster (after a resync) */
	CLEV_NS_PUT,	  /* ref NS, value the labels object */
	CLEV_NS_DEL,	  /* ref NS */
	CLEV_NS_ALL,	  /* value: JSON array of every NS with labels */
	CLEV_RECOMPILE,	  /* other nodes' endpoints or identities changed: policies again */
};

struct cluster_ev {
	enum cluster_ev_kind kind;
	char ref[256];
	char *value; /* malloc'd or NULL */
};

/* Readable when events wait (eventfd). */
int cluster__event_fd(struct cluster *c);
/* 1: *ev filled (free ev->value), 0: none. */
int cluster__event_next(struct cluster *c, struct cluster_ev *ev);

/*
 * hyperctl cluster init: writes the config once; -EEXIST when it differs.
 * pool6 NULL: IPv4 only. pool6_any: a pool6 was generated here, so an
 * existing config with the same IPv4 pool and any pool6 is accepted.
 */
int cluster__init(const char *endpoints, const struct cidr4 *pool, int block_prefix,
		  const struct cidr6 *pool6, bool pool6_any, struct errmsg *em);
/* A cluster pool6 is unicast, not link-local, loopback or IPv4-mapped, /16../64. */
int cluster_pool6_check(const struct cidr6 *p, struct errmsg *em);

/* hyperctl cluster remove: a node's registration, number and block; -EBUSY while alive. */
int cluster__remove(const char *endpoints, const char *node, bool force, struct errmsg *em);

/* Pair key of two nodes: BLAKE2b(X25519(sk, peer_pk), both public keys in order), 128 bits. */
int cluster_pair_key(const uint8_t sk[32], const uint8_t pk_self[32], const uint8_t pk_peer[32],
		     uint8_t key[16]);

#endif
