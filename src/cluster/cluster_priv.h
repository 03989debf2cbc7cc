/* SPDX-License-Identifier: GPL-2.0-only */
/* Inside the cluster module (src/cluster/). */
#ifndef HYP_CLUSTER_PRIV_H
#define HYP_CLUSTER_PRIV_H

#include <pthread.h>

#include "cluster/cluster.h"
#include "cluster/etcd.h"

struct cluster_pub {
	char *key, *value;
};

struct cluster_idl {
	uint32_t id;
	char *labels;
};

#define HYP_CLUSTER_P_EP HYP_CLUSTER_PREFIX "endpoints/"

/* A remote endpoint: keyed by ip, or by ip6 when ip is 0 (IPv6-only). */
struct cluster_rep {
	uint32_t ip; /* network order */
	uint32_t identity, node;
	uint8_t ip6[16];
	bool has_ip6;
};

/* What the node keeps in its state directory (cluster.json, 0600). */
struct cluster_record {
	char node[64];
	uint32_t id;
	struct cidr4 block;
	struct cidr6 block6; /* prefix 0: none */
	uint8_t sk[HYP_CLUSTER_KEY_LEN], pk[HYP_CLUSTER_KEY_LEN];
	uint8_t prev_sk[HYP_CLUSTER_KEY_LEN], prev_pk[HYP_CLUSTER_KEY_LEN];
	bool has_prev;
	uint32_t key_epoch;
	int64_t key_time;
};

struct cluster {
	char endpoints[1024];
	char state_path[320];
	char addr_str[32];
	uint32_t addr;
	int timeout_ms;
	struct cluster_record rec;
	struct cidr6 pool6; /* the cluster's, as read at join (prefix 0: none, or not read) */
	struct cluster_hooks hooks;
	pthread_mutex_t lock; /* everything below, and rec once the threads run */
	int64_t lease;
	int64_t lease_ttl;
	bool registered;   /* the node record is in etcd under a live lease */
	bool connected;	   /* the last call to etcd succeeded */
	int64_t change_ms; /* when connected last changed (CLOCK_REALTIME ms) */
	char last_error[160];
	uint64_t reconnects;
	int64_t watch_rev;
	struct cluster_peer peers[HYP_CLUSTER_MAX_NODES];
	uint8_t peer_key[HYP_CLUSTER_MAX_NODES][16];
	int npeers;
	/* the daemon thread's etcd handle (identities, publishing) */
	struct etcd *em;
	/* what publish_local last wrote, and under which lease */
	struct cluster_pub *pub;
	size_t npub;
	int64_t pub_lease;
	/* identities without users at the last gc pass */
	uint32_t *gc_marked;
	size_t ngc_marked;
	/* remote endpoints (watch) */
	struct cluster_rep *reps;
	size_t nreps, capreps;
	uint32_t nidentities; /* identities/ids/ keys seen by the watch */
	struct cluster_idl *idl; /* their labels */
	size_t nidl;
	/* events for the daemon's thread */
	int evfd;
	struct cluster_ev *evq;
	size_t nev, capev;
	bool resyncing;
	json_object *resync_pol, *resync_ns;
	volatile bool stop;
	bool started;
	pthread_t t_keep, t_watch;
};

int64_t cluster_now_ms(void);
void cidr4_format(const struct cidr4 *c, char *buf, size_t len);
/* "" for none */
void cluster_block6_format(const struct cidr6 *c, char *buf, size_t len);
/* Optional member key of o: absent -> none; present: a /64 or -EPROTO. */
int cluster_block6_get(json_object *o, const char *key, struct cidr6 *out);
/* Record file: -ENOENT when the node never joined here. */
int cluster_record_load(const char *path, struct cluster_record *r);
int cluster_record_save(const char *path, const struct cluster_record *r);
int cluster_keypair(uint8_t sk[32], uint8_t pk[32]);
/* The node's JSON for nodes/NAME. */
char *cluster_node_value(struct cluster *c);
/* Grants a lease and writes nodes/NAME under it (caller holds no lock). */
int cluster_register(struct cluster *c, struct etcd *e);
void cluster_set_conn(struct cluster *c, int err, const char *what);
int cluster_parse_node(const char *json, struct cluster_peer *p);
/* agent.c: one event of the watch (an etcd_watch_cb; arg is the cluster). */
int cluster_watch_event(const struct etcd_event *ev, void *arg);
void cluster_msleep(struct cluster *c, int ms);
/* Recomputes the pair keys of every peer and calls the hooks (lock held). */
void cluster_rekey_peers(struct cluster *c, const uint8_t old_sk[32], const uint8_t old_pk[32]);

/* state.c: a watched key under the prefix (lock held); resync brackets a full listing. */
void cluster_state_event(struct cluster *c, const struct etcd_event *ev);
void cluster_resync_begin(struct cluster *c);
void cluster_resync_end(struct cluster *c);
void cluster_ev_push(struct cluster *c, enum cluster_ev_kind k, const char *ref, const char *value);
void cluster_state_free(struct cluster *c);
/* Queues one policy recompile (lock held). */
void cluster_recompile(struct cluster *c);

/* endpoints.c (lock held): an endpoints/ key; every remote endpoint to the hooks after a
 * listing; a node that left takes its endpoints along. */
void cluster_ep_event(struct cluster *c, const struct etcd_event *ev);
void cluster_eps_all(struct cluster *c);
void cluster_reps_drop_node(struct cluster *c, uint32_t node);
/* 0 when ip6 is a unicast address (not the subnet's anycast ::) inside block6, a /64. */
int cluster_ep_ip6_check(const struct cidr6 *block6, const uint8_t ip6[16]);

#endif
