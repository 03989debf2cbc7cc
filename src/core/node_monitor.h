/* SPDX-License-Identifier: GPL-2.0-only */
/* The node's side of flow events (node_monitor.c), for its other files. */
#ifndef HYP_NODE_MONITOR_H
#define HYP_NODE_MONITOR_H

#include "hyperion/abi.h"
#include "backend/backend.h"
#include "core/monitor.h"

struct node;
struct snic_rec;
struct pol_rule_ref;

/* Inspection matches by policy and action, for metrics (bounded). */
#define MON_MATCH_POLICIES 64
struct mon_match {
	char policy[128];
	uint8_t action;
	uint64_t n;
};

struct mon_ep {
	int64_t id;
	uint32_t ip, port_ifindex, identity;
	uint8_t ip6[16]; /* network order, zero: no IPv6 */
	char name[MON_NAME_MAX], ns[MON_NAME_MAX];
	char *labels; /* canonical */
};

struct mon_state {
	struct mon_event *ring; /* MON_HISTORY, by seq % MON_HISTORY */
	uint64_t seq;		/* of the newest event, 0: none yet */
	struct mon_ep *eps;
	size_t n_eps, cap_eps;
	bool dirty;
	int64_t refreshed_ms;
	char node[64];
	uint64_t by_type[__HYP_EV_MAX];
	uint64_t by_verdict[__MON_V_MAX];
	struct mon_match matches[MON_MATCH_POLICIES];
	size_t n_matches;
	uint64_t matches_other;	    /* past MON_MATCH_POLICIES policies */
	struct pol_rule_ref *rules; /* of the rule set loaded last */
	size_t n_rules;
	/* policy compile and load: count and seconds, in total */
	uint64_t policy_syncs;
	double compile_s, load_s;
};

int node_monitor_init(struct node *n);
/* For status: events sent, kept and lost (by cause). */
json_object *node_monitor_status_json(struct node *n);
void node_monitor_free(struct node *n);
/* SNIC lifecycle: type HYP_EV_SNIC_ADD / HYP_EV_SNIC_DEL. */
void node_monitor_snic(struct node *n, const struct snic_rec *r, uint8_t type);
/* An inspection alert, named by node_inspect.c. */
void node_monitor_alert(struct node *n, const struct hyp_inspect_alert *a, const char *policy,
			const char *pattern);
/* The rules of the rule set just loaded (copied), and how long it took. */
void node_monitor_rules(struct node *n, const struct pol_rule_ref *rules, size_t n_rules,
			double compile_s, double load_s);
/* An identity's canonical labels ("" unknown): a mon_labels_fn, ctx the node. */
const char *node_monitor_labels(uint32_t identity, void *ctx);
/* The SNIC of a bridge port (NULL: none known). */
const struct mon_ep *node_monitor_ep_by_port(struct node *n, uint32_t port_ifindex);
const struct mon_ep *node_monitor_ep_by_id(struct node *n, int64_t snic_id);

#endif
