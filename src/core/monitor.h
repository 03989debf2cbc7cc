/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Flow events as the daemon keeps them (docs/observability.md): each
 * datapath event, inspection alert and SNIC change, named (SNIC,
 * namespace, identity) when it arrives, in a bounded history; and the
 * filters of `hyperctl monitor` (--from, --to, --type, --verdict, --port),
 * applied in the daemon so a follower only gets what it asked for.
 */
#ifndef HYP_CORE_MONITOR_H
#define HYP_CORE_MONITOR_H

#include <stdbool.h>
#include <stdint.h>
#include <json-c/json.h>

#include "lib/addr.h"
#include "lib/addr6.h"
#include "lib/errmsg.h"

#define MON_HISTORY  4096 /* events kept */
#define MON_NAME_MAX 64

enum mon_verdict {
	MON_V_NONE = 0, /* SNIC lifecycle */
	MON_V_ALLOWED,	/* a new flow the policy allowed */
	MON_V_DENIED,	/* dropped by policy */
	MON_V_DROPPED,	/* dropped for any other reason (source, conntrack, ...) */
	MON_V_BLOCKED,	/* dropped by payload inspection */
	MON_V_ALERTED,	/* an inspection alert: the flow goes on */
	__MON_V_MAX,
};

struct mon_end {
	char snic[MON_NAME_MAX]; /* "" when no SNIC has the address */
	char ns[MON_NAME_MAX];
	uint32_t ip; /* host order */
	uint16_t port;
	uint32_t identity;
	bool v6;	 /* an IPv6 end: ip6 (ip 0) */
	uint8_t ip6[16]; /* network order */
};

struct mon_event {
	uint64_t seq;	 /* from 1, never reused */
	int64_t time_ns; /* CLOCK_REALTIME */
	uint8_t type;	 /* HYP_EV_* */
	uint8_t verdict; /* mon_verdict */
	uint8_t proto;
	uint8_t tcp_flags;
	uint8_t stage;	 /* HYP_EV_DROP: HYP_EV_STAGE_BRIDGE or _GUARD */
	uint32_t reason; /* HYP_EV_DROP */
	uint32_t len;
	struct mon_end src, dst;
	char policy[192]; /* what allowed it (rules), or the inspection policy */
	char pattern[64]; /* inspection: the pattern */
	uint32_t nat_addr; /* HYP_EV_NAT: the source the flow leaves with (host order) */
	uint16_t nat_port;
};

enum mon_sel_kind { MON_SEL_NONE = 0, MON_SEL_SNIC, MON_SEL_CIDR, MON_SEL_LABELS };

/* --from / --to: a SNIC name, an IPv4 or IPv6 address or CIDR, or labels k=v[,k=v] */
struct mon_sel {
	enum mon_sel_kind kind;
	char text[256]; /* SNIC name, or "k=v,k=v" */
	struct cidr4 net;
	bool v6; /* MON_SEL_CIDR: net6, not net */
	struct cidr6 net6;
};

struct mon_filter {
	struct mon_sel from, to;
	uint32_t types;	       /* 1 << HYP_EV_*, 0: every type */
	uint32_t verdicts;     /* 1 << mon_verdict, 0: every verdict */
	int port;	       /* either end's port, -1: any */
	char ns[MON_NAME_MAX]; /* either end in this namespace, "": any */
};

/* args: from, to, type ([names] or "a,b"), verdict (same), port, namespace. */
int mon_filter_parse(json_object *args, struct mon_filter *f, struct errmsg *em);
/* labels_of(identity) gives an identity's canonical labels ("" unknown). */
typedef const char *(*mon_labels_fn)(uint32_t identity, void *ctx);
bool mon_filter_match(const struct mon_filter *f, const struct mon_event *e, mon_labels_fn labels,
		      void *ctx);

const char *mon_type_name(uint8_t type);
int mon_type_from_name(const char *s);
const char *mon_verdict_name(uint8_t v);
int mon_verdict_from_name(const char *s);
/* The verdict of a drop reason. */
uint8_t mon_drop_verdict(uint32_t reason);

/* The event as the API gives it (labels: as mon_filter_match's). */
json_object *mon_event_json(const struct mon_event *e, const char *node, mon_labels_fn labels,
			    void *ctx);

#endif
