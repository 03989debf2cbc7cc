/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Published ports: uplink-addr:PORT/proto goes to a SNIC's address and
 * port (DNAT on the way in, the outside client's address kept, so policy
 * sees who it is); the SNIC's replies leave from uplink-addr:PORT again.
 * A flow to a published port is a new flow from the world to the SNIC:
 * conntrack, the SNIC's ingress policy and inspection apply as to any.
 */
#ifndef HYP_BPF_PUBLISH_H
#define HYP_BPF_PUBLISH_H

#include "pipeline.h"
#include "maps_nat.h"
#include "nat_csum.h"

/* The published destination of a packet to the uplink address; 0: none. */
static __always_inline int publish_lookup(const struct flow *f, struct hyp_nat_val *to)
{
	struct hyp_pub_key pk = {};
	const struct hyp_pub_val *v;

	if (f->key.proto != IPPROTO_TCP && f->key.proto != IPPROTO_UDP)
		return 0;
	pk.port = f->key.dport;
	pk.proto = f->key.proto;
	v = bpf_map_lookup_elem(&hyp_publish, &pk);
	if (!v)
		return 0;
	to->addr = v->addr;
	to->port = v->port;
	return 1;
}

/* The SNIC's reply (flow key k, as it carries it) of a flow to its
 * published port: from uplink-addr:PORT. */
static __always_inline int publish_reply_stage(struct __sk_buff *skb, const struct hyp_ct_key *k,
					       const struct hyp_uplink *u)
{
	struct hyp_pub_rev_key rk = {};
	__u16 *hp;

	rk.addr = k->saddr;
	rk.port = k->sport;
	rk.proto = k->proto;
	hp = bpf_map_lookup_elem(&hyp_pub_rev, &rk);
	if (!hp) /* an outside flow to a SNIC that is not published: not ours */
		return HYP_DROP_CT_INVALID;
	if (nat_rewrite(skb, 1, k->proto, k->saddr, u->ip, k->sport, *hp))
		return HYP_DROP_MALFORMED;
	return 0;
}

#endif /* HYP_BPF_PUBLISH_H */
